// IMService: the GoBelieve im.js API over the wasm engine (src/engine/gobelieve).
//
// The engine owns state and behaviour; this class owns the public names, the
// defaults, the argument checks (../checks.js), the sockets (../transport.js,
// which refuses a frame over the protocol limit before it is copied anywhere),
// the one timer and the observer calls. Every input (an API call, a socket
// event, the timer) is one call into wasm that answers with one batch
// (./batch.js): socket work, timer changes and events, performed here in
// order. A batch that arrives while another is being performed (an observer
// called back into the SDK) is appended to it, so events keep the engine's order.
//
// The object the page holds is a thin shell over its "core" (the engine
// handle, sockets, timer, observers): sockets, the timer and the environment
// listeners hold only the core, so a started service nobody references keeps
// running (as with im.js) while its object can be collected; a service that
// was never started and is collected frees its engine.

import { OP_ARM_TIMER, OP_CLOSE, OP_CONNECT, OP_DISARM_TIMER, OP_EVENT, OP_SEND_BINARY, readBatch } from './batch.js';
import { exchange } from './exchange.js';
import {
  GB_SIGNAL_BACKGROUND, GB_SIGNAL_FOREGROUND, GB_SIGNAL_OFFLINE, GB_SIGNAL_ONLINE, GB_SIGNAL_REACHABLE, SETTING,
  encodeAddSuperGroup, encodeClearSuperGroups, encodeGbSend, encodeGbSetup, encodeGbSignal, encodeRemoveSuperGroup,
  encodeRoom, encodeSet, encodeStart, encodeStop,
} from './gobelieve-command.js';
import { GB_CONSTANTS, GB_DEFAULTS, GB_MAX_FRAME, gbEndpoint } from './gobelieve-codes.js';
import { IM_SERVICE_CALLS, IM_SERVICE_PROPERTIES, IM_SERVICE_SETUP, idValue, imServiceOptions } from '../checks.js';
import { EVENT_BINARY, EVENT_CLOSED, EVENT_OPEN, EVENT_TEXT, openSocket } from '../transport.js';
import {
  ENV_APP_HIDE, ENV_APP_SHOW, ENV_OFFLINE, ENV_ONLINE, ENV_VISIBLE,
  armTimer, disarmTimer, now, pageIsSecure, randomSeed, reportError, warn, watchEnvironment,
} from '../host.js';
import { customerMessage, failure, imMessage, notify, relayMessage } from '../observer.js';
import { constants, guid } from '../facade-shared.js';

// Event kinds of a batch (src/engine/gobelieve/event.rs).
const REPLY = 1;
const STATE = 2;
const PEER_MESSAGE = 3;
const GROUP_MESSAGE = 4;
const CUSTOMER_MESSAGE = 5;
const RT_MESSAGE = 6;
const ROOM_MESSAGE = 7;
const SYSTEM_MESSAGE = 8;
const NOTIFICATION = 9;
const GROUP_NOTIFICATION = 10;
const ACK = 11;
const FAILURE = 12;
const SAVE_SYNC_KEY = 13;
const SAVE_SUPER_GROUP_SYNC_KEY = 14;
const SYNC_END = 15;
const RECONNECT_SCHEDULED = 16;
const AUTH_REFUSED = 17;
const WARNING = 18;
const SYNC_KEY = 19;

/** Reply codes of a refused send (event.rs `send_error`). */
const NOT_CONNECTED = 1;
const TOO_LONG = 2;
const OUTBOX_FULL = 3;

/** Failure reasons by code (event.rs `fail_reason`). */
const REASONS = ['refused', 'timeout', 'disconnected', 'stopped'];

/** Per message kind of ACK / FAILURE (0 peer, 1 group, 2 customer): [era-F role, ACK names, failure names]. */
const OUTCOMES = [
  ['peer', 'handlePeerMessageACK', 'handleMessageACK', 'handlePeerMessageFailure', 'handleMessageFailure'],
  ['group', 'handleGroupMessageACK', 'handleGroupMessageACK', 'handleGroupMessageFailure', 'handleGroupMessageFailure'],
  ['customer', 'handleCustomerMessageACK', 'handleCustomerMessageACK', 'handleCustomerMessageFailure', 'handleCustomerMessageFailure'],
];

/** The observer names of the engine's facts (js/api/observe-gobelieve.js answers them). */
const FACT_WARNING = '_warning';
const FACT_RECONNECT_SCHEDULED = '_reconnectScheduled';
const FACT_AUTH_REFUSED = '_authRefused';

const SIGNALS = {
  [ENV_ONLINE]: GB_SIGNAL_ONLINE, [ENV_VISIBLE]: GB_SIGNAL_ONLINE, [ENV_OFFLINE]: GB_SIGNAL_OFFLINE,
  [ENV_APP_HIDE]: GB_SIGNAL_BACKGROUND, [ENV_APP_SHOW]: GB_SIGNAL_FOREGROUND,
};

/** The observer properties: the era-E `observer`, then the era-F ones by role. */
const OBSERVERS = {
  observer: 'observer', peerMessageObserver: 'peer', groupMessageObserver: 'group',
  customerMessageObserver: 'customer', rtMessageObserver: 'rt', systemMessageObserver: 'system',
  roomMessageObserver: 'room',
};
const TIMINGS = ['ackTimeout', 'pingInterval', 'pongTimeout', 'reconnectDelay', 'reconnectMaxDelay', 'connectTimeout'];
/** The endpoint properties (kept here, composed into the URL at `start()`). */
const ENDPOINT = ['host', 'port', 'protocol', 'url'];
const MAX_TIMER_MS = 2147483647;

/**
 * The `gb_*` exports of `glue` as this class calls them: inputs as bytes or
 * text, each answering with its batch (a view, ./exchange.js).
 */
function gbEngine(glue) {
  const x = exchange(glue);
  return {
    gb_create: (setup) => glue.gb_create(x.put(setup)),
    gb_free: glue.gb_free,
    gb_command: (h, bytes, t) => x.batch(glue.gb_command(h, x.put(bytes), t)),
    gb_open: (h, conn, t) => x.batch(glue.gb_open(h, conn, t)),
    gb_binary: (h, conn, bytes, t) => x.batch(glue.gb_binary(h, conn, x.put(bytes), t)),
    gb_text: (h, conn, text, t) => x.batch(glue.gb_text(h, conn, x.putText(text), t)),
    gb_close: (h, conn, error, t) => x.batch(glue.gb_close(h, conn, error, t)),
    gb_timer: (h, t) => x.batch(glue.gb_timer(h, t)),
    wasm_memory_bytes: glue.wasm_memory_bytes,
  };
}

/**
 * Returns the class IMService over `glue`, the wasm-bindgen module of a
 * build with GoBelieve (its `gb_*` exports).
 */
export function defineIMService(glue) {
  const engine = gbEngine(glue);
  // Frees the engine of a service collected before it was ever started (or after stop()).
  const finalizer = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((c) => {
    c.orphan = true;
    if (!c.started) release(c);
  }) : null;

  /** Performs `bytes` (a batch) for core `c`; returns the values of its reply, if any. */
  function run(c, bytes) {
    const records = readBatch(bytes);
    let first = 0;
    let reply = null;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r.op !== OP_EVENT) continue;
      // The properties read the engine's latest value, even from a callback of an earlier event.
      if (r.kind === STATE) c.state = r.values[0];
      else if (r.kind === SYNC_KEY) c.syncKey = r.values[0];
      else if (r.kind === REPLY && i === 0) {
        reply = r.values;
        first = 1;
      }
    }
    if (c.queue) {
      for (let i = first; i < records.length; i++) c.queue.push(records[i]);
      return reply;
    }
    const queue = first ? records.slice(first) : records;
    c.queue = queue;
    try {
      // The queue grows while it is performed (nested inputs append to it).
      for (let i = 0; i < queue.length; i++) perform(c, queue[i]);
    } finally {
      c.queue = null;
    }
    return reply;
  }

  function perform(c, r) {
    switch (r.op) {
      case OP_CONNECT: return connect(c, r.conn, r.url);
      case OP_SEND_BINARY: {
        const socket = c.sockets.get(r.conn);
        if (!socket) return undefined;
        try {
          socket.sendOwned(r.bytes); // copied out of the batch by readBatch: nothing writes to it again
        } catch (e) {
          reportError('sending a frame', e);
          forget(c, r.conn);
          run(c, engine.gb_close(c.h, r.conn, true, now()));
        }
        return undefined;
      }
      case OP_CLOSE:
        // The SDK closes this socket itself (stop, timeout, refusal): its close is the transport's 1000.
        if (forget(c, r.conn)) c.lastClose = { code: 1000, reason: 'closed by the client', error: false };
        return undefined;
      case OP_ARM_TIMER:
        stopTimer(c);
        c.timer = armTimer(() => {
          c.timer = null;
          run(c, engine.gb_timer(c.h, now()));
        }, Math.min(r.delayMs, MAX_TIMER_MS));
        return undefined;
      case OP_DISARM_TIMER: return stopTimer(c);
      case OP_EVENT: return dispatch(c, r.kind, r.values);
      default: return undefined;
    }
  }

  function connect(c, conn, url) {
    try {
      c.sockets.set(conn, openSocket(url, conn, true, GB_MAX_FRAME, c.onSocket));
    } catch (e) {
      reportError('opening a socket', e);
      run(c, engine.gb_close(c.h, conn, true, now()));
    }
  }

  function socketEvent(c, conn, kind, data) {
    if (kind === EVENT_BINARY) run(c, engine.gb_binary(c.h, conn, data, now()));
    else if (kind === EVENT_OPEN) run(c, engine.gb_open(c.h, conn, now()));
    else if (kind === EVENT_TEXT) run(c, engine.gb_text(c.h, conn, data, now()));
    else if (kind === EVENT_CLOSED) {
      forget(c, conn);
      c.lastClose = data;
      run(c, engine.gb_close(c.h, conn, !!data.error, now()));
    }
  }

  /** Closes and forgets socket `conn`; false when it was already gone. */
  function forget(c, conn) {
    const socket = c.sockets.get(conn);
    if (!socket) return false;
    c.sockets.delete(conn);
    socket.close();
    return true;
  }

  function stopTimer(c) {
    if (c.timer === null) return;
    disarmTimer(c.timer);
    c.timer = null;
  }

  /** The caller's own object of a tracked send, handed back once by its ACK or failure. */
  function take(c, token) {
    const msg = c.sent.get(token);
    c.sent.delete(token);
    return msg;
  }

  /** The engine event `kind` with `v` as the observer calls of im.js (era F first, then era E). */
  function dispatch(c, kind, v) {
    const o = c.observers;
    switch (kind) {
      case STATE: return void notify(undefined, '', o.observer, 'onConnectState', v[0], undefined);
      case PEER_MESSAGE:
        return void notify(o.peer, 'handlePeerMessage', o.observer, 'handlePeerMessage', message(v), undefined);
      case GROUP_MESSAGE:
        return void notify(o.group, 'handleGroupMessage', o.observer, 'handleGroupMessage', message(v), undefined);
      case CUSTOMER_MESSAGE: {
        const m = customerMessage(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        return void notify(o.customer, 'handleCustomerMessage', o.observer, 'handleCustomerMessage', m, undefined);
      }
      case RT_MESSAGE: return void notify(o.rt, 'handleRTMessage', o.observer, 'handleRTMessage', relay(v), undefined);
      case ROOM_MESSAGE: return void notify(o.room, 'handleRoomMessage', o.observer, 'handleRoomMessage', relay(v), undefined);
      case SYSTEM_MESSAGE: return void notify(o.system, 'handleSystemMessage', o.observer, 'handleSystemMessage', v[0], undefined);
      case NOTIFICATION: return void notify(undefined, '', o.observer, 'handleNotification', v[0], undefined);
      case GROUP_NOTIFICATION:
        return void notify(o.group, 'handleGroupNotification', o.observer, 'handleGroupNotification', v[0], undefined);
      case ACK: {
        const [role, name, fallback] = OUTCOMES[v[0]];
        return void notify(o[role], name, o.observer, fallback, take(c, v[1]), undefined);
      }
      case FAILURE: {
        const [role, , , name, fallback] = OUTCOMES[v[0]];
        const why = failure(REASONS[v[2]], v[3] === null ? undefined : v[3]);
        return void notify(o[role], name, o.observer, fallback, take(c, v[1]), why);
      }
      case SAVE_SYNC_KEY: return void notify(undefined, '', o.observer, 'saveSyncKey', v[0], undefined);
      case SAVE_SUPER_GROUP_SYNC_KEY: return void notify(undefined, '', o.observer, 'saveSuperGroupSyncKey', v[0], v[1]);
      case SYNC_END: return void notify(undefined, '', o.observer, 'handleSyncEnd', v[0], undefined);
      case RECONNECT_SCHEDULED: return void notify(undefined, '', o.observer, FACT_RECONNECT_SCHEDULED, v[0], undefined);
      case AUTH_REFUSED: return void notify(undefined, '', o.observer, FACT_AUTH_REFUSED, v[0], undefined);
      case WARNING:
        // Through the instance's log where the facade's observer wrapper answers; to the console otherwise.
        if (!notify(undefined, '', o.observer, FACT_WARNING, v[0], undefined)) warn(v[0]);
        return undefined;
      default: return undefined;
    }
  }

  function message(v) {
    return imMessage(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
  }

  function relay(v) {
    return relayMessage(v[0], v[1], v[2], v[3], v[4], v[5]);
  }

  function command(c, bytes) {
    return run(c, engine.gb_command(c.h, bytes, now()));
  }

  /** Drops the engine of `c` for good (its sockets and timer are gone by then). */
  function release(c) {
    if (!c.h) return;
    engine.gb_free(c.h);
    c.h = 0;
  }

  /** A send the engine tracks (`tracked`) or not: true when written, false when not connected. */
  function send(service, name, msg, tracked) {
    const c = service._c;
    const m = IM_SERVICE_CALLS[name](msg);
    const reply = command(c, encodeGbSend(name, m)) || [NOT_CONNECTED];
    switch (reply[0]) {
      case 0:
        if (tracked) c.sent.set(reply[1], msg);
        return true;
      case TOO_LONG: throw new RangeError('msg.content is over the protocol limit');
      case OUTBOX_FULL:
        warn('too many messages await an ACK; send refused');
        return false;
      default: return false;
    }
  }

  /**
   * GoBelieve IM client with the `im.js` API: `new IMService(observer)`,
   * set `accessToken`, `start()`, then `sendPeerMessage(msg)` and friends.
   * A started service stays alive until `stop()`, as with im.js, even when
   * the page keeps no reference to it: neither the garbage collector nor
   * `free()` stops it (the ready facade's `free()` calls `stop()` first).
   */
  class IMService {
    /**
     * `new IMService(observer?, options?)`. `options` may set any property
     * of the service (`host`, `port`, `protocol`, `url`, `accessToken`,
     * `deviceID`, `platformID`, `syncKey`, `protocolVersion`, `ackTimeout`,
     * `pingInterval`, `pongTimeout`, `reconnectDelay`, `reconnectMaxDelay`,
     * `connectTimeout`; times in milliseconds), and `maxPending`, the most
     * messages awaiting their ACK (default 10,000; at the bound a send
     * returns false and writes nothing).
     */
    constructor(observer, options) {
      const given = imServiceOptions(options); // TypeError / RangeError naming the option
      const props = Object.assign({}, GB_DEFAULTS, { deviceID: guid() });
      const endpoint = { host: undefined, port: undefined, protocol: undefined, url: undefined };
      const pairs = [[SETTING.deviceID, props.deviceID]];
      for (const [name, v] of given) {
        if (ENDPOINT.includes(name)) endpoint[name] = v === null ? undefined : v;
        else if (IM_SERVICE_SETUP[name]) pairs.push([SETTING[name], v]);
        else {
          props[name] = stored(name, v);
          pairs.push([SETTING[name], v]);
        }
      }
      const h = engine.gb_create(encodeGbSetup(randomSeed(), pairs));
      if (!h) throw new Error('imsdk: the engine refused the options');
      const c = {
        h, props, endpoint, state: 0, syncKey: props.syncKey, sockets: new Map(), timer: null, lastClose: undefined,
        queue: null, sent: new Map(), started: false, orphan: false, undoEnv: null,
        observers: { observer: undefined, peer: undefined, group: undefined, customer: undefined, rt: undefined, system: undefined, room: undefined },
        onSocket: null,
      };
      c.onSocket = (conn, kind, data) => socketEvent(c, conn, kind, data);
      this._c = c;
      if (observer !== undefined && observer !== null) c.observers.observer = observer;
      if (finalizer) finalizer.register(this, c, c);
    }

    /** Starts connecting (and reconnecting) until `stop()`. */
    start() {
      const c = this._c;
      const url = this.url;
      c.started = true;
      if (c.undoEnv === null) {
        c.undoEnv = watchEnvironment((kind) => {
          if (SIGNALS[kind]) command(c, encodeGbSignal(SIGNALS[kind]));
        });
      }
      command(c, encodeStart(url));
    }

    /** Closes the connection now: pending messages fail, state becomes 0. */
    stop() {
      const c = this._c;
      const undo = c.undoEnv;
      c.undoEnv = null;
      if (undo) undo();
      command(c, encodeStop());
      c.started = false;
      if (c.orphan) release(c);
    }

    /** Sends `{sender, receiver, content, timestamp?, msgLocalID?}`; false when not connected. */
    sendPeerMessage(msg) {
      return send(this, 'sendPeerMessage', msg, true);
    }

    /** Sends a group message (`receiver` is the group id); false when not connected. */
    sendGroupMessage(msg) {
      return send(this, 'sendGroupMessage', msg, true);
    }

    /** Sends `{senderAppID, sender, receiverAppID, receiver, content, timestamp?}` (cmd 64). */
    sendCustomerMessage(msg) {
      return send(this, 'sendCustomerMessage', msg, true);
    }

    /** Sends a real-time message (not stored, not acknowledged). */
    sendRTMessage(msg) {
      return send(this, 'sendRTMessage', msg, false);
    }

    /** Sends a message to the room entered with `enterRoom` (`receiver` = room id). */
    sendRoomMessage(msg) {
      return send(this, 'sendRoomMessage', msg, false);
    }

    /** Enters a chat room (one at a time); re-entered after every reconnect. */
    enterRoom(roomID) {
      IM_SERVICE_CALLS.enterRoom(roomID);
      command(this._c, encodeRoom(true, roomID));
    }

    /** Leaves the room if it is the current one. */
    leaveRoom(roomID) {
      IM_SERVICE_CALLS.leaveRoom(roomID);
      command(this._c, encodeRoom(false, roomID));
    }

    /** Registers a super group and its sync position (synced on the next connect). */
    addSuperGroupSyncKey(groupID, syncKey) {
      IM_SERVICE_CALLS.addSuperGroupSyncKey(groupID, syncKey);
      command(this._c, encodeAddSuperGroup(groupID, syncKey));
    }

    removeSuperGroupSyncKey(groupID) {
      IM_SERVICE_CALLS.removeSuperGroupSyncKey(groupID);
      command(this._c, encodeRemoveSuperGroup(groupID));
    }

    clearSuperGroupSyncKey() {
      command(this._c, encodeClearSuperGroups());
    }

    /** The app went to the background: disconnect until `enterForeground()`. */
    enterBackground() {
      command(this._c, encodeGbSignal(GB_SIGNAL_BACKGROUND));
    }

    enterForeground() {
      command(this._c, encodeGbSignal(GB_SIGNAL_FOREGROUND));
    }

    /** `'wifi'` or `'cell'` (any case) reconnects now; anything else suspends. */
    handleConnectivityChange(reach) {
      const reachable = typeof reach === 'string' && /^(wifi|cell)$/i.test(reach);
      command(this._c, encodeGbSignal(reachable ? GB_SIGNAL_REACHABLE : GB_SIGNAL_OFFLINE));
    }

    /**
     * Frees the engine of a stopped service; a started one keeps running
     * until `stop()` (which then frees it).
     */
    free() {
      const c = this._c;
      c.orphan = true;
      if (finalizer) finalizer.unregister(c);
      if (!c.started) release(c);
    }

    /** Current state: one of the `STATE_*` values. */
    get connectState() {
      return this._c.state;
    }

    /** Sockets currently open by this service (diagnostics and tests). */
    get openSocketCount() {
      return this._c.sockets.size;
    }

    /** True while a timer is armed (diagnostics and tests: nothing runs after `stop()`). */
    get timerArmed() {
      return this._c.timer !== null;
    }

    /** True while the network/visibility listeners are registered (from `start()` to `stop()`). */
    get watchingEnvironment() {
      return this._c.undoEnv !== null;
    }

    /** `{code, reason, error}` of the last connection that closed (e.g. 1009 for a frame over the limit), or undefined. */
    get lastClose() {
      return this._c.lastClose;
    }

    /** The peer-queue sync position; restore it from storage before `start()`. */
    get syncKey() {
      return this._c.syncKey;
    }

    set syncKey(v) {
      IM_SERVICE_PROPERTIES.syncKey(v);
      const c = this._c;
      c.syncKey = stored('syncKey', v);
      command(c, encodeSet(SETTING.syncKey, v));
    }

    /** A random `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` identifier. */
    static guid() {
      return guid();
    }

    /** Bytes of wasm memory in use by the module (diagnostics; it never shrinks). */
    static get wasmMemoryBytes() {
      return engine.wasm_memory_bytes();
    }
  }

  constants(IMService, GB_CONSTANTS);
  const proto = IMService.prototype;
  // Server host name (default imnode2.gobelieve.io), port (13891, or 14891 on an https: page),
  // protocol ("ws://" or "wss://"; unset: from the page) and the full URL (overrides the other three).
  for (const name of ENDPOINT) {
    accessor(proto, name, function () {
      const e = this._c.endpoint;
      return name === 'protocol' ? e.protocol : gbEndpoint(e, name, pageIsSecure());
    }, function (v) {
      IM_SERVICE_PROPERTIES[name](v);
      this._c.endpoint[name] = v === null ? undefined : v;
    });
  }
  // The settings the engine has too: accessToken, deviceID, platformID, protocolVersion, the timings (ms).
  for (const name of ['accessToken', 'deviceID', 'platformID', 'protocolVersion', ...TIMINGS]) {
    accessor(proto, name, function () {
      return this._c.props[name];
    }, function (v) {
      IM_SERVICE_PROPERTIES[name](v);
      const c = this._c;
      c.props[name] = stored(name, v);
      command(c, encodeSet(SETTING[name], v));
    });
  }
  // The pre-2020 name of deviceID.
  const deviceID = Object.getOwnPropertyDescriptor(proto, 'deviceID');
  accessor(proto, 'device_id', deviceID.get, deviceID.set);
  // The observers: plain properties, called from the engine's events.
  for (const [name, role] of Object.entries(OBSERVERS)) {
    accessor(proto, name, function () {
      return this._c.observers[role];
    }, function (v) {
      this._c.observers[role] = v;
    });
  }
  return IMService;
}

/** A checked property value as the class reads it back. */
function stored(name, v) {
  if (name === 'syncKey') return v === undefined || v === null ? 0 : idValue(v);
  if (TIMINGS.includes(name)) return Math.floor(v);
  return v;
}

function accessor(proto, name, get, set) {
  Object.defineProperty(proto, name, { configurable: true, get, set });
}
