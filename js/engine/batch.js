// Reads the output batch of one engine pump (src/engine/batch.rs has the
// layout): the machine's I/O requests and events, in one pass over the bytes.
// tests/engine/batch.test.mjs decodes the fixture the Rust writer's test pins.

export const OP_CONNECT = 1;
export const OP_SEND_TEXT = 2;
export const OP_SEND_BINARY = 3;
export const OP_CLOSE = 4;
export const OP_ARM_TIMER = 5;
export const OP_DISARM_TIMER = 6;
export const OP_EVENT = 7;

const TWO_32 = 4294967296;
/** Text up to this many bytes is decoded here when it is ASCII (TextDecoder has a fixed cost per call). */
const SHORT_TEXT = 64;
let decoder = null;

// The reader's state, at module level so a batch costs no closures: the
// bytes being read and the offset. readBatch never re-enters (it calls nothing).
let B = null;
let at = 0;

function fail(why) {
  throw new RangeError('imsdk: malformed engine batch at byte ' + at + ': ' + why);
}

function byte() {
  if (at >= B.length) fail('truncated');
  return B[at++];
}

// An unsigned LEB128 as [hi, lo] 32-bit halves.
function uint64() {
  let lo = 0;
  let hi = 0;
  for (let shift = 0; shift < 64; shift += 7) {
    const b = byte();
    const part = b & 0x7f;
    if (shift === 63 && part > 1) fail('varint over 64 bits');
    if (shift < 28) lo += part * 2 ** shift;
    else if (shift === 28) {
      lo += (part & 0xf) * 2 ** 28;
      hi += part >>> 4;
    } else hi += part * 2 ** (shift - 32);
    if ((b & 0x80) === 0) return [hi, lo];
  }
  return fail('varint over 64 bits');
}

// The common case without allocating: a LEB128 of at most 7 bytes (below
// 2^49, exact as a Number), or -1 with `at` unmoved for uint64 to read.
function short() {
  const start = at;
  let n = 0;
  let mul = 1;
  for (let i = 0; i < 7; i++) {
    const b = byte();
    n += (b & 0x7f) * mul;
    if (b < 0x80) return n;
    mul *= 128;
  }
  at = start;
  return -1;
}

function small() {
  const n = short();
  if (n >= 0 && n < TWO_32) return n;
  if (n >= 0) fail('value over 32 bits');
  const [hi, lo] = uint64();
  if (hi !== 0) fail('value over 32 bits');
  return lo;
}

function count() {
  let n = short();
  if (n < 0) {
    const [hi, lo] = uint64();
    n = hi * TWO_32 + lo;
  }
  if (n > B.length - at) fail('truncated');
  return n;
}

function raw() {
  const n = count();
  at += n;
  return B.subarray(at - n, at);
}

function text() {
  const n = count();
  const start = at;
  at += n;
  if (n <= SHORT_TEXT) {
    let s = '';
    for (let i = start; i < at; i++) {
      const b = B[i];
      if (b >= 0x80) return decode(start);
      s += String.fromCharCode(b);
    }
    return s;
  }
  return decode(start);
}

function decode(start) {
  if (!decoder) decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoder.decode(B.subarray(start, at));
  } catch (_) {
    return fail('text is not UTF-8');
  }
}

function int() {
  const n = short();
  // Zigzag: even is n / 2, odd is -(n + 1) / 2.
  if (n >= 0) return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  const [hi, lo] = uint64();
  const negative = lo % 2 === 1;
  // (u >>> 1) + sign bit, across the two halves: the magnitude.
  let mLo = Math.floor(lo / 2) + (hi % 2) * 2 ** 31 + (negative ? 1 : 0);
  let mHi = Math.floor(hi / 2);
  if (mLo >= TWO_32) {
    mLo -= TWO_32;
    mHi += 1;
  }
  const m = mHi < 2 ** 21 ? mHi * TWO_32 + mLo : decimal(mHi, mLo);
  if (!negative) return m;
  return typeof m === 'number' ? -m : '-' + m;
}

function value() {
  switch (byte()) {
    case 0: return int();
    case 1: return text();
    case 2: return raw().slice();
    case 3: return null;
    case 4: return false;
    case 5: return true;
    default: at--; return fail('unknown value tag ' + B[at]);
  }
}

function record(op) {
  switch (op) {
    case OP_CONNECT: return { op, conn: small(), url: text() };
    case OP_SEND_TEXT: return { op, conn: small(), text: text() };
    // A copy: the batch is a view of wasm memory that the next call reuses (../transport.js sendOwned sends it as is).
    case OP_SEND_BINARY: return { op, conn: small(), bytes: raw().slice() };
    case OP_CLOSE: return { op, conn: small() };
    case OP_ARM_TIMER: {
      let delayMs = short();
      if (delayMs < 0) {
        const [hi, lo] = uint64();
        delayMs = hi * TWO_32 + lo;
      }
      return { op, delayMs };
    }
    case OP_DISARM_TIMER: return { op };
    case OP_EVENT: {
      const kind = small();
      const n = count();
      const values = new Array(n);
      for (let i = 0; i < n; i++) values[i] = value();
      return { op, kind, values };
    }
    default: at--; return fail('unknown record tag ' + op);
  }
}

/**
 * Returns the records of `bytes` (a Uint8Array): `{op, conn, url}`,
 * `{op, conn, text}`, `{op, conn, bytes}` (a copy), `{op, conn}`,
 * `{op, delayMs}`, `{op}` or `{op, kind, values}`. Integers are Numbers when
 * exact, else decimal strings (as 64-bit ids are everywhere in the API).
 * Throws a RangeError on a malformed batch.
 */
export function readBatch(bytes) {
  B = bytes;
  at = 0;
  const out = [];
  try {
    while (at < bytes.length) out.push(record(byte()));
  } finally {
    B = null; // hold no view of wasm memory between batches
  }
  return out;
}

// hi * 2^32 + lo in decimal without BigInt (old WeChat clients lack it),
// in base-10^7 limbs, least significant first.
function decimal(hi, lo) {
  const BASE = 1e7;
  let limbs;
  const mulAdd = (mul, add) => {
    let carry = add;
    limbs = limbs.map((l) => {
      const v = l * mul + carry;
      carry = Math.floor(v / BASE);
      return v % BASE;
    });
    while (carry > 0) {
      limbs.push(carry % BASE);
      carry = Math.floor(carry / BASE);
    }
  };
  // hi * 2^32 = hi * 65536 * 65536; every step stays below 2^53.
  limbs = [hi % BASE, Math.floor(hi / BASE)].filter((l, i) => i === 0 || l > 0);
  mulAdd(65536, 0);
  mulAdd(65536, lo);
  let s = String(limbs[limbs.length - 1]);
  for (let i = limbs.length - 2; i >= 0; i--) s += String(limbs[i]).padStart(7, '0');
  return s;
}
