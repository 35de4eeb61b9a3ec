#!/usr/bin/env node
// The npm package as a user gets it: `npm pack` dist/npm, install the tarball
// into a scratch app in a temp dir (offline: the package has no dependencies),
// then run tests/npm/node-app.mjs from there (Node, several loading modes,
// and an esbuild bundle of it) against the dev server: $DEVSERVER_URL, or one
// started here; for `imsdk` and for each one-protocol entry (`imsdk/gobelieve`,
// `imsdk/mobileimsdk`), which must export and contain its own class only.
// Also checks the tarball's file list, that the hand-written .d.ts declares
// every member wasm-bindgen generated, and compiles tests/npm/consumer.ts and
// consumer-per-protocol.ts against the package with tsc (Debian node-typescript).
// Usage (repo root, after scripts/build.sh): node tests/npm/pack.test.mjs
// Ends with one "N passed, N failed" line; exit 1 on any failure.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { missingMembers, setterNames } from './dts-members.mjs';
import { FACADE_PROPERTIES } from '../../js/facade.js';
import { defineIMService } from '../../js/engine/gobelieve.js';
import { defineIMClientManager } from '../../js/engine/mobileimsdk.js';
import { devserver } from '../support/node-env.mjs';
import { BUILDS } from '../../scripts/builds.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const DIST = path.join(ROOT, 'dist', 'npm');
const counts = { passed: 0, failed: 0, skipped: 0 };
// The classes over the engines (their members; no engine is called to define them).
const CLASSES = { IMService: defineIMService({}), IMClientManager: defineIMClientManager({}) };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imsdk-pack-'));
const app = path.join(tmp, 'app');
let server = null;
let uid = 40000 + (process.pid % 1000) * 20; // distinct users per run and per test

async function test(name, fn) {
  try {
    const note = await fn();
    if (note && note.skipped) {
      counts.skipped++;
      console.log('SKIPPED ' + name + ': ' + note.skipped);
    } else {
      counts.passed++;
      console.log('PASS    ' + name);
    }
  } catch (e) {
    counts.failed++;
    console.log('FAIL    ' + name + ': ' + ((e && e.message) || e));
  }
}
function check(cond, msg) {
  if (!cond) throw new Error(msg);
}
function sh(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// Runs node-app.mjs (or its bundle) in the scratch app; resolves to its JSON line.
// `entry` is the package entry the app uses (IMSDK_ENTRY of node-app.mjs).
function runApp(script, args, onLine, entry = 'imsdk') {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, DEVSERVER_URL: server.url, WS_RESOLVE_FROM: path.join(ROOT, 'package.json'), IMSDK_ENTRY: entry };
    const child = spawn(process.execPath, [script, ...args], { cwd: app, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => child.kill(), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      if (onLine && out.includes('READY\n')) onLine();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() || '{}';
      let result;
      try {
        result = JSON.parse(last);
      } catch (_) {
        result = { error: 'no JSON result: ' + out.slice(-300) };
      }
      if (code === 0 && !result.error) resolve(result);
      else reject(new Error(result.error || 'exit ' + code));
    });
  });
}

// Two processes using `entry`: one receives, one sends with QoS and gets the ACK.
function mobileimsdkExchange(entry) {
  return test(entry + ': two IMClientManager processes exchange a QoS message', async () => {
    const [a, b] = [String(uid++), String(uid++)];
    let startSender;
    const senderGo = new Promise((r) => { startSender = r; });
    const recv = runApp('node-app.mjs', ['mobileimsdk-recv', a, b], () => startSender(), entry);
    const first = await Promise.race([recv, senderGo]);
    if (first && first.skipped) return first;
    const sent = await runApp('node-app.mjs', ['mobileimsdk-send', a, b], null, entry);
    const got = await recv;
    check(got.received.includes('hi ' + b), 'receiver got ' + JSON.stringify(got));
    check(sent.acked.includes('fp-' + a), 'sender acks ' + JSON.stringify(sent));
  });
}

async function main() {
  check(fs.existsSync(path.join(DIST, 'index.js')), 'dist/npm is not built: run scripts/build.sh');
  server = await devserver();
  let tarball = null;

  await test('npm pack: the tarball holds exactly the package files', () => {
    const name = sh('npm', ['pack', DIST, '--pack-destination', tmp, '--silent'], ROOT).trim().split('\n').pop();
    tarball = path.join(tmp, name);
    const files = sh('tar', ['tzf', tarball]).trim().split('\n').sort();
    const perBuild = BUILDS.flatMap((b) => [b.npmEntry + '.js', b.npmEntry + '.cjs', b.name + '_bg.wasm', b.name + '.d.ts']);
    const want = ['README.md', 'package.json', ...perBuild].sort().map((f) => 'package/' + f);
    check(JSON.stringify(files) === JSON.stringify(want), 'tarball lists ' + files.join(', '));
  });

  await test('the tarball installs offline into a scratch app', () => {
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    sh('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], app);
    const pkg = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'imsdk', 'package.json'), 'utf8'));
    check(pkg.name === 'imsdk' && pkg.type === 'module' && pkg.exports['.'].types, 'installed package.json lacks name/type/exports');
    fs.copyFileSync(path.join(ROOT, 'tests', 'npm', 'node-app.mjs'), path.join(app, 'node-app.mjs'));
  });

  for (const mode of ['bytes', 'fileurl', 'default', 'lazy']) {
    await test('Node: init(' + mode + '), two IMService exchange a peer message', async () => {
      const r = await runApp('node-app.mjs', [mode, String(uid++), String(uid++)]);
      check(r.received === 'hello from ' + mode, 'received ' + JSON.stringify(r));
      check(r.states[0] === 1 && r.states.includes(2), 'states ' + r.states);
    });
  }

  await test('esbuild bundle of the app (wasm copied next to it) runs the exchange', async () => {
    const out = path.join(tmp, 'bundle', 'app.mjs');
    await require('esbuild').build({
      entryPoints: [path.join(app, 'node-app.mjs')], bundle: true, format: 'esm', platform: 'node',
      outfile: out, logLevel: 'error',
    });
    check(!fs.readFileSync(out, 'utf8').includes("from 'imsdk'"), 'imsdk was not bundled');
    for (const b of BUILDS) {
      fs.copyFileSync(path.join(app, 'node_modules', 'imsdk', b.name + '_bg.wasm'), path.join(tmp, 'bundle', b.name + '_bg.wasm'));
    }
    const r = await runApp(out, ['default', String(uid++), String(uid++)]);
    check(r.received === 'hello from default', 'received ' + JSON.stringify(r));
    const g = await runApp(out, ['default', String(uid++), String(uid++)], null, 'imsdk/gobelieve');
    check(g.received === 'hello from default', 'imsdk/gobelieve received ' + JSON.stringify(g));
  });

  await mobileimsdkExchange('imsdk');

  await test('imsdk: both classes reject with the exported IMError class (instanceof); no default export', async () => {
    const r = await runApp('node-app.mjs', ['exports', String(uid++), String(uid++)], null, 'imsdk');
    check(r.rejections.map(([c, isIMError]) => c + ' ' + isIMError).join() === 'IMService true,IMClientManager true',
      'rejections ' + JSON.stringify(r.rejections));
    check(r.defaultIs.length === 0, 'default export ' + JSON.stringify(r.defaultIs));
  });

  await test("require('imsdk') (CommonJS): exports the IMError class its Promise forms reject with", () => {
    // Without require(esm), so the CommonJS file answers (as on Node < 20.19).
    const args = process.features.require_module ? ['--no-experimental-require-module'] : [];
    const script = "const { IMError, IMService } = require('imsdk');"
      + "new IMService().sendPeerMessageAsync({ sender: 1, receiver: 2, content: 'x' }).then("
      + "() => console.log('resolved'), (e) => console.log(typeof IMError + ' ' + (e instanceof IMError) + ' ' + e.code));";
    const out = sh(process.execPath, [...args, '-e', script], app).trim();
    check(out === 'function true not-connected', "require('imsdk'): " + out);
  });

  // The one-protocol entries: own class only (JS exports and wasm), and the exchange of their protocol.
  for (const b of BUILDS.filter((x) => x.name !== 'imsdk')) {
    const entry = 'imsdk/' + b.npmEntry;
    await test(entry + ': exports ' + b.classes.join(', ') + ' only, and its wasm defines no other class', async () => {
      const r = await runApp('node-app.mjs', ['exports', String(uid++), String(uid++)], null, entry);
      check(JSON.stringify(r.exports) === JSON.stringify(b.classes), 'exports ' + JSON.stringify(r.exports));
      check(JSON.stringify(r.wasmClasses) === JSON.stringify(b.classes), 'wasm defines ' + JSON.stringify(r.wasmClasses));
      // `import IMService from 'imsdk/gobelieve'`, `import IMClientManager from 'imsdk/mobileimsdk'`.
      check(JSON.stringify(r.defaultIs) === JSON.stringify(b.classes), 'the default export is ' + JSON.stringify(r.defaultIs));
      check(r.rejections.length === 1 && r.rejections.every(([, isIMError]) => isIMError), 'rejections ' + JSON.stringify(r.rejections));
    });
    await test("require('" + entry + "') (CommonJS): its own class only, init() reads its wasm from disk", () => {
      // Without require(esm), so the CommonJS file answers (as on Node < 20.19).
      const args = process.features.require_module ? ['--no-experimental-require-module'] : [];
      const script = "const m = require('" + entry + "');"
        + "const own = ['IMService', 'IMClientManager'].filter((c) => typeof m[c] === 'function');"
        + "m.init().then(() => console.log(own.join() + ' ' + (m.default === m[own[0]]) + ' ' + typeof m.IMError"
        + " + ' ' + typeof m.ready), (e) => console.log('init failed: ' + e));";
      const out = sh(process.execPath, [...args, '-e', script], app).trim();
      check(out === b.classes.join() + ' true function function', "require('" + entry + "'): " + out);
    });
    if (b.classes.includes('IMService')) {
      for (const mode of ['bytes', 'default']) {
        await test(entry + ': init(' + mode + '), two IMService exchange a peer message', async () => {
          const r = await runApp('node-app.mjs', [mode, String(uid++), String(uid++)], null, entry);
          check(r.received === 'hello from ' + mode, 'received ' + JSON.stringify(r));
        });
      }
    }
    if (b.classes.includes('IMClientManager')) await mobileimsdkExchange(entry);
  }

  await test('imsdk.d.ts declares every member of the JS classes over the engines', () => {
    const missing = missingMembers(CLASSES, fs.readFileSync(path.join(app, 'node_modules', 'imsdk', 'imsdk.d.ts'), 'utf8'));
    check(missing.length === 0, 'missing from the hand-written .d.ts: ' + missing.join(', '));
  });

  await test('the ready facade remembers every writable IMService property set before the wasm loads', () => {
    const setters = setterNames(CLASSES.IMService);
    check(setters.length > 10, 'found the setters: ' + setters.join(', '));
    const missing = setters.filter((n) => !FACADE_PROPERTIES.IMService.includes(n));
    check(missing.length === 0, 'missing from js/facade-gobelieve.js GOBELIEVE_PROPS: ' + missing.join(', '));
  });

  await test('tsc --strict compiles a consumer against the installed package', () => {
    const tsc = ['/usr/bin/tsc', path.join(ROOT, 'node_modules', '.bin', 'tsc')].find((f) => fs.existsSync(f));
    if (!tsc) return { skipped: 'no tsc (apt-get install node-typescript)' };
    const files = ['consumer.ts', 'consumer-per-protocol.ts'];
    files.forEach((f) => fs.copyFileSync(path.join(ROOT, 'tests', 'npm', f), path.join(app, f)));
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'es2020',
        lib: ['es2020', 'dom'], types: [], skipLibCheck: false },
      files,
    }));
    try {
      sh(tsc, ['-p', app], app);
    } catch (e) {
      throw new Error('tsc: ' + (e.stdout || e.message));
    }
  });
}

main()
  .catch((e) => {
    counts.failed++;
    console.log('FAIL    setup: ' + ((e && e.message) || e));
  })
  .finally(() => {
    if (server) server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    const skipped = counts.skipped ? ', ' + counts.skipped + ' skipped' : '';
    console.log(counts.passed + ' passed, ' + counts.failed + ' failed' + skipped);
    process.exit(counts.failed ? 1 : 0);
  });
