// The event emitter of both classes: `on(type, listener)` / `off(type, listener)`,
// fed by the one internal hook `this._emit(type, detail)` that the classes call
// (IMService and IMClientManager each call it with the events of EVENT_TYPES).
//
// Listeners run in the order they were added, each inside try/catch: one that
// throws is reported through the instance's log and the others still run. A
// listener added or removed while an event is being delivered takes effect
// from the next event on.

import { logOf } from './log.js';

/** The events both classes emit, with the fields of their `detail`. */
export const EVENT_TYPES = Object.freeze([
  'state', // {old, new}
  'reconnecting', // {attempt, delayMs}
  'connected', // {}
  'closed', // {code, reason, willRetry}
  'authFailed', // {code}
  'kickedOut', // {code, reason}
  'message', // {message}: the object the observer gets
  'ack', // {msgLocalID} (IMService) or {fp} (IMClientManager)
  'failure', // {msgLocalID, reason, status} (IMService)
  'lost', // {fp} (IMClientManager)
  'restored', // {entries}: the persisted outbox found messages of an earlier run
]);

/** The longest part of an unknown event type an error repeats. */
const SHOWN_TYPE_CHARS = 40;

/**
 * An unknown event type as an error shows it: a string's first characters,
 * else its JS type. Never the whole value (it may be megabytes) and never a
 * coercion (an array holding a Symbol, a throwing toString).
 */
function shownType(type) {
  if (typeof type !== 'string') return 'of type ' + (type === null ? 'null' : typeof type);
  return JSON.stringify(type.length > SHOWN_TYPE_CHARS ? type.slice(0, SHOWN_TYPE_CHARS) + '...' : type);
}

function checkType(type) {
  if (typeof type !== 'string' || !EVENT_TYPES.includes(type)) {
    throw new TypeError('imsdk: unknown event type ' + shownType(type) + ' (one of ' + EVENT_TYPES.join(', ') + ')');
  }
}

function checkListener(listener) {
  if (typeof listener !== 'function') throw new TypeError('imsdk: listener must be a function');
}

/** The listener lists of `target`, created on first use (no field needed in the constructor). */
function listeners(target) {
  if (!Object.prototype.hasOwnProperty.call(target, '_listeners')) {
    Object.defineProperty(target, '_listeners', { value: new Map(), configurable: true });
  }
  return target._listeners;
}

const methods = {
  /** Adds `listener` for `type` (once per pair: adding it again is a no-op). Returns `this`. */
  on(type, listener) {
    checkType(type);
    checkListener(listener);
    const all = listeners(this);
    const list = all.get(type) || [];
    if (!list.includes(listener)) all.set(type, list.concat([listener]));
    return this;
  },
  /** Removes `listener` for `type`; an unknown pair is a no-op. Returns `this`. */
  off(type, listener) {
    checkType(type);
    checkListener(listener);
    const all = listeners(this);
    const list = all.get(type);
    if (list) {
      const rest = list.filter((l) => l !== listener);
      if (rest.length) all.set(type, rest);
      else all.delete(type);
    }
    return this;
  },
  /** Internal: delivers `detail` to the listeners of `type`. Never throws. */
  _emit(type, detail) {
    const list = listeners(this).get(type);
    if (!list) return;
    // `list` is replaced, never mutated, by on/off: this loop sees a snapshot.
    for (const listener of list) {
      try {
        listener.call(this, detail);
      } catch (err) {
        logOf(this).error('a "' + type + '" listener threw:', err);
      }
    }
  },
};

/**
 * How many listeners `target` has for `type`, without creating its lists
 * (every incoming message asks, to skip building a detail nobody reads;
 * tests check that the Promise forms add none per call).
 */
export function listenerCount(target, type) {
  const all = Object.prototype.hasOwnProperty.call(target, '_listeners') ? target._listeners : null;
  const list = all && all.get(type);
  return list ? list.length : 0;
}

/** The members `mixEmitter` adds. */
export const EMITTER_MEMBERS = Object.freeze(Object.keys(methods));

/** Adds `on`, `off` and `_emit` to the prototype of a class. */
export function mixEmitter(proto) {
  for (const name of Object.keys(methods)) {
    Object.defineProperty(proto, name, { value: methods[name], writable: true, configurable: true });
  }
}
