#!/usr/bin/env node
// Runs the mini-program checks of shared/platform/miniprogram.md §9 on every
// profile: positive, negative (each §7 failure of an unadapted build) and the
// protocol scenarios of both classes against a devserver started here; then,
// for each one-protocol build (dist/miniprogram-gobelieve, -mobileimsdk), the
// checks that depend on the wasm: baseline features, size, loading on every
// profile, its own class's scenario, and that it defines no other class.
// Usage (repo root): node tests/miniprogram/run.js [--build] [--verbose]
// Ends with one "N passed, N failed" line; exit code 1 on any failure.
// A test is SKIPPED (never passed) only when the wasm lacks the class it needs.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { execFileSync, spawn } = require('child_process');
const { WebSocketServer } = require('ws');
const { createHarness, WRAPPER_PARAMS, targetFeatures } = require('./harness');

const ROOT = path.resolve(__dirname, '..', '..');
let DIST; // the build under test (assemblePackage)
const NEG = path.join(ROOT, 'target', 'mp', 'negative');
const VERBOSE = process.argv.includes('--verbose');
const PROFILES = ['ios', 'android', 'old-ios'];
const HELLO = '你好, 世界🌏!';
let mpUser = 5000; // users of the outbox tests, new in every run so no earlier message is synced to them

class Skip extends Error {}
const counts = { passed: 0, failed: 0, skipped: 0 };
let live = []; // harnesses of the running test, disposed after it

async function test(name, fn) {
  let timer;
  try {
    await Promise.race([fn(), new Promise((_, rej) => { timer = setTimeout(() => rej(new Error('timed out after 30 s')), 30000); })]);
    counts.passed++;
    console.log('PASS    ' + name);
  } catch (e) {
    if (e instanceof Skip) {
      counts.skipped++;
      console.log('SKIPPED ' + name + ': ' + e.message);
    } else {
      counts.failed++;
      console.log('FAIL    ' + name + ': ' + (VERBOSE && e && e.stack ? e.stack : e && e.message));
    }
  } finally {
    clearTimeout(timer);
    live.forEach((h) => h.dispose());
    live = [];
  }
}
function check(cond, msg) {
  if (!cond) throw new Error(msg);
}
function mp(options) {
  const h = createHarness(Object.assign({ root: pkgRoot, quiet: !VERBOSE }, options));
  live.push(h);
  return h;
}
async function waitFor(pred, what, ms = 10000) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('waited ' + ms + ' ms for ' + what);
    await new Promise((r) => setTimeout(r, 10));
  }
}
/** Collects `report(kind, data)` calls made by an app page. */
function recorder() {
  const events = [];
  const report = (kind, data) => events.push({ kind, data });
  report.events = events;
  report.all = (kind) => events.filter((e) => e.kind === kind).map((e) => e.data);
  report.count = (kind, pred) => report.all(kind).filter(pred || (() => true)).length;
  return report;
}
async function rejects(promise, re, what) {
  try {
    await promise;
  } catch (e) {
    check(re.test(String(e && e.message || e)), what + ': unexpected error ' + (e && e.message));
    return;
  }
  throw new Error(what + ' did not fail');
}
function throws(f, re, what) {
  try {
    f();
  } catch (e) {
    check(re.test(String(e && e.message)), what + ': unexpected error ' + (e && e.message));
    return;
  }
  throw new Error(what + ' did not throw');
}

// ---- package assembled like a real mini-program: /imsdk holds the SDK ----
let pkgRoot;
function buildIfMissing(builds) {
  const missing = builds.some((b) => !fs.existsSync(path.join(ROOT, b.miniprogram, 'imsdk.js')));
  if (process.argv.includes('--build') || missing || !fs.existsSync(path.join(NEG, 'plain.js'))) {
    execFileSync('node', ['scripts/build-miniprogram.mjs', '--test-artifacts'], { cwd: ROOT, stdio: 'inherit' });
  }
}
function assemblePackage(build) {
  DIST = path.join(ROOT, build.miniprogram);
  pkgRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'imsdk-mp-'));
  const copyDir = (from, to) => {
    fs.mkdirSync(to, { recursive: true });
    for (const f of fs.readdirSync(from)) if (fs.statSync(path.join(from, f)).isFile()) fs.copyFileSync(path.join(from, f), path.join(to, f));
  };
  copyDir(DIST, path.join(pkgRoot, 'imsdk'));
  copyDir(path.join(__dirname, 'app'), path.join(pkgRoot, 'imsdk'));
  copyDir(NEG, path.join(pkgRoot, 'neg'));
  const esbuild = require(path.join(ROOT, 'node_modules', 'esbuild'));
  const lib = path.join(pkgRoot, 'lib');
  for (const f of ['transport', 'facade']) {
    esbuild.buildSync({ entryPoints: [path.join(ROOT, 'js', f + '.js')], bundle: true, format: 'cjs', target: 'es2017', outfile: path.join(lib, f + '.js'), logLevel: 'error' });
  }
  fs.writeFileSync(path.join(lib, 'utf8.js'), fs.readFileSync(path.join(ROOT, 'js', 'miniprogram', 'utf8-polyfill.js'), 'utf8') +
    '\nmodule.exports = { TextEncoder: TextEncoder, TextDecoder: TextDecoder };\n');
}

// ---- servers ----
function echoServer() {
  return new Promise((resolve) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => resolve(wss));
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  });
}
async function startDevserver() {
  let bin = process.env.IMSDK_DEVSERVER;
  if (!bin) {
    execFileSync('cargo', ['build', '-q', '-p', 'imsdk-devserver'], { cwd: ROOT, stdio: 'inherit' });
    bin = path.join(ROOT, 'target', 'debug', 'devserver');
  }
  const child = spawn(bin, ['--port', '0', '--mobileimsdk-accept-all'], { stdio: ['ignore', 'pipe', VERBOSE ? 'inherit' : 'ignore'] });
  process.on('exit', () => child.kill('SIGKILL'));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('devserver printed no "listening" line in 60 s')), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /devserver listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error('devserver exited with ' + code)); });
  });
  child.stdout.resume();
  return { port, stop: () => child.kill('SIGKILL') };
}
function gobelieveToken(port, uid) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/token?uid=' + uid }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error('POST /api/token: HTTP ' + res.statusCode));
        try {
          const j = JSON.parse(body);
          resolve(j.token || (j.data && j.data.token) || String(j));
        } catch (_) {
          resolve(body.trim());
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

// ---- the tests ----
async function wasmClasses() {
  const h = createHarness({ root: pkgRoot, profile: 'android' });
  try {
    const glue = await h.require('/imsdk/imsdk.js').initMiniProgram('/imsdk/imsdk_bg.wasm');
    // Each class is a JS class over its engine's exports (gobelieve_*, mobileimsdk_*).
    const present = { IMService: typeof glue.gobelieve_create === 'function', IMClientManager: typeof glue.mobileimsdk_create === 'function' };
    return ['IMService', 'IMClientManager'].filter((c) => present[c]);
  } finally {
    h.dispose();
  }
}

async function bundleTests() {
  await test('bundle: baseline-only wasm (binaryen MVP+mutable-globals, no Global exports, target_features)', async () => {
    const binaryen = (await import(require.resolve(path.join(ROOT, 'node_modules', 'binaryen')))).default;
    const bytes = fs.readFileSync(path.join(DIST, 'imsdk_bg.wasm'));
    const mod = binaryen.readBinary(bytes);
    mod.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals);
    check(mod.validate(), 'does not validate as MVP + mutable-globals');
    for (let i = 0; i < mod.getNumExports(); i++) {
      const info = binaryen.getExportInfo(mod.getExportByIndex(i));
      check(info.kind !== binaryen.ExternalGlobal, 'exports Global ' + info.name);
    }
    mod.dispose();
    const features = WebAssembly.Module.customSections(new WebAssembly.Module(bytes), 'target_features').flatMap(targetFeatures);
    check(features.every((f) => f === '+mutable-globals'), 'target_features lists ' + features.join(' '));
  });
  await test('bundle: size fits the 2 MB package limit with a wide margin (< 512 KiB)', async () => {
    const size = (f) => fs.statSync(path.join(DIST, f)).size;
    const shipped = fs.readdirSync(DIST).filter((f) => f !== 'imsdk_bg.wasm').reduce((n, f) => n + size(f), 0);
    check(shipped < 512 * 1024, 'imsdk.js + imsdk_bg.wasm.br = ' + shipped + ' B');
    check(size('imsdk.js') + size('imsdk_bg.wasm') < 1024 * 1024, 'uncompressed wasm + js over 1 MiB');
  });
  await test('bundle: no top-level let/const/class named like a wrapper parameter, no browser init path', async () => {
    for (const f of fs.readdirSync(DIST).filter((x) => x.endsWith('.js'))) {
      const code = fs.readFileSync(path.join(DIST, f), 'utf8');
      const hit = new RegExp('^(?:let|const|class)\\s+(' + WRAPPER_PARAMS.join('|') + ')\\b', 'm').exec(code);
      check(!hit, f + ' declares ' + (hit && hit[0]));
      check(!/import\.meta|\bfetch\(|\bWebAssembly\./.test(code), f + ' contains import.meta / fetch( / WebAssembly.');
    }
  });
}

// Checks of the JS alone (the same files in every build): run once.
async function jsTests() {
  await test('UTF-8 polyfill: round trip, lenient U+FFFD, agrees with a real TextDecoder on random bytes', async () => {
    const { TextEncoder: Enc, TextDecoder: Dec } = mp({ profile: 'old-ios' }).require('/lib/utf8.js');
    const enc = new Enc();
    const dec = new Dec('utf-8', { ignoreBOM: true });
    check(dec.decode(enc.encode(HELLO)) === HELLO, 'round trip');
    check(Buffer.from(enc.encode(HELLO)).equals(Buffer.from(HELLO)), 'encoding differs from Buffer');
    check(Buffer.from(enc.encode('a\ud800b')).equals(Buffer.from('a\ud800b')), 'lone surrogate not U+FFFD');
    const real = new TextDecoder('utf-8', { ignoreBOM: true });
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 8;
    for (let n = 0; n < 3000; n++) {
      const b = new Uint8Array(rnd() % 12).map(() => [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x90][rnd() % 17] | 0);
      check(dec.decode(b) === real.decode(b), 'decode differs for [' + Array.from(b) + ']');
    }
    check(dec.decode() === '', 'decode() of nothing');
  });
  await test('facade: calls before the wasm is ready are remembered, refused or replayed', async () => {
    const h = mp({ profile: 'android' });
    const { createFacades } = h.require('/lib/facade.js');
    const real = h.evaluate(`(function () {
      var log = [];
      function IMService(observer) { this.observer = observer; this.connectState = 0; log.push('new'); }
      IMService.MSG_PING = 13;
      IMService.prototype.start = function () { log.push('start:' + this.accessToken); this.connectState = 2; };
      IMService.prototype.stop = function () { log.push('stop'); };
      IMService.prototype.sendPeerMessage = function (m) { log.push('send:' + m.content); return true; };
      IMService.prototype.extra = function () { return 'extra'; };
      var single = null;
      function IMClientManager(o) { this.o = o; }
      IMClientManager.getInstance = function (o) { return single || (single = new IMClientManager(o)); };
      IMClientManager.prototype.login = function (a) { log.push('login:' + a.loginUserId); };
      IMClientManager.prototype.send = function (a) { a.callBack(0); };
      IMClientManager.prototype.release = function () { log.push('release'); single = null; };
      return { glue: { IMService: IMService, IMClientManager: IMClientManager }, log: log };
    })()`);
    let release;
    const gate = new Promise((r) => { release = r; });
    const f = createFacades(() => gate.then(() => real.glue));
    const im = new f.IMService({ tag: 1 });
    im.accessToken = 'tok';
    check(im.connectState === 0 && f.IMService.STATE_CONNECTING === 1, 'initial state');
    im.start();
    check(im.connectState === 1, 'CONNECTING while loading');
    check(im.sendPeerMessage({ sender: 1, receiver: 2, content: 'x' }) === false, 'send before ready must return false');
    const other = new f.IMService();
    other.start();
    other.stop();
    const mgr = f.IMClientManager.getInstance({ wsUrl: 'wss://x/websocket' });
    check(f.IMClientManager.getInstance() === mgr, 'getInstance is a singleton');
    let early;
    mgr.send({ dataContent: 'x', toId: '2', callBack: (c) => { early = c; } });
    check(early === 3, 'send before ready calls back 3');
    mgr.login({ loginUserId: 'u1' });
    release();
    await f.ready();
    check(real.log.join() === 'new,start:tok,new,login:u1', 'replay order: ' + real.log.join());
    check(im.sendPeerMessage({ sender: 1, receiver: 2, content: 'y' }) === true && im.connectState === 2, 'forwarding after ready');
    // The facade lists every member itself (tests/facade checks it against the wasm): nothing is adopted.
    check(im.observer.tag === 1 && f.IMService.MSG_PING === undefined && im.extra === undefined, 'observer replayed, nothing adopted');
    let code;
    mgr.send({ callBack: (c) => { code = c; } });
    check(code === 0, 'send forwarded after ready');
    mgr.release();
    check(f.IMClientManager.getInstance({ wsUrl: 'wss://y/websocket' }) !== mgr, 'a new manager after release()');
  });
}

async function profileTests(profile) {
  for (const ext of ['.wasm', '.wasm.br']) {
    await test(profile + ': init through the package path /imsdk/imsdk_bg' + ext + (profile === 'android' ? '' : ' (iosStrict)'), async () => {
      const h = mp({ profile, iosStrict: true });
      const glue = await h.require('/imsdk/imsdk.js').initMiniProgram('/imsdk/imsdk_bg' + ext);
      check(typeof glue.__wbg_get_imports === 'function', 'no glue');
      check(h.warnings.length === 0 && h.errors.length === 0, 'warnings: ' + h.warnings.concat(h.errors).join('; '));
    });
  }
  await test(profile + ': init accepts a bare instance from WXWebAssembly.instantiate', async () => {
    const h = mp({ profile, bareInstance: true });
    await h.require('/imsdk/imsdk.js').initMiniProgram('/imsdk/imsdk_bg.wasm.br');
  });
  await test(profile + ': WXWebAssembly rejects bytes and has no compile/Module/validate/instantiateStreaming', async () => {
    const h = mp({ profile });
    const bytes = h.evaluate('new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]).buffer');
    await rejects(h.global.WXWebAssembly.instantiate(bytes, {}), /path string/, 'instantiate(ArrayBuffer)');
    check(['compile', 'Module', 'validate', 'instantiateStreaming'].every((k) => h.evaluate('typeof WXWebAssembly.' + k) === 'undefined'), 'extra API');
    check(h.evaluate('typeof WebAssembly + typeof TextDecoder + typeof WebSocket + typeof fetch') === 'undefined'.repeat(4), 'globals present');
  });
  await test(profile + ': websocket.js (seed adapter) echoes binary and text, readyState follows the task', async () => {
    const wss = await echoServer();
    try {
      const h = mp({ profile, allowWs: true });
      const Ws = h.require('/imsdk/websocket.js');
      const ws = new Ws('ws://127.0.0.1:' + wss.address().port);
      const got = [];
      const states = [ws.readyState];
      ws.onopen = () => {
        states.push(ws.readyState);
        ws.send(h.evaluate('new Uint8Array([9, 4, 2, 0, 255]).subarray(1)'));
        ws.send(HELLO);
      };
      ws.onmessage = (ev) => got.push(ev.data);
      await waitFor(() => got.length === 2, 'two echoes');
      check(h.evaluate('(function (d) { return d instanceof ArrayBuffer; })')(got[0]), 'binary echo is not an ArrayBuffer of the app realm');
      check(Array.from(new Uint8Array(got[0])).join() === '4,2,0,255', 'binary echo ' + Array.from(new Uint8Array(got[0])));
      check(got[1] === HELLO, 'text echo');
      ws.onclose = () => states.push(ws.readyState);
      ws.close();
      await waitFor(() => h.openSocketCount() === 0, 'the slot to be freed');
      check(states.join() === '0,1,3', 'readyState sequence ' + states.join());
    } finally {
      wss.close();
    }
  });
  await test(profile + ': js/transport.js wx path echoes (fresh ArrayBuffer from a view; text)', async () => {
    const wss = await echoServer();
    try {
      const h = mp({ profile, allowWs: true });
      const t = h.require('/lib/transport.js');
      const events = [];
      const sock = t.openSocket('ws://127.0.0.1:' + wss.address().port, 7, true, 65536, (conn, kind, data) => events.push({ conn, kind, data }));
      await waitFor(() => events.some((e) => e.kind === t.EVENT_OPEN), 'open');
      sock.sendBytes(h.evaluate('new Uint8Array([5, 6, 7, 8]).subarray(1, 3)'));
      sock.sendText(HELLO);
      await waitFor(() => events.length >= 3, 'echoes');
      const bin = events.find((e) => e.kind === t.EVENT_BINARY);
      check(bin && Array.from(bin.data).join() === '6,7' && bin.conn === 7, 'binary echo');
      check(events.some((e) => e.kind === t.EVENT_TEXT && e.data === HELLO), 'text echo');
      sock.close();
      await waitFor(() => h.openSocketCount() === 0, 'close');
    } finally {
      wss.close();
    }
  });
  await negativeTests(profile);
}

async function negativeTests(profile) {
  const N = profile + ': negative: ';
  await test(N + 'glue without the polyfill fails at load with TextDecoder missing', async () => {
    const plain = fs.readFileSync(path.join(NEG, 'plain.js'), 'utf8');
    if (!/new TextDecoder/.test(plain)) throw new Skip('this wasm exports nothing that uses strings, so its glue has no top-level TextDecoder');
    throws(() => mp({ profile }).require('/neg/plain.js'), /TextDecoder is not defined/, 'loading the unpolyfilled glue');
  });
  await test(N + "the default init() cannot load (no URL/fetch/WebAssembly)", async () => {
    const h = mp({ profile });
    h.evaluate('var TextDecoder = function () { this.decode = function () { return ""; }; }, TextEncoder = function () {};');
    const glue = h.require('/neg/plain.js');
    await rejects(glue.default(), /URL is not defined|fetch is not a function|WebAssembly is not defined/, 'init()');
    await rejects(glue.default({ module_or_path: '/neg/plain_bg.wasm' }), /fetch is not a function|WebAssembly is not defined/, 'init(path)');
  });
  await test(N + "'WebSocket is not a constructor' even after global.WebSocket and globalThis.WebSocket", async () => {
    const h = mp({ profile });
    h.global.WebSocket = function () {};
    throws(() => h.require('/imsdk/wx_probe.js').newWebSocket('wss://example.com/ws'), /WebSocket is not a constructor/, 'new WebSocket');
  });
  await test(N + 'ws:// without the devtools switch fails with invalid url', async () => {
    const h = mp({ profile });
    const t = h.require('/lib/transport.js');
    const events = [];
    t.openSocket('ws://127.0.0.1:9/ws', 1, true, 65536, (c, kind, data) => events.push({ kind, data }));
    await waitFor(() => events.length > 0, 'a close event');
    check(events[0].kind === t.EVENT_CLOSED && /invalid url/.test(events[0].data.reason), 'got ' + JSON.stringify(events[0]));
  });
  await test(N + 'a 6th socket fails with exceed max task count', async () => {
    const wss = await echoServer();
    try {
      const h = mp({ profile, allowWs: true });
      const t = h.require('/lib/transport.js');
      const events = [];
      for (let i = 1; i <= 6; i++) t.openSocket('ws://127.0.0.1:' + wss.address().port, i, true, 65536, (c, kind, data) => events.push({ c, kind, data }));
      await waitFor(() => events.filter((e) => e.kind === t.EVENT_OPEN).length === 5 && events.some((e) => e.c === 6), '5 opens and a failure');
      const sixth = events.find((e) => e.c === 6);
      check(sixth.kind === t.EVENT_CLOSED && /exceed max task count/.test(sixth.data.reason), 'sixth: ' + JSON.stringify(sixth));
      check(h.openSocketCount() === 5, 'open sockets ' + h.openSocketCount());
    } finally {
      wss.close();
    }
  });
  await test(N + 'network loss closes open sockets with {1000, "interrupted"}', async () => {
    const wss = await echoServer();
    try {
      const h = mp({ profile, allowWs: true });
      const t = h.require('/lib/transport.js');
      const events = [];
      t.openSocket('ws://127.0.0.1:' + wss.address().port, 1, true, 65536, (c, kind, data) => events.push({ kind, data }));
      await waitFor(() => events.some((e) => e.kind === t.EVENT_OPEN), 'open');
      h.setNetwork(false);
      await waitFor(() => events.some((e) => e.kind === t.EVENT_CLOSED), 'close');
      const c = events.find((e) => e.kind === t.EVENT_CLOSED).data;
      check(c.code === 1000 && c.reason === 'interrupted', 'close ' + JSON.stringify(c));
    } finally {
      wss.close();
    }
  });
  await test(N + 'a TypedArray send fails with parameter error', async () => {
    const wss = await echoServer();
    try {
      const h = mp({ profile, allowWs: true });
      const out = [];
      h.require('/imsdk/wx_probe.js').sendTypedArray('ws://127.0.0.1:' + wss.address().port, (k, m) => out.push(k + ':' + m));
      await waitFor(() => out.length > 0, 'send result');
      check(/^fail:.*parameter error/.test(out[0]), out[0]);
    } finally {
      wss.close();
    }
  });
  if (profile !== 'android') {
    await test(N + 'the default-features build is refused under iosStrict', async () => {
      const h = mp({ profile, iosStrict: true });
      await rejects(h.global.WXWebAssembly.instantiate('/neg/default_bg.wasm', {}), /invalid wasm file/, 'default build');
    });
  }
}

// The wasm-dependent checks of a one-protocol build on `profile`.
async function loadTests(profile) {
  for (const ext of ['.wasm', '.wasm.br']) {
    await test(profile + ': init through the package path /imsdk/imsdk_bg' + ext + (profile === 'android' ? '' : ' (iosStrict)'), async () => {
      const h = mp({ profile, iosStrict: true });
      const glue = await h.require('/imsdk/imsdk.js').initMiniProgram('/imsdk/imsdk_bg' + ext);
      check(typeof glue.__wbg_get_imports === 'function', 'no glue');
      check(h.warnings.length === 0 && h.errors.length === 0, 'warnings: ' + h.warnings.concat(h.errors).join('; '));
    });
  }
}

async function protocolTests(profile, server, classes) {
  const need = (c) => {
    if (!classes.includes(c)) throw new Skip('the wasm exports no ' + c + ' yet (web layer not merged)');
    if (!server.port) throw new Error('devserver: ' + server.error);
  };
  if (classes.includes('IMService') || classes.length === 0) await test(profile + ': protocol: IMService (seed snippet verbatim) connects, authenticates, exchanges, survives hide/show and network loss', async () => {
    need('IMService');
    const [ta, tb] = await Promise.all([gobelieveToken(server.port, 1001), gobelieveToken(server.port, 1002)]);
    const A = mp({ profile, allowWs: true });
    const B = mp({ profile, allowWs: true });
    const ra = recorder();
    const rb = recorder();
    const cfg = (uid, peer, token) => A.evaluate('(' + JSON.stringify({ host: '127.0.0.1', port: server.port, uid, peer, token }) + ')');
    const a = A.require('/imsdk/gobelieve_app.js')(cfg(1001, 1002, ta), ra);
    const b = B.require('/imsdk/gobelieve_app.js')(cfg(1002, 1001, tb), rb);
    check(ra.all('early')[0].result === false && ra.all('early')[0].connecting, 'early send while connecting: ' + JSON.stringify(ra.all('early')));
    await waitFor(() => a.connected() && b.connected(), 'both connected');
    // AUTH precedes every message on the connection; the exchange proves it was accepted.
    const exchange = async (id) => {
      check(a.send(HELLO + id, id) === true, 'send returned false when connected');
      await waitFor(() => rb.count('peer', (m) => m.content === HELLO + id) === 1, 'B to receive ' + id);
      await waitFor(() => ra.count('ack', (x) => x.id === id && x.same) === 1, 'A to get the ACK for ' + id + ' with its own object');
    };
    await exchange(10);
    check(rb.all('peer')[0].sender === 1001 && rb.all('peer')[0].receiver === 1002, 'peer message fields');
    const zeros = () => ra.count('state', (s) => s === 0);
    const before = zeros();
    A.appHide();
    A.interruptSockets();
    await waitFor(() => zeros() > before && !a.connected(), 'A unconnected after the hide cut its socket');
    A.appShow();
    await waitFor(() => a.connected(), 'A reconnected after show', 8000);
    await exchange(11);
    A.setNetwork(false);
    await waitFor(() => !a.connected() && A.openSocketCount() === 0, 'A offline');
    A.setNetwork(true, '4g');
    await waitFor(() => a.connected(), 'A reconnected after the network came back', 8000);
    await exchange(12);
    check(ra.count('failure') === 0 || ra.all('failure').every((f) => f.id === 1), 'unexpected failures ' + JSON.stringify(ra.all('failure')));
    a.stop();
    b.stop();
    await waitFor(() => A.openSocketCount() === 0 && B.openSocketCount() === 0, 'sockets released after stop()');
    check(A.errors.length === 0 && B.errors.length === 0, 'uncaught: ' + A.errors.concat(B.errors).join('; '));
  });
  if (classes.includes('IMClientManager') || classes.length === 0) await test(profile + ': protocol: IMClientManager logs in, exchanges, re-logs in after hide/show and network loss', async () => {
    need('IMClientManager');
    const wsUrl = 'ws://127.0.0.1:' + server.port + '/websocket';
    const A = mp({ profile, allowWs: true });
    const B = mp({ profile, allowWs: true });
    const ra = recorder();
    const rb = recorder();
    const cfg = (uid, peer) => A.evaluate('(' + JSON.stringify({ wsUrl, uid, peer }) + ')');
    const a = A.require('/imsdk/mobileimsdk_app.js')(cfg('u1', 'u2'), ra);
    const b = B.require('/imsdk/mobileimsdk_app.js')(cfg('u2', 'u1'), rb);
    check(ra.all('earlySend')[0] !== 0, 'early send reported success');
    await waitFor(() => ra.count('loginOk') === 1 && rb.count('loginOk') === 1, 'both logged in');
    check(ra.all('loginCallBack')[0] === 0, 'login callBack ' + ra.all('loginCallBack'));
    const exchange = async (n) => {
      a.send(HELLO + n, 'fp-' + profile + '-' + n);
      await waitFor(() => rb.count('data', (d) => d.dataContent === HELLO + n && d.from === 'u1') === 1, 'u2 to receive ' + n);
      await waitFor(() => ra.count('received', (fp) => fp === 'fp-' + profile + '-' + n) === 1, 'u1 to get the ACK for ' + n);
    };
    await exchange(1);
    A.appHide();
    A.interruptSockets();
    await waitFor(() => ra.count('linkClose') >= 1, 'link-close callback after the hide');
    A.appShow();
    await waitFor(() => ra.count('loginOk') === 2, 're-login after show', 8000);
    await exchange(2);
    A.setNetwork(false);
    await waitFor(() => ra.count('linkClose') >= 2, 'link-close callback on network loss');
    A.setNetwork(true, 'wifi');
    await waitFor(() => ra.count('loginOk') === 3, 're-login after the network came back', 8000);
    await exchange(3);
    check(rb.count('data') === 3, 'duplicates delivered: ' + rb.count('data'));
    a.release();
    b.release();
    await waitFor(() => A.openSocketCount() === 0 && B.openSocketCount() === 0, 'sockets released after release()');
    check(A.errors.length === 0 && B.errors.length === 0, 'uncaught: ' + A.errors.concat(B.errors).join('; '));
  });
  if (classes.includes('IMService')) await test(profile + ': exported classes can be used and then free()d', async () => {
    need('IMService');
    const h = mp({ profile });
    const sdk = h.require('/imsdk/imsdk.js');
    await sdk.ready();
    const im = new sdk.IMService();
    check(im.connectState === 0, 'connectState ' + im.connectState);
    im.free();
  });
  // outbox: 'wx' through the bundle: sent while offline, kept on wx storage
  // across an app kill (a new harness over the same storage, no stop()), and
  // delivered once by the next run. A marker sent after it on the same link
  // proves no second copy follows.
  const entriesOf = (storage, name) => Array.from(storage.keys()).filter((k) => k.startsWith('imsdk-outbox:' + name + ':'));
  if (classes.includes('IMService')) await test(profile + ": outbox 'wx': an IMService message sent offline survives an app kill and arrives once", async () => {
    need('IMService');
    const [a, b] = [++mpUser, ++mpUser];
    const [ta, tb] = await Promise.all([gobelieveToken(server.port, a), gobelieveToken(server.port, b)]);
    const url = 'ws://127.0.0.1:' + server.port + '/ws';
    const storage = new Map();
    const options = (token) => ({ url, accessToken: token, outbox: 'wx', outboxName: 'user-' + a, logLevel: 'silent' });
    const content = HELLO + ' kept ' + a;
    const A1 = mp({ profile, allowWs: true, storage });
    A1.setNetwork(false);
    const sdk1 = A1.require('/imsdk/imsdk.js');
    await sdk1.ready();
    const first = new sdk1.IMService({}, options(ta));
    first.start();
    check(first.sendPeerMessage({ sender: a, receiver: b, content, msgLocalID: 1 }) === true, 'the offline send was not queued');
    check(entriesOf(storage, 'gobelieve:user-' + a).length === 1, 'not on wx storage when the send returned: ' + Array.from(storage.keys()).join());
    A1.dispose(); // the app is killed
    const B = mp({ profile, allowWs: true });
    const sdkB = B.require('/imsdk/imsdk.js');
    await sdkB.ready();
    const got = [];
    const rx = new sdkB.IMService({ handlePeerMessage: (m) => got.push(m.content) }, { url, accessToken: tb });
    rx.start();
    const A2 = mp({ profile, allowWs: true, storage });
    const sdk2 = A2.require('/imsdk/imsdk.js');
    await sdk2.ready();
    const second = new sdk2.IMService({}, options(ta));
    const restored = [];
    second.on('restored', (d) => restored.push(...d.entries));
    second.start();
    await waitFor(() => restored.length === 1, 'the restored event');
    const done = await restored[0].done;
    check(done.content === content, 'restored outcome ' + JSON.stringify(done));
    await waitFor(() => rx.connectState === 2 && got.length >= 1, 'B to receive the kept message');
    await second.sendPeerMessageAsync({ sender: a, receiver: b, content: 'marker', msgLocalID: 2 });
    await waitFor(() => got.includes('marker'), 'B to receive the marker');
    check(got.join('|') === content + '|marker', 'received ' + got.join('|'));
    check(entriesOf(storage, 'gobelieve:user-' + a).length === 0, 'entries left on storage: ' + Array.from(storage.keys()).join());
    second.stop();
    rx.stop();
    check(A2.errors.length === 0 && B.errors.length === 0, 'uncaught: ' + A2.errors.concat(B.errors).join('; '));
  });
  if (classes.includes('IMClientManager')) await test(profile + ": outbox 'wx': an IMClientManager QoS message sent offline survives an app kill and arrives once, fingerprint kept", async () => {
    need('IMClientManager');
    const [a, b] = ['u' + ++mpUser, 'u' + ++mpUser];
    const wsUrl = 'ws://127.0.0.1:' + server.port + '/websocket';
    const storage = new Map();
    const A1 = mp({ profile, allowWs: true, storage });
    A1.setNetwork(false);
    const sdk1 = A1.require('/imsdk/imsdk.js');
    await sdk1.ready();
    const first = sdk1.IMClientManager.getInstance({ wsUrl, outbox: 'wx', logLevel: 'silent' });
    first.login({ loginUserId: a, loginToken: 't' });
    const fp = 'fp-wx-' + profile + '-' + a;
    // Queued: its callBack would come when it is written, which this run never sees.
    first.send({ dataContent: HELLO, toId: b, fingerPrint: fp, Qos: true });
    check(entriesOf(storage, 'mobileimsdk:' + a).length === 1, 'not on wx storage when the send returned: ' + Array.from(storage.keys()).join());
    A1.dispose(); // the app is killed
    const B = mp({ profile, allowWs: true });
    const sdkB = B.require('/imsdk/imsdk.js');
    await sdkB.ready();
    const got = [];
    const rx = sdkB.IMClientManager.getInstance({ wsUrl, logLevel: 'silent', chatTransDataCB: { onTransBufferCB: (p) => got.push(p.fp + ' ' + p.dataContent) } });
    rx.login({ loginUserId: b, loginToken: 't' });
    const A2 = mp({ profile, allowWs: true, storage });
    const sdk2 = A2.require('/imsdk/imsdk.js');
    await sdk2.ready();
    const second = sdk2.IMClientManager.getInstance({ wsUrl, outbox: 'wx', logLevel: 'silent' });
    const restored = [];
    second.on('restored', (d) => restored.push(...d.entries));
    second.login({ loginUserId: a, loginToken: 't' });
    await waitFor(() => restored.length === 1, 'the restored event');
    await restored[0].done;
    await waitFor(() => got.length >= 1, 'B to receive the kept message');
    await second.sendAsync({ dataContent: 'marker', toId: b, fingerPrint: fp + '-marker', Qos: true });
    await waitFor(() => got.includes(fp + '-marker marker'), 'B to receive the marker');
    check(got.join('|') === fp + ' ' + HELLO + '|' + fp + '-marker marker', 'received ' + got.join('|'));
    check(entriesOf(storage, 'mobileimsdk:' + a).length === 0, 'entries left on storage: ' + Array.from(storage.keys()).join());
    second.release();
    rx.release();
    check(A2.errors.length === 0 && B.errors.length === 0, 'uncaught: ' + A2.errors.concat(B.errors).join('; '));
  });
  await test(profile + ': IMError is exported, and the Promise forms reject with it (instanceof)', async () => {
    const h = mp({ profile });
    const sdk = h.require('/imsdk/imsdk.js');
    await sdk.ready();
    check(typeof sdk.IMError === 'function', 'IMError export ' + typeof sdk.IMError);
    const caught = (p) => p.then(() => null, (e) => e);
    if (classes.includes('IMService')) {
      const im = new sdk.IMService();
      const e = await caught(im.sendPeerMessageAsync({ sender: 1, receiver: 2, content: 'x' }));
      check(e instanceof sdk.IMError && e.code === 'not-connected', 'IMService rejected with ' + e);
      im.free();
    }
    if (classes.includes('IMClientManager')) {
      const mgr = sdk.IMClientManager.getInstance({ wsUrl: 'ws://127.0.0.1:9/websocket', logLevel: 'silent' });
      const e = await caught(mgr.sendAsync({ dataContent: 'x', toId: '2' }));
      check(e instanceof sdk.IMError && typeof e.code === 'number', 'IMClientManager rejected with ' + e);
      mgr.release();
    }
  });
}

async function main() {
  const { BUILDS } = await import(path.join(ROOT, 'scripts', 'builds.mjs'));
  buildIfMissing(BUILDS);
  let server = { port: 0, error: 'not started', stop() {} };
  try {
    try {
      server = await startDevserver();
    } catch (e) {
      server.error = e.message;
    }
    for (const build of BUILDS) {
      assemblePackage(build);
      try {
        const full = build.name === 'imsdk';
        const T = full ? '' : build.miniprogram + ': ';
        console.log('---- ' + build.miniprogram);
        await bundleTests();
        if (full) await jsTests();
        const classes = await wasmClasses();
        await test(T + 'bundle: the wasm defines exactly ' + build.classes.join(', '), () => {
          check(classes.join() === build.classes.join(), 'defines [' + classes.join(', ') + ']');
        });
        for (const p of PROFILES) {
          if (full) await profileTests(p);
          else await loadTests(p);
          await protocolTests(p, server, classes);
        }
      } finally {
        fs.rmSync(pkgRoot, { recursive: true, force: true });
      }
    }
  } finally {
    server.stop();
  }
  if (counts.skipped) console.log(counts.skipped + ' skipped');
  console.log(counts.passed + ' passed, ' + counts.failed + ' failed');
  process.exit(counts.failed ? 1 : 0);
}

main().catch((e) => {
  console.log('FAIL    harness: ' + (e && e.stack || e));
  console.log(counts.passed + ' passed, ' + (counts.failed + 1) + ' failed');
  process.exit(1);
});
