// Writes what the JS class IMClientManager hands the MobileIMSDK engine: its
// setup (options) once, then one command per API call, each one compact
// byte string (src/engine/mobileimsdk/command.rs has the layout and reads
// it). The arguments are already checked (../checks.js).
// tests/engine/command.test.mjs pins the bytes against the Rust reader.

const LOGIN = 1;
const SEND = 2;
const LOGOUT = 3;
const RELEASE = 4;
const SIGNAL = 5;

/** Setup keys (command.rs `key`). */
export const SETUP = {
  dialectSrt: 1, srtSeedAckAddressing: 2, senseModeSeconds: 3, keepAliveInterval: 4, keepAliveTimeout: 5,
  reloginInterval: 6, reloginMaxInterval: 7, qosCheckInterval: 8, qosJustNow: 9, qosMaxResends: 10,
  receiveWindow: 11, connectTimeout: 12, maxPending: 13, seed: 14,
};

/** Signal codes of `signal()` (command.rs `Signal`). */
export const SIGNAL_ONLINE = 1;
export const SIGNAL_OFFLINE = 2;
export const SIGNAL_SHOWN = 3;
export const SIGNAL_HIDDEN = 4;

let encoder = null;

/** A growing byte buffer with the primitives of src/engine/wire.rs. */
class Writer {
  constructor() {
    this.buf = new Uint8Array(256);
    this.at = 0;
  }
  room(n) {
    if (this.at + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }
  byte(b) {
    this.room(1);
    this.buf[this.at++] = b;
  }
  /** An unsigned integer Number up to 2^53 as LEB128 (no 32-bit bitwise: it may be larger). */
  uint(n) {
    this.room(8);
    while (n >= 128) {
      this.buf[this.at++] = (n % 128) + 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.at++] = n;
  }
  /** A signed integer (zigzag). */
  int(n) {
    this.uint(n >= 0 ? n * 2 : -n * 2 - 1);
  }
  /** UTF-8 of `s` after its length (+ `plus`: 1 for present optional text). */
  text(s, plus = 0) {
    if (!encoder) encoder = new TextEncoder();
    if (typeof encoder.encodeInto !== 'function') {
      const bytes = encoder.encode(s); // the mini-program polyfill has only encode()
      this.uint(bytes.length + plus);
      this.room(bytes.length);
      this.buf.set(bytes, this.at);
      this.at += bytes.length;
      return;
    }
    // Encoded past a 5-byte gap (lengths below 2^35), then moved next to its length.
    this.room(5 + s.length * 3);
    const start = this.at + 5;
    const { written } = encoder.encodeInto(s, this.buf.subarray(start));
    this.uint(written + plus);
    this.buf.copyWithin(this.at, start, start + written);
    this.at += written;
  }
  optText(s) {
    if (s === undefined || s === null) this.byte(0);
    else this.text(s, 1);
  }
  /** The bytes written (a view: the next command reuses the buffer). */
  done() {
    return this.buf.subarray(0, this.at);
  }
}

const shared = new Writer();
function start(tag) {
  shared.at = 0;
  shared.byte(tag);
  return shared;
}

/**
 * `{url, pairs}`: the URL then `[key, value]` pairs in order (SETUP keys;
 * the sense mode first, so explicit timings override it).
 */
export function encodeSetup(url, pairs) {
  const w = new Writer();
  w.text(url);
  for (const [k, v] of pairs) {
    w.uint(k);
    w.uint(v);
  }
  return w.done();
}

/** `{userId, token, extra, app}` (strings; extra and app may be absent). */
export function encodeLogin(info) {
  const w = start(LOGIN);
  w.text(info.userId);
  w.text(info.token);
  w.optText(info.extra);
  w.optText(info.app);
  return w.done();
}

/** `{dataContent, to, qos, fp, typeu}`. */
export function encodeSend(req) {
  const w = start(SEND);
  w.text(req.dataContent);
  w.text(req.to);
  w.uint(req.qos ? 1 : 0);
  w.optText(req.fp);
  w.int(req.typeu);
  return w.done();
}

export function encodeLogout() {
  return start(LOGOUT).done();
}

export function encodeRelease() {
  return start(RELEASE).done();
}

export function encodeSignal(code) {
  const w = start(SIGNAL);
  w.uint(code);
  return w.done();
}
