// IMClientManager: the MobileIMSDK seed API (`srt-im-sdk`) over the wasm
// engine (src/engine/mobileimsdk), with official v6 semantics.
//
// The engine owns state and behaviour; this class owns the public names, the
// argument checks (../checks.js), the sockets (../transport.js, which refuses
// a frame over 64 KiB before it is copied anywhere), the one timer and the
// callbacks. Every input (an API call, a socket event, the timer) is one
// call into wasm that answers with one batch (./batch.js): socket work,
// timer changes and events, performed here in order. A batch that arrives
// while another is being performed (an app callback called back into the
// SDK) is appended to it, so events keep the engine's order.
//
// Decisions the seed leaves open (see shared/protocol/mobileimsdk.md §8):
// - `getInstance()` without options before any instance throws an Error
//   whose `code` is CLIENT_SDK_NO_INITIALED (203);
// - `login` throws a TypeError naming the field for unusable arguments;
//   every other outcome reaches `callBack(code)` once;
// - `send` never throws: bad arguments give `callBack(4, error)` naming the
//   field (without a callBack, a console warning);
// - `logout(callBack)`: 0 written, 1 not logged in, 3 not connected; then
//   the connection is released, the instance stays;
// - after `release()` the instance is spent (its calls report 203) and the
//   next `getInstance(options)` builds a fresh one.

import { OP_ARM_TIMER, OP_CLOSE, OP_CONNECT, OP_DISARM_TIMER, OP_EVENT, OP_SEND_TEXT, readBatch } from './batch.js';
import { exchange } from './exchange.js';
import {
  SETUP, SIGNAL_HIDDEN, SIGNAL_OFFLINE, SIGNAL_ONLINE, SIGNAL_SHOWN,
  encodeLogin, encodeLogout, encodeRelease, encodeSend, encodeSetup, encodeSignal,
} from './command.js';
import { MIM_CONSTANTS } from './mobileimsdk-codes.js';
import { MAX_FRAME_BYTES, field, mimLogin, mimOptions, mimSendRequest } from '../checks.js';
import { EVENT_BINARY, EVENT_CLOSED, EVENT_OPEN, EVENT_TEXT, openSocket } from '../transport.js';
import {
  ENV_APP_HIDE, ENV_APP_SHOW, ENV_HIDDEN, ENV_OFFLINE, ENV_ONLINE, ENV_VISIBLE,
  armTimer, disarmTimer, now, randomSeed, watchEnvironment,
} from '../host.js';
import { mimCodeError, mimError, mimKickout, mimProtocal } from '../observer.js';
import { logOf } from '../api/log.js';

// Event kinds of a batch (src/engine/mobileimsdk/event.rs).
const REPLY = 1;
const LOGIN_RESULT = 2;
const LOGIN_OK = 3;
const LOGIN_FAIL = 4;
const LINK_CLOSE = 5;
const RECONNECTING = 6;
const KICKOUT = 7;
const MESSAGE = 8;
const TRANS_ERROR = 9;
const LOST = 10;
const ACK = 11;
const WARNING = 12;
const STATE = 13;

const { COMMON_CODE_OK, COMMON_INVALID_PROTOCAL, CLIENT_SDK_NO_INITIALED } = MIM_CONSTANTS;
const MAX_TIMER_MS = 2147483647;

const SIGNALS = {
  [ENV_ONLINE]: SIGNAL_ONLINE, [ENV_OFFLINE]: SIGNAL_OFFLINE, [ENV_VISIBLE]: SIGNAL_SHOWN,
  [ENV_APP_SHOW]: SIGNAL_SHOWN, [ENV_HIDDEN]: SIGNAL_HIDDEN, [ENV_APP_HIDE]: SIGNAL_HIDDEN,
};

const TIMING_KEYS = {
  keepAliveInterval: SETUP.keepAliveInterval, keepAliveTimeout: SETUP.keepAliveTimeout,
  reloginInterval: SETUP.reloginInterval, qosCheckInterval: SETUP.qosCheckInterval,
  qosJustNow: SETUP.qosJustNow, connectTimeout: SETUP.connectTimeout,
};

/** The engine's setup for checked options (../checks.js `mimOptions`). */
function setup(o) {
  const pairs = [];
  if (o.srt) pairs.push([SETUP.dialectSrt, 1]);
  if (o.srtSeedAckAddressing !== undefined) pairs.push([SETUP.srtSeedAckAddressing, o.srtSeedAckAddressing ? 1 : 0]);
  // The sense mode first: explicit timings override it.
  if (o.senseSeconds !== undefined) pairs.push([SETUP.senseModeSeconds, o.senseSeconds]);
  for (const name of Object.keys(o.timings)) pairs.push([TIMING_KEYS[name], o.timings[name]]);
  if (o.qosMaxResends !== undefined) pairs.push([SETUP.qosMaxResends, o.qosMaxResends]);
  if (o.maxPending !== undefined) pairs.push([SETUP.maxPending, o.maxPending]);
  pairs.push([SETUP.seed, randomSeed()]);
  return encodeSetup(o.url, pairs);
}

const INTERNAL = {};

/**
 * The `mim_*` exports of `glue` as this class calls them: inputs as bytes or
 * text, each answering with its batch (a view, ./exchange.js).
 */
function mimEngine(glue) {
  const x = exchange(glue);
  return {
    mim_create: (setup) => glue.mim_create(x.put(setup)),
    mim_free: glue.mim_free,
    mim_command: (h, bytes, t) => x.batch(glue.mim_command(h, x.put(bytes), t)),
    mim_open: (h, conn, t) => x.batch(glue.mim_open(h, conn, t)),
    mim_text: (h, conn, text, t) => x.batch(glue.mim_text(h, conn, x.putText(text), t)),
    mim_binary: (h, conn, bytes, t) => x.batch(glue.mim_binary(h, conn, x.put(bytes), t)),
    mim_close: (h, conn, code, reason, error, t) => x.batch(glue.mim_close(h, conn, code, x.putText(reason), error, t)),
    mim_timer: (h, t) => x.batch(glue.mim_timer(h, t)),
    wasm_memory_bytes: glue.wasm_memory_bytes,
  };
}

/**
 * Returns the class IMClientManager over `glue`, the wasm-bindgen module
 * of a build with MobileIMSDK (its `mim_*` exports). Each call gives a class
 * with its own singleton.
 */
export function defineIMClientManager(glue) {
  const engine = mimEngine(glue);
  let current = null;
  let initFlag = false;

  /** Performs `bytes` (a batch) for `m`; returns the values of its reply, if any. */
  function run(m, bytes) {
    const records = readBatch(bytes);
    let first = 0;
    let reply = null;
    if (records.length && records[0].op === OP_EVENT && records[0].kind === REPLY) {
      reply = records[0].values;
      first = 1;
    }
    if (m._queue) {
      for (let i = first; i < records.length; i++) m._queue.push(records[i]);
      return reply;
    }
    const queue = first ? records.slice(first) : records;
    m._queue = queue;
    try {
      // The queue grows while it is performed (nested inputs append to it).
      for (let i = 0; i < queue.length; i++) perform(m, queue[i]);
    } finally {
      m._queue = null;
    }
    return reply;
  }

  function perform(m, r) {
    switch (r.op) {
      case OP_CONNECT: return connect(m, r.conn, r.url);
      case OP_SEND_TEXT: {
        const socket = m._sockets.get(r.conn);
        if (!socket) return undefined;
        try {
          socket.sendText(r.text);
        } catch (e) {
          logOf(m).error('sending a frame threw:', e);
          forget(m, r.conn);
          run(m, engine.mim_close(m._h, r.conn, 1006, 'send failed', true, now()));
        }
        return undefined;
      }
      case OP_CLOSE: return forget(m, r.conn);
      case OP_ARM_TIMER: {
        stopTimer(m);
        if (m._released) return undefined;
        m._timer = armTimer(() => {
          m._timer = null;
          run(m, engine.mim_timer(m._h, now()));
        }, Math.min(r.delayMs, MAX_TIMER_MS));
        return undefined;
      }
      case OP_DISARM_TIMER: return stopTimer(m);
      case OP_EVENT: return dispatch(m, r.kind, r.values);
      default: return undefined;
    }
  }

  function connect(m, conn, url) {
    if (m._released) return;
    try {
      m._sockets.set(conn, openSocket(url, conn, false, MAX_FRAME_BYTES, m._onSocket));
    } catch (e) {
      logOf(m).error('opening a socket threw:', e);
      run(m, engine.mim_close(m._h, conn, 1006, String((e && e.message) || e), true, now()));
    }
  }

  function socketEvent(m, conn, kind, data) {
    if (kind === EVENT_OPEN) run(m, engine.mim_open(m._h, conn, now()));
    else if (kind === EVENT_TEXT) run(m, engine.mim_text(m._h, conn, data, now()));
    else if (kind === EVENT_BINARY) run(m, engine.mim_binary(m._h, conn, data, now()));
    else if (kind === EVENT_CLOSED) {
      forget(m, conn);
      m._lastClose = data;
      run(m, engine.mim_close(m._h, conn, data.code >>> 0, String(data.reason), !!data.error, now()));
    }
  }

  function forget(m, conn) {
    const socket = m._sockets.get(conn);
    if (!socket) return;
    m._sockets.delete(conn);
    socket.close();
  }

  function stopTimer(m) {
    if (m._timer === null) return;
    disarmTimer(m._timer);
    m._timer = null;
  }

  /** Calls `group[name](a)`; anything it throws (reading the method runs app code too) goes to `m`'s log. */
  function call(m, group, name, a) {
    try {
      const f = group !== null && group !== undefined ? group[name] : undefined;
      if (typeof f === 'function') f.call(group, a);
    } catch (e) {
      logOf(m).error(name + ' threw:', e);
    }
  }

  /** Calls the app's `fn(a, b)` if it is a function (true then); what it throws goes to `m`'s log. */
  function invoke(m, fn, name, a, b) {
    if (typeof fn !== 'function') return false;
    try {
      fn(a, b);
    } catch (e) {
      logOf(m).error(name + ' threw:', e);
    }
    return true;
  }

  /** The protocal of the nine values of `v` from `at` (event.rs). */
  function protocal(v, at, retryCount) {
    return mimProtocal(v[at], v[at + 1], v[at + 2], v[at + 3], v[at + 4], v[at + 5], v[at + 6], v[at + 7], v[at + 8], retryCount);
  }

  /** The engine event `kind` with `v`: the seed's callback, and the event for the developer API. */
  function dispatch(m, kind, v) {
    const o = m._options;
    switch (kind) {
      case LOGIN_RESULT: {
        const cb = m._loginCallbacks.shift();
        if (cb !== undefined) invoke(m, cb, 'login callBack', v[0], undefined);
        break;
      }
      case LOGIN_OK:
        call(m, o.chatBaseCB, 'onLoginOrReloginSuccessCB', COMMON_CODE_OK);
        emit(m, 'connected', {});
        break;
      case LOGIN_FAIL:
        call(m, o.chatBaseCB, 'onLoginOrReloginFailCB', v[0]);
        emit(m, 'authFailed', { code: v[0] });
        break;
      case LINK_CLOSE:
        call(m, o.chatBaseCB, 'onLinkCloseMessageCB', v[0]);
        emit(m, 'closed', { code: v[1] === null ? undefined : v[1], reason: v[2] === null ? undefined : v[2], willRetry: v[3] });
        break;
      case RECONNECTING:
        emit(m, 'reconnecting', { attempt: v[0], delayMs: v[1] });
        break;
      case KICKOUT:
        call(m, o.chatBaseCB, 'onKickoutCB', mimKickout(v[0], v[1]));
        emit(m, 'kickedOut', { code: v[0], reason: v[1] });
        break;
      case MESSAGE: {
        const p = protocal(v, 0, 0);
        call(m, o.chatTransDataCB, 'onTransBufferCB', p);
        emit(m, 'message', { message: p });
        break;
      }
      case TRANS_ERROR:
        call(m, o.chatTransDataCB, 'onTransErrorCB', mimError(v[0], v[1]));
        break;
      case LOST: {
        const list = [];
        for (let at = 1; at < v.length; at += 9) list.push(protocal(v, at, v[0]));
        call(m, o.messageQoSCB, 'handleMessageLost', list);
        for (const p of list) emit(m, 'lost', { fp: p.fp, protocal: p });
        break;
      }
      case ACK:
        call(m, o.messageQoSCB, 'messagesBeReceivedCB', v[0]);
        emit(m, 'ack', { fp: v[0] });
        break;
      case WARNING:
        logOf(m).warn(v[0]);
        break;
      case STATE:
        m._state = v;
        break;
      default:
        break;
    }
  }

  /** The developer API's event, for whoever set `_onEvent` (its errors are reported, never rethrown). */
  function emit(m, name, detail) {
    const f = m._onEvent;
    if (typeof f !== 'function') return;
    try {
      f(name, detail);
    } catch (e) {
      logOf(m).error(name + ' listener threw:', e);
    }
  }

  /** The packet a refused `send` would have written (for its callBack). */
  function requestProtocal(req, from, fp) {
    return mimProtocal(false, MIM_CONSTANTS.FROM_CLIENT_TYPE_OF_COMMON$DATA, req.dataContent, from, req.to,
      fp === undefined ? (req.fp === undefined ? null : req.fp) : fp, req.qos, req.typeu, -1, 0);
  }

  function reportInvalid(m, cb, err) {
    if (!invoke(m, cb, 'send callBack', COMMON_INVALID_PROTOCAL, err)) logOf(m).warn(err.message);
  }

  /** Stops everything for good; true the first time. */
  function release(m) {
    if (m._released) return false;
    const undo = m._undoEnv;
    m._undoEnv = null;
    if (undo) undo();
    // The engine reports what ends (a pending login, lost messages) and closes the socket.
    run(m, engine.mim_command(m._h, encodeRelease(), now()));
    m._released = true;
    for (const conn of Array.from(m._sockets.keys())) forget(m, conn);
    stopTimer(m);
    // Spent: its engine goes (handle 0 reaches none, so a late socket event is dropped).
    engine.mim_free(m._h);
    m._h = 0;
    return true;
  }

  class IMClientManager {
    /** Internal: use `IMClientManager.getInstance(options)`. */
    constructor(key, options) {
      if (key !== INTERNAL) throw new TypeError('IMClientManager: use IMClientManager.getInstance(options)');
      const h = engine.mim_create(setup(options));
      if (!h) throw new Error('imsdk: the engine refused the options');
      this._h = h;
      this._options = options;
      this._sockets = new Map();
      this._timer = null;
      this._loginCallbacks = [];
      this._state = [false, false];
      this._lastClose = undefined;
      this._queue = null;
      this._released = false;
      // The developer API's hooks (../api/mobileimsdk.js `attachEngine`): its event listener and its log.
      this._onEvent = null;
      this._log = null;
      this._onSocket = (conn, kind, data) => socketEvent(this, conn, kind, data);
      this._undoEnv = watchEnvironment((kind) => {
        if (!this._released && SIGNALS[kind]) run(this, engine.mim_command(this._h, encodeSignal(SIGNALS[kind]), now()));
      });
    }

    /**
     * `getInstance(options?)`: the shared manager. With `options` (a
     * `WSOptions`: `wsUrl`, `chatBaseCB`, `chatTransDataCB`, `messageQoSCB`,
     * `dialect`, `senseMode`, timings in ms, `qosMaxResends`, `maxPending`)
     * it builds one when none exists, after `release()` or after
     * `resetInitFlag()` (the previous one is then released); otherwise it
     * returns the existing one. Without options and without an instance it
     * throws an Error with `code` 203.
     */
    static getInstance(options) {
      const given = options !== undefined && options !== null;
      if (current && (initFlag || !given)) return current;
      if (!given) {
        throw mimCodeError(CLIENT_SDK_NO_INITIALED, 'IMClientManager is not initialised (CLIENT_SDK_NO_INITIALED, 203): '
          + 'call IMClientManager.getInstance(options) first');
      }
      const manager = new IMClientManager(INTERNAL, mimOptions(options));
      const previous = current;
      current = manager;
      initFlag = true;
      if (previous) release(previous);
      return manager;
    }

    /** True while a shared instance exists and its init flag is set. */
    static getInitFlag() {
      return !!current && initFlag;
    }

    /** Bytes of wasm memory in use by the module (diagnostics; it never shrinks). */
    static get wasmMemoryBytes() {
      return engine.wasm_memory_bytes();
    }

    /** Clears the init flag: the next `getInstance(options)` builds a new manager (releasing this one). */
    resetInitFlag() {
      if (current) initFlag = false;
    }

    /**
     * `login({loginUserId | logiUserId, loginToken, app?, extra?, callBack?})`:
     * connects and logs in; `callBack(code)` fires once with the result (0
     * success, the server's code, or 201/202/203/204). Re-logins after a link
     * loss are automatic and reported through `chatBaseCB`.
     */
    login(args) {
      if (this._released) {
        invoke(this, field(args, 'callBack', 'login options'), 'login callBack', CLIENT_SDK_NO_INITIALED, undefined);
        return;
      }
      const info = mimLogin(args);
      // Queued first: the result may be in this very batch (e.g. 204 when offline).
      this._loginCallbacks.push(info.callBack);
      run(this, engine.mim_command(this._h, encodeLogin(info), now()));
    }

    /**
     * `send({dataContent, toId, Qos = true, fingerPrint?, typeu = 0, callBack?})`:
     * `callBack(code, protocal)` with 0 (written), 1 (not logged in), 3 (not
     * connected, or `maxPending` QoS messages already wait for their ACK) or
     * 203 (released); 4 with an Error naming the bad field; 206 when a QoS
     * send reuses the `fingerPrint` of a message still waiting for its ACK. A
     * QoS message then ends in exactly one of `messagesBeReceivedCB(fp)` or
     * `handleMessageLost` (also on logout, kick-out and release).
     */
    send(args) {
      let cb;
      if (args !== null && typeof args === 'object') {
        try {
          cb = args.callBack;
        } catch (_) {
          cb = undefined;
        }
      }
      const { error, req } = mimSendRequest(args);
      if (error) return reportInvalid(this, cb, error);
      if (this._released) return void invoke(this, cb, 'send callBack', CLIENT_SDK_NO_INITIALED, requestProtocal(req, '-1'));
      const reply = run(this, engine.mim_command(this._h, encodeSend(req), now())) || [COMMON_INVALID_PROTOCAL, '-1', null];
      const code = reply[0];
      if (code === COMMON_CODE_OK) invoke(this, cb, 'send callBack', code, requestProtocal(req, reply[1], reply[2]));
      else if (code === COMMON_INVALID_PROTOCAL) {
        reportInvalid(this, cb, new RangeError('send: the packet is over ' + MAX_FRAME_BYTES + ' bytes (dataContent is too long)'));
      } else invoke(this, cb, 'send callBack', code, requestProtocal(req, reply[1]));
      return undefined;
    }

    /**
     * Sends the logout packet when logged in, then releases the connection
     * and daemons; `callBack(code)`: 0 written, 1 not logged in, 3 not
     * connected, 203 released. The instance stays usable for a new `login`.
     */
    logout(callBack) {
      let code = CLIENT_SDK_NO_INITIALED;
      if (!this._released) {
        const reply = run(this, engine.mim_command(this._h, encodeLogout(), now()));
        code = reply ? reply[0] : COMMON_INVALID_PROTOCAL;
      }
      invoke(this, callBack, 'logout callBack', code, undefined);
    }

    /**
     * Stops every daemon, reports the QoS messages still waiting through
     * `handleMessageLost`, closes the socket whatever its state and removes
     * the network listeners. A pending `login` gets `callBack(201)`. The next
     * `getInstance(options)` builds a new manager.
     */
    release() {
      if (current === this) current = null;
      release(this);
    }

    /** As `release()` (which frees the engine too); kept as the former wasm-bindgen classes had `free()`. */
    free() {
      this.release();
    }

    /** The `chatBaseCB` object given to `getInstance`. */
    getBaseEventListener() {
      return this._options.chatBaseCB;
    }

    /** The `chatTransDataCB` object given to `getInstance`. */
    getTransDataListener() {
      return this._options.chatTransDataCB;
    }

    /** The `messageQoSCB` object given to `getInstance`. */
    getMessageQoSListener() {
      return this._options.messageQoSCB;
    }

    /** Sockets currently open by this manager (diagnostics and tests). */
    get openSocketCount() {
      return this._sockets.size;
    }

    /** True while a timer is armed (none after logout or release). */
    get timerArmed() {
      return this._timer !== null;
    }

    /** `{code, reason, error}` of the last connection that closed (e.g. 1009 for a frame over 64 KiB), or undefined. */
    get lastClose() {
      return this._lastClose;
    }

    /** True while the network/app listeners are registered (until `release()`). */
    get watchingEnvironment() {
      return this._undoEnv !== null;
    }

    /** True after a successful login until logout, release, kick-out or a 301. */
    get loggedIn() {
      return this._state[0];
    }

    /** True while the current connection is open and logged in. */
    get connected() {
      return this._state[1];
    }

    /** True when this object is the one `getInstance()` returns. */
    get isSharedInstance() {
      return current === this;
    }
  }
  for (const k of Object.keys(MIM_CONSTANTS)) {
    Object.defineProperty(IMClientManager, k, { configurable: true, get: () => MIM_CONSTANTS[k] });
  }
  return IMClientManager;
}
