// Loads the wasm once, from whatever the app handed to init(): a URL (string
// or URL), a Response or a promise of one, bytes, or a WebAssembly.Module.
// Shared by the npm entry and the <script> bundle; wasm-bindgen's own init
// does the instantiating, this only adds what it cannot do (file: URLs and
// plain paths in Node, whose fetch refuses them).

import { noteExports } from '../engine/exchange.js';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Returns `load(input?)` for `glue` (the glue module namespace): the first
 * call starts loading from `input` (or from `defaultInput()` when it is
 * undefined) and every call returns that first promise, so later inputs are
 * ignored. `readLocal(urlOrPath)`, when given, reads file: URLs and
 * scheme-less paths (Node only).
 */
export function createLoader(glue, defaultInput, readLocal) {
  let loading = null;
  return function load(input) {
    if (!loading) {
      loading = Promise.resolve(input === undefined ? defaultInput() : input)
        .then((src) => (readLocal && isLocal(src) ? readLocal(src) : src))
        .then((src) => glue.default({ module_or_path: src }))
        .then((exports) => noteExports(glue, exports));
    }
    return loading;
  };
}

function isLocal(src) {
  if (typeof URL === 'function' && src instanceof URL) return src.protocol === 'file:';
  return typeof src === 'string' && (src.startsWith('file:') || !SCHEME.test(src)) && inNode();
}

/** True under Node (not a browser or mini-program that happens to define `process`). */
export function inNode() {
  const p = typeof process !== 'undefined' ? process : null;
  return !!(p && p.versions && p.versions.node) && typeof window === 'undefined';
}
