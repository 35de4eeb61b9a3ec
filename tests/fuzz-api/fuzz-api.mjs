#!/usr/bin/env node
// Fuzzing the JS API's argument conversion (issue 8 B, as far as it runs on
// the host): the real npm package (dist/npm) in Node, every public member of
// IMService and IMClientManager (found on the classes, so a new member is
// fuzzed without listing it) called, read or written with hostile values
// (./values.mjs), before and after the wasm has loaded. Each call must:
// - return, or throw a documented error: a TypeError or RangeError whose
//   message says what was wrong (starts with "imsdk" or names the member or
//   a field, at most 2,000 characters: a 10 MB input is not echoed), an
//   Error with the documented numeric `code`, or the app's own error from a
//   hostile getter, trap or callback, passed through unchanged;
// - never trap in the wasm (WebAssembly.RuntimeError, a Rust panic) nor
//   leave an error in the event loop or a Promise rejected with anything else.
// After each round the fuzzed instance, set back to a usable configuration
// through its public API, must still connect to the dev server and deliver a
// message to a peer (tests/chaos/client-worker.mjs in a worker).
//
// Usage (repo root, after scripts/build.sh and cargo build -p imsdk-devserver):
//   node tests/fuzz-api/fuzz-api.mjs [--runs N | --seconds S] [--seed N] [--round K]
// IMSDK_ENTRY=gobelieve | mobileimsdk fuzzes that one-protocol entry (dist/npm/<entry>.js):
// the members of its class only.
// N calls in all (default 20,000), K calls per round (default 400). Prints
// calls made, errors by kind and every violation (seed, round, call, value);
// the last line is `fuzz-api: {json}` for scripts/fuzz.mjs. Exits 1 on any violation.
// Every failure found is a fixed case in ./regressions.mjs, run first.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { ENTRY_CLASSES, entryHas, NPM_ENTRY, ROOT, spawnDevserver } from '../support/node-env.mjs';
import { FIELDS, HostileError, TEMPLATES, hostileValues, prng } from './values.mjs';
import { REGRESSIONS, runRegressions } from './regressions.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', null);
const RUNS = arg('runs', SECONDS ? Infinity : 20000);
const SEED = arg('seed', 1);
const ROUND = arg('round', 400);
const DEADLINE_MS = 20000;
/** --show: also print every distinct documented error seen (its first 90 characters) and how often. */
const SHOW = process.argv.includes('--show');
const seen = new Map();

/** Violations by kind: `member: what` -> {count, first}. */
const violations = new Map();
const counts = { calls: 0, rounds: 0, returned: 0, threw: {}, rejected: {}, checks: 0 };
let where = 'setup';

// ---- what is allowed ----

/** Why `err`, thrown or rejected by `member`, is not a documented error; null when it is. */
function undocumented(err, member) {
  if (err instanceof HostileError) return null; // the app's own error, passed through
  if (err instanceof WebAssembly.RuntimeError) return 'wasm trap';
  if (!(err instanceof Error)) return 'not an Error: ' + describe(err);
  const message = String(err.message);
  if (/unreachable|panicked|null pointer passed to rust|recursive use of an object|already borrowed|Maximum call stack/i.test(message)) {
    return 'internal failure';
  }
  if (message.length > 2000) return 'message of ' + message.length + ' characters';
  if (err.name === 'IMError') return null; // the Promise forms' documented outcome
  if (/^imsdk: this (IMService|IMClientManager) was freed$/.test(message)) return null; // use after free()
  if (typeof err.code === 'number' && member === 'getInstance') return null; // CLIENT_SDK_NO_INITIALED
  if (err instanceof TypeError || err instanceof RangeError) {
    if (/revoked/.test(message)) return null; // reading the app's revoked Proxy
    if (/^imsdk\b/.test(message) || message.includes(member) || FIELDS.concat(FIELD_WORDS).some((f) => message.includes(f))) return null;
    return 'a ' + err.name + ' that names no field';
  }
  return 'an undocumented ' + err.name;
}
const FIELD_WORDS = ['options', 'msg', 'message', 'observer', 'callBack', 'args', 'listener', 'content', 'must', 'takes'];

function describe(v) {
  try {
    return util.inspect(v, { depth: 2, maxStringLength: 60, maxArrayLength: 5, breakLength: Infinity }).slice(0, 300);
  } catch (e) {
    return '(uninspectable: ' + e.message + ')';
  }
}

function violation(what, detail) {
  const v = violations.get(what) || { count: 0, first: `${where}: ${detail || ''}`.slice(0, 400) };
  v.count++;
  violations.set(what, v);
}

/** An error as one line: its class and message (at most 200 characters), no stack. */
function errorLine(err) {
  if (!(err instanceof Error)) return describe(err);
  const m = String(err.message);
  return err.name + ': ' + (m.length > 200 ? m.slice(0, 200) + '... (' + m.length + ' characters)' : m);
}

process.on('uncaughtException', (e) => {
  if (!(e instanceof HostileError)) violation('uncaught exception', describe(e));
  else violation('the app\'s error escaped into the event loop', e.message);
});
process.on('unhandledRejection', (e) => {
  if (!(e instanceof HostileError)) violation('unhandled rejection', describe(e));
});
// The SDK logs what it refuses; a panic or trap would show here too.
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...a) => {
    const text = a.map((x) => (typeof x === 'string' ? x : describe(x))).join(' ');
    if (/panicked|unreachable|RuntimeError/.test(text)) violation('console.' + level, text.slice(0, 300));
  };
}
const print = (...a) => process.stdout.write(a.join(' ') + '\n');

// ---- calling members ----

/** The fuzzable members of `obj` (its class's prototype, then the class itself for statics). */
function members(proto, skip) {
  return Object.getOwnPropertyNames(proto)
    .filter((n) => n !== 'constructor' && !n.startsWith('_') && !skip.includes(n))
    .map((name) => ({ name, d: Object.getOwnPropertyDescriptor(proto, name) }));
}

/** One random use of a random member of `target`; returns nothing, records what happened. */
function poke(r, value, target, list) {
  const { name, d } = r.pick(list);
  let input;
  const judge = (err, kind) => {
    const bad = undocumented(err, name);
    counts[kind][err && err.name ? err.name : typeof err] = (counts[kind][err && err.name ? err.name : typeof err] || 0) + 1;
    if (bad) violation(`${name} ${kind} ${bad}`, `${errorLine(err)} for ${input}`);
    else if (SHOW) {
      const key = kind + ' ' + errorLine(err).slice(0, 90);
      seen.set(key, (seen.get(key) || 0) + 1);
    }
  };
  counts.calls++;
  try {
    let result;
    if (typeof d.value === 'function') {
      const args = Array.from({ length: r.int(4) }, () => value());
      if (TEMPLATES[name] && r.chance(0.6)) args[0] = value.nearlyValid(TEMPLATES[name]);
      input = describe(args);
      result = target[name](...args);
    } else if (d.set && r.chance(0.7)) {
      const v = value();
      input = '= ' + describe(v);
      target[name] = v;
    } else {
      input = '(read)';
      result = target[name];
    }
    // Only the SDK's own Promises: a getter may hand back the app's hostile object, `then` and all.
    if (result instanceof Promise) result.then(() => {}, (e) => judge(e, 'rejected'));
    counts.returned++;
  } catch (err) {
    judge(err, 'threw');
  }
}

// ---- the environment: dev server, tokens, peers ----

async function environment() {
  const { child, url } = await spawnDevserver(['--mobileimsdk-accept-all']);
  const ws = url.replace(/^http/, 'ws');
  const token = async (uid) => {
    const res = await fetch(url + '/api/token?uid=' + uid, { method: 'POST' });
    return (await res.json()).token;
  };
  const uid = { gobelieveSelf: 7100001, gobelievePeer: 7100002, mobileimsdkSelf: 'fuzz-self', mobileimsdkPeer: 'fuzz-peer' };
  const peer = async (proto, me, other) => {
    const worker = new Worker(new URL('../chaos/client-worker.mjs', import.meta.url), {
      workerData: { root: ROOT, proto, uid: me, peer: other, url: ws + (proto === 'gobelieve' ? '/ws' : '/websocket'),
        token: proto === 'gobelieve' ? await token(me) : 't', options: {} },
      stdout: true,
      stderr: true,
    });
    const p = { worker, delivered: new Set(), connected: false };
    worker.on('message', (ev) => {
      if (ev.ev === 'deliver') p.delivered.add(String(ev.content));
      if (ev.ev === 'state') p.connected = ev.connected;
    });
    await until(() => p.connected, 'peer ' + me + ' connected', 30000);
    return p;
  };
  const env = {
    ws, uid, gobelieveToken: await token(uid.gobelieveSelf),
    gobelievePeer: await peer('gobelieve', uid.gobelievePeer, uid.gobelieveSelf),
    mobileimsdkPeer: await peer('mobileimsdk', uid.mobileimsdkPeer, uid.mobileimsdkSelf),
    async stop() {
      await Promise.all([env.gobelievePeer.worker.terminate(), env.mobileimsdkPeer.worker.terminate()]);
      child.kill();
    },
  };
  return env;
}

/** Resolves once `pred()` holds (checked every 10 ms); rejects naming `what` after `ms`. */
function until(pred, what, ms = DEADLINE_MS) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pred()) return resolve();
      if (Date.now() > end) return reject(new Error('timed out after ' + ms + ' ms: ' + what));
      setTimeout(tick, 10);
    };
    tick();
  });
}

// ---- does the instance still work? ----

const GOBELIEVE_OBSERVERS = ['observer', 'peerMessageObserver', 'groupMessageObserver', 'customerMessageObserver',
  'rtMessageObserver', 'systemMessageObserver', 'roomMessageObserver'];
const GOBELIEVE_USABLE = { protocolVersion: 2, platformID: 3, deviceID: 'fuzz-device', ackTimeout: 5000, pingInterval: 180000,
  pongTimeout: 3000, reconnectDelay: 100, reconnectMaxDelay: 1000, connectTimeout: 5000, syncKey: 0 };

/** Sets `im` back to a usable configuration (every write must be accepted), then connects and delivers. */
async function gobelieveWorks(im, env, n) {
  im.stop();
  for (const name of GOBELIEVE_OBSERVERS) im[name] = null;
  Object.assign(im, GOBELIEVE_USABLE, { url: env.ws + '/ws', accessToken: env.gobelieveToken });
  im.enterForeground();
  im.handleConnectivityChange('wifi');
  let state = -1;
  let acked = false;
  im.observer = { onConnectState: (s) => { state = s; }, handleMessageACK: () => { acked = true; } };
  im.start();
  await until(() => state === 2, 'IMService connected (state ' + state + ')');
  const content = 'fuzz-check-gobelieve-' + n;
  if (im.sendPeerMessage({ sender: env.uid.gobelieveSelf, receiver: env.uid.gobelievePeer, content, msgLocalID: n }) !== true) {
    throw new Error('sendPeerMessage refused while connected');
  }
  await until(() => env.gobelievePeer.delivered.has(content) && acked, 'the peer got ' + content + ' and it was acknowledged');
  im.stop();
}

/** Logs `mgr` in as the fuzz user and delivers a message to the peer. */
async function mobileimsdkWorks(mgr, env, n) {
  mgr.logout();
  let code = null;
  mgr.login({ loginUserId: env.uid.mobileimsdkSelf, loginToken: 't', callBack: (c) => { code = c; } });
  await until(() => code !== null, 'login callBack');
  if (code !== 0) throw new Error('login gave ' + code);
  const content = 'fuzz-check-mobileimsdk-' + n;
  let sent = null;
  mgr.send({ dataContent: content, toId: env.uid.mobileimsdkPeer, fingerPrint: 'fuzz-fp-' + n, Qos: true, callBack: (c) => { sent = c; } });
  await until(() => sent !== null, 'send callBack');
  if (sent !== 0) throw new Error('send gave ' + sent);
  await until(() => env.mobileimsdkPeer.delivered.has(content), 'the peer got ' + content);
  mgr.logout();
}

async function check(what, n, fn) {
  counts.checks++;
  try {
    await fn();
  } catch (e) {
    violation('the instance no longer works after ' + what, e.message);
  }
}

// ---- rounds ----

const MOBILEIMSDK_TIMINGS = ['keepAliveInterval', 'keepAliveTimeout', 'reloginInterval', 'qosCheckInterval', 'qosJustNow',
  'qosMaxResends', 'connectTimeout'];

/** Options for the manager under test: usable wsUrl and timings, everything else hostile. */
function mobileimsdkOptions(r, value, env) {
  const o = { wsUrl: env.ws + '/websocket' };
  for (const g of ['chatBaseCB', 'chatTransDataCB', 'messageQoSCB']) if (r.chance(0.7)) o[g] = value(2);
  for (let i = r.int(3); i > 0; i--) {
    const extra = value(1);
    if (extra && typeof extra === 'object') {
      try {
        for (const k of Object.keys(extra)) if (k !== 'wsUrl' && !MOBILEIMSDK_TIMINGS.includes(k)) o[k] = extra[k];
      } catch (_) {
        // a hostile object: not copied
      }
    }
  }
  return o;
}

const [GOBELIEVE, MOBILEIMSDK] = [entryHas('IMService'), entryHas('IMClientManager')];

async function round(sdk, env, r, value, n, calls) {
  const { IMService, IMClientManager } = sdk;
  const gobelieveList = GOBELIEVE ? members(IMService.prototype, ['free']) : [];
  const gobelieveStatic = GOBELIEVE ? members(IMService, ['prototype', 'length', 'name']) : [];
  const mobileimsdkList = MOBILEIMSDK ? members(IMClientManager.prototype, ['release', 'free', 'resetInitFlag']) : [];
  const mobileimsdkStatic = MOBILEIMSDK ? members(IMClientManager, ['prototype', 'length', 'name']) : [];

  // Terminal calls on throwaway instances: construction with hostile arguments, then use after free/release.
  where = `round ${n} throwaway`;
  let spare = null;
  if (GOBELIEVE) {
    try {
      spare = new IMService(value(), value());
    } catch (err) {
      const bad = undocumented(err, 'IMService');
      if (bad) violation('new IMService threw ' + bad, errorLine(err));
    }
  }
  if (spare) {
    if (r.chance(0.5)) spare.free();
    for (let i = 0; i < 5; i++) poke(r, value, spare, gobelieveList.concat(members(IMService.prototype, []).filter((m) => m.name === 'free')));
    spare.free();
  }
  let spareMgr = null;
  if (MOBILEIMSDK) {
    if (IMClientManager.getInitFlag()) IMClientManager.getInstance().resetInitFlag();
    try {
      spareMgr = IMClientManager.getInstance(value());
    } catch (err) {
      const bad = undocumented(err, 'getInstance');
      if (bad) violation('getInstance threw ' + bad, errorLine(err));
    }
  }
  if (spareMgr) {
    spareMgr.release();
    for (let i = 0; i < 5; i++) poke(r, value, spareMgr, mobileimsdkList.concat(members(IMClientManager.prototype, []).filter((m) => ['release', 'free', 'resetInitFlag'].includes(m.name))));
  }

  // The instances under test.
  where = `round ${n} IMService`;
  const im = GOBELIEVE ? new IMService(undefined, { url: env.ws + '/ws', accessToken: env.gobelieveToken }) : null;
  let mgr = null;
  if (MOBILEIMSDK) {
    if (IMClientManager.getInitFlag()) IMClientManager.getInstance().resetInitFlag();
    try {
      mgr = IMClientManager.getInstance(mobileimsdkOptions(r, value, env));
    } catch (err) {
      const bad = undocumented(err, 'getInstance');
      if (bad) violation('getInstance threw ' + bad, errorLine(err));
      mgr = IMClientManager.getInstance({ wsUrl: env.ws + '/websocket' });
    }
  }
  for (let i = 0; i < calls; i++) {
    // k 0..9 IMService (9 its instance, 1 its statics), 10..19 IMClientManager alike; one class: its share only.
    const k = r.int(20);
    const gobelieve = GOBELIEVE && (!MOBILEIMSDK || k < 10);
    const j = k % 10;
    where = `round ${n} call ${i}`;
    if (gobelieve) poke(r, value, j < 9 ? im : IMService, j < 9 ? gobelieveList : gobelieveStatic);
    else poke(r, value, j < 9 ? mgr : IMClientManager, j < 9 ? mobileimsdkList : mobileimsdkStatic);
    // Let the event loop run now and then: sockets open and fail, timers fire, Promises settle.
    if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  where = `round ${n} check`;
  if (im) await check('round ' + n + ' (IMService)', n, () => gobelieveWorks(im, env, n));
  if (mgr) await check('round ' + n + ' (IMClientManager)', n, () => mobileimsdkWorks(mgr, env, n));
  if (im) im.free();
  if (mgr) mgr.release();
  counts.rounds++;
}

async function main() {
  const WebSocket = createRequire(path.join(ROOT, 'package.json'))('ws');
  if (!ENTRY_CLASSES[NPM_ENTRY]) throw new Error('IMSDK_ENTRY must be one of ' + Object.keys(ENTRY_CLASSES).join(', '));
  const sdk = await import(path.join(ROOT, 'dist/npm', NPM_ENTRY + '.js'));
  sdk.setWebSocketImpl(WebSocket);
  const env = await environment();
  const r = prng(SEED);
  const value = hostileValues(r);
  const t0 = Date.now();
  try {
    // Before the wasm has loaded: the facade checks at once and queues; after loading it replays.
    where = 'before load';
    const early = GOBELIEVE ? new sdk.IMService(undefined, { url: env.ws + '/ws', accessToken: env.gobelieveToken }) : null;
    const earlyMgr = MOBILEIMSDK ? sdk.IMClientManager.getInstance({ wsUrl: env.ws + '/websocket' }) : null;
    const early_n = Math.min(RUNS, 500);
    const gobelieveList = GOBELIEVE ? members(sdk.IMService.prototype, ['free']) : [];
    const mobileimsdkList = MOBILEIMSDK ? members(sdk.IMClientManager.prototype, ['release', 'free', 'resetInitFlag']) : [];
    for (let i = 0; i < early_n; i++) {
      const gobelieve = GOBELIEVE && (!MOBILEIMSDK || i % 2 === 1);
      poke(r, value, gobelieve ? early : earlyMgr, gobelieve ? gobelieveList : mobileimsdkList);
    }
    await sdk.init();
    where = 'after load';
    for (const [f, name] of [[early, 'IMService'], [earlyMgr, 'IMClientManager']]) {
      // A call accepted before loading that the wasm refuses on replay: the facade's checks and the wasm's differ.
      if (f && f._failed) violation(name + ' replay failed', f._failed.message);
    }
    if (early) await check('the calls before loading (IMService)', 0, () => gobelieveWorks(early, env, 0));
    if (earlyMgr) await check('the calls before loading (IMClientManager)', 0, () => mobileimsdkWorks(earlyMgr, env, 0));
    if (early) early.free();
    if (earlyMgr) earlyMgr.release();
    // After release(): getInstance(options) checks its options again (it returns the current manager while there is one).
    where = 'regressions';
    const cases = REGRESSIONS.filter(([, , , , needs]) => entryHas(needs));
    for (const failure of runRegressions(early, earlyMgr, sdk, cases)) violation('regression', failure);

    for (let n = 1; counts.calls < RUNS && (!SECONDS || Date.now() - t0 < SECONDS * 1000); n++) {
      await round(sdk, env, r, value, n, Math.min(ROUND, RUNS - counts.calls));
    }
  } finally {
    await env.stop();
  }
  const seconds = (Date.now() - t0) / 1000;
  print(`fuzz-api seed ${SEED} (dist/npm/${NPM_ENTRY}.js): ${REGRESSIONS.filter(([, , , , needs]) => entryHas(needs)).length} regression cases, ${counts.calls} calls in ${counts.rounds} rounds, ${counts.checks} still-works checks, ${seconds.toFixed(1)} s`);
  print('  returned ' + counts.returned + '; threw ' + JSON.stringify(counts.threw) + '; rejected ' + JSON.stringify(counts.rejected));
  if (SHOW) for (const [k, n] of [...seen].sort((a, b) => b[1] - a[1])) print(String(n).padStart(7) + '  ' + k);
  let crashes = 0;
  for (const [what, v] of violations) {
    crashes += v.count;
    print(`  VIOLATION (${v.count}x) ${what}\n    first, seed ${SEED} ${v.first}`);
  }
  print('fuzz-api: ' + JSON.stringify({ inputs: counts.calls, seconds, crashes }));
  process.exit(crashes ? 1 : 0);
}

main().catch((e) => {
  print('fuzz-api: setup failed: ' + (e && e.stack));
  process.exit(1);
});
