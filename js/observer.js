// Observer dispatch and message objects for the Rust web layer.
//
// Objects handed to applications are built here from scalars (much cheaper
// than setting fields one by one from wasm), and every application callback
// runs inside try/catch: an observer that throws is reported and the SDK's
// own bookkeeping (ACKs, sync keys) carries on.

import { reportError } from './host.js';

function pick(target, name) {
  return target != null && typeof target[name] === 'function' ? target[name] : null;
}

/**
 * Calls `primary[primaryName](...args)` when it is a function, else
 * `fallback[fallbackName](...args)`; a missing method is skipped.
 * Returns true when a callback ran.
 */
export function notify(primary, primaryName, fallback, fallbackName, a, b) {
  let target = primary;
  let fn = pick(primary, primaryName);
  if (!fn) {
    target = fallback;
    fn = pick(fallback, fallbackName);
  }
  if (!fn) return false;
  try {
    fn.call(target, a, b);
  } catch (err) {
    reportError(fn === pick(primary, primaryName) ? primaryName : fallbackName, err);
  }
  return true;
}

/** Calls a plain callback function with up to two arguments, isolating its exceptions. */
export function invoke(fn, name, a, b) {
  if (typeof fn !== 'function') return false;
  try {
    fn(a, b);
  } catch (err) {
    reportError(name, err);
  }
  return true;
}

/** An incoming peer or group message, with im.js's field names. */
export function imMessage(seq, cmd, flag, sender, receiver, timestamp, content) {
  return { seq, cmd, flag, isSelf: (flag & 8) !== 0, sender, receiver, timestamp, content };
}

/** An incoming real-time or room message. */
export function relayMessage(seq, cmd, flag, sender, receiver, content) {
  return { seq, cmd, flag, sender, receiver, content };
}

/** An incoming customer-service (V2) message. */
export function customerMessage(seq, flag, senderAppID, sender, receiverAppID, receiver, timestamp, content) {
  return { seq, cmd: 64, flag, isSelf: (flag & 8) !== 0, senderAppID, sender, receiverAppID, receiver, timestamp, content };
}

/** Why a message failed: `{reason, status}` where status is the server's ACK status when refused. */
export function failure(reason, status) {
  return { reason, status };
}
