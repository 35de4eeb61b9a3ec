#!/usr/bin/env node
// The JS half of the in-place boundary (js/engine/exchange.js) against a
// stand-in of src/web/exchange.rs over a real WebAssembly.Memory: staged
// inputs land where the engine reads them, batches are read where it wrote
// them, also after the memory grew (which detaches the old buffer), and a
// copied-out frame survives the next call reusing the batch buffer.
// Usage (repo root): node tests/engine/exchange.test.mjs
import { exchange, noteExports } from '../../js/engine/exchange.js';
import { readBatch } from '../../js/engine/batch.js';
import { runner } from '../support/node-env.mjs';

const { test, summary } = runner();
function equal(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(what + ': got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
}

/** The Rust side as wasm memory sees it: a staging area, a batch area and the length cell. */
function standIn(memory) {
  const LEN_AT = 8;
  const INPUT_AT = 64;
  const BATCH_AT = 1024;
  const mem = () => new Uint8Array(memory.buffer);
  const setLen = (n) => new DataView(memory.buffer).setUint32(LEN_AT, n, true);
  return {
    memory,
    engine_input: () => INPUT_AT,
    engine_batch_len_at: () => LEN_AT,
    staged: (len) => Array.from(mem().subarray(INPUT_AT, INPUT_AT + len)),
    /** Writes `records` (bytes of a batch) as the answer; returns its address. */
    answer(bytes) {
      mem().set(bytes, BATCH_AT);
      setLen(bytes.length);
      return BATCH_AT;
    },
  };
}

// A batch of one SendBinary record (tag 3, conn 1, 3 bytes) and one Close (tag 4, conn 1).
const SEND = [3, 1, 3, 7, 8, 9];
const CLOSE = [4, 1];

await test('a staged input is where the engine reads it, as bytes or as UTF-8 text', () => {
  const e = standIn(new WebAssembly.Memory({ initial: 1 }));
  const x = exchange(e);
  equal(x.put(Uint8Array.of(1, 2, 3)), 3, 'length');
  equal(e.staged(3), [1, 2, 3], 'bytes');
  const n = x.putText('h\u00e9\u{1f600}');
  equal(n, 7, 'UTF-8 length');
  equal(e.staged(n), [104, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80], 'UTF-8');
});

await test('a batch is read in place, and an empty one is empty', () => {
  const e = standIn(new WebAssembly.Memory({ initial: 1 }));
  const x = exchange(e);
  equal(Array.from(x.batch(e.answer([...SEND, ...CLOSE]))), [...SEND, ...CLOSE], 'batch');
  equal(x.batch(e.answer([])).length, 0, 'empty');
});

await test('after the memory grew, inputs and batches use the new buffer', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const e = standIn(memory);
  const x = exchange(e);
  x.batch(e.answer(CLOSE));
  memory.grow(1); // detaches the buffer exchange.js viewed
  equal(Array.from(x.batch(e.answer(SEND))), SEND, 'batch after growth');
  x.put(Uint8Array.of(5, 6));
  equal(e.staged(2), [5, 6], 'input after growth');
});

await test('a frame read from a batch outlives the next batch written over it', () => {
  const e = standIn(new WebAssembly.Memory({ initial: 1 }));
  const x = exchange(e);
  const [send] = readBatch(x.batch(e.answer(SEND)));
  x.batch(e.answer([3, 1, 3, 0, 0, 0]));
  equal(Array.from(send.bytes), [7, 8, 9], 'frame');
});

await test('a glue namespace gets its memory from the exports its init resolved to', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const glue = { ...standIn(memory), memory: undefined };
  const x = exchange(glue);
  let threw = false;
  try {
    x.put(Uint8Array.of(1));
  } catch (_) {
    threw = true;
  }
  equal(threw, true, 'unloaded glue throws');
  equal(noteExports(glue, { memory }).memory, memory, 'exports passed through');
  x.put(Uint8Array.of(4));
  equal(glue.staged(1), [4], 'input');
});

/** A stand-in whose staging buffer moves each time it grows, as a Vec does; counts the calls. */
function movingStandIn(memory) {
  const e = standIn(memory);
  let at = 64;
  let cap = 0;
  e.calls = 0;
  e.engine_input = (len) => {
    e.calls++;
    if (len > cap) {
      at += 2048;
      cap = len;
    }
    return at;
  };
  e.staged = (len) => Array.from(new Uint8Array(memory.buffer).subarray(at, at + len));
  return e;
}

await test('an input that fits the staging buffer costs no call; one that does not lands where it moved', () => {
  const e = movingStandIn(new WebAssembly.Memory({ initial: 1 }));
  const x = exchange(e);
  x.put(new Uint8Array(8));
  x.put(Uint8Array.of(5, 6));
  x.putText('ab'); // stages room for 3 bytes per unit: 6
  equal(e.calls, 1, 'calls for inputs that fit');
  equal(e.staged(2), [97, 98], 'text where the buffer is');
  x.put(new Uint8Array(20).fill(9));
  equal(e.calls, 2, 'calls after one that did not fit');
  equal(e.staged(20), new Array(20).fill(9), 'input where the buffer moved');
});

await test('both classes of one module share the staging buffer: a move by one is seen by the other', () => {
  const e = movingStandIn(new WebAssembly.Memory({ initial: 1 }));
  const gobelieve = exchange(e);
  const mobileimsdk = exchange(e);
  gobelieve.put(Uint8Array.of(1));
  mobileimsdk.put(new Uint8Array(50).fill(7)); // moves the buffer
  gobelieve.put(Uint8Array.of(3, 4));
  equal(e.staged(2), [3, 4], 'the other exchange stages where the buffer is now');
});

await test('two exports objects over one module (as each wasm-bindgen suite builds) share the staging buffer too', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const first = movingStandIn(memory);
  const second = { ...first }; // another object, the same module (its engine_input and memory)
  const x = exchange(first);
  x.put(new Uint8Array(10));
  exchange(second).put(new Uint8Array(50).fill(7)); // moves the buffer
  x.put(Uint8Array.of(3, 4)); // fits what `x` staged before: no call, so only a shared record knows the move
  equal(first.staged(2), [3, 4], 'staged where the buffer is now');
});

process.exit(summary());
