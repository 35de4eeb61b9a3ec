#!/usr/bin/env node
// The JS batch reader (js/engine/batch.js) against the Rust writer: it
// decodes tests/engine/batch-fixture.hex, which the Rust test
// `engine::batch::tests::the_fixture_shared_with_the_js_reader_is_what_the_writer_produces`
// pins to the writer's output, into the records that test encodes; every cut
// of it reads as a prefix of those records or throws, never as other records.
// Usage (repo root): node tests/engine/batch.test.mjs
import fs from 'node:fs';
import { readBatch } from '../../js/engine/batch.js';
import { runner } from '../support/node-env.mjs';

const hex = fs.readFileSync(new URL('./batch-fixture.hex', import.meta.url), 'utf8').trim();
const bytes = Uint8Array.from(hex.match(/../g).map((h) => parseInt(h, 16)));

// The records of `fixture_records()` in src/engine/batch_tests.rs, as JS reads them.
const expected = [
  { op: 1, conn: 1, url: 'ws://127.0.0.1:3000/websocket' },
  { op: 2, conn: 1, text: '{"type":0,"dataContent":"h\u00e9\u{1f600}"}' },
  { op: 3, conn: 300, bytes: [0, 1, 127, 128, 255] },
  { op: 4, conn: 300 },
  { op: 5, delayMs: 180000 },
  { op: 6 },
  { op: 7, kind: 9, values: [-1, '9223372036854775807', '-9223372036854775808', '\u4f60\u597d', [], null, false, true] },
];

const plain = (records) => JSON.stringify(records, (k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
const { test, summary } = runner();

await test('the fixture decodes into the records the Rust writer encoded', () => {
  const got = plain(readBatch(bytes));
  if (got !== plain(expected)) throw new Error('got ' + got);
});

await test('every cut reads as a prefix of the records, or throws a RangeError', () => {
  for (let cut = 0; cut < bytes.length; cut++) {
    let got;
    try {
      got = readBatch(bytes.subarray(0, cut));
    } catch (e) {
      if (!(e instanceof RangeError)) throw new Error('cut ' + cut + ': ' + e);
      continue;
    }
    if (plain(got) !== plain(expected.slice(0, got.length))) throw new Error('cut ' + cut + ' read as ' + plain(got));
  }
});

await test('integers up to 2^53 in magnitude are Numbers, beyond that decimal strings', () => {
  // Event kind 0 with one zigzag integer each: 2^53 - 1, -(2^53 - 1), 2^53.
  const zz = (n) => { // n >= 0 as BigInt -> LEB128 bytes
    const out = [];
    while (n >= 0x80n) { out.push(Number(n & 0x7fn) | 0x80); n >>= 7n; }
    out.push(Number(n));
    return out;
  };
  const event = (z) => Uint8Array.from([7, 0, 1, 0, ...zz(z)]);
  const v = (z) => readBatch(event(z))[0].values[0];
  // Also around 2^49, where the reader's allocation-free path (7 LEB128 bytes) hands over to the 64-bit one.
  const cases = [[(2n ** 53n - 1n) * 2n, 2 ** 53 - 1], [(2n ** 53n - 1n) * 2n - 1n, -(2 ** 53 - 1)], [2n ** 53n * 2n, '9007199254740992'],
    [2n ** 49n - 1n, -(2 ** 48)], [2n ** 49n - 2n, 2 ** 48 - 1], [2n ** 49n, 2 ** 48], [2n ** 49n + 1n, -(2 ** 48) - 1], [0n, 0], [1n, -1], [2n, 1]];
  for (const [z, want] of cases) if (v(z) !== want) throw new Error(z + ' read as ' + JSON.stringify(v(z)));
});

await test('unknown tags and bad text throw RangeErrors', () => {
  for (const bad of [[0], [7, 1, 1, 9], [2, 0, 1, 0xff], [5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]]) {
    let threw = false;
    try { readBatch(Uint8Array.from(bad)); } catch (e) { threw = e instanceof RangeError; }
    if (!threw) throw new Error(JSON.stringify(bad) + ' did not throw a RangeError');
  }
});

process.exit(summary());
