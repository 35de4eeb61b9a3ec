#!/usr/bin/env node
// The JS command writer (js/engine/command.js) against the Rust reader: it
// must write exactly tests/engine/command-fixture.hex, which the Rust test
// `engine::mobileimsdk::command::tests::the_fixture_shared_with_the_js_writer_is_what_this_side_reads`
// decodes and pins (a setup, then one command per line); and the writer's
// shared buffer must not leak one command's bytes into the next.
// Usage (repo root): node tests/engine/command.test.mjs
import fs from 'node:fs';
import {
  SETUP, SIGNAL_OFFLINE, SIGNAL_SHOWN, encodeLogin, encodeLogout, encodeRelease, encodeSend, encodeSetup, encodeSignal,
} from '../../js/engine/command.js';
import { randomSeed } from '../../js/host.js';
import { runner } from '../support/node-env.mjs';

const want = fs.readFileSync(new URL('./command-fixture.hex', import.meta.url), 'utf8').trim().split('\n');
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

// The values of `fixture_setup()` and `fixture_commands()` in src/engine/mobileimsdk/command_tests.rs.
const got = [
  hex(encodeSetup('ws://127.0.0.1:3000/websocket?t=\u00e9', [[SETUP.dialectSrt, 1], [SETUP.srtSeedAckAddressing, 1],
    [SETUP.senseModeSeconds, 10], [SETUP.keepAliveInterval, 1234], [SETUP.maxPending, 50000], [SETUP.seed, 2 ** 53 - 1]])),
  hex(encodeLogin({ userId: 'u1', token: 'tok\u00e9', extra: undefined, app: 'app' })),
  hex(encodeSend({ dataContent: 'h\u00e9\u{1f600}'.repeat(30), to: '42', qos: true, fp: 'fp-1', typeu: -7 })),
  hex(encodeSend({ dataContent: '', to: 'u2', qos: false, fp: undefined, typeu: 2147483647 })),
  hex(encodeLogout()),
  hex(encodeRelease()),
  hex(encodeSignal(SIGNAL_OFFLINE)),
  hex(encodeSignal(SIGNAL_SHOWN)),
];

const { test, summary } = runner();

await test('randomSeed: 53-bit integers from crypto.getRandomValues, and from Math.random without crypto', () => {
  const seeds = (n) => Array.from({ length: n }, () => randomSeed());
  const valid = (x) => Number.isSafeInteger(x) && x >= 0;
  const fromCrypto = seeds(2000);
  if (!fromCrypto.every(valid) || new Set(fromCrypto).size !== 2000) throw new Error('crypto seeds repeat or are out of range');
  // Over 2,000 seeds some land above 2^44 (the old Math.random seed's range) with near certainty.
  if (!fromCrypto.some((x) => x >= 2 ** 44)) throw new Error('no seed above 2^44: not 53 bits');
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  let calls = 0;
  Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: (a) => { calls++; return a.fill(7); } }, configurable: true });
  try {
    const fixed = randomSeed();
    if (calls !== 1 || fixed !== (7 & 0x1fffff) * 4294967296 + 7) throw new Error('crypto not used: ' + fixed);
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    const fallback = seeds(200);
    if (!fallback.every(valid) || new Set(fallback).size < 199) throw new Error('Math.random seeds repeat or are out of range');
  } finally {
    if (saved) Object.defineProperty(globalThis, 'crypto', saved);
    else delete globalThis.crypto;
  }
});

await test('the JS writer writes the fixture the Rust reader decodes, line for line', () => {
  if (got.length !== want.length) throw new Error(got.length + ' lines vs ' + want.length);
  got.forEach((line, i) => {
    if (line !== want[i]) throw new Error('line ' + (i + 1) + ': ' + line + ' vs ' + want[i]);
  });
});

await test('text without encodeInto (the mini-program polyfill) writes the same bytes', async () => {
  const Real = globalThis.TextEncoder;
  let used = 0;
  globalThis.TextEncoder = class {
    encode(s) {
      used++;
      return new Real().encode(s);
    }
  };
  try {
    // A fresh module instance: its encoder is created on first use, under the stand-in.
    const m = await import('../../js/engine/command.js?encode-only');
    const line = hex(m.encodeSend({ dataContent: 'h\u00e9\u{1f600}'.repeat(30), to: '42', qos: true, fp: 'fp-1', typeu: -7 }));
    if (line !== want[2]) throw new Error(line + ' vs ' + want[2]);
    if (used === 0) throw new Error('the stand-in encoder was not used');
  } finally {
    globalThis.TextEncoder = Real;
  }
});

process.exit(summary());
