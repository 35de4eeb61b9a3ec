// "Ready facades": plain JS classes with the IMService / IMClientManager
// surface that exist synchronously, before the wasm has loaded, and forward
// to the wasm objects once it has. Needed wherever loading is asynchronous
// but the API is not: `require("./im")` in a mini-program, a <script> tag.
//
// Before ready:
// - every argument is checked at once with the wasm's own rules and errors
//   (./checks.js): a bad property, option or call throws where it was written;
// - property writes are remembered and replayed; reads give the value written
//   or the wasm's default;
// - `start()`, `login()` and the other void calls are queued, at most
//   QUEUED_CALLS_LIMIT per instance (one more throws a RangeError and is not
//   queued); a `stop()` cancels a queued `start()`;
// - sends fail the way they do while connecting (IMService returns false,
//   IMClientManager calls back 3).
// If a replayed call still fails once the wasm is there, the instance is
// dead: the failure is printed with the call that caused it, `ready()`
// rejects with it, and every later use of the instance throws it.
// No Proxy (missing on old WeChat clients), so the surface is listed here;
// tests/facade/parity.test.mjs checks it member by member against the wasm
// classes, so nothing needs forwarding by discovery.

import {
  IM_SERVICE_CALLS, IM_SERVICE_PROPERTIES, idValue, imServiceOptions, mimLogin, mimOptions, mimSend,
} from './checks.js';
import { pageIsSecure } from './host.js';
import { installGobelieveApi, setupGobelieve } from './api/gobelieve.js';
import { observerWrapper } from './api/observe-gobelieve.js';
import { installMobileimsdkApi, setupMobileimsdk, usesDeveloperApi } from './api/mobileimsdk.js';
import { wrapCallbackGroups } from './api/observe-mobileimsdk.js';
import { packageLog } from './api/log.js';

/** Calls an instance may queue before the wasm has loaded. */
export const QUEUED_CALLS_LIMIT = 1000;

const GB_OBSERVERS = ['observer', 'peerMessageObserver', 'groupMessageObserver', 'customerMessageObserver',
  'rtMessageObserver', 'systemMessageObserver', 'roomMessageObserver'];
const GB_PROPS = Object.keys(IM_SERVICE_PROPERTIES).concat(GB_OBSERVERS);
const GB_QUEUED = ['start', 'stop', 'enterBackground', 'enterForeground', 'handleConnectivityChange',
  'enterRoom', 'leaveRoom', 'addSuperGroupSyncKey', 'removeSuperGroupSyncKey', 'clearSuperGroupSyncKey'];
const GB_SENDS = ['sendPeerMessage', 'sendGroupMessage', 'sendCustomerMessage', 'sendRTMessage', 'sendRoomMessage'];
const GB_STATES = { STATE_UNCONNECTED: 0, STATE_CONNECTING: 1, STATE_CONNECTED: 2, STATE_CONNECTFAIL: 3, STATE_AUTHENTICATION_FAIL: 4 };
// Constants pages read before the wasm has loaded (e.g. `im.platformID = IMService.PLATFORM_ANDROID`).
const GB_CONSTANTS = Object.assign({
  MESSAGE_FLAG_TEXT: 1, MESSAGE_FLAG_UNPERSISTENT: 2, MESSAGE_FLAG_GROUP: 4, MESSAGE_FLAG_SELF: 8,
  MESSAGE_FLAG_PUSH: 16, MESSAGE_FLAG_SUPER_GROUP: 32,
  PLATFORM_IOS: 1, PLATFORM_ANDROID: 2, PLATFORM_WEB: 3, PLATFORM_WIN: 4, PLATFORM_OSX: 5,
}, GB_STATES);
/** The wasm's defaults, read before it has loaded (`host`, `port`, `url` are derived below). */
const GB_DEFAULTS = {
  protocol: undefined, accessToken: '', platformID: 3, protocolVersion: 2, syncKey: 0,
  ackTimeout: 5000, pingInterval: 180000, pongTimeout: 3000, reconnectDelay: 1000, reconnectMaxDelay: 60000,
  connectTimeout: 20000,
};
const GB_DEFAULT_HOST = 'imnode2.gobelieve.io';
/** Diagnostics before the wasm has loaded: nothing is open or armed yet. */
const IDLE = { openSocketCount: 0, timerArmed: false, watchingEnvironment: false, lastClose: undefined };
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

const MIM_QUEUED = ['login', 'logout'];
const MIM_LISTENERS = { getBaseEventListener: 'chatBaseCB', getTransDataListener: 'chatTransDataCB', getMessageQoSListener: 'messageQoSCB' };
const MIM_IDLE = Object.assign({ loggedIn: false, connected: false }, IDLE);
/** The seed's "socket not open" code, given to send callbacks before the wasm is ready. */
const MIM_NOT_OPEN = 3;
const MIM_INVALID = 4;
const NOT_INITIALISED = 203;

/**
 * Returns `{IMService, IMClientManager, ready}`. `load()` must return a
 * Promise of an object holding the wasm classes; it is called once, on the
 * first call that needs the wasm (or on `ready()`).
 */
export function createFacades(load) {
  let glue = null;
  let loading = null;
  let replayFailure = null;
  const waiting = [];

  function ready() {
    if (!loading) {
      loading = Promise.resolve().then(load).then((g) => {
        glue = g;
        waiting.splice(0).forEach((f) => f(g));
        return g;
      });
      loading.catch((e) => report('loading the wasm failed', e));
    }
    return loading.then((g) => {
      if (replayFailure) throw replayFailure;
      return g;
    });
  }
  function whenReady(f) {
    if (glue) f(glue);
    else {
      waiting.push(f);
      ready().catch(() => {});
    }
  }
  function wasmClass(name) {
    const C = glue && glue[name];
    if (typeof C !== 'function') throw new Error('imsdk: the wasm module exports no ' + name);
    return C;
  }
  /** Builds the wasm object of `facade` and replays its queued calls; a failure kills the facade. */
  function bind(facade, cls, make) {
    let step = cls + ' construction';
    try {
      const real = make();
      facade._real = real;
      for (const [m, a] of facade._calls.splice(0)) {
        step = cls + '.' + m + '()';
        real[m](...a);
      }
    } catch (e) {
      const err = new Error('imsdk: ' + step + ' failed when replayed after the wasm loaded: ' + ((e && e.message) || e));
      err.cause = e;
      facade._failed = err;
      facade._calls.length = 0;
      if (!replayFailure) replayFailure = err;
      report(step + ' failed when replayed', e);
    }
  }

  class IMService {
    constructor(observer, options) {
      const given = imServiceOptions(options); // throws the wasm's errors for bad options
      setupGobelieve(this, options); // logLevel, logger, getToken, outbox (js/api)
      this._real = null;
      this._failed = null;
      this._calls = [];
      this._props = { deviceID: IMService.guid() };
      if (observer !== undefined && observer !== null) this._props.observer = observer;
      given.forEach(([k, v]) => remember(this, k, v));
      whenReady(() => bind(this, 'IMService', () => {
        const real = new (wasmClass('IMService'))(undefined, undefined);
        Object.keys(this._props).forEach((k) => { real[k] = handOver(this, k, this._props[k]); });
        // The engine always gets an `observer`, so the events fire without one.
        if (!('observer' in this._props)) real.observer = observerWrapper(this, 'observer', undefined);
        return real;
      }));
    }
    get connectState() {
      if (this._real) return this._real.connectState;
      if (this._failed) return GB_STATES.STATE_UNCONNECTED;
      // im.js reports CONNECTING from start() on; so does the facade while loading.
      const started = this._calls.reduce((s, [m]) => (m === 'start' ? true : m === 'stop' ? false : s), false);
      return started ? GB_STATES.STATE_CONNECTING : GB_STATES.STATE_UNCONNECTED;
    }
    /** Stops the service (a started one otherwise stays alive until `stop()`) and frees the wasm object. */
    free() {
      const real = this._real;
      this._real = null;
      this._calls.length = 0;
      this._failed = new Error('imsdk: this IMService was freed');
      if (real) {
        real.stop();
        real.free();
      }
    }
    static guid() {
      return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
        const r = Math.floor(Math.random() * 16);
        return (c === 'x' ? r : (r & 3) | 8).toString(16);
      });
    }
    static get wasmMemoryBytes() {
      return glue ? wasmClass('IMService').wasmMemoryBytes : 0;
    }
  }
  constants(IMService, GB_CONSTANTS);
  forwardProps(IMService.prototype, GB_PROPS, (f, name) => gbDefault(f._props, name));
  // Observers: the engine gets wrappers that also emit the events; reads give the app's own object.
  GB_OBSERVERS.forEach((name) => {
    Object.defineProperty(IMService.prototype, name, {
      configurable: true,
      get() {
        return this._real ? (this._observers || {})[name] : gbDefault(this._props, name);
      },
      set(v) {
        if (this._failed) throw this._failed;
        if (this._real) this._real[name] = handOver(this, name, v);
        else remember(this, name, v);
      },
    });
  });
  forwardReadOnly(IMService.prototype, IDLE);
  forwardCalls(IMService.prototype, GB_QUEUED, (f, name, args) => {
    if (IM_SERVICE_CALLS[name]) IM_SERVICE_CALLS[name](...args);
    queueCall(f, name, args);
  });
  forwardCalls(IMService.prototype, GB_SENDS, (f, name, args) => {
    IM_SERVICE_CALLS[name](...args);
    return false;
  });
  installGobelieveApi(IMService, (name, msg) => IM_SERVICE_CALLS[name](msg));

  let current = null;
  let initFlag = false;
  class IMClientManager {
    /** Internal: use `IMClientManager.getInstance(options)`. */
    constructor(options) {
      this._real = null;
      this._failed = null;
      this._calls = [];
      this._options = options;
      setupMobileimsdk(this, options); // logLevel, logger, getToken, outbox (js/api)
      whenReady(() => bind(this, 'IMClientManager', () => wasmClass('IMClientManager').getInstance(
        usesDeveloperApi(options) ? wrapCallbackGroups(this, options) : options)));
    }
    /**
     * The seed's singleton: with `options`, a new manager when none exists or
     * after `release()` / `resetInitFlag()` (the previous one is released);
     * otherwise the existing one. Options are checked at once.
     */
    static getInstance(options) {
      const given = options !== undefined && options !== null;
      if (current && (initFlag || !given)) return current;
      if (!given) {
        throw codeError(NOT_INITIALISED, 'IMClientManager is not initialised (CLIENT_SDK_NO_INITIALED, 203): '
          + 'call IMClientManager.getInstance(options) first');
      }
      mimOptions(options);
      // The wasm's getInstance releases the previous manager when it builds the next.
      current = new IMClientManager(options);
      initFlag = true;
      return current;
    }
    static getInitFlag() {
      return !!current && initFlag;
    }
    static get wasmMemoryBytes() {
      return glue ? wasmClass('IMClientManager').wasmMemoryBytes : 0;
    }
    get isSharedInstance() {
      return current === this;
    }
    resetInitFlag() {
      initFlag = false;
      forward(this, 'resetInitFlag', [], queueCall);
    }
    release() {
      if (current === this) current = null;
      forward(this, 'release', [], queueCall);
    }
    send(args) {
      if (this._real || this._failed) return forward(this, 'send', [args]);
      // Before loading nothing can be connected: 3, as the README documents.
      let cb;
      try {
        cb = args !== null && typeof args === 'object' ? args.callBack : undefined;
      } catch (_) {
        cb = undefined;
      }
      const err = mimSend(args);
      if (err) {
        if (typeof cb === 'function') callBack(cb, MIM_INVALID, err);
        else this._log.warn(err.message);
      } else if (typeof cb === 'function') callBack(cb, MIM_NOT_OPEN);
      return undefined;
    }
    free() {
      const real = this._real;
      this._real = null;
      this._failed = new Error('imsdk: this IMClientManager was freed');
      if (real && real.free) real.free();
    }
  }
  constants(IMClientManager, MIM_CONSTANTS);
  forwardReadOnly(IMClientManager.prototype, MIM_IDLE);
  forwardCalls(IMClientManager.prototype, MIM_QUEUED, (f, name, args) => {
    if (name === 'login') mimLogin(args[0]);
    queueCall(f, name, args);
  });
  Object.keys(MIM_LISTENERS).forEach((name) => {
    IMClientManager.prototype[name] = function () {
      const o = this._options;
      if (this._real || this._failed) {
        // The engine holds the wrapped groups (./api/observe-mobileimsdk.js); the app gets its own back.
        const v = forward(this, name, []);
        const wrapped = this._wrappedGroups;
        return wrapped && v === wrapped[MIM_LISTENERS[name]] ? o[MIM_LISTENERS[name]] : v;
      }
      return o[MIM_LISTENERS[name]];
    };
  });

  installMobileimsdkApi(IMClientManager, { checkSend: mimSend, checkLogin: mimLogin, makeFingerprint: IMService.guid });

  return { IMService, IMClientManager, ready };
}

/** The value the engine gets for property `name`: observers are wrapped (./api/observe-gobelieve.js). */
function handOver(f, name, v) {
  return GB_OBSERVERS.includes(name) ? observerWrapper(f, name, v) : v;
}

/** Read-only statics, as the wasm classes have them. */
function constants(C, table) {
  Object.keys(table).forEach((k) => Object.defineProperty(C, k, { configurable: true, get: () => table[k] }));
}

/** A property value before load: what was written, else the wasm's default. */
function gbDefault(props, name) {
  if (props[name] !== undefined) return props[name];
  if (name === 'device_id') return props.deviceID;
  if (name === 'host') return GB_DEFAULT_HOST;
  if (name === 'port') return pageIsSecure() ? 14891 : 13891;
  if (name === 'url') {
    const protocol = props.protocol || (pageIsSecure() ? 'wss://' : 'ws://');
    return protocol + gbDefault(props, 'host') + ':' + gbDefault(props, 'port') + '/ws';
  }
  return GB_DEFAULTS[name];
}

const TIMINGS = ['ackTimeout', 'pingInterval', 'pongTimeout', 'reconnectDelay', 'reconnectMaxDelay', 'connectTimeout'];

/** Checks a write and remembers the value as the wasm would read it back. */
function remember(f, name, v) {
  const key = name === 'device_id' ? 'deviceID' : name;
  if (IM_SERVICE_PROPERTIES[name]) IM_SERVICE_PROPERTIES[name](v);
  let value = v;
  if (name === 'syncKey') value = v === undefined || v === null ? 0 : idValue(v);
  else if (name === 'url' || name === 'protocol') value = v === null ? undefined : v;
  else if (TIMINGS.includes(name)) value = Math.floor(v);
  // `url = undefined` clears it in the wasm: re-adding keeps the replay in write order.
  delete f._props[key];
  f._props[key] = value;
}

function forwardProps(proto, names, early) {
  names.forEach((name) => {
    Object.defineProperty(proto, name, {
      configurable: true,
      get() {
        if (this._real) return this._real[name];
        return early(this, name);
      },
      set(v) {
        if (this._failed) throw this._failed;
        if (this._real) this._real[name] = v;
        else remember(this, name, v);
      },
    });
  });
}

function forwardReadOnly(proto, idle) {
  Object.keys(idle).forEach((name) => {
    if (Object.getOwnPropertyDescriptor(proto, name)) return;
    Object.defineProperty(proto, name, {
      configurable: true,
      get() {
        return this._real ? this._real[name] : idle[name];
      },
    });
  });
}

/** Calls that still reach the wasm object of a dead facade, so it can be cleaned up. */
const CLEANUP = ['stop', 'release'];

/** Calls the wasm object's `name`, or `early(facade, name, args)` before it exists. */
function forward(f, name, args, early) {
  if (f._failed && !(f._real && CLEANUP.includes(name))) throw f._failed;
  if (f._real) return f._real[name](...args);
  return early(f, name, args);
}

function forwardCalls(proto, names, early) {
  names.forEach((name) => {
    proto[name] = function (...args) {
      return forward(this, name, args, early);
    };
  });
}

// Replayed in order once ready; a stop() cancels a start() still waiting, so
// no socket is opened just to be closed.
function queueCall(f, name, args) {
  const startAt = f._calls.findIndex(([m]) => m === 'start');
  if (name === 'stop' && startAt >= 0) {
    f._calls.splice(startAt, 1);
    return;
  }
  if (f._calls.length >= QUEUED_CALLS_LIMIT) {
    throw new RangeError('imsdk: ' + QUEUED_CALLS_LIMIT + ' calls are already queued while the wasm loads; '
      + name + '() was not queued (await ready() first)');
  }
  f._calls.push([name, args]);
}

function callBack(cb, code, arg) {
  try {
    cb(code, arg);
  } catch (e) {
    report('send callBack threw', e);
  }
}

function codeError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}

function report(what, e) {
  packageLog.error(what + ':', e);
}
