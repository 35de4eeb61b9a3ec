// What every <script> bundle (dist/script/imsdk.js, gobelieve.js,
// mobileimsdk.js: IIFEs built by scripts/build-npm.mjs) does when it runs:
// defines its classes as globals synchronously, as im.js did, so inline page
// code can use them at once; the wasm loads in the background and queued
// calls (start, login, ...) take effect when it is ready. Also defines
// `imsdk` = {init, ready, setWebSocketImpl, IMError, and the classes}.
//
// Attributes of the <script> tag (both optional):
//   data-wasm="URL"    where the wasm is (default: the bundle's own wasm next to this script)
//   data-im-url="URL"  default GoBelieve URL for every IMService; a relative
//                      one ("/ws") is resolved against the page with ws:/wss:.
//                      Setting url, host, port or protocol on an instance replaces it.
import { createFacades } from '../facade.js';
import { createLoader } from '../npm/load.js';
import { IMError } from '../api/im-error.js';

const ENDPOINT = ['url', 'host', 'port', 'protocol'];

/**
 * Defines the globals for `glue` (the glue module namespace); `classes`
 * names the ones this bundle's wasm has; `wasmName` is its default file name.
 * Must run while the script first runs (document.currentScript).
 */
export function defineGlobals(glue, setWebSocketImpl, wasmName, classes) {
  const script = typeof document !== 'undefined' ? document.currentScript : null;
  const attr = (name) => (script && script.getAttribute(name)) || null;
  const scriptUrl = script && script.src ? script.src : typeof location !== 'undefined' ? location.href : '';
  const wasmUrl = new URL(attr('data-wasm') || wasmName, scriptUrl).href;

  const load = createLoader(glue, () => wasmUrl, null);
  const facades = createFacades(() => load(undefined).then(() => glue));
  const exported = {
    IMService: withDefaultUrl(facades.IMService, socketUrl(attr('data-im-url'))),
    IMClientManager: facades.IMClientManager,
  };
  const api = {
    init(input) {
      load(input);
      return facades.ready().then(() => undefined);
    },
    ready() {
      return facades.ready().then(() => undefined);
    },
    setWebSocketImpl,
    IMError,
  };
  const root = typeof window !== 'undefined' ? window : globalThis;
  classes.forEach((name) => {
    root[name] = api[name] = exported[name];
  });
  root.imsdk = api;
}

// IMService whose instances start at the script tag's URL; the page's own
// endpoint settings (options or properties) win over it.
function withDefaultUrl(Base, defaultImUrl) {
  if (!defaultImUrl) return Base;
  class IMService extends Base {
    constructor(...args) {
      super(...args);
      const options = args[1];
      if (!(options && ENDPOINT.some((k) => options[k] !== undefined))) {
        this.url = defaultImUrl;
        this._defaultUrl = true;
      }
    }
  }
  ENDPOINT.forEach((name) => {
    const base = Object.getOwnPropertyDescriptor(Base.prototype, name);
    Object.defineProperty(IMService.prototype, name, {
      configurable: true,
      get() {
        return base.get.call(this);
      },
      set(v) {
        if (this._defaultUrl) {
          this._defaultUrl = false;
          if (name !== 'url') Object.getOwnPropertyDescriptor(Base.prototype, 'url').set.call(this, undefined);
        }
        base.set.call(this, v);
      },
    });
  });
  return IMService;
}

function socketUrl(value) {
  if (!value || typeof location === 'undefined') return value;
  const u = new URL(value, location.href);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  return u.href;
}
