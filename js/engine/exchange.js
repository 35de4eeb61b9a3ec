// The JS half of src/web/exchange.rs: an input (a frame, a text, a command)
// is written straight into the wasm's staging buffer and passed by length;
// an export answers with the address of its batch, read in place from wasm
// memory. So a socket event is one call into wasm, with no wasm-bindgen
// copies, allocations or frees around it. A batch is valid until the next
// call into the module: ./batch.js reads it whole (copying what outlives it)
// before anything calls in again.

/** The wasm memory of each loaded glue (the glue namespace has no `memory` export). */
const memories = new WeakMap();
/** Per wasm memory, where its staging buffer is and how many bytes it holds: `{at, cap}`. */
const stagings = new WeakMap();
const EMPTY = new Uint8Array(0);
let encoder = null;

/** Notes the memory of `glue` from `exports` (what its init resolved to); returns `exports`. */
export function noteExports(glue, exports) {
  if (exports && exports.memory) memories.set(glue, exports.memory);
  return exports;
}

/**
 * The exchange over `engine` (a glue, or an object with the same exports
 * and a `memory`): `put(bytes)` and `putText(text)` stage an input and
 * return its length, `batch(address)` is the batch an export answered with.
 */
export function exchange(engine) {
  let bytes = null;
  let lenAt = -1;
  let staged = null;
  let stagedMemory = null;
  // A module's memory object never changes once loaded (growing it only replaces its buffer).
  let loaded = null;
  const memory = () => {
    if (loaded) return loaded;
    const m = engine.memory || memories.get(engine);
    if (!m) throw new Error('imsdk: the wasm is not loaded through init()');
    return (loaded = m);
  };
  // The staging buffer only moves when it grows, so an input that fits costs
  // no call to engine_input. Its address is kept per wasm memory, not per
  // exchange: every exchange over one module (both classes of a full build,
  // each exports object of a test) stages into the same buffer.
  const stage = (len) => {
    const m = memory();
    if (m !== stagedMemory) {
      stagedMemory = m;
      staged = stagings.get(m);
      if (!staged) stagings.set(m, (staged = { at: 0, cap: 0 }));
    }
    if (len > staged.cap) {
      staged.at = engine.engine_input(len) >>> 0;
      staged.cap = len;
    }
    return staged.at;
  };
  // A view of all of memory, made again after the memory grew (the old buffer is then detached).
  const view = () => {
    if (bytes === null || bytes.byteLength === 0) bytes = new Uint8Array(memory().buffer);
    return bytes;
  };
  return {
    put(data) {
      const at = stage(data.length);
      view().set(data, at);
      return data.length;
    },
    putText(text) {
      if (!encoder || encoder.constructor !== TextEncoder) encoder = new TextEncoder();
      if (typeof encoder.encodeInto !== 'function') return this.put(encoder.encode(text)); // the mini-program polyfill
      // At most 3 bytes per UTF-16 unit.
      const at = stage(text.length * 3);
      return encoder.encodeInto(text, view().subarray(at, at + text.length * 3)).written;
    },
    batch(address) {
      if (lenAt < 0) lenAt = engine.engine_batch_len_at() >>> 0;
      const v = view();
      const len = (v[lenAt] | (v[lenAt + 1] << 8) | (v[lenAt + 2] << 16) | (v[lenAt + 3] << 24)) >>> 0;
      return len === 0 ? EMPTY : v.subarray(address >>> 0, (address >>> 0) + len);
    },
  };
}

/**
 * The `<prefix>_*` exports of `glue` as the engine classes call them (same
 * names): inputs as bytes or text, each answering with its batch (a view).
 * `close(x, glueClose)` builds the protocol's close, whose arguments differ.
 */
export function engineCalls(glue, prefix, close) {
  const x = exchange(glue);
  const f = (name) => glue[prefix + '_' + name];
  const [create, command, open, binary, text, timer] = ['create', 'command', 'open', 'binary', 'text', 'timer'].map(f);
  return {
    [prefix + '_create']: (setup) => create(x.put(setup)),
    [prefix + '_free']: f('free'),
    [prefix + '_command']: (h, bytes, t) => x.batch(command(h, x.put(bytes), t)),
    [prefix + '_open']: (h, conn, t) => x.batch(open(h, conn, t)),
    [prefix + '_binary']: (h, conn, bytes, t) => x.batch(binary(h, conn, x.put(bytes), t)),
    [prefix + '_text']: (h, conn, str, t) => x.batch(text(h, conn, x.putText(str), t)),
    [prefix + '_close']: close(x, f('close')),
    [prefix + '_timer']: (h, t) => x.batch(timer(h, t)),
    wasm_memory_bytes: glue.wasm_memory_bytes,
  };
}
