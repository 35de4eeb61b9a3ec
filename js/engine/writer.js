// The primitives of src/engine/wire.rs in JS, for the command writers of
// both engines (./command.js, ./gobelieve-command.js): one growing buffer.

let encoder = null;

/** A growing byte buffer with the primitives of src/engine/wire.rs. */
export class Writer {
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
    // Re-made when the global changed (a polyfill installed later, the tests' stand-in).
    if (!encoder || encoder.constructor !== TextEncoder) encoder = new TextEncoder();
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
