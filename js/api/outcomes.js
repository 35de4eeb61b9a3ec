// Pending outcomes of the Promise forms: who waits for which key (an IMService
// msgLocalID, a MobileIMSDK fingerprint). Every entry leaves the table when
// its Promise settles or its AbortSignal fires, so a dropped Promise leaks
// nothing: the table holds exactly the waits whose outcome has not come yet.

import { abortError } from './im-error.js';

export class Outcomes {
  constructor() {
    /** key -> entries in send order (a key may be reused: the outcomes come in the same order). */
    this._byKey = new Map();
    this._count = 0;
  }

  /** Waits still pending. */
  get size() {
    return this._count;
  }

  /**
   * Registers a wait on `key`; returns `{promise, entry}`. With `signal`, an
   * abort rejects the promise with an IMError 'aborted' and drops the entry.
   */
  wait(key, signal) {
    let entry;
    const promise = new Promise((resolve, reject) => {
      entry = { key, resolve, reject, settled: false, unlisten: null };
    });
    if (signal && signal.aborted) {
      entry.settled = true;
      entry.reject(abortError(signal));
      return { promise, entry };
    }
    const list = this._byKey.get(key);
    if (list) list.push(entry);
    else this._byKey.set(key, [entry]);
    this._count++;
    if (signal && typeof signal.addEventListener === 'function') {
      const onAbort = () => this.reject(entry, abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      entry.unlisten = () => signal.removeEventListener('abort', onAbort);
    }
    return { promise, entry };
  }

  /** Resolves `entry` with `value` unless it has settled already; true when it settles now. */
  resolve(entry, value) {
    if (!this._drop(entry)) return false;
    entry.resolve(value);
    return true;
  }

  /** Rejects `entry` with `error` unless it has settled already. */
  reject(entry, error) {
    if (!this._drop(entry)) return false;
    entry.reject(error);
    return true;
  }

  /** The oldest pending entry of `key`, or null. */
  first(key) {
    const list = this._byKey.get(key);
    return list ? list[0] : null;
  }

  _drop(entry) {
    if (!entry || entry.settled) return false;
    entry.settled = true;
    const list = this._byKey.get(entry.key);
    const at = list ? list.indexOf(entry) : -1;
    if (at >= 0) {
      list.splice(at, 1);
      if (!list.length) this._byKey.delete(entry.key);
      this._count--;
    }
    if (entry.unlisten) entry.unlisten();
    entry.unlisten = null;
    return true;
  }
}

/** The `signal` of a Promise form's `options` (`{signal}`), checked; undefined when absent. */
export function signalOption(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') throw new TypeError('options must be an object ({signal})');
  const signal = options.signal;
  if (signal !== undefined && signal !== null && (typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) {
    throw new TypeError('options.signal must be an AbortSignal');
  }
  return signal || undefined;
}
