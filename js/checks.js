// Synchronous argument checks.
// - IMService: the only copy of its rules, used by the ready facade
//   (../facade-gobelieve.js) before the wasm has loaded and by the JS class
//   itself (./engine/gobelieve.js), so a bad value fails at the line that
//   wrote it with the same TypeError/RangeError, loaded or not;
//   tests/facade/parity.test.mjs compares both for every property, option and call.
// - IMClientManager: the only copy of its rules, used by the facade and by
//   the JS class itself (./engine/mobileimsdk.js), which hands the engine
//   the values these checks return.

const SAFE = 9007199254740992; // 2^53

const typeError = (m) => new TypeError(m);
const rangeError = (m) => new RangeError(m);

/** Reads `obj[name]`; a non-object `obj` is a TypeError naming `what`. */
export function field(obj, name, what) {
  if (obj === null || typeof obj !== 'object') throw typeError(what + ' must be an object');
  try {
    return obj[name];
  } catch (_) {
    throw typeError('cannot read ' + what + '.' + name);
  }
}

const absent = (v) => v === undefined || v === null;

/** True when the decimal `text` ([+-]digits) fits i64; no BigInt (old WeChat clients lack it). */
function i64(text) {
  const negative = text[0] === '-';
  const digits = text.replace(/^[+-]?0*/, '');
  if (digits.length !== 19) return digits.length < 19;
  return digits <= (negative ? '9223372036854775808' : '9223372036854775807');
}

/** A required 64-bit id: a Number below 2^53, a decimal string or a BigInt. */
export function id(v, name) {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || !Number.isInteger(v)) throw typeError(name + ' must be an integer');
    if (Math.abs(v) >= SAFE) {
      throw rangeError(name + ' is 2^53 or more, not exact as a Number: pass it as a decimal string or a BigInt');
    }
    return;
  }
  if (typeof v === 'string') {
    const t = v.trim();
    if (!/^[+-]?[0-9]+$/.test(t) || !i64(t)) {
      throw typeError(name + ' must be a number or a decimal string');
    }
    return;
  }
  if (typeof v === 'bigint') {
    if (!i64(v.toString())) throw rangeError(name + ' is out of the 64-bit range');
    return;
  }
  if (absent(v)) throw typeError(name + ' is required');
  throw typeError(name + ' must be a number, a decimal string or a BigInt');
}

/** A valid id as the wasm gives it back: a Number when exact, else a canonical decimal string. */
export function idValue(v) {
  if (typeof v === 'number') return v;
  const text = String(v).trim();
  const n = Number(text);
  if (Math.abs(n) < SAFE) return n === 0 ? 0 : n;
  const digits = text.replace(/^[+-]?0*/, '');
  return (text[0] === '-' ? '-' : '') + digits;
}

export function optionalId(v, name) {
  if (!absent(v)) id(v, name);
}

/** `timestamp`, `msgLocalID`: an integer from -2^31 to 2^32 - 1, or absent. */
export function int32(v, name) {
  if (absent(v)) return;
  if (typeof v !== 'number') throw typeError(name + ' must be a number');
  if (!Number.isInteger(v)) throw typeError(name + ' must be an integer');
  if (v < -2147483648 || v >= 4294967296) throw rangeError(name + ' must be an integer from -2^31 to 2^32 - 1');
}

/** UTF-8 length of well-formed `s`. */
function utf8Bytes(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function wellFormed(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d < 0xe000)) return false;
      i++;
    } else if (c >= 0xdc00 && c < 0xe000) return false;
  }
  return true;
}

/** Required text of well-formed UTF-16 whose UTF-8 form fits `max` bytes. */
export function text(v, name, max) {
  if (typeof v !== 'string') throw typeError(name + ' must be a string');
  const tooLong = () => rangeError(name + ' is over the limit of ' + max + ' bytes of UTF-8');
  if (v.length > max) throw tooLong();
  if (!wellFormed(v)) throw rangeError(name + ' contains an unpaired surrogate');
  if (utf8Bytes(v) > max) throw tooLong();
}

export function optionalText(v, name, max) {
  if (!absent(v)) text(v, name, max);
}

// ---------------------------------------------------------------- IMService

// Body limits: MAX_BODY_LEN (32768) - 1 - the fixed prefix of each body.
const MAX_IM_CONTENT = 32768 - 1 - 24;
const MAX_CUSTOMER_CONTENT = 32768 - 1 - 36;
const MAX_RELAY_CONTENT = 32768 - 1 - 16;

function milliseconds(v, name) {
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 1 && v <= 86400000)) {
    throw rangeError(name + ' must be a number of milliseconds from 1 to 86400000');
  }
}
function integerIn(v, lo, hi) {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}
function endpoint(v, name, max, prefixes, what) {
  optionalText(v, name, max);
  if (!absent(v) && !prefixes.some((p) => (what === 'start' ? v.startsWith(p) : v === p))) {
    throw typeError(what === 'start' ? name + ' must start with ws:// or wss://' : name + ' must be "ws://" or "wss://"');
  }
}

/** Per writable IMService property, its check (observers take anything). */
export const IM_SERVICE_PROPERTIES = {
  host: (v) => text(v, 'host', 255),
  port: (v) => {
    if (!integerIn(v, 1, 65535)) throw rangeError('port must be an integer from 1 to 65535');
  },
  protocol: (v) => endpoint(v, 'protocol', 16, ['ws://', 'wss://'], 'equal'),
  url: (v) => endpoint(v, 'url', 2048, ['ws://', 'wss://'], 'start'),
  accessToken: (v) => text(v, 'accessToken', 255),
  deviceID: (v) => text(v, 'deviceID', 255),
  device_id: (v) => text(v, 'deviceID', 255),
  platformID: (v) => {
    if (!integerIn(v, 0, 255)) throw rangeError('platformID must be an integer from 0 to 255');
  },
  protocolVersion: (v) => {
    if (v !== 1 && v !== 2) throw rangeError('protocolVersion must be 1 or 2');
  },
  syncKey: (v) => optionalId(v, 'syncKey'),
  ackTimeout: (v) => milliseconds(v, 'ackTimeout'),
  pingInterval: (v) => milliseconds(v, 'pingInterval'),
  pongTimeout: (v) => milliseconds(v, 'pongTimeout'),
  reconnectDelay: (v) => milliseconds(v, 'reconnectDelay'),
  reconnectMaxDelay: (v) => milliseconds(v, 'reconnectMaxDelay'),
  connectTimeout: (v) => milliseconds(v, 'connectTimeout'),
};

/** The options of `new IMService(observer, options)` that are no property: their checks. */
export const IM_SERVICE_SETUP = {
  maxPending: (v) => {
    if (!integerIn(v, 1, MAX_PENDING_LIMIT)) throw rangeError('maxPending must be an integer from 1 to ' + MAX_PENDING_LIMIT);
  },
};

/** The options `new IMService(observer, options)` reads, in the order the wasm applies them. */
export const IM_SERVICE_OPTIONS = ['host', 'port', 'protocol', 'url', 'accessToken', 'deviceID', 'platformID', 'syncKey',
  'protocolVersion', 'ackTimeout', 'pingInterval', 'pongTimeout', 'reconnectDelay', 'reconnectMaxDelay', 'connectTimeout',
  'maxPending'];

/** Checks constructor options; returns the `[name, value]` pairs to apply. */
export function imServiceOptions(o) {
  if (o === null || typeof o !== 'object') return [];
  const out = [];
  IM_SERVICE_OPTIONS.forEach((name) => {
    const v = field(o, name, 'options');
    if (v === undefined) return;
    (IM_SERVICE_PROPERTIES[name] || IM_SERVICE_SETUP[name])(v);
    out.push([name, v]);
  });
  return out;
}

/** Reads `msg[name]` once and checks it with `check(value, 'msg.' + name, ...rest)`; returns the value. */
function read(msg, name, check, ...rest) {
  const v = field(msg, name, 'msg');
  check(v, 'msg.' + name, ...rest);
  return v;
}

function outMessage(msg, max) {
  return { sender: read(msg, 'sender', id), receiver: read(msg, 'receiver', id), content: read(msg, 'content', text, max) };
}

/**
 * Per IMService call with arguments, its check. The sends read each field
 * of the message once and return what they read (the JS class encodes that).
 */
export const IM_SERVICE_CALLS = {
  sendPeerMessage: (msg) => {
    const m = outMessage(msg, MAX_IM_CONTENT);
    m.timestamp = read(msg, 'timestamp', int32);
    m.msgLocalID = read(msg, 'msgLocalID', int32);
    return m;
  },
  sendCustomerMessage: (msg) => ({
    senderAppID: read(msg, 'senderAppID', id),
    sender: read(msg, 'sender', id),
    receiverAppID: read(msg, 'receiverAppID', id),
    receiver: read(msg, 'receiver', id),
    content: read(msg, 'content', text, MAX_CUSTOMER_CONTENT),
    timestamp: read(msg, 'timestamp', int32),
  }),
  sendRTMessage: (msg) => outMessage(msg, MAX_RELAY_CONTENT),
  enterRoom: (room) => id(room, 'roomID'),
  leaveRoom: (room) => id(room, 'roomID'),
  addSuperGroupSyncKey: (gid, key) => {
    id(gid, 'groupID');
    optionalId(key, 'syncKey');
  },
  removeSuperGroupSyncKey: (gid) => id(gid, 'groupID'),
};
IM_SERVICE_CALLS.sendGroupMessage = IM_SERVICE_CALLS.sendPeerMessage;
IM_SERVICE_CALLS.sendRoomMessage = IM_SERVICE_CALLS.sendRTMessage;

// ----------------------------------------------------------- IMClientManager

const MAX_FIELD_BYTES = 4096;
// <generated by src/engine/js_tables.rs: frame limit>
/** The largest MobileIMSDK frame (src/core/mobileimsdk/client.rs MAX_FRAME_BYTES). */
export const MAX_FRAME_BYTES = 65536;
// </generated>
// <generated by src/engine/js_tables.rs: sense modes>
const SENSE_MODES = [3, 5, 10, 15, 30, 60, 120];
// </generated>
const MOBILEIMSDK_TIMINGS = ['keepAliveInterval', 'keepAliveTimeout', 'reloginInterval', 'qosCheckInterval', 'qosJustNow', 'connectTimeout'];

function rustDebug(s) {
  return JSON.stringify(s);
}

/** The most `maxPending` either class accepts. */
const MAX_PENDING_LIMIT = 10000000;

/**
 * The checks of `IMClientManager.getInstance(options)` (`WSOptions`); returns
 * what the engine needs: `{url, srt, srtSeedAckAddressing, senseSeconds,
 * timings: {name: ms}, qosMaxResends, maxPending}` (absent ones undefined).
 */
export function mobileimsdkOptions(o) {
  const get = (name) => field(o, name, 'options');
  const url = get('wsUrl');
  if (typeof url !== 'string' || url === '') throw typeError('options.wsUrl is required (a ws:// or wss:// URL)');
  if (!(url.startsWith('ws://') || url.startsWith('wss://'))) {
    throw typeError('options.wsUrl must start with ws:// or wss://, got ' + rustDebug(redactUrl(url)));
  }
  const out = { url, timings: {} };
  const dialect = get('dialect');
  if (!absent(dialect) && dialect !== 'official' && dialect !== 'srt') {
    throw typeError("options.dialect must be 'official' or 'srt'");
  }
  out.srt = dialect === 'srt';
  const seedAck = get('srtSeedAckAddressing');
  if (seedAck !== undefined && typeof seedAck !== 'boolean') {
    throw typeError('options.srtSeedAckAddressing must be a boolean');
  }
  out.srtSeedAckAddressing = seedAck;
  const mode = get('senseMode');
  if (!absent(mode)) {
    let seconds = null;
    if (integerIn(mode, 0, 120)) seconds = mode;
    else if (typeof mode === 'string') {
      const m = /^MODE_\+?([0-9]+)S$/.exec(mode);
      if (m) seconds = Number(m[1]);
    }
    if (!SENSE_MODES.includes(seconds)) {
      throw rangeError("options.senseMode must be 3, 5, 10, 15, 30, 60 or 120 (seconds) or 'MODE_3S' ... 'MODE_120S'");
    }
    out.senseSeconds = seconds;
  }
  MOBILEIMSDK_TIMINGS.forEach((name) => {
    const v = get(name);
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 1 && v <= 86400000)) {
      throw rangeError('options.' + name + ' must be a number of milliseconds from 1 to 86400000');
    }
    if (v !== undefined) out.timings[name] = Math.floor(v);
  });
  const resends = get('qosMaxResends');
  if (resends !== undefined && !integerIn(resends, 0, 100)) {
    throw rangeError('options.qosMaxResends must be an integer from 0 to 100');
  }
  out.qosMaxResends = resends;
  const pending = get('maxPending');
  if (pending !== undefined && !integerIn(pending, 1, MAX_PENDING_LIMIT)) {
    throw rangeError('options.maxPending must be an integer from 1 to ' + MAX_PENDING_LIMIT);
  }
  out.maxPending = pending;
  ['chatBaseCB', 'chatTransDataCB', 'messageQoSCB'].forEach((name) => {
    const v = get(name);
    if (!absent(v) && typeof v !== 'object') throw typeError('options.' + name + ' must be an object');
    out[name] = v;
  });
  return out;
}

/** The most characters of a refused URL an error repeats. */
const SHOWN_URL_CHARS = 64;

/**
 * A refused URL as an error shows it (the rules of src/core/redact.rs, then
 * cut): query and fragment replaced, `user:password@` replaced, at most
 * SHOWN_URL_CHARS characters (code points) and "..." after a cut.
 */
function redactUrl(url) {
  const cut = url.search(/[?#]/);
  const base = cut >= 0 ? url.slice(0, cut) : url;
  const afterScheme = base.indexOf('://') >= 0 ? base.indexOf('://') + 3 : 0;
  const slash = base.indexOf('/', afterScheme);
  const authorityEnd = slash >= 0 ? slash : base.length;
  const at = base.slice(afterScheme, authorityEnd).lastIndexOf('@');
  let safe = at >= 0 ? base.slice(0, afterScheme) + '<redacted>' + base.slice(afterScheme + at) : base;
  if (cut >= 0) safe += '?<redacted>';
  const chars = Array.from(safe);
  return chars.length > SHOWN_URL_CHARS ? chars.slice(0, SHOWN_URL_CHARS).join('') + '...' : safe;
}

function uid(v, name) {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < SAFE) return;
    throw typeError(name + ' must be an integer below 2^53 or a string');
  }
  if (absent(v)) throw typeError(name + ' is required');
  text(v, name, MAX_FIELD_BYTES);
  if (v === '') throw typeError(name + ' must not be empty');
}

/** As the wasm's `describe`: strings quoted, cut to 40 UTF-16 units. */
function describe(v) {
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return '"' + (v.length > 40 ? v.slice(0, 40) + '...' : v) + '"';
  return typeof v;
}

/**
 * The checks of `login(args)`, which throws for unusable arguments; returns
 * `{callBack, userId, token, extra, app}` (each field read once).
 */
export function mobileimsdkLogin(args) {
  const get = (name) => field(args, name, 'login options');
  const callBack = get('callBack');
  let user = get('loginUserId');
  let name = 'loginUserId';
  if (absent(user)) {
    user = get('logiUserId');
    name = 'logiUserId';
  }
  try {
    uid(user, name);
  } catch (_) {
    throw typeError('login: loginUserId (or logiUserId) must be a non-empty string or an integer, got ' + describe(user));
  }
  const [token, extra, app] = ['loginToken', 'extra', 'app'].map((f) => {
    const v = get(f);
    optionalText(v, 'login: ' + f, MAX_FIELD_BYTES);
    return absent(v) ? undefined : v;
  });
  return { callBack, userId: String(user), token: token === undefined ? '' : token, extra, app };
}

/** The checks of `send(args)`; returns the error `send` reports with code 4, or null. */
export function mobileimsdkSend(args) {
  return mobileimsdkSendRequest(args).error || null;
}

/**
 * The checks of `send(args)`, each field read once: `{error}` (reported
 * with code 4) or `{req: {dataContent, to, qos, fp, typeu}}`.
 */
export function mobileimsdkSendRequest(args) {
  try {
    if (args === null || typeof args !== 'object') {
      throw typeError('send: the argument must be an object {dataContent, toId, ...}');
    }
    const get = (name) => field(args, name, 'send options');
    const data = get('dataContent');
    if (absent(data)) throw typeError('send: dataContent must be a string');
    text(data, 'send: dataContent', MAX_FRAME_BYTES);
    const to = get('toId');
    uid(to, 'send: toId');
    let qos = get('Qos');
    if (qos === undefined) qos = get('QoS');
    if (qos !== undefined && typeof qos !== 'boolean') throw typeError('send: Qos must be a boolean');
    const fp = get('fingerPrint');
    optionalText(fp, 'send: fingerPrint', 256);
    if (fp === '') throw typeError('send: fingerPrint must not be empty');
    const typeu = get('typeu');
    if (!absent(typeu) && !integerIn(typeu, -2147483648, 2147483647)) {
      throw typeError('send: typeu must be a 32-bit integer');
    }
    return { error: null, req: { dataContent: data, to: String(to), qos: qos !== false, fp: absent(fp) ? undefined : fp, typeu: absent(typeu) ? 0 : typeu } };
  } catch (err) {
    return { error: err };
  }
}
