// The persisted outbox (js/api/outbox.js) over the memory store, a custom
// adapter whose writes commit when the test says, and the wx store on the
// mini-program harness's emulated wx storage (real key and size limits),
// on a fake clock. The link is a stand-in: `transmit` records what was
// handed to it and says whether it is connected.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runner, check, ROOT } from '../support/node-env.mjs';
import { FakeClock, settle } from './fake-clock.mjs';
import { Outbox } from '../../js/api/outbox.js';
import { memoryStore } from '../../js/api/outbox-store-memory.js';
import { wxStore } from '../../js/api/outbox-store-wx.js';
import { checkOutboxOption, openOutboxStore } from '../../js/api/outbox-store.js';
import { IMError } from '../../js/api/im-error.js';
import { prng } from '../fuzz-api/values.mjs';
import { IndexedHeap } from '../../js/api/indexed-heap.js';

const require = createRequire(import.meta.url);
const { test, summary } = runner();
let names = 0;

/** A link that accepts while `up`, and the outbox over `store`. */
function setup(store, options) {
  const clock = new FakeClock();
  const link = { up: false, sent: [] };
  const settled = [];
  const outbox = new Outbox(store, Object.assign({
    transmit: (e) => {
      if (!link.up) return false;
      link.sent.push(e.record.message.content);
      return true;
    },
    onSettled: (e, err) => settled.push([e.record.message.content, err ? err.code : 'ack']),
    now: () => clock.now,
    setTimer: (f, ms) => clock.setTimer(f, ms),
    clearTimer: (id) => clock.clearTimer(id),
  }, options));
  return { clock, link, settled, outbox, up() { link.up = true; outbox.linkUp(); }, down() { link.up = false; outbox.linkDown(); } };
}

/** A custom adapter whose writes commit only when `commit(i)` is called. */
function manualStore() {
  const data = new Map();
  const writes = [];
  return {
    data,
    writes,
    load: () => Array.from(data.values()),
    save(entry) {
      return new Promise((resolve) => writes.push({ entry, commit: () => { data.set(entry.id, entry); resolve(); } }));
    },
    remove(id) {
      data.delete(id);
    },
  };
}

const msg = (content) => ({ sender: 1, receiver: 2, content });

await test('sent while not connected: on the store when add() returns, transmitted in order once the link is up', async () => {
  const store = memoryStore('t' + ++names);
  const { outbox, link, up } = setup(store);
  await outbox.open();
  outbox.add('peer', msg('a'));
  outbox.add('peer', msg('b'));
  check(store.load().map((r) => r.message.content).join() === 'a,b', 'not stored synchronously');
  await settle();
  check(link.sent.length === 0, 'transmitted while down');
  up();
  check(link.sent.join() === 'a,b', 'sent ' + link.sent.join());
  outbox.add('peer', msg('c'));
  await settle();
  check(link.sent.join() === 'a,b,c', 'sent while up ' + link.sent.join());
});

await test('a message is transmitted only after its write commits, and never before an earlier one', async () => {
  const store = manualStore();
  const { outbox, link, up } = setup(store);
  await outbox.open();
  up();
  outbox.add('peer', msg('first'));
  outbox.add('peer', msg('second'));
  check(store.writes.length === 2, 'save not called before add() returned');
  store.writes[1].commit();
  await settle();
  check(link.sent.length === 0, 'sent before its write or out of order: ' + link.sent.join());
  store.writes[0].commit();
  await settle();
  check(link.sent.join() === 'first,second', 'sent ' + link.sent.join());
});

await test('restored on the next start: earlier entries go first, in their order, and end in one outcome each', async () => {
  const name = 't' + ++names;
  const first = setup(memoryStore(name));
  await first.outbox.open();
  first.outbox.add('peer', msg('old1'));
  first.outbox.add('peer', msg('old2'));
  first.outbox.close(); // the page goes away: nothing was transmitted
  await settle();
  const second = setup(memoryStore(name));
  second.clock.now = 5000;
  second.outbox.add('peer', msg('new')); // sent by the app before the store was read
  const restored = await second.outbox.open();
  check(restored.map((e) => e.record.message.content).join() === 'old1,old2', 'restored ' + restored.length);
  second.up();
  check(second.link.sent.join() === 'old1,old2,new', 'order ' + second.link.sent.join());
  const [e1, e2] = restored;
  second.outbox.acknowledged(second.outbox.byId(e1.id));
  second.outbox.failed(e2, new IMError('refused', { code: 'refused' }), true);
  second.outbox.acknowledged(e2); // a late second outcome
  check((await e1.done).content === 'old1', 'done of a restored entry');
  check(await e2.done.then(() => 'resolved', (e) => e.code) === 'refused', 'done of the refused one');
  check(second.settled.map((s) => s.join(':')).join() === 'old1:ack,old2:refused', 'outcomes ' + JSON.stringify(second.settled));
  check(memoryStore(name).load().map((r) => r.message.content).join() === 'new', 'store after the outcomes');
});

await test('a retryable failure waits for the next link and is sent again; exactly one outcome in the end', async () => {
  const { outbox, link, settled, up, down } = setup(memoryStore('t' + ++names));
  await outbox.open();
  up();
  const e = outbox.add('peer', msg('x'));
  await settle();
  down();
  outbox.failed(e, new IMError('disconnected', { code: 'disconnected' }), false);
  check(settled.length === 0, 'a retryable failure settled it');
  up();
  check(link.sent.join() === 'x,x', 'not sent again: ' + link.sent.join());
  outbox.acknowledged(e);
  outbox.acknowledged(e);
  outbox.failed(e, new IMError('late'), true);
  check(settled.length === 1 && settled[0][1] === 'ack' && outbox.size === 0, 'outcomes ' + JSON.stringify(settled));
});

await test('a retryable failure while the link stays up (e.g. lost: no ACK) is sent again after a growing back-off, at once on a new link', async () => {
  const { outbox, link, settled, clock, up, down } = setup(memoryStore('t' + ++names));
  await outbox.open();
  up();
  const e = outbox.add('peer', msg('x'));
  await settle();
  const lost = () => outbox.failed(e, new IMError('lost', { code: 'lost' }), false);
  // Each try fails while the link stays up: the gaps before the next try grow, up to the cap.
  const gaps = [];
  for (let i = 0; i < 8; i++) {
    lost();
    const from = clock.now;
    const sent = link.sent.length;
    while (link.sent.length === sent && clock.now - from < 10 * 60 * 1000) await clock.runUntil(clock.now + 100);
    check(link.sent.length === sent + 1, 'not sent again within 10 min of failure ' + (i + 1));
    gaps.push(clock.now - from);
  }
  check(gaps[0] >= 500 && gaps.every((g, i) => i === 0 || g >= gaps[i - 1]) && gaps[7] > gaps[0] && gaps[7] <= 60000,
    'gaps ' + gaps.join());
  // A new link is a fresh chance: no back-off wait.
  lost();
  down();
  up();
  check(link.sent.length === 10, 'not sent at once on the new link: ' + link.sent.length);
  outbox.acknowledged(e);
  check(settled.length === 1 && settled[0][1] === 'ack' && outbox.size === 0, 'outcomes ' + JSON.stringify(settled));
});

await test('bound: one more than outboxMaxEntries is refused at once (outbox-full) and not stored', async () => {
  const store = memoryStore('t' + ++names);
  const { outbox } = setup(store, { maxEntries: 3 });
  await outbox.open();
  for (const c of ['a', 'b', 'c']) outbox.add('peer', msg(c));
  let err = null;
  try {
    outbox.add('peer', msg('d'));
  } catch (e) {
    err = e;
  }
  check(err instanceof IMError && err.code === 'outbox-full', 'not refused: ' + err);
  check(store.load().length === 3 && outbox.size === 3, 'stored ' + store.load().length);
});

await test('expiry: a message still waiting at outboxExpiry ends as expired, also one restored already past it', async () => {
  const name = 't' + ++names;
  const { outbox, clock, settled, up, down, link } = setup(memoryStore(name), { expiryMs: 60000 });
  await outbox.open();
  const inFlight = outbox.add('peer', msg('in-flight'));
  await settle(); // its write commits
  up();
  down();
  clock.now = 30000;
  outbox.add('peer', msg('waits'));
  await clock.runUntil(89999);
  check(settled.length === 0, 'expired early: ' + JSON.stringify(settled));
  await clock.runUntil(90000);
  check(settled.map((s) => s.join(':')).join() === 'waits:expired', 'queued one: ' + JSON.stringify(settled));
  // The one in flight is decided by the link; a retryable failure past its expiry ends it.
  await clock.runUntil(200000);
  check(settled.length === 1, 'an in-flight message expired without its outcome');
  outbox.failed(inFlight, new IMError('disconnected', { code: 'disconnected' }), false);
  check(settled.length === 2 && settled[1][1] === 'expired', 'retry past expiry: ' + JSON.stringify(settled));
  check(link.sent.join() === 'in-flight', 'sent ' + link.sent.join());
  // Restored past its expiry: settled at open, never transmitted.
  const early = setup(memoryStore(name + 'b'), { expiryMs: 60000 });
  await early.outbox.open();
  early.outbox.add('peer', msg('stale'));
  early.outbox.close();
  const later = setup(memoryStore(name + 'b'), { expiryMs: 60000 });
  later.clock.now = 10 * 60000;
  const restored = await later.outbox.open();
  later.up();
  check(restored.length === 1 && later.settled[0].join(':') === 'stale:expired' && later.link.sent.length === 0, 'stale: ' + JSON.stringify(later.settled));
  check(memoryStore(name + 'b').load().length === 0, 'stale entry kept in the store');
});

await test('a store that cannot be read or written: logged, and messages are still sent from memory', async () => {
  const lines = [];
  const log = { error: (m) => lines.push('error ' + m), warn: (m) => lines.push('warn ' + m) };
  const broken = { load: () => Promise.reject(new Error('disk')), save: () => Promise.reject(new Error('quota')), remove: () => { throw new Error('gone'); } };
  const { outbox, link, up, settled } = setup(broken, { log });
  check((await outbox.open()).length === 0, 'restored from a broken store');
  up();
  const e = outbox.add('peer', msg('m'));
  await settle();
  check(link.sent.join() === 'm', 'not sent');
  outbox.acknowledged(e);
  check(settled.length === 1 && lines.length === 3, 'log ' + lines.join(' | '));
});

await test("the outbox option: 'memory' / a custom adapter accepted; other values a TypeError", () => {
  check(openOutboxStore('memory', 'x').kind === 'memory', 'memory');
  const custom = { load() {}, save() {}, remove() {} };
  check(openOutboxStore(custom, 'x') === custom && openOutboxStore(undefined, 'x') === null, 'custom / off');
  for (const bad of ['disk', 42, { load() {}, save() {} }]) {
    let threw = null;
    try {
      checkOutboxOption(bad);
    } catch (e) {
      threw = e;
    }
    check(threw instanceof TypeError, 'accepted ' + JSON.stringify(bad));
  }
});

await test('wx store on the mini-program harness: entries survive an app kill, limits of wx storage apply', async () => {
  const { createHarness } = require('../miniprogram/harness.js');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'imsdk-wx-'));
  const h = createHarness({ root, profile: 'ios' });
  try {
    const warnings = [];
    const first = setup(wxStore('user-1', h.global.wx), { log: { warn: (m, e) => warnings.push(String(e)) } });
    await first.outbox.open();
    first.outbox.add('peer', msg('a'));
    first.outbox.add('peer', msg('b'));
    check(h.global.wx.getStorageInfoSync().keys.length === 3, 'keys ' + h.global.wx.getStorageInfoSync().keys.join());
    // Over wx's 1 MB per key: not on storage (warned), still queued in memory for this run.
    const big = first.outbox.add('peer', msg('x'.repeat(1100 * 1024)));
    await settle();
    check(warnings.length === 1 && /size limit/.test(warnings[0]) && !big.durable && first.outbox.size === 3, 'over the key limit: ' + warnings.join());
    first.outbox.close(); // the app is killed
    const second = setup(wxStore('user-1', h.global.wx));
    const restored = await second.outbox.open();
    check(restored.map((e) => e.record.message.content).join() === 'a,b', 'restored ' + restored.map((e) => e.record.message.content));
    second.up();
    restored.forEach((e) => second.outbox.acknowledged(e));
    await settle();
    check(h.global.wx.getStorageInfoSync().keys.filter((k) => k.startsWith('imsdk-outbox:user-1')).length <= 1
      && wxStore('user-1', h.global.wx).load().length === 0, 'entries left: ' + h.global.wx.getStorageInfoSync().keys.join());
    check(wxStore('user-2', h.global.wx).load().length === 0, 'another outbox name sees the entries');
  } finally {
    h.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

await test('restored entries go before new ones even when the clock went back between the runs', async () => {
  const name = 't' + ++names;
  const first = setup(memoryStore(name));
  first.clock.now = 1e9;
  await first.outbox.open();
  first.outbox.add('peer', msg('old'));
  first.outbox.close();
  await settle();
  const second = setup(memoryStore(name)); // its clock starts at 0: new seqs are below the stored one
  second.outbox.add('peer', msg('new'));
  await second.outbox.open();
  second.up();
  check(second.link.sent.join() === 'old,new', 'order ' + second.link.sent.join());
});

await test("the outbox's heap: seeded random push, pop and remove agree with a sorted list", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = prng(seed);
    let moves = 0;
    const heap = new IndexedHeap((m) => m.k, '_at', (n) => { moves += n; });
    const members = Array.from({ length: 200 }, (_, i) => ({ i, k: r.int(50) }));
    const model = new Set();
    const least = () => Math.min(...Array.from(model, (m) => m.k));
    for (let step = 0; step < 3000; step++) {
      const m = r.pick(members);
      const op = r.int(3);
      if (op === 0) {
        heap.push(m);
        model.add(m);
      } else if (op === 1) {
        heap.remove(m);
        model.delete(m);
      } else {
        const top = heap.pop();
        if (model.size === 0) check(top === undefined, 'seed ' + seed + ': popped from an empty heap');
        else {
          check(top && model.has(top) && top.k === least(), 'seed ' + seed + ': popped ' + JSON.stringify(top) + ', least ' + least());
          model.delete(top);
        }
      }
      check(heap.size === model.size && members.every((x) => heap.has(x) === model.has(x)), 'seed ' + seed + ': members differ');
    }
    check(moves > 0, 'moves are counted');
  }
});

/** Heap moves and entries visited per message for `n` messages: added, sent, half failed and sent again, acknowledged. */
async function workPerMessage(n) {
  const { outbox, link, up, down } = setup(memoryStore('t' + ++names), { maxEntries: n });
  await outbox.open();
  up();
  const entries = [];
  for (let i = 0; i < n; i++) entries.push(outbox.add('peer', msg('m' + i)));
  await settle();
  check(link.sent.length === n, 'sent ' + link.sent.length + ' of ' + n);
  down();
  for (let i = 0; i < n; i += 2) outbox.failed(entries[i], new IMError('disconnected', { code: 'disconnected' }), false);
  up();
  check(link.sent.length === n + n / 2, 'sent again ' + (link.sent.length - n) + ' of ' + n / 2);
  for (const e of entries) outbox.acknowledged(e);
  check(outbox.size === 0, 'left ' + outbox.size);
  return outbox.work / n;
}

await test('each add, transmit and outcome costs O(log n): 30 times the entries is not 30 times the work per message', async () => {
  // Before, every add, outcome and pump walked all the entries: 16,000 queued took 2.5 s where 1,000 took 23 ms.
  const small = await workPerMessage(1000);
  const large = await workPerMessage(30000);
  check(Number.isFinite(small) && small > 0, 'work is counted: ' + small);
  check(large < 2 * small, 'work per message ' + small.toFixed(1) + ' at 1,000, ' + large.toFixed(1) + ' at 30,000');
});

await test('seeded random runs: each entry is transmitted only when written and not in flight, and ends in exactly one outcome', async () => {
  for (let seed = 1; seed <= 30; seed++) {
    const r = prng(seed);
    const store = manualStore();
    const clock = new FakeClock();
    const link = { up: false };
    const inFlight = new Set();
    const outcomes = new Map();
    const added = [];
    // Collected, not thrown: a throw inside transmit would be the outbox's to catch.
    const violations = [];
    const fail = (why) => violations.push(why);
    const outbox = new Outbox(store, {
      maxEntries: 20, expiryMs: 20000,
      transmit: (e) => {
        if (outcomes.has(e.id)) fail(e.id + ' transmitted after its outcome');
        if (e.state === 'saving') fail(e.id + ' transmitted before its write');
        if (inFlight.has(e.id)) fail(e.id + ' transmitted twice without a failure between');
        if (link.up) inFlight.add(e.id);
        return link.up;
      },
      onSettled: (e) => {
        if (outcomes.has(e.id)) fail(e.id + ' settled twice');
        outcomes.set(e.id, true);
        inFlight.delete(e.id);
      },
      now: () => clock.now,
      setTimer: (f, ms) => clock.setTimer(f, ms),
      clearTimer: (id) => clock.clearTimer(id),
    });
    await outbox.open();
    const anyInFlight = () => outbox.entries.filter((e) => inFlight.has(e.id));
    for (let step = 0; step < 300; step++) {
      const op = r.int(8);
      if (op <= 1) {
        try {
          added.push(outbox.add('peer', msg('s' + seed + '-' + step)));
        } catch (e) {
          if (e.code !== 'outbox-full' || outbox.size < 20) throw e;
        }
      } else if (op === 2 && store.writes.length) store.writes.splice(r.int(store.writes.length), 1)[0].commit();
      else if (op === 3) {
        link.up = r.chance(0.7);
        if (link.up) outbox.linkUp();
        else outbox.linkDown();
      } else if (op === 4 && anyInFlight().length) outbox.acknowledged(r.pick(anyInFlight()));
      else if (op === 5 && anyInFlight().length) {
        const e = r.pick(anyInFlight());
        inFlight.delete(e.id);
        outbox.failed(e, new IMError('lost', { code: 'lost' }), r.chance(0.3));
      } else if (op === 6) await clock.runUntil(clock.now + r.int(4000));
      await settle();
      const open = added.filter((e) => !outcomes.has(e.id)).length;
      if (outbox.size !== open) fail('size ' + outbox.size + ', ' + open + ' without an outcome');
    }
    // Everything written, the link up, each transmission acknowledged: every entry ends.
    while (store.writes.length) store.writes.shift().commit();
    link.up = true;
    outbox.linkUp();
    for (let round = 0; round < 100 && outcomes.size < added.length; round++) {
      await settle();
      for (const e of anyInFlight()) outbox.acknowledged(e);
      await clock.runUntil(clock.now + 30000);
    }
    check(violations.length === 0, 'seed ' + seed + ': ' + violations.slice(0, 3).join('; '));
    check(added.every((e) => outcomes.has(e.id)) && outbox.size === 0,
      'seed ' + seed + ': ' + (added.length - outcomes.size) + ' of ' + added.length + ' without an outcome');
  }
});

process.exit(summary());
