// "Ready facades": plain JS classes with the IMService / IMClientManager
// surface that exist synchronously, before the wasm has loaded, and forward
// to the wasm objects once it has. Needed wherever loading is asynchronous
// but the API is not: `require("./im")` in a mini-program, a <script> tag.
//
// Before ready: property writes are remembered and replayed; `start()`,
// `login()` and the other void calls are queued; sends fail the way they do
// while connecting (IMService returns false, IMClientManager calls back 3).
// No Proxy (missing on old WeChat clients), so the surface is listed here;
// wasm methods not listed are forwarded too, once the wasm has loaded.

const GB_PROPS = ['host', 'port', 'protocol', 'url', 'protocolVersion', 'accessToken', 'deviceID', 'device_id',
  'platformID', 'syncKey', 'groupSyncKeys', 'observer', 'peerMessageObserver', 'groupMessageObserver',
  'customerMessageObserver', 'rtMessageObserver', 'systemMessageObserver', 'roomMessageObserver',
  'ackTimeout', 'pingInterval', 'pongTimeout', 'reconnectDelay', 'reconnectMaxDelay', 'connectTimeout'];
const GB_QUEUED = ['start', 'stop', 'enterBackground', 'enterForeground', 'handleConnectivityChange',
  'enterRoom', 'leaveRoom', 'addSuperGroupSyncKey', 'removeSuperGroupSyncKey', 'clearSuperGroupSyncKey'];
const GB_SENDS = ['sendPeerMessage', 'sendGroupMessage', 'sendCustomerMessage', 'sendCustomerSupportMessage',
  'sendRTMessage', 'sendRoomMessage', 'send'];
const GB_STATES = { STATE_UNCONNECTED: 0, STATE_CONNECTING: 1, STATE_CONNECTED: 2, STATE_CONNECTFAIL: 3, STATE_AUTHENTICATION_FAIL: 4 };
// Constants pages read before the wasm has loaded (e.g. `im.platformID = IMService.PLATFORM_ANDROID`).
const GB_CONSTANTS = Object.assign({
  MESSAGE_FLAG_TEXT: 1, MESSAGE_FLAG_UNPERSISTENT: 2, MESSAGE_FLAG_GROUP: 4, MESSAGE_FLAG_SELF: 8,
  MESSAGE_FLAG_PUSH: 16, MESSAGE_FLAG_SUPER_GROUP: 32,
  PLATFORM_IOS: 1, PLATFORM_ANDROID: 2, PLATFORM_WEB: 3, PLATFORM_WIN: 4, PLATFORM_OSX: 5,
}, GB_STATES);
// The seed's codes and packet types, as above.
const MIM_CONSTANTS = {
  COMMON_CODE_OK: 0, COMMON_NO_LOGIN: 1, COMMON_UNKNOW_ERROR: 2, COMMON_DATA_SEND_FAILD: 3, COMMON_INVALID_PROTOCAL: 4,
  BREOKEN_CONNECT_TO_SERVER: 201, BAD_CONNECT_TO_SERVER: 202, CLIENT_SDK_NO_INITIALED: 203,
  LOCAL_NETWORK_NOT_WORKING: 204, TO_SERVER_NET_INFO_NOT_SETUP: 205, RESPONSE_FOR_UNLOGIN: 301,
  FROM_CLIENT_TYPE_OF_LOGIN: 0, FROM_CLIENT_TYPE_OF_KEEP$ALIVE: 1, FROM_CLIENT_TYPE_OF_COMMON$DATA: 2,
  FROM_CLIENT_TYPE_OF_LOGOUT: 3, FROM_CLIENT_TYPE_OF_RECIVED: 4, FROM_CLIENT_TYPE_OF_ECHO: 5,
  FROM_SERVER_TYPE_OF_RESPONSE$LOGIN: 50, FROM_SERVER_TYPE_OF_RESPONSE$KEEP$ALIVE: 51,
  FROM_SERVER_TYPE_OF_RESPONSE$FOR$ERROR: 52, FROM_SERVER_TYPE_OF_RESPONSE$ECHO: 53,
  FROM_SERVER_TYPE_OF_RESPONSE$RECIVED: 54, FROM_SERVER_TYPE_OF_KICKOUT: 54,
};

/** The properties the IMService facade remembers before the wasm is ready (checked against the class by tests). */
export const FACADE_PROPERTIES = { IMService: GB_PROPS };

const MIM_QUEUED = ['login', 'logout', 'release', 'resetInitFlag'];
const MIM_SENDS = ['send'];
const MIM_LISTENERS = ['getBaseEventListener', 'getTransDataListener', 'getMessageQoSListener'];
/** The seed's "socket not open" code, given to send callbacks before the wasm is ready. */
const MIM_NOT_OPEN = 3;

/**
 * Returns `{IMService, IMClientManager, ready}`. `load()` must return a
 * Promise of an object holding the wasm classes; it is called once, on the
 * first call that needs the wasm (or on `ready()`).
 */
export function createFacades(load) {
  let glue = null;
  let loading = null;
  const waiting = [];

  function ready() {
    if (!loading) {
      loading = Promise.resolve().then(load).then((g) => {
        glue = g;
        // One facade failing (say, a class missing from the wasm) must not stop the others.
        waiting.splice(0).forEach((f) => {
          try {
            f(g);
          } catch (e) {
            report('binding to the wasm failed', e);
          }
        });
        return g;
      });
      loading.catch((e) => report('loading the wasm failed', e));
    }
    return loading;
  }
  function whenReady(f) {
    if (glue) f(glue);
    else {
      waiting.push(f);
      ready();
    }
  }
  function wasmClass(name) {
    const C = glue && glue[name];
    if (typeof C !== 'function') throw new Error('imsdk: the wasm module exports no ' + name);
    return C;
  }

  class IMService {
    constructor(...args) {
      this._real = null;
      this._props = {};
      this._calls = [];
      whenReady(() => {
        const real = new (wasmClass('IMService'))(...args);
        Object.keys(this._props).forEach((k) => { real[k] = this._props[k]; });
        this._real = real;
        this._calls.splice(0).forEach(([m, a]) => real[m](...a));
      });
      if (args[0] && typeof args[0] === 'object') this._props.observer = args[0];
    }
    get connectState() {
      if (this._real) return this._real.connectState;
      // im.js reports CONNECTING from start() on; so does the facade while loading.
      const started = this._calls.reduce((s, [m]) => (m === 'start' ? true : m === 'stop' ? false : s), false);
      return started ? GB_STATES.STATE_CONNECTING : GB_STATES.STATE_UNCONNECTED;
    }
    free() {
      if (this._real) this._real.free();
      this._real = null;
      this._calls.length = 0;
    }
    static guid() {
      return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
        const r = Math.floor(Math.random() * 16);
        return (c === 'x' ? r : (r & 3) | 8).toString(16);
      });
    }
  }
  Object.keys(GB_CONSTANTS).forEach((k) => { IMService[k] = GB_CONSTANTS[k]; });
  forwardProps(IMService.prototype, GB_PROPS);
  forwardCalls(IMService.prototype, GB_QUEUED, queueCall);
  forwardCalls(IMService.prototype, GB_SENDS, sendRefused);

  let current = null;
  class IMClientManager {
    constructor(options) {
      this._real = null;
      this._props = {};
      this._calls = [];
      whenReady(() => {
        const Real = wasmClass('IMClientManager');
        const real = typeof Real.getInstance === 'function' ? Real.getInstance(options) : new Real(options);
        this._real = real;
        this._calls.splice(0).forEach(([m, a]) => real[m](...a));
      });
    }
    /** The seed's singleton: a new manager after release(), else the existing one. */
    static getInstance(options) {
      if (!current) current = new IMClientManager(options);
      return current;
    }
    static getInitFlag() {
      return !!current;
    }
    release() {
      if (current === this) current = null;
      if (this._real) this._real.release();
      else this._calls.push(['release', []]);
    }
    free() {
      if (this._real && this._real.free) this._real.free();
      this._real = null;
    }
  }
  Object.keys(MIM_CONSTANTS).forEach((k) => { IMClientManager[k] = MIM_CONSTANTS[k]; });
  forwardCalls(IMClientManager.prototype, MIM_QUEUED.filter((m) => m !== 'release'), queueCall);
  forwardCalls(IMClientManager.prototype, MIM_SENDS, sendCallsBackNotOpen);
  forwardCalls(IMClientManager.prototype, MIM_LISTENERS, nothingYet);

  // Once loaded, copy the wasm statics (MSG_*, PLATFORM_*, ...) and forward
  // any method or accessor the lists above do not name.
  waiting.push(() => {
    adoptRest(IMService, glue.IMService);
    adoptRest(IMClientManager, glue.IMClientManager);
  });

  return { IMService, IMClientManager, ready };
}

function forwardProps(proto, names) {
  names.forEach((name) => {
    Object.defineProperty(proto, name, {
      configurable: true,
      get() {
        return this._real ? this._real[name] : this._props[name];
      },
      set(v) {
        if (this._real) this._real[name] = v;
        else this._props[name] = v;
      },
    });
  });
}

function forwardCalls(proto, names, early) {
  names.forEach((name) => {
    proto[name] = function (...args) {
      if (this._real) return this._real[name](...args);
      return early.call(this, name, args);
    };
  });
}

// Replayed in order once ready; a stop() cancels a start() still waiting, so
// no socket is opened just to be closed.
function queueCall(name, args) {
  const startAt = this._calls.findIndex(([m]) => m === 'start');
  if (name === 'stop' && startAt >= 0) this._calls.splice(startAt, 1);
  else this._calls.push([name, args]);
}
function sendRefused() {
  return false;
}
function sendCallsBackNotOpen(name, args) {
  const cb = args[0] && args[0].callBack;
  if (typeof cb === 'function') cb(MIM_NOT_OPEN);
}
function nothingYet() {
  return undefined;
}

function adoptRest(Facade, Real) {
  if (typeof Real !== 'function') return;
  Object.getOwnPropertyNames(Real).forEach((k) => {
    if (k in Facade || /^(length|name|prototype|caller|arguments|__wrap)$/.test(k)) return;
    const d = Object.getOwnPropertyDescriptor(Real, k);
    if (typeof d.value === 'function') Facade[k] = (...a) => Real[k](...a);
    else if (d.get) Object.defineProperty(Facade, k, { configurable: true, get: () => Real[k] });
    else Facade[k] = d.value;
  });
  Object.getOwnPropertyNames(Real.prototype).forEach((k) => {
    if (k in Facade.prototype || k === 'constructor' || k.startsWith('__')) return;
    const d = Object.getOwnPropertyDescriptor(Real.prototype, k);
    if (typeof d.value === 'function') {
      Facade.prototype[k] = function (...a) {
        return this._real[k](...a);
      };
    } else {
      Object.defineProperty(Facade.prototype, k, {
        configurable: true,
        get() {
          return this._real ? this._real[k] : this._props[k];
        },
        set(v) {
          if (this._real) this._real[k] = v;
          else this._props[k] = v;
        },
      });
    }
  });
}

function report(what, e) {
  if (typeof console !== 'undefined' && console.error) console.error('imsdk: ' + what + ':', e);
}
