// Entry of the npm package (bundled with the wasm-bindgen glue into
// dist/npm/index.js by scripts/build-npm.mjs). The classes are the "ready
// facades" of ../facade.js: usable at once, forwarding to the wasm once it
// has loaded, so `await init()` is recommended but not required.
import * as glue from 'imsdk-glue';
import { createFacades } from '../facade.js';
import { createLoader } from './load.js';
import { readLocal } from './node-file.js';

// The snippet copy the glue itself imports: one module, one WebSocket setting.
export { setWebSocketImpl } from 'imsdk-transport';

// Written literally so bundlers (webpack 5, Vite, Parcel) see the wasm as an asset of this module.
const defaultWasm = () => new URL('./imsdk_bg.wasm', import.meta.url);
const load = createLoader(glue.default, defaultWasm, readLocal);
const facades = createFacades(() => load(undefined).then(() => glue));

/**
 * Loads the wasm (default: imsdk_bg.wasm next to this file) from a URL, a
 * Response, bytes or a WebAssembly.Module. Idempotent: later calls return
 * the first call's promise and ignore their input.
 */
export function init(input) {
  load(input);
  return facades.ready().then(() => undefined);
}

/** Resolves once the wasm is loaded, starting the default load if nothing has. */
export function ready() {
  return facades.ready().then(() => undefined);
}

export const IMService = facades.IMService;
export const IMClientManager = facades.IMClientManager;
