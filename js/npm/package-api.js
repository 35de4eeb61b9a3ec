// What every npm entry (index.js, gobelieve.js, mobileimsdk.js) exports,
// built around its own wasm-bindgen glue and default wasm URL. The classes
// are the "ready facades" of ../facade.js: usable at once, forwarding to the
// wasm once it has loaded, so `await init()` is recommended but not required.
import { createFacades } from '../facade.js';
import { createLoader } from './load.js';
import { readLocal } from './node-file.js';

/**
 * Returns `{init, ready, IMService, IMClientManager}` for `glue` (the glue
 * module namespace); `defaultWasm()` gives the URL `init()` loads when it is
 * called without an argument.
 */
export function createPackage(glue, defaultWasm) {
  const load = createLoader(glue, defaultWasm, readLocal);
  const facades = createFacades(() => load(undefined).then(() => glue));
  return {
    /**
     * Loads the wasm (default: the one next to the entry) from a URL, a
     * Response, bytes or a WebAssembly.Module. Idempotent: later calls return
     * the first call's promise and ignore their input.
     */
    init(input) {
      load(input);
      return facades.ready().then(() => undefined);
    },
    /** Resolves once the wasm is loaded, starting the default load if nothing has. */
    ready() {
      return facades.ready().then(() => undefined);
    },
    IMService: facades.IMService,
    IMClientManager: facades.IMClientManager,
  };
}
