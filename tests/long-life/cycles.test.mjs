#!/usr/bin/env node
// Long life in headless Chromium through the npm package (issue 8 D): 1,000
// start/stop cycles of one IMService (each connected and authenticated),
// 1,000 IMService objects built and freed, 1,000 login/logout cycles and 1,000
// getInstance/login/release cycles of IMClientManager against the dev
// server. After every stop, logout and release the diagnostic getters must
// show no socket, no timer and (after stop/release) no environment listener;
// wasm memory may grow by at most 1 MiB over all of it.
// Then 1,000 getInstance/login/release cycles with the developer API on (its
// callback-group wrappers), each manager dropped after release: the released
// managers must be garbage-collected (the wrappers the wasm holds must not keep
// them alive) and the wasm memory must stay within DEV_MAX_GROWTH. Chromium
// runs with --expose-gc, so the test collects (window.gc) rather than waits.
// Usage (repo root, after scripts/build.sh): node tests/long-life/cycles.test.mjs [cycles]
// (IMSDK_ENTRY=gobelieve | mobileimsdk: the cycles of that class on its one-protocol entry).
import { check, devserver, entryHas, launchChromium, npmPage, runner } from '../support/node-env.mjs';

const { test, summary } = runner();
const CYCLES = Number(process.argv[2] || 1000);
const MAX_GROWTH = 1024 * 1024;
/** Before the wrappers held their manager weakly, 1,000 cycles grew it by 1,310,720 bytes. */
const DEV_MAX_GROWTH = 256 * 1024;

async function cycles([n, uid, gobelieve, mobileimsdk]) {
  const { IMService, IMClientManager, ready } = window.imsdk;
  await ready();
  const memory = () => (IMService || IMClientManager).wasmMemoryBytes;
  const url = window.wsUrl('/ws');
  const wsUrl = window.wsUrl('/websocket');
  const token = await window.token(uid);
  const leaks = [];
  const idle = (what, i, o, listeners) => {
    const live = [o.openSocketCount !== 0 && 'socket', o.timerArmed && 'timer', listeners && o.watchingEnvironment && 'listener'].filter(Boolean);
    if (live.length && leaks.length < 5) leaks.push(what + ' #' + i + ': ' + live.join(', '));
  };
  // One waiter at a time, resolved from the callbacks (no polling).
  let wake = null;
  const next = (ms = 5000) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no callback within ' + ms + ' ms')), ms);
    wake = (v) => { clearTimeout(t); resolve(v); };
  });
  const fire = (v) => { if (wake) { const w = wake; wake = null; w(v); } };

  const start = memory();
  const t0 = performance.now();
  if (gobelieve) {
    const im = new IMService({ onConnectState: (s) => { if (s === 2) fire(s); } }, { url, accessToken: token });
    for (let i = 0; i < n; i++) {
      const connected = next();
      im.start();
      await connected;
      im.stop();
      idle('IMService start/stop', i, im, true);
    }
    im.free();
  }
  const t1 = performance.now();
  for (let i = 0; gobelieve && i < n; i++) {
    // Not started: a socket opened and dropped at once 1,000 times makes Chromium throttle new ones.
    const s = new IMService({}, { url, accessToken: token });
    s.syncKey = i;
    idle('new IMService', i, s, true);
    s.free();
  }
  const t2 = performance.now();
  if (!mobileimsdk) return { growth: memory() - start, start, end: memory(), leaks, dev: null, ms: [t1 - t0, t2 - t1, 0, 0, 0].map(Math.round) };
  let data = null;
  const options = { wsUrl, chatBaseCB: {}, chatTransDataCB: {}, messageQoSCB: {} };
  const mgr = IMClientManager.getInstance(options);
  for (let i = 0; i < n; i++) {
    const done = next();
    mgr.login({ loginUserId: 'cycle' + uid, loginToken: 't', callBack: fire });
    data = await done;
    if (data !== 0) throw new Error('login #' + i + ' gave ' + data);
    mgr.logout();
    idle('login/logout', i, mgr, false);
  }
  mgr.release();
  idle('release', 0, mgr, true);
  const t3 = performance.now();
  for (let i = 0; i < n; i++) {
    const m = IMClientManager.getInstance(options);
    const done = next();
    m.login({ loginUserId: 'cycle' + uid, loginToken: 't', callBack: fire });
    const code = await done;
    if (code !== 0) throw new Error('login after getInstance #' + i + ' gave ' + code);
    m.release();
    idle('getInstance/release', i, m, true);
  }
  const t4 = performance.now();
  const end = memory();
  const dev = await developerCycles(n, wsUrl, uid, next, fire);
  return {
    growth: end - start, start, end, leaks, dev,
    ms: [t1 - t0, t2 - t1, t3 - t2, t4 - t3, dev.ms].map(Math.round),
  };
}

/**
 * `n` getInstance/login/release cycles with the developer API on (`logLevel`),
 * each manager dropped after release; then collects until all but the last
 * are finalised (deadline 10 s). Returns the wasm growth and how many were.
 */
async function developerCycles(n, wsUrl, uid, next, fire) {
  const { IMClientManager } = window.imsdk;
  const collected = { count: 0 };
  const registry = new FinalizationRegistry(() => { collected.count++; });
  const yieldTask = () => new Promise((resolve) => setTimeout(resolve, 0));
  // Collects, then lets the finalisers (ours and the wasm objects') run.
  const collect = async () => {
    window.gc();
    await yieldTask();
  };
  const options = { wsUrl, logLevel: 'error', chatBaseCB: {}, chatTransDataCB: {}, messageQoSCB: {} };
  await collect();
  const start = IMClientManager.wasmMemoryBytes;
  const t0 = performance.now();
  const cycle = async (i) => {
    const m = IMClientManager.getInstance(options);
    registry.register(m, i);
    const done = next();
    m.login({ loginUserId: 'dev' + uid, loginToken: 't', callBack: fire });
    const code = await done;
    if (code !== 0) throw new Error('developer API: login #' + i + ' gave ' + code);
    m.release();
  };
  for (let i = 0; i < n; i++) {
    await cycle(i);
    if (i % 50 === 49) await collect();
  }
  const deadline = performance.now() + 10000;
  while (collected.count < n - 1 && performance.now() < deadline) await collect();
  return { growth: IMClientManager.wasmMemoryBytes - start, collected: collected.count, ms: performance.now() - t0 };
}

async function main() {
  const server = await devserver();
  const browser = await launchChromium(['--js-flags=--expose-gc']);
  try {
    const page = await npmPage(browser, server);
    await page.addScriptTag({ content: 'window.developerCycles = ' + developerCycles.toString() });
    const [gobelieve, mobileimsdk] = [entryHas('IMService'), entryHas('IMClientManager')];
    const r = await page.evaluate(cycles, [CYCLES, 60000 + (process.pid % 1000), gobelieve, mobileimsdk]);
    console.log('cycles: ' + CYCLES + ' each; wasm memory ' + r.start + ' -> ' + r.end + ' bytes (growth ' + r.growth
      + '); ms: start/stop ' + r.ms[0] + ', new/free ' + r.ms[1] + ', login/logout ' + r.ms[2] + ', getInstance/release ' + r.ms[3]
      + ', with the developer API ' + r.ms[4]);
    if (r.dev) {
      console.log('developer API: ' + r.dev.collected + ' of ' + CYCLES + ' released managers collected; wasm memory growth '
        + r.dev.growth + ' bytes');
    }
    await test('no socket, timer or listener is left after any stop, logout or release', () => {
      check(r.leaks.length === 0, r.leaks.join('; '));
    });
    const lifecycles = 2 * (Number(gobelieve) + Number(mobileimsdk));
    await test('wasm memory grew by at most 1 MiB over ' + lifecycles * CYCLES + ' cycles', () => {
      check(r.growth <= MAX_GROWTH, 'grew by ' + r.growth + ' bytes');
    });
    if (mobileimsdk) {
      await test('released managers with the developer API are collected (all but the last)', () => {
        check(r.dev.collected >= CYCLES - 1, r.dev.collected + ' of ' + CYCLES + ' collected');
      });
      await test('wasm memory grew by at most ' + DEV_MAX_GROWTH + ' bytes over ' + CYCLES + ' cycles with the developer API', () => {
        check(r.dev.growth <= DEV_MAX_GROWTH, 'grew by ' + r.dev.growth + ' bytes');
      });
    }
    check(page.consoleLines.every((l) => !l.startsWith('pageerror')), 'page errors');
    await page.close();
  } finally {
    await browser.close();
    server.stop();
  }
}

main()
  .catch((e) => test('setup', () => { throw e; }))
  .finally(() => process.exit(summary()));
