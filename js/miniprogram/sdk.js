// What every mini-program bundle (dist/miniprogram*/imsdk.js, CommonJS) is
// built around. The wasm can only come from the code package through
// WXWebAssembly.instantiate(path), which is asynchronous, so the classes are
// ready facades (../facade.js) that load the wasm on first use from
// `DEFAULT_WASM_PATH` (or from whatever initMiniProgram() was given).
import { createFacades } from '../facade.js';
import { noteExports } from '../engine/exchange.js';

/** Default package path of the wasm; apps that put the SDK elsewhere call initMiniProgram(path) first. */
export const DEFAULT_WASM_PATH = '/imsdk/imsdk_bg.wasm.br';

/** Returns `{initMiniProgram, ready, IMService, IMClientManager}` for `glue` (the glue module namespace). */
export function createMiniProgramSdk(glue) {
  let chosenPath = null;
  let loaded = null;

  /**
   * Loads the wasm from `path`, an absolute path inside the code package
   * (`.wasm`, or `.wasm.br` from base library 2.14.0). Resolves to the raw
   * wasm-bindgen exports. Later calls return the first call's promise.
   */
  function initMiniProgram(path) {
    if (!loaded) {
      chosenPath = path || DEFAULT_WASM_PATH;
      const WXWA = typeof WXWebAssembly !== 'undefined' ? WXWebAssembly : undefined;
      loaded = WXWA
        ? WXWA.instantiate(chosenPath, glue.__wbg_get_imports()).then((res) => {
            // Documented as {instance, module}; third-party loaders also see a bare instance.
            const instance = res && res.instance ? res.instance : res;
            noteExports(glue, glue.__wbg_finalize_init(instance, res && res.module));
            return glue;
          })
        : Promise.reject(new Error('imsdk: WXWebAssembly is not available (base library >= 2.13.0 needed)'));
    }
    return loaded;
  }

  const facades = createFacades(() => initMiniProgram(chosenPath));
  return {
    initMiniProgram,
    /** Resolves once the wasm is loaded (starting the load from the default path if nothing else has). */
    ready: facades.ready,
    IMService: facades.IMService,
    IMClientManager: facades.IMClientManager,
  };
}
