// Entry of the <script> bundle (dist/script/imsdk.js, an IIFE built by
// scripts/build-npm.mjs). Defines the globals IMService and IMClientManager
// synchronously, as im.js did, so inline page code can use them at once;
// the wasm loads in the background and queued calls (start, login, ...)
// take effect when it is ready. Also defines `imsdk` = {init, ready,
// setWebSocketImpl, IMService, IMClientManager}.
//
// Attributes of the <script> tag (both optional):
//   data-wasm="URL"    where the wasm is (default: imsdk_bg.wasm next to this script)
//   data-im-url="URL"  default GoBelieve URL for every IMService; a relative
//                      one ("/ws") is resolved against the page with ws:/wss:.
//                      Setting url, host, port or protocol on an instance replaces it.
import * as glue from 'imsdk-glue';
import { setWebSocketImpl } from 'imsdk-transport';
import { createFacades } from '../facade.js';
import { createLoader } from '../npm/load.js';

// document.currentScript is only set while this file first runs: read it now.
const script = typeof document !== 'undefined' ? document.currentScript : null;
const attr = (name) => (script && script.getAttribute(name)) || null;
const scriptUrl = script && script.src ? script.src : typeof location !== 'undefined' ? location.href : '';
const wasmUrl = new URL(attr('data-wasm') || 'imsdk_bg.wasm', scriptUrl).href;
const defaultImUrl = socketUrl(attr('data-im-url'));

const load = createLoader(glue.default, () => wasmUrl, null);
const facades = createFacades(() => load(undefined).then(() => glue));
const Base = facades.IMService;

class IMService extends Base {
  constructor(...args) {
    super(...args);
    const options = args[1];
    const own = options && ['url', 'host', 'port', 'protocol'].some((k) => options[k] !== undefined);
    if (defaultImUrl && !own) {
      this.url = defaultImUrl;
      this._defaultUrl = true;
    }
  }
}
// The page's own endpoint settings win over the script tag's default.
['url', 'host', 'port', 'protocol'].forEach((name) => {
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

function socketUrl(value) {
  if (!value || typeof location === 'undefined') return value;
  const u = new URL(value, location.href);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  return u.href;
}

function init(input) {
  load(input);
  return facades.ready().then(() => undefined);
}
function ready() {
  return facades.ready().then(() => undefined);
}

const root = typeof window !== 'undefined' ? window : globalThis;
root.IMService = IMService;
root.IMClientManager = facades.IMClientManager;
root.imsdk = { init, ready, setWebSocketImpl, IMService, IMClientManager: facades.IMClientManager };
