// Writes what the JS class IMClientManager hands the MobileIMSDK engine: its
// setup (options) once, then one command per API call, each one compact
// byte string (src/engine/mobileimsdk/command.rs has the layout and reads
// it). The arguments are already checked (../checks.js).
// tests/engine/command.test.mjs pins the bytes against the Rust reader.
import { Writer } from './writer.js';

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
