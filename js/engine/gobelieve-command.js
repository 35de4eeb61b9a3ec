// Writes what the JS class IMService hands the GoBelieve engine: its setup
// (seed and settings) once, then one command per API call, each one compact
// byte string (src/engine/gobelieve/command.rs has the layout and reads it).
// The arguments are already checked (../checks.js).
// tests/engine/command.test.mjs pins the bytes against the Rust reader.
import { Writer } from './writer.js';

const START = 1;
const STOP = 2;
const SET = 3;
const ENTER_ROOM = 9;
const LEAVE_ROOM = 10;
const ADD_SUPER_GROUP = 11;
const REMOVE_SUPER_GROUP = 12;
const CLEAR_SUPER_GROUPS = 13;
const SIGNAL = 14;

/** Send tags by method (command.rs `Send`). */
export const SEND = { sendPeerMessage: 4, sendGroupMessage: 5, sendCustomerMessage: 6, sendRTMessage: 7, sendRoomMessage: 8 };

/** Setting keys by property (command.rs `key`). */
export const SETTING = {
  accessToken: 1, deviceID: 2, platformID: 3, protocolVersion: 4, syncKey: 5, ackTimeout: 6, pingInterval: 7,
  pongTimeout: 8, reconnectDelay: 9, reconnectMaxDelay: 10, connectTimeout: 11, maxPending: 12,
};
const TEXT_SETTINGS = [SETTING.accessToken, SETTING.deviceID];

/** Signal codes (command.rs `Signal`). */
export const GB_SIGNAL_ONLINE = 1;
export const GB_SIGNAL_OFFLINE = 2;
export const GB_SIGNAL_BACKGROUND = 3;
export const GB_SIGNAL_FOREGROUND = 4;
export const GB_SIGNAL_REACHABLE = 5;

/** Ids a Number carries through zigzag exactly (|n| <= 2^52); beyond, decimal text. */
const EXACT_ZIGZAG = 4503599627370496;

/** A checked id (../checks.js `id`): a Number, a decimal string or a BigInt. */
function id(w, v) {
  if (typeof v === 'number' && v <= EXACT_ZIGZAG && v >= -EXACT_ZIGZAG) {
    w.byte(0);
    w.int(v);
  } else {
    w.byte(1);
    w.text(String(v).trim());
  }
}

/** A checked optional id: absent is 0, as im.js wrote it. */
function optionalId(w, v) {
  id(w, v === undefined || v === null ? 0 : v);
}

/** A checked 32-bit field (`timestamp`, `msgLocalID`): absent is 0, unsigned values wrap. */
function int32(w, v) {
  w.int(v === undefined || v === null ? 0 : v | 0);
}

function setting(w, key, v) {
  w.uint(key);
  if (TEXT_SETTINGS.includes(key)) w.text(v);
  else if (key === SETTING.syncKey) optionalId(w, v);
  else w.uint(Math.floor(v));
}

const shared = new Writer();
function begin(tag) {
  shared.at = 0;
  shared.byte(tag);
  return shared;
}

/** The seed, then `[key, value]` settings in order (SETTING keys, checked values). */
export function encodeGbSetup(seed, pairs) {
  const w = new Writer();
  w.uint(seed);
  for (const [k, v] of pairs) setting(w, k, v);
  return w.done();
}

export function encodeStart(url) {
  const w = begin(START);
  w.text(url);
  return w.done();
}

export function encodeStop() {
  return begin(STOP).done();
}

export function encodeSet(key, v) {
  const w = begin(SET);
  setting(w, key, v);
  return w.done();
}

/** The send `method` of checked `msg` (its fields read once here, in the order of the checks). */
export function encodeGbSend(method, msg) {
  const tag = SEND[method];
  const w = begin(tag);
  if (tag === SEND.sendCustomerMessage) {
    id(w, msg.senderAppID);
    id(w, msg.sender);
    id(w, msg.receiverAppID);
    id(w, msg.receiver);
    w.text(msg.content);
    int32(w, msg.timestamp);
    return w.done();
  }
  id(w, msg.sender);
  id(w, msg.receiver);
  w.text(msg.content);
  if (tag === SEND.sendPeerMessage || tag === SEND.sendGroupMessage) {
    int32(w, msg.timestamp);
    int32(w, msg.msgLocalID);
  }
  return w.done();
}

export function encodeRoom(enter, room) {
  const w = begin(enter ? ENTER_ROOM : LEAVE_ROOM);
  id(w, room);
  return w.done();
}

export function encodeAddSuperGroup(gid, key) {
  const w = begin(ADD_SUPER_GROUP);
  id(w, gid);
  optionalId(w, key);
  return w.done();
}

export function encodeRemoveSuperGroup(gid) {
  const w = begin(REMOVE_SUPER_GROUP);
  id(w, gid);
  return w.done();
}

export function encodeClearSuperGroups() {
  return begin(CLEAR_SUPER_GROUPS).done();
}

export function encodeGbSignal(code) {
  const w = begin(SIGNAL);
  w.uint(code);
  return w.done();
}
