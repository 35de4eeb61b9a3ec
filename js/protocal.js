// MobileIMSDK objects handed to applications by IMClientManager, built here
// from scalars (much cheaper than setting fields one by one from wasm).
//
// A `Protocal` offers both forms the seed SDK's apps use: plain properties
// (`type`, `dataContent`, `fp`, `Qos`, `sendTs`, ... plus the official `QoS`
// and `sm`) and the seed's accessor methods (`getType()`, `isQoS()`, ...).

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
export function mimProtocal(bridge, type, dataContent, from, to, fp, qos, typeu, sm, retryCount) {
  return new Protocal(bridge, type, dataContent, from, to, fp, qos, typeu, sm, retryCount);
}

/** The argument of `onTransErrorCB`. */
export function mimError(errorCode, errorMsg) {
  return { errorCode, errorMsg };
}

/** The argument of `onKickoutCB`; `reason` is null when the server gave none. */
export function mimKickout(code, reason) {
  return { code, reason: reason ?? null };
}

/** An Error carrying a MobileIMSDK code (e.g. 203 when the SDK is not initialised). */
export function mimCodeError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}
