// Observer dispatch and message objects for the classes over the engines (./engine/).
//
// Objects handed to applications are built here from scalars (much cheaper
// than setting fields one by one from wasm), and every application callback
// runs inside try/catch: an observer that throws is reported and the SDK's
// own bookkeeping (ACKs, sync keys) carries on.

import { reportError } from './host.js';

// Reading `target[name]` runs application code too (a getter, a Proxy trap).
function pick(target, name) {
  if (target == null) return null;
  const fn = target[name];
  return typeof fn === 'function' ? fn : null;
}

/**
 * Calls `primary[primaryName](...args)` when it is a function, else
 * `fallback[fallbackName](...args)`; a missing method is skipped.
 * Returns true when a callback ran. Never throws: whatever the application
 * code throws (the call, a getter, a Proxy) is reported.
 */
export function notify(primary, primaryName, fallback, fallbackName, a, b) {
  let where = primaryName;
  try {
    let target = primary;
    let fn = pick(primary, primaryName);
    if (!fn) {
      where = fallbackName;
      target = fallback;
      fn = pick(fallback, fallbackName);
    }
    if (!fn) return false;
    fn.call(target, a, b);
  } catch (err) {
    reportError(where, err);
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

/** An incoming peer or group message, with im.js's field names (`isSelf` as the engine decoded it from `flag`). */
export function imMessage(seq, cmd, flag, isSelf, sender, receiver, timestamp, content) {
  return { seq, cmd, flag, isSelf, sender, receiver, timestamp, content };
}

/** An incoming real-time or room message. */
export function relayMessage(seq, cmd, flag, sender, receiver, content) {
  return { seq, cmd, flag, sender, receiver, content };
}

/** An incoming customer-service (V2) message. */
export function customerMessage(seq, cmd, flag, isSelf, senderAppID, sender, receiverAppID, receiver, timestamp, content) {
  return { seq, cmd, flag, isSelf, senderAppID, sender, receiverAppID, receiver, timestamp, content };
}

/** Why a message failed: `{reason, status}` where status is the server's ACK status when refused. */
export function failure(reason, status) {
  return { reason, status };
}

// ---- MobileIMSDK (IMClientManager) objects ----
class Protocal {
  constructor(bridge, type, dataContent, from, to, fp, qos, typeu, sm, retryCount) {
    this.bridge = bridge;
    this.type = type;
    this.dataContent = dataContent ?? null;
    this.from = from;
    this.to = to;
    this.fp = fp ?? null;
    this.QoS = qos;
    this.Qos = qos;
    this.typeu = typeu;
    this.sm = sm;
    // The seed's name for the timestamp: null when the server set none.
    this.sendTs = sm > 0 ? sm : null;
    this.retryCount = retryCount;
  }
  getType() {
    return this.type;
  }
  getDataContent() {
    return this.dataContent;
  }
  getFrom() {
    return this.from;
  }
  getTo() {
    return this.to;
  }
  getFp() {
    return this.fp;
  }
  getRetryCount() {
    return this.retryCount;
  }
  isQoS() {
    return this.QoS;
  }
  isBridge() {
    return this.bridge;
  }
  getTypeu() {
    return this.typeu;
  }
  /** The official wire form (Gson order, null fields omitted). */
  toGsonString() {
    const o = { bridge: this.bridge, type: this.type };
    if (this.dataContent != null) o.dataContent = this.dataContent;
    o.from = this.from;
    o.to = this.to;
    if (this.fp != null) o.fp = this.fp;
    o.QoS = this.QoS;
    o.typeu = this.typeu;
    o.sm = this.sm;
    return JSON.stringify(o);
  }
}

/** A packet for the app; `dataContent` and `fp` are null when absent. */
export function mobileimsdkProtocal(bridge, type, dataContent, from, to, fp, qos, typeu, sm, retryCount) {
  return new Protocal(bridge, type, dataContent, from, to, fp, qos, typeu, sm, retryCount);
}

/** The argument of `onTransErrorCB`. */
export function mobileimsdkError(errorCode, errorMsg) {
  return { errorCode, errorMsg };
}

/** The argument of `onKickoutCB`; `reason` is null when the server gave none. */
export function mobileimsdkKickout(code, reason) {
  return { code, reason: reason ?? null };
}

/** An Error carrying a MobileIMSDK code (e.g. 203 when the SDK is not initialised). */
export function mobileimsdkCodeError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}
