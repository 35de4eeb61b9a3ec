// Hostile JS values for the API fuzz (tests/fuzz-api/fuzz-api.mjs), drawn
// from a seeded PRNG: every JS type, edge numbers (NaN, ±Infinity, -0,
// fractions, 2^53 and past it, 2^64), BigInt, strings with unpaired
// surrogates or NULs, strings just under and over the protocol limits and of
// 1 MB and 10 MB, functions that throw, objects whose getters or coercions
// throw or change on every read, Proxies whose every trap throws, revoked
// Proxies, cycles, deep nesting, sparse and huge arrays, exotic built-ins.
// Objects mostly carry the API's own field names, so a value gets past the
// first check and reaches the deeper ones.

/** What our hostile getters, traps and coercions throw: the app's own error, which may propagate as it is. */
export class HostileError extends Error {
  constructor(where) {
    super('hostile ' + where);
    this.name = 'HostileError';
  }
}

/** A seeded PRNG (mulberry32) with the helpers the fuzz needs. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)], chance: (p) => next() < p };
}

/** Every field name the two classes read from an argument object (messages, options, login and send arguments). */
export const FIELDS = [
  // GoBelieve messages and options
  'sender', 'receiver', 'content', 'msgLocalID', 'timestamp', 'appID', 'senderAppID', 'receiverAppID', 'storeID',
  'groupID', 'roomID', 'isText', 'flag', 'url', 'host', 'port', 'protocol', 'accessToken', 'deviceID', 'device_id',
  'platformID', 'protocolVersion', 'syncKey', 'ackTimeout', 'pingInterval', 'pongTimeout', 'reconnectDelay',
  'reconnectMaxDelay', 'connectTimeout', 'observer', 'onConnectState', 'handlePeerMessage', 'handleMessageACK',
  'handleMessageFailure', 'signal',
  // MobileIMSDK options, login and send
  'wsUrl', 'chatBaseCB', 'chatTransDataCB', 'messageQoSCB', 'keepAliveInterval', 'keepAliveTimeout', 'reloginInterval',
  'qosCheckInterval', 'qosJustNow', 'qosMaxResends', 'loginUserId', 'logiUserId', 'loginToken', 'extra', 'app',
  'callBack', 'dataContent', 'toId', 'fingerPrint', 'Qos', 'QoS', 'typeu', 'onLoginOrReloginSuccessCB',
  'onTransBufferCB', 'messagesBeReceivedCB', 'handleMessageLost',
  // the developer API
  'logLevel', 'logger', 'getToken', 'outbox', 'outboxMaxEntries', 'outboxExpiry',
];

const EDGE_NUMBERS = [0, -0, 1, -1, 0.5, -2.5, 1e-7, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 53 - 1,
  2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 32 + 1, 2 ** 63, 2 ** 64, 65535, 65536, 32767, 32768, 86400001,
  Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 1e21, 123456789012];
const BIGINTS = [0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n, -(2n ** 63n), 10n ** 30n];
const WORDS = ['', 'a', '0', '1', '-1', '1.5', '1e400', 'NaN', '0x1f', ' 7 ', 'true', 'null', 'undefined', '中文😀',
  '\uD800', 'a\uDC00b', '\uDBFF\uDBFF', 'x\u0000y', '\uFEFF', 'ws://127.0.0.1:1/ws', 'wss://', 'ws://', 'javascript:alert(1)',
  'http://127.0.0.1:1', '/websocket', 'wifi', 'cell', 'none', 'WIFI', 'debug', 'error', 'silent', 'memory', 'indexeddb',
  'wx', '__proto__', 'constructor', 'toString', '%s%n', '{"a":1}', '\\', '"'];

// Long strings are made once: building 10 MB per draw would make the fuzz about the allocator.
const LONG = new Map();
function long(n, unit = 'x') {
  const key = n + unit;
  if (!LONG.has(key)) LONG.set(key, unit.repeat(Math.ceil(n / unit.length)).slice(0, n));
  return LONG.get(key);
}
const LONG_LENGTHS = [4095, 4096, 4097, 32 * 1024 - 26, 32 * 1024 - 25, 32 * 1024, 32 * 1024 + 1, 64 * 1024 - 1,
  64 * 1024, 64 * 1024 + 1, 1 << 20];

function randomString(r) {
  const n = r.int(12);
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r.int(10);
    if (k < 6) s += String.fromCharCode(32 + r.int(95));
    else if (k < 8) s += String.fromCharCode(r.int(0x10000)); // lone surrogates included
    else s += String.fromCodePoint(0x10000 + r.int(0xfffff));
  }
  return s;
}

/**
 * Valid arguments of the members that take an object, for `nearlyValid`:
 * with one or two fields made hostile, a value passes the first checks and
 * reaches the conversions behind them (content limits, 64-bit ids, UTF-8).
 */
export const TEMPLATES = {
  sendPeerMessage: { sender: 7100001, receiver: 7100002, content: 'hello', msgLocalID: 1 },
  sendGroupMessage: { sender: 7100001, receiver: 7100009, content: 'hello', msgLocalID: 1 },
  sendCustomerMessage: { senderAppID: 7, sender: 7100001, receiverAppID: 7, receiver: 7100002, content: 'hello', msgLocalID: 1 },
  sendRTMessage: { sender: 7100001, receiver: 7100002, content: 'hello' },
  sendRoomMessage: { sender: 7100001, receiver: 7100003, content: 'hello' },
  send: { dataContent: 'hello', toId: 'fuzz-peer', fingerPrint: 'fp-1', Qos: true, typeu: 0 },
  login: { loginUserId: 'fuzz-self', loginToken: 't', extra: 'x' },
  getInstance: { wsUrl: 'ws://127.0.0.1:1/websocket', chatBaseCB: {}, chatTransDataCB: {}, messageQoSCB: {} },
};
for (const name of ['sendPeerMessage', 'sendGroupMessage', 'sendCustomerMessage', 'send', 'login']) TEMPLATES[name + 'Async'] = TEMPLATES[name];

/** Returns `value(depth?)`: one hostile value, objects at most `depth` deep; `value.nearlyValid(template)`. */
export function hostileValues(r) {
  const thrower = (where) => () => {
    throw new HostileError(where);
  };
  const number = () => (r.chance(0.6) ? r.pick(EDGE_NUMBERS) : r.chance(0.5) ? r.int(100000) - 50000 : (r.next() - 0.5) * 1e6);
  const string = () => {
    const k = r.int(20);
    if (k < 8) return r.pick(WORDS);
    if (k < 16) return randomString(r);
    if (k < 19) return long(r.pick(LONG_LENGTHS), r.pick(['x', 'é', '😀', '\uD800']));
    return long(10 << 20); // 10 MB
  };
  const fn = () => r.pick([
    () => () => {},
    () => thrower('function'),
    () => async () => {
      throw new HostileError('async function');
    },
    () => () => value(1),
    () => class {},
    () => function () { return this; },
    () => Object.assign(() => {}, { call: thrower('call'), apply: thrower('apply') }),
  ])();

  /** An object with some API fields, each value hostile; some read through throwing or changing getters. */
  function fields(depth) {
    const o = r.chance(0.1) ? Object.create(null) : {};
    const n = 1 + r.int(5);
    for (let i = 0; i < n; i++) {
      const name = r.chance(0.9) ? r.pick(FIELDS) : randomString(r);
      const k = r.int(10);
      let d = { value: value(depth - 1), writable: true };
      if (k === 0) d = { get: thrower('getter ' + name) };
      // A different value on every read: a check and a later use must not disagree.
      else if (k === 1) d = { get: () => value(depth - 1) };
      Object.defineProperty(o, name, { ...d, enumerable: true, configurable: true });
    }
    return o;
  }

  function object(depth) {
    const k = r.int(22);
    switch (k) {
      case 0: return {};
      case 1: return [];
      case 2: return Array.from({ length: r.int(5) }, () => value(depth - 1));
      case 3: { const a = []; a[r.int(1 << 20)] = 1; return a; } // sparse, long
      case 4: { const o = fields(depth); o.self = o; return o; } // a cycle
      case 5: { let o = {}; for (let i = 0; i < 5000; i++) o = { content: o, observer: o }; return o; } // deep
      case 6: return new Proxy(fields(depth), { get: thrower('proxy get'), has: thrower('proxy has'),
        ownKeys: thrower('proxy ownKeys'), getOwnPropertyDescriptor: thrower('proxy descriptor'),
        getPrototypeOf: thrower('proxy prototype') });
      case 7: return new Proxy({}, { get: (_, name) => (typeof name === 'string' ? value(depth - 1) : undefined) });
      case 8: { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; }
      case 9: return { toString: thrower('toString'), valueOf: thrower('valueOf'), [Symbol.toPrimitive]: thrower('toPrimitive') };
      case 10: return Object.freeze(fields(depth));
      case 11: return r.pick([new Date(NaN), new Date(), new Map([[1, 2]]), new Set([1]), new WeakMap(), /x/g,
        new Error('an app error'), Promise.resolve(1), new Uint8Array(r.int(100)), new ArrayBuffer(8), new DataView(new ArrayBuffer(4)),
        new Float64Array([NaN]), Object(1n), Object('str'), Object(Symbol('boxed'))]);
      case 12: { const o = fields(depth); Object.setPrototypeOf(o, new Proxy({}, { get: thrower('prototype get') })); return o; }
      default: return fields(depth);
    }
  }

  function value(depth = 3) {
    const k = r.int(depth > 0 ? 24 : 16);
    if (k < 2) return r.pick([undefined, null]);
    if (k < 3) return r.chance(0.5);
    if (k < 7) return number();
    if (k < 8) return r.pick(BIGINTS);
    if (k < 12) return string();
    if (k < 13) return Symbol('hostile');
    if (k < 16) return fn();
    return object(depth);
  }

  /** A copy of `template` with one or two fields hostile, one dropped or one added now and then. */
  value.nearlyValid = (template) => {
    const o = { ...template };
    const keys = Object.keys(o);
    for (let i = 1 + r.int(2); i > 0; i--) o[r.pick(keys)] = value(2);
    if (r.chance(0.15)) delete o[r.pick(keys)];
    if (r.chance(0.15)) o[r.pick(FIELDS)] = value(1);
    if (r.chance(0.2)) o.callBack = fn();
    return o;
  };
  return value;
}
