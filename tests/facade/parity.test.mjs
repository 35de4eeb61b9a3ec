#!/usr/bin/env node
// The ready facade (js/facade.js, what every bundle ships) against the raw
// classes over the engines (pkg/web/classes.js), in headless Chromium:
// - it has every member of both classes, before the wasm has loaded too, of
//   the same kind (method, read-only or writable accessor), and no other;
// - every accessor reads the wasm's default before and after loading;
// - every property, constructor option and call with a bad argument throws
//   the same TypeError/RangeError (same message) before loading, after
//   loading and on the raw class, and returns the same value when valid;
// - resetInitFlag() and getInstance() behave as on the raw class;
// - a call that still fails when replayed is surfaced (ready() rejects,
//   console error naming the call, the instance throws it), and the queue
//   of calls before loading is bounded.
// Usage (repo root, after scripts/build.sh): node tests/facade/parity.test.mjs
// (IMSDK_ENTRY=gobelieve | mobileimsdk: that entry's facade against its own raw class).
import { check, devserver, ENTRY_CLASSES, entryHas, launchChromium, npmPage, NPM_ENTRY, runner, same, testIf } from '../support/node-env.mjs';

const { test, summary } = runner();

// Runs in the page: the walk and the comparisons, before and after loading.
async function walk(classes) {
  const raw = await window.loadRaw();
  const { imsdk, outcome } = window;
  const has = (name) => classes.includes(name);
  const pick = (from) => Object.fromEntries(classes.map((c) => [c, from[c]]));
  const F = pick(imsdk);
  const R = pick(raw);
  const memory = (C) => (C.IMService || C.IMClientManager).wasmMemoryBytes;
  const BOTH = ['IMService', 'IMClientManager'];
  // The developer API (js/api: events, Promise forms) exists on the JS classes only; tests/devx covers it.
  const DEVX = ['on', 'off', '_emit', 'sendPeerMessageAsync', 'sendGroupMessageAsync', 'sendCustomerMessageAsync', 'loginAsync', 'sendAsync'];
  const skipName = (k) => ['constructor', 'length', 'name', 'prototype', 'caller', 'arguments'].includes(k) || k.startsWith('__')
    || DEVX.includes(k);
  const kinds = (o) => Object.fromEntries(Object.getOwnPropertyNames(o).filter((k) => !skipName(k)).sort().map((k) => {
    const d = Object.getOwnPropertyDescriptor(o, k);
    return [k, typeof d.value === 'function' ? 'method' : d.get ? (d.set ? 'accessor' : 'read-only') : 'value'];
  }));
  // Members whose value is random or reports live resources (compared by kind only before loading).
  const RANDOM = ['deviceID', 'device_id'];
  const LIVE = ['watchingEnvironment', 'wasmMemoryBytes'];
  const readAll = (obj, names, skip) => Object.fromEntries(names.filter((k) => !skip.includes(k)).map((k) => [k, outcome(() => obj[k])]));
  const accessors = (C) => Object.entries(kinds(C.prototype)).filter(([, k]) => k !== 'method').map(([n]) => n);
  const statics = (C) => Object.entries(kinds(C)).filter(([, k]) => k !== 'method').map(([n]) => n);
  const wsUrl = 'ws://127.0.0.1:9/none';

  // Bad (and some good) values per property; the same for the constructor options.
  const ids = [1.5, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 2 ** 63, '12x', '', '99999999999999999999', 2n ** 64n, {}, true, 7, '7', 7n, null, undefined];
  const texts = [5, null, undefined, {}, '\uD800', 'a\uDC00b', 'x'.repeat(255), 'x'.repeat(256), '\u00e9'.repeat(128), 'ok'];
  const ms = [0, 0.5, 1, -1, NaN, Infinity, 86400000, 86400001, '5', null, undefined, 1000];
  const props = {
    host: texts, accessToken: texts, deviceID: texts, device_id: texts,
    port: [0, 1, 65535, 65536, 1.5, '80', NaN, null, 8080],
    protocol: ['ws://', 'wss://', 'http://', 5, null, undefined, 'x'.repeat(17)],
    url: ['ws://a/ws', 'http://a', '', 5, null, undefined, 'ws://' + 'x'.repeat(2044)],
    platformID: [0, 255, 256, -1, 1.5, '3', NaN, 3],
    protocolVersion: [1, 2, 3, 0, '2', NaN, null],
    syncKey: ids,
    ackTimeout: ms, pingInterval: ms, pongTimeout: ms, reconnectDelay: ms, reconnectMaxDelay: ms, connectTimeout: ms,
  };
  const msg = (o) => Object.assign({ sender: 1, receiver: 2, content: 'hi', msgLocalID: 1 }, o);
  const badMessages = [undefined, null, 5, 'x', {}, msg({ sender: undefined }), msg({ receiver: null }),
    ...ids.map((v) => msg({ sender: v })), ...ids.map((v) => msg({ receiver: v })),
    msg({ content: 5 }), msg({ content: undefined }), msg({ content: '\uD800' }), msg({ content: 'x'.repeat(32743) }),
    msg({ content: 'x'.repeat(32744) }), msg({ content: 'x'.repeat(32751) }), msg({ content: 'x'.repeat(32752) }),
    ...[NaN, Infinity, 1.5, -0.5, 2 ** 32, 2 ** 32 - 1, -(2 ** 31), -(2 ** 31) - 1, '5', null].flatMap((v) => [msg({ msgLocalID: v }), msg({ timestamp: v })]),
    msg({})];
  const customer = (o) => Object.assign({ senderAppID: 1, sender: 1, receiverAppID: 2, receiver: 2, content: 'hi' }, o);
  const badCustomer = [undefined, {}, customer({}), customer({ senderAppID: 2 ** 53 }), customer({ receiverAppID: 'x' }),
    customer({ content: 'x'.repeat(32732) }), customer({ content: 'x'.repeat(32731) }), customer({ timestamp: NaN })];
  const calls = {
    IMService: {
      sendPeerMessage: badMessages.map((m) => [m]), sendGroupMessage: badMessages.map((m) => [m]),
      sendRTMessage: badMessages.map((m) => [m]), sendRoomMessage: badMessages.map((m) => [m]),
      sendCustomerMessage: badCustomer.map((m) => [m]),
      enterRoom: ids.map((v) => [v]), leaveRoom: ids.map((v) => [v]), removeSuperGroupSyncKey: ids.map((v) => [v]),
      addSuperGroupSyncKey: [...ids.map((v) => [v, 1]), ...ids.map((v) => [1, v])],
      clearSuperGroupSyncKey: [[]], enterBackground: [[]], enterForeground: [[]], handleConnectivityChange: [[], ['none']],
    },
    IMClientManager: {
      login: [[], [null], [5], [{}], [{ loginUserId: '' }], [{ loginUserId: 1.5 }], [{ loginUserId: 2 ** 53 }],
        [{ loginUserId: {} }], [{ logiUserId: 'u', loginToken: 5 }], [{ loginUserId: 'u', extra: 'x'.repeat(4097) }],
        [{ loginUserId: 'u', app: '\uD800' }], [{ loginUserId: 'x'.repeat(4097) }]],
      logout: [[]],
      getBaseEventListener: [[]], getTransDataListener: [[]], getMessageQoSListener: [[]],
    },
  };
  const mobileimsdkSends = [undefined, 5, {}, { dataContent: 5, toId: '1' }, { dataContent: 'x' }, { dataContent: 'x', toId: '' },
    { dataContent: 'x', toId: 1.5 }, { dataContent: 'x', toId: 2 ** 53 }, { dataContent: 'x', toId: '1', Qos: 1 },
    { dataContent: 'x', toId: '1', QoS: 'yes' }, { dataContent: 'x', toId: '1', fingerPrint: '' },
    { dataContent: 'x', toId: '1', fingerPrint: 'x'.repeat(257) }, { dataContent: 'x', toId: '1', typeu: 2 ** 31 },
    { dataContent: 'x', toId: '1', typeu: 1.5 }, { dataContent: 'x'.repeat(65537), toId: '1' }, { dataContent: '\uDFFF', toId: '1' },
    { dataContent: 'x', toId: '1' }];
  const mobileimsdkOptions = [undefined, 5, {}, { wsUrl: '' }, { wsUrl: 'http://x' }, { wsUrl: wsUrl, dialect: 'x' },
    { wsUrl: wsUrl, srtSeedAckAddressing: 1 }, { wsUrl: wsUrl, senseMode: 4 }, { wsUrl: wsUrl, senseMode: 'MODE_7S' },
    { wsUrl: wsUrl, keepAliveInterval: 0 }, { wsUrl: wsUrl, qosJustNow: null }, { wsUrl: wsUrl, connectTimeout: NaN },
    { wsUrl: wsUrl, qosMaxResends: 101 }, { wsUrl: wsUrl, qosMaxResends: 1.5 }, { wsUrl: wsUrl, chatBaseCB: 5 },
    { wsUrl: wsUrl, messageQoSCB: () => {} }, { wsUrl: wsUrl, chatTransDataCB: 'x' }];

  // One snapshot of everything comparable; `C` is the facade or raw classes.
  function snapshot(C) {
    const out = { statics: {}, props: {}, options: {}, calls: {}, mobileimsdk: {} };
    for (const name of classes) {
      out.statics[name] = readAll(C[name], statics(C[name]), LIVE);
    }
    if (has('IMService')) gobelieveSnapshot(C, out);
    if (has('IMClientManager')) mobileimsdkSnapshot(C, out);
    return out;
  }

  function gobelieveSnapshot(C, out) {
    const fresh = new C.IMService();
    out.defaults = readAll(fresh, accessors(C.IMService), [...RANDOM, ...LIVE]);
    out.deviceIdLength = fresh.deviceID.length;
    for (const [p, values] of Object.entries(props)) {
      const s = new C.IMService();
      out.props[p] = values.map((v) => [outcome(() => { s[p] = v; }), outcome(() => (RANDOM.includes(p) ? s[p] === v : s[p]))]);
      out.options[p] = values.map((v) => outcome(() => {
        const o = new C.IMService(undefined, { [p]: v });
        return RANDOM.includes(p) ? o[p] === v : o[p];
      }));
    }
    const s = new C.IMService({});
    for (const [m, argLists] of Object.entries(calls.IMService)) out.calls[m] = argLists.map((a) => outcome(() => s[m](...a)));
  }

  function mobileimsdkSnapshot(C, out) {
    out.mobileimsdk.options = mobileimsdkOptions.map((o) => outcome(() => { C.IMClientManager.getInstance(o); return C.IMClientManager.getInitFlag(); }));
    const chatBaseCB = { onLoginOrReloginSuccessCB() {} };
    const mgr = C.IMClientManager.getInstance({ wsUrl, chatBaseCB });
    out.mobileimsdk.sameListener = mgr.getBaseEventListener() === chatBaseCB;
    out.mobileimsdk.defaults = readAll(mgr, accessors(C.IMClientManager), LIVE);
    for (const [m, argLists] of Object.entries(calls.IMClientManager)) out.mobileimsdk[m] = argLists.map((a) => outcome(() => mgr[m](...a)));
    out.mobileimsdk.send = mobileimsdkSends.map((a) => {
      const got = [];
      const arg = a && typeof a === 'object' ? Object.assign({ callBack: (code, e) => got.push(code, e instanceof Error ? e.constructor.name + ': ' + e.message : typeof e) }, a) : a;
      return [outcome(() => mgr.send(arg)), got.length ? got : 'no callBack'];
    });
    // resetInitFlag: the flag drops, getInstance(options) builds anew, the old one is released.
    const before = C.IMClientManager.getInstance();
    mgr.resetInitFlag();
    const flagAfterReset = C.IMClientManager.getInitFlag();
    const same1 = C.IMClientManager.getInstance() === mgr;
    const next = C.IMClientManager.getInstance({ wsUrl: wsUrl + '2' });
    out.mobileimsdk.reset = { before: before === mgr, flagAfterReset, same1, fresh: next !== mgr, flag: C.IMClientManager.getInitFlag(), shared: next.isSharedInstance };
    next.release();
    out.mobileimsdk.afterRelease = { flag: C.IMClientManager.getInitFlag(), get: outcome(() => C.IMClientManager.getInstance()) };
  }

  // Each class and its prototype, member name -> kind.
  const allKinds = (C) => Object.fromEntries(classes.map((c) => [c, [kinds(C[c]), kinds(C[c].prototype)]]));
  const result = { kinds: { raw: allKinds(R), before: allKinds(F) }, exported: { facade: BOTH.filter((c) => imsdk[c]), raw: BOTH.filter((c) => raw[c]) } };
  result.before = snapshot(F); // synchronous: the facade's wasm cannot have loaded in between
  result.loadedDuringSnapshot = memory(F) > 0;
  await imsdk.ready();
  result.kinds.after = allKinds(F);
  result.after = snapshot(F);
  result.raw = snapshot(R);
  result.memory = { facade: memory(F), raw: memory(R) };
  return result;
}

function diff(a, b, path, out) {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[k], b[k], path + '.' + k, out);
    return out;
  }
  out.push(path + ': ' + JSON.stringify(a) + ' vs ' + JSON.stringify(b));
  return out;
}

function noDiff(a, b, what) {
  const d = diff(a, b, what, []);
  check(d.length === 0, d.length + ' differences, first ' + d.slice(0, 6).join('; '));
}

async function main() {
  const server = await devserver();
  const browser = await launchChromium();
  try {
    const page = await npmPage(browser, server);
    const classes = ENTRY_CLASSES[NPM_ENTRY];
    const r = await page.evaluate(walk, classes);
    const [GOBELIEVE, MOBILEIMSDK] = [entryHas('IMService'), entryHas('IMClientManager')];
    const testOf = (has, name, fn) => testIf(has, test, name, fn);

    await test('the snapshot before loading ran before the wasm had loaded', () => check(!r.loadedDuringSnapshot, 'loaded during it'));
    await test('the facade has every member of the wasm classes of dist/npm/' + NPM_ENTRY + '.js before loading, of the same kind, and no other', () => {
      same(r.exported, { facade: classes, raw: classes }, 'classes exported');
      noDiff(r.kinds.before, r.kinds.raw, 'before');
    });
    await test('... and after loading', () => noDiff(r.kinds.after, r.kinds.raw, 'after'));
    await test('statics and IMService defaults read the same before loading, after loading and on the raw class', () => {
      noDiff([r.before.statics, r.before.defaults], [r.raw.statics, r.raw.defaults], 'before');
      noDiff([r.after.statics, r.after.defaults], [r.raw.statics, r.raw.defaults], 'after');
      if (GOBELIEVE) same([r.before.deviceIdLength, r.after.deviceIdLength], [36, 36], 'deviceID lengths');
    });
    for (const key of ['props', 'options', 'calls']) {
      await testOf(GOBELIEVE, 'IMService ' + key + ': every bad value fails (and every good one passes) the same before loading, after and raw', () => {
        noDiff(r.before[key], r.raw[key], 'before');
        noDiff(r.after[key], r.raw[key], 'after');
        const errors = JSON.stringify(r.raw[key]).match(/Error: /g) || [];
        check(errors.length > 50, 'only ' + errors.length + ' errors in the table: the cases do not reach the checks');
      });
    }
    await testOf(MOBILEIMSDK, 'IMClientManager options, login, send, listeners, resetInitFlag: the same before loading, after and raw', () => {
      // The one documented difference: a valid send before loading calls back 3 (not connected), after
      // loading 1 (not logged in) with the packet.
      const valid = r.before.mobileimsdk.send.length - 1;
      same(r.before.mobileimsdk.send[valid], [{ value: 'undefined' }, [3, 'undefined']], 'valid send before loading');
      same(r.raw.mobileimsdk.send[valid], [{ value: 'undefined' }, [1, 'object']], 'valid send on the raw class');
      r.before.mobileimsdk.send[valid] = r.raw.mobileimsdk.send[valid];
      noDiff(r.before.mobileimsdk, r.raw.mobileimsdk, 'before');
      noDiff(r.after.mobileimsdk, r.raw.mobileimsdk, 'after');
      same(r.raw.mobileimsdk.reset, { before: true, flagAfterReset: false, same1: true, fresh: true, flag: true, shared: true }, 'raw resetInitFlag');
    });
    await test('wasmMemoryBytes reads the wasm memory once loaded', () => {
      check(r.memory.facade >= 65536 && r.memory.raw >= 65536, JSON.stringify(r.memory));
    });
    await page.close();

    // A call that passes the synchronous check but fails when replayed.
    const p2 = await npmPage(browser, server);
    const dead = !MOBILEIMSDK ? null : await p2.evaluate(async () => {
      const { IMClientManager, ready } = window.imsdk;
      const mgr = IMClientManager.getInstance({ wsUrl: 'ws://127.0.0.1:9/none' });
      let reads = 0;
      // Valid when checked, gone when replayed: a getter that changes its mind.
      mgr.login({ get loginUserId() { reads++; return reads === 1 ? 'u1' : undefined; } });
      const rejected = await ready().then(() => 'resolved', (e) => String(e.message));
      const later = window.outcome(() => mgr.send({ dataContent: 'x', toId: '1', callBack() {} }));
      return { rejected, later };
    });
    await testOf(MOBILEIMSDK, 'a replayed call that fails: ready() rejects naming it, a console error, the instance throws it', () => {
      check(/IMClientManager\.login\(\) failed when replayed/.test(dead.rejected), 'ready(): ' + dead.rejected);
      check(/IMClientManager\.login\(\) failed when replayed/.test(dead.later.error || ''), 'later send: ' + JSON.stringify(dead.later));
      check(p2.consoleLines.some((l) => l.startsWith('error: imsdk: IMClientManager.login() failed when replayed')),
        'console: ' + JSON.stringify(p2.consoleLines));
    });
    await p2.close();

    const p3 = await npmPage(browser, server);
    const bound = !GOBELIEVE ? null : await p3.evaluate(async () => {
      const im = new window.imsdk.IMService({});
      let queued = 0;
      let error = null;
      for (let i = 0; i < 1500 && !error; i++) {
        try {
          im.enterForeground();
          queued++;
        } catch (e) {
          error = e.constructor.name + ': ' + e.message;
        }
      }
      await window.imsdk.ready();
      return { queued, error, state: im.connectState };
    });
    await testOf(GOBELIEVE, 'at most 1000 calls are queued before loading; the next one throws a RangeError', () => {
      same(bound.queued, 1000, 'queued');
      check(/^RangeError: imsdk: 1000 calls are already queued/.test(bound.error), bound.error);
    });
    await p3.close();
  } finally {
    await browser.close();
    server.stop();
  }
}

main()
  .catch((e) => test('setup', () => { throw e; }))
  .finally(() => process.exit(summary()));
