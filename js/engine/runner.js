// Performs the batches of one engine (./batch.js) for the JS classes over it
// (./gobelieve.js, ./mobileimsdk.js): the sockets (../transport.js), the one
// timer and the events, in the engine's order. A batch that arrives while
// another is being performed (an app callback called back into the SDK) is
// appended to it.
//
// Each instance has a "seat": `{h, sockets, timer, queue, lastClose, onSocket}`
// (its engine handle, 0 once the engine is freed: the instance is spent; its
// sockets by conn id, timer, the batch being performed, the last close its
// socket reported, and its socket listener from `listen`); the class may keep
// more on it.

import { OP_ARM_TIMER, OP_CLOSE, OP_CONNECT, OP_DISARM_TIMER, OP_EVENT, OP_SEND_BINARY, OP_SEND_TEXT, readBatch } from './batch.js';
import { EVENT_BINARY, EVENT_CLOSED, EVENT_OPEN, EVENT_TEXT, openSocket } from '../transport.js';
import { armTimer, disarmTimer, now } from '../host.js';

const MAX_TIMER_MS = 2147483647;

/** The seat fields the runner uses, for an engine `h`. */
export function seat(h) {
  return { h, sockets: new Map(), timer: null, queue: null, lastClose: undefined, onSocket: null };
}

/**
 * The runner of the `prefix_*` inputs of `engine` (./exchange.js
 * `engineCalls`). `protocol`: `binary` (its frames), `maxFrame`,
 * `reply` (the event kind of a command's reply), `close(h, conn, why, t)`
 * (the engine's close input for `why` = `{code, reason, error}`), `report(s,
 * what, e)`, `dispatch(s, kind, values)`, optionally `note(s, kind, values)`
 * (every event of a new batch, before any is performed) and `ownClose()` (the
 * `lastClose` of a socket the SDK closed itself).
 */
export function batchRunner(engine, prefix, protocol) {
  const input = (name) => engine[prefix + '_' + name];
  const [open, binary, text, timer] = ['open', 'binary', 'text', 'timer'].map(input);
  const { reply: REPLY, note, dispatch, report, ownClose } = protocol;

  /** Performs `bytes` (a batch) for seat `s`; returns the values of its reply, if any. */
  function run(s, bytes) {
    const records = readBatch(bytes);
    let first = 0;
    let reply = null;
    if (records.length && records[0].op === OP_EVENT && records[0].kind === REPLY) {
      reply = records[0].values;
      first = 1;
    }
    if (note) {
      for (let i = first; i < records.length; i++) if (records[i].op === OP_EVENT) note(s, records[i].kind, records[i].values);
    }
    if (s.queue) {
      for (let i = first; i < records.length; i++) s.queue.push(records[i]);
      return reply;
    }
    const queue = first ? records.slice(first) : records;
    s.queue = queue;
    try {
      // The queue grows while it is performed (nested inputs append to it).
      for (let i = 0; i < queue.length; i++) perform(s, queue[i]);
    } finally {
      s.queue = null;
    }
    return reply;
  }

  function perform(s, r) {
    switch (r.op) {
      case OP_CONNECT: return connect(s, r.conn, r.url);
      case OP_SEND_BINARY: return send(s, r.conn, r.bytes);
      case OP_SEND_TEXT: return send(s, r.conn, r.text);
      case OP_CLOSE:
        if (forget(s, r.conn) && ownClose) s.lastClose = ownClose();
        return undefined;
      case OP_ARM_TIMER:
        stopTimer(s);
        if (!s.h) return undefined;
        s.timer = armTimer(() => {
          s.timer = null;
          run(s, timer(s.h, now()));
        }, Math.min(r.delayMs, MAX_TIMER_MS));
        return undefined;
      case OP_DISARM_TIMER: return stopTimer(s);
      case OP_EVENT: return dispatch(s, r.kind, r.values);
      default: return undefined;
    }
  }

  /** Writes a frame (binary frames were copied out of the batch by readBatch: nothing writes to them again). */
  function send(s, conn, frame) {
    const socket = s.sockets.get(conn);
    if (!socket) return;
    try {
      if (typeof frame === 'string') socket.sendText(frame);
      else socket.sendOwned(frame);
    } catch (e) {
      report(s, 'sending a frame', e);
      forget(s, conn);
      closed(s, conn, { code: 1006, reason: 'send failed', error: true });
    }
  }

  function connect(s, conn, url) {
    if (!s.h) return;
    try {
      s.sockets.set(conn, openSocket(url, conn, protocol.binary, protocol.maxFrame, s.onSocket));
    } catch (e) {
      report(s, 'opening a socket', e);
      closed(s, conn, { code: 1006, reason: String((e && e.message) || e), error: true });
    }
  }

  function closed(s, conn, why) {
    run(s, protocol.close(s.h, conn, why, now()));
  }

  function socketEvent(s, conn, kind, data) {
    if (kind === EVENT_BINARY) run(s, binary(s.h, conn, data, now()));
    else if (kind === EVENT_OPEN) run(s, open(s.h, conn, now()));
    else if (kind === EVENT_TEXT) run(s, text(s.h, conn, data, now()));
    else if (kind === EVENT_CLOSED) {
      forget(s, conn);
      s.lastClose = data;
      closed(s, conn, data);
    }
  }

  /** Closes and forgets socket `conn`; false when it was already gone. */
  function forget(s, conn) {
    const socket = s.sockets.get(conn);
    if (!socket) return false;
    s.sockets.delete(conn);
    socket.close();
    return true;
  }

  function stopTimer(s) {
    if (s.timer === null) return;
    disarmTimer(s.timer);
    s.timer = null;
  }

  /** Gives seat `s` its socket listener. */
  function listen(s) {
    s.onSocket = (conn, kind, data) => socketEvent(s, conn, kind, data);
  }

  return { run, forget, stopTimer, listen };
}
