// The ready facade of IMClientManager (see ./facade.js): the seed's singleton
// before the wasm has loaded, with every argument checked at once
// (./checks.js); `login` and `logout` are queued, `send` calls back 3 (not
// connected). Once loaded it forwards to the JS class over the engine
// (./engine/mobileimsdk.js).
import { mobileimsdkLogin, mobileimsdkOptions, mobileimsdkSend } from './checks.js';
import { MOBILEIMSDK_CONSTANTS } from './engine/mobileimsdk-codes.js';
import { defineIMClientManager } from './engine/mobileimsdk.js';
import { attachEngine, installMobileimsdkApi, setupMobileimsdk, usesDeveloperApi } from './api/mobileimsdk.js';
import { wrapCallbackGroups } from './api/observe-mobileimsdk.js';
import { IDLE, callBack, codeError, constants, forward, forwardCalls, forwardReadOnly, guid, queueCall } from './facade-shared.js';

const MOBILEIMSDK_QUEUED = ['login', 'logout'];
const MOBILEIMSDK_LISTENERS = { getBaseEventListener: 'chatBaseCB', getTransDataListener: 'chatTransDataCB', getMessageQoSListener: 'messageQoSCB' };
const MOBILEIMSDK_IDLE = Object.assign({ loggedIn: false, connected: false }, IDLE);
/** The seed's "socket not open" code (given to send callbacks before the wasm is ready), "invalid", "not initialised". */
const {
  COMMON_DATA_SEND_FAILD: MOBILEIMSDK_NOT_OPEN, COMMON_INVALID_PROTOCAL: MOBILEIMSDK_INVALID, CLIENT_SDK_NO_INITIALED: NOT_INITIALISED,
} = MOBILEIMSDK_CONSTANTS;

/** The IMClientManager facade class; `ctx` as for ./facade-gobelieve.js. */
export function createMobileimsdkFacade(ctx) {
  const { whenReady, bind } = ctx;
  let real = null;
  /** The class over the loaded engine (the glue's `mobileimsdk_*` exports), made once; or a class the glue provides itself. */
  function managerClass() {
    const glue = ctx.loaded();
    if (!real) real = glue && typeof glue.mobileimsdk_create === 'function' ? defineIMClientManager(glue) : ctx.wasmClass('IMClientManager');
    return real;
  }
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
      whenReady(() => bind(this, 'IMClientManager', () => {
        const real = managerClass().getInstance(usesDeveloperApi(options) ? wrapCallbackGroups(this, options) : options);
        attachEngine(this, real); // its events and log messages are this manager's
        return real;
      }));
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
      mobileimsdkOptions(options);
      // The wasm's getInstance releases the previous manager when it builds the next.
      current = new IMClientManager(options);
      initFlag = true;
      return current;
    }
    static getInitFlag() {
      return !!current && initFlag;
    }
    static get wasmMemoryBytes() {
      return ctx.loaded() ? managerClass().wasmMemoryBytes : 0;
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
      const err = mobileimsdkSend(args);
      if (err) {
        if (typeof cb === 'function') callBack(cb, MOBILEIMSDK_INVALID, err);
        else this._log.warn(err.message);
      } else if (typeof cb === 'function') callBack(cb, MOBILEIMSDK_NOT_OPEN);
      return undefined;
    }
    free() {
      const real = this._real;
      this._real = null;
      this._failed = new Error('imsdk: this IMClientManager was freed');
      if (real && real.free) real.free();
    }
  }
  constants(IMClientManager, MOBILEIMSDK_CONSTANTS);
  forwardReadOnly(IMClientManager.prototype, MOBILEIMSDK_IDLE);
  forwardCalls(IMClientManager.prototype, MOBILEIMSDK_QUEUED, (f, name, args) => {
    if (name === 'login') mobileimsdkLogin(args[0]);
    queueCall(f, name, args);
  });
  Object.keys(MOBILEIMSDK_LISTENERS).forEach((name) => {
    IMClientManager.prototype[name] = function () {
      const o = this._options;
      if (this._real || this._failed) {
        // The engine holds the wrapped groups (./api/observe-mobileimsdk.js); the app gets its own back.
        const v = forward(this, name, []);
        const wrapped = this._wrappedGroups;
        return wrapped && v === wrapped[MOBILEIMSDK_LISTENERS[name]] ? o[MOBILEIMSDK_LISTENERS[name]] : v;
      }
      return o[MOBILEIMSDK_LISTENERS[name]];
    };
  });

  installMobileimsdkApi(IMClientManager, { checkSend: mobileimsdkSend, checkLogin: mobileimsdkLogin, makeFingerprint: guid });


  return IMClientManager;
}
