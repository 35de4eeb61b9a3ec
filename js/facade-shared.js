// What the ready facades of both classes (./facade-gobelieve.js,
// ./facade-mobileimsdk.js, put together by ./facade.js) share: forwarding to
// the wasm object once it exists, the bounded queue of calls before that.
import { packageLog } from './api/log.js';

/** Calls an instance may queue before the wasm has loaded. */
export const QUEUED_CALLS_LIMIT = 1000;

/** Diagnostics before the wasm has loaded: nothing is open or armed yet. */
export const IDLE = { openSocketCount: 0, timerArmed: false, watchingEnvironment: false, lastClose: undefined };

/** Read-only statics, as the wasm classes have them. */
export function constants(C, table) {
  Object.keys(table).forEach((k) => Object.defineProperty(C, k, { configurable: true, get: () => table[k] }));
}

export function forwardReadOnly(proto, idle) {
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
export function forward(f, name, args, early) {
  if (f._failed && !(f._real && CLEANUP.includes(name))) throw f._failed;
  if (f._real) return f._real[name](...args);
  return early(f, name, args);
}

export function forwardCalls(proto, names, early) {
  names.forEach((name) => {
    proto[name] = function (...args) {
      return forward(this, name, args, early);
    };
  });
}

// Replayed in order once ready; a stop() cancels a start() still waiting, so
// no socket is opened just to be closed.
export function queueCall(f, name, args) {
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

export function callBack(cb, code, arg) {
  try {
    cb(code, arg);
  } catch (e) {
    report('send callBack threw', e);
  }
}

export function codeError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}

export function report(what, e) {
  packageLog.error(what + ':', e);
}

/** A random RFC 4122 version 4 UUID (the seed's fingerprints and device ids). */
export function guid() {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = Math.floor(Math.random() * 16);
    return (c === 'x' ? r : (r & 3) | 8).toString(16);
  });
}
