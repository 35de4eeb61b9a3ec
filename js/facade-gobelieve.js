// The ready facade of IMService (see ./facade.js): a plain JS class with the
// surface of the class over the engine (./engine/gobelieve.js) that exists
// before the wasm has loaded. Properties written before are checked
// (./checks.js), remembered and replayed; reads give the value written or the
// default; void calls are queued; sends return false, as while connecting.
import { GOBELIEVE_CALLS, GOBELIEVE_PROPERTIES, GOBELIEVE_SETUP, idValue, gobelieveOptions } from './checks.js';
import { pageIsSecure } from './host.js';
import { GOBELIEVE_CONSTANTS, GOBELIEVE_DEFAULTS, GOBELIEVE_STATES, gobelieveEndpoint } from './engine/gobelieve-codes.js';
import { defineIMService } from './engine/gobelieve.js';
import { installGobelieveApi, setupGobelieve } from './api/gobelieve.js';
import { observerWrapper } from './api/observe-gobelieve.js';
import { IDLE, constants, forward, forwardCalls, forwardReadOnly, guid, queueCall } from './facade-shared.js';

const GOBELIEVE_OBSERVERS = ['observer', 'peerMessageObserver', 'groupMessageObserver', 'customerMessageObserver',
  'rtMessageObserver', 'systemMessageObserver', 'roomMessageObserver'];
const GOBELIEVE_PROPS = Object.keys(GOBELIEVE_PROPERTIES).concat(GOBELIEVE_OBSERVERS);
const GOBELIEVE_QUEUED = ['start', 'stop', 'enterBackground', 'enterForeground', 'handleConnectivityChange',
  'enterRoom', 'leaveRoom', 'addSuperGroupSyncKey', 'removeSuperGroupSyncKey', 'clearSuperGroupSyncKey'];
const GOBELIEVE_SENDS = ['sendPeerMessage', 'sendGroupMessage', 'sendCustomerMessage', 'sendRTMessage', 'sendRoomMessage'];
/** The properties the IMService facade remembers before the wasm is ready (checked against the class by tests). */
export const FACADE_PROPERTIES = { IMService: GOBELIEVE_PROPS };

/**
 * The IMService facade class; `ctx` is the loader's (./facade.js):
 * `whenReady(f)`, `bind(facade, name, make)`, `wasmClass(name)`, `loaded()`.
 */
export function createGobelieveFacade(ctx) {
  const { whenReady, bind } = ctx;
  let real = null;
  /** The class over the loaded engine (the glue's `gobelieve_*` exports), made once. */
  function serviceClass() {
    const glue = ctx.loaded();
    if (!real) real = glue && typeof glue.gobelieve_create === 'function' ? defineIMService(glue) : ctx.wasmClass('IMService');
    return real;
  }
  class IMService {
    constructor(observer, options) {
      const given = gobelieveOptions(options); // throws the wasm's errors for bad options
      setupGobelieve(this, options); // logLevel, logger, getToken, outbox (js/api)
      this._real = null;
      this._failed = null;
      this._calls = [];
      this._props = { deviceID: IMService.guid() };
      if (observer !== undefined && observer !== null) this._props.observer = observer;
      // The options that are no property go to the wasm class's constructor.
      const setup = {};
      given.forEach(([k, v]) => (GOBELIEVE_SETUP[k] ? (setup[k] = v) : remember(this, k, v)));
      whenReady(() => bind(this, 'IMService', () => {
        const real = new (serviceClass())(undefined, setup);
        Object.keys(this._props).forEach((k) => { real[k] = handOver(this, k, this._props[k]); });
        // The engine always gets an `observer`, so the events fire without one.
        if (!('observer' in this._props)) real.observer = observerWrapper(this, 'observer', undefined);
        return real;
      }));
    }
    get connectState() {
      if (this._real) return this._real.connectState;
      if (this._failed) return GOBELIEVE_STATES.STATE_UNCONNECTED;
      // im.js reports CONNECTING from start() on; so does the facade while loading.
      const started = this._calls.reduce((s, [m]) => (m === 'start' ? true : m === 'stop' ? false : s), false);
      return started ? GOBELIEVE_STATES.STATE_CONNECTING : GOBELIEVE_STATES.STATE_UNCONNECTED;
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
      return guid();
    }
    static get wasmMemoryBytes() {
      return ctx.loaded() ? serviceClass().wasmMemoryBytes : 0;
    }
  }
  constants(IMService, GOBELIEVE_CONSTANTS);
  forwardProps(IMService.prototype, GOBELIEVE_PROPS, (f, name) => gobelieveDefault(f._props, name));
  // Observers: the engine gets wrappers that also emit the events; reads give the app's own object.
  GOBELIEVE_OBSERVERS.forEach((name) => {
    Object.defineProperty(IMService.prototype, name, {
      configurable: true,
      get() {
        return this._real ? (this._observers || {})[name] : gobelieveDefault(this._props, name);
      },
      set(v) {
        if (this._failed) throw this._failed;
        if (this._real) this._real[name] = handOver(this, name, v);
        else remember(this, name, v);
      },
    });
  });
  forwardReadOnly(IMService.prototype, IDLE);
  forwardCalls(IMService.prototype, GOBELIEVE_QUEUED, (f, name, args) => {
    if (GOBELIEVE_CALLS[name]) GOBELIEVE_CALLS[name](...args);
    queueCall(f, name, args);
  });
  forwardCalls(IMService.prototype, GOBELIEVE_SENDS, (f, name, args) => {
    GOBELIEVE_CALLS[name](...args);
    return false;
  });
  installGobelieveApi(IMService, (name, msg) => GOBELIEVE_CALLS[name](msg));

  return IMService;
}

/** The value the engine gets for property `name`: observers are wrapped (./api/observe-gobelieve.js). */
function handOver(f, name, v) {
  return GOBELIEVE_OBSERVERS.includes(name) ? observerWrapper(f, name, v) : v;
}

/** A property value before load: what was written, else the default. */
function gobelieveDefault(props, name) {
  if (props[name] !== undefined) return props[name];
  if (name === 'device_id') return props.deviceID;
  if (name === 'host' || name === 'port' || name === 'url') return gobelieveEndpoint(props, name, pageIsSecure());
  return GOBELIEVE_DEFAULTS[name];
}

const TIMINGS = ['ackTimeout', 'pingInterval', 'pongTimeout', 'reconnectDelay', 'reconnectMaxDelay', 'connectTimeout'];

/** Checks a write and remembers the value as the wasm would read it back. */
function remember(f, name, v) {
  const key = name === 'device_id' ? 'deviceID' : name;
  if (GOBELIEVE_PROPERTIES[name]) GOBELIEVE_PROPERTIES[name](v);
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
