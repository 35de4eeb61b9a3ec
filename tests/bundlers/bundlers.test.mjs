#!/usr/bin/env node
// The npm package as bundler users get it: `npm pack` dist/npm, install the
// tarball offline into a scratch app, then
//   - build tests/bundlers/app with webpack 5 and with Vite (production builds,
//     served as plain files) and run it under Vite's dev server, each in headless
//     Chromium: init() with no argument must find the wasm the bundler emitted
//     or served (nothing copied by hand), then one exchange per class against
//     the IM dev server ($DEVSERVER_URL, or one started here);
//   - build the same app on each one-protocol entry (imsdk/gobelieve,
//     imsdk/mobileimsdk) with both bundlers: it must emit that entry's own wasm
//     (its size) and run its class's exchange;
//   - run tests/bundlers/node-app.cjs: `require('imsdk')` in Node (require(esm)
//     turned off, as before Node 20.19), the same exchanges.
// The bundlers come from tests/bundlers/package-lock.json, installed into
// tests/bundlers/node_modules (gitignored) from the npm registry only when the
// lock file changed since the last install (npm's cache makes a reinstall quick).
// Usage (repo root, after scripts/build.sh): node tests/bundlers/bundlers.test.mjs
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { check, devserver, launchChromium, mintToken, ROOT, runner } from '../support/node-env.mjs';

const HERE = path.join(ROOT, 'tests', 'bundlers');
const DIST = path.join(ROOT, 'dist', 'npm');
const { test, summary } = runner();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imsdk-bundlers-'));
const app = path.join(tmp, 'app');
let uid = 50000 + (process.pid % 1000) * 20; // distinct users per run and per test

function sh(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Installs the pinned bundlers unless node_modules already holds this lock file's install. */
function installBundlers() {
  const lock = fs.readFileSync(path.join(HERE, 'package-lock.json'));
  const want = crypto.createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(HERE, 'node_modules', '.imsdk-lock-sha256');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return 'already installed';
  sh('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--registry', 'https://registry.npmjs.org/'], HERE);
  fs.writeFileSync(stamp, want);
  return 'installed';
}

/** The scratch app: the example's sources, the packed package installed offline. */
function scratchApp() {
  const name = sh('npm', ['pack', DIST, '--pack-destination', tmp, '--silent'], ROOT).trim().split('\n').pop();
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  sh('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(tmp, name)], app);
  for (const f of ['app/main.js', 'app/index.html', 'node-app.cjs']) fs.copyFileSync(path.join(HERE, f), path.join(app, path.basename(f)));
  // The app on each one-protocol entry, in a directory of its own under the app (its node_modules resolve from there).
  const main = fs.readFileSync(path.join(HERE, 'app/main.js'), 'utf8');
  const line = "import { init, IMService, IMClientManager } from 'imsdk';";
  check(main.includes(line), 'tests/bundlers/app/main.js lost its import line');
  for (const e of ONE_PROTOCOL) {
    const dir = path.join(app, e.name);
    fs.mkdirSync(dir);
    const other = e.classes[0] === 'IMService' ? 'IMClientManager' : 'IMService';
    fs.writeFileSync(path.join(dir, 'main.js'), main.replace(line, `import { init, ${e.classes[0]} } from '${e.entry}';\nconst ${other} = undefined;`));
    fs.copyFileSync(path.join(HERE, 'app/index.html'), path.join(dir, 'index.html'));
  }
}

/** The one-protocol entries: the app's import, its class, the wasm it must emit. */
const ONE_PROTOCOL = [
  { name: 'gobelieve', entry: 'imsdk/gobelieve', classes: ['IMService'], wasm: 'gobelieve_bg.wasm' },
  { name: 'mobileimsdk', entry: 'imsdk/mobileimsdk', classes: ['IMClientManager'], wasm: 'mobileimsdk_bg.wasm' },
];
const FULL = { name: 'imsdk', entry: 'imsdk', classes: ['IMService', 'IMClientManager'], wasm: 'imsdk_bg.wasm' };

/** Serves `dir` on a free loopback port; resolves to `{url, close()}`. */
function serveDir(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(dir, name.endsWith('/') ? name + 'index.html' : name);
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
    resolve({ url: 'http://127.0.0.1:' + server.address().port, close: () => server.close() })));
}

async function webpackBuild(out, context = app) {
  const webpack = createRequire(path.join(HERE, 'package.json'))('webpack');
  const stats = await new Promise((resolve, reject) => webpack({
    mode: 'production', context, entry: './main.js', devtool: false,
    output: { path: out, filename: 'main.js' },
  }, (err, s) => (err ? reject(err) : resolve(s))));
  check(!stats.hasErrors(), 'webpack: ' + stats.toString('errors-only'));
  fs.writeFileSync(path.join(out, 'index.html'), '<!DOCTYPE html><script src="main.js"></script>\n');
}

function vite() {
  return import(pathToFileURL(createRequire(path.join(HERE, 'package.json')).resolve('vite')).href);
}

/** Files under `dir` whose name ends in .wasm (what the bundler emitted by itself). */
function wasmFiles(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.wasm'));
}

/** The emitted wasm of `dir` is `build`'s own (the same bytes as its wasm in dist/npm). */
function emittedIs(dir, build) {
  const files = wasmFiles(dir);
  check(files.length === 1, 'emitted ' + JSON.stringify(files));
  const got = fs.readFileSync(path.join(dir, files[0]));
  check(got.equals(fs.readFileSync(path.join(DIST, build.wasm))), 'the emitted wasm (' + got.length + ' B) is not ' + build.wasm);
}

/** Opens the app at `base`, waits for window.result, checks the exchanges of `build`'s classes and where the wasm came from. */
async function runPage(browser, im, base, build = FULL) {
  const [a, b] = [uid++, uid++];
  const q = new URLSearchParams({ im: im.url, a, b, ta: await mintToken(im.url, a), tb: await mintToken(im.url, b) });
  const page = await browser.newPage();
  const wasm = [];
  page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.status() + ' ' + new URL(r.url()).origin); });
  try {
    await page.goto(base + '/?' + q);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 20000 });
    const r = await page.evaluate(() => window.result);
    const gobelieve = build.classes.includes('IMService');
    const mobileimsdk = build.classes.includes('IMClientManager');
    const want = { peer: gobelieve ? ['bundled peer'] : [], mobileimsdk: mobileimsdk ? ['bundled qos'] : [], acked: mobileimsdk ? ['fp-' + a] : [] };
    check(JSON.stringify(r) === JSON.stringify(want), 'result ' + JSON.stringify(r));
    check(wasm.length === 1 && wasm[0] === '200 ' + new URL(base).origin, 'wasm responses ' + JSON.stringify(wasm));
  } finally {
    await page.close();
  }
}

async function main() {
  check(fs.existsSync(path.join(DIST, 'index.cjs')), 'dist/npm is not built (or lacks index.cjs): run scripts/build.sh');
  const im = await devserver();
  let browser = null;
  try {
    await test('the pinned bundlers are in tests/bundlers/node_modules', () => console.log('        ' + installBundlers()));
    await test('the packed package installs offline into a scratch app', scratchApp);

    await test('Node CommonJS: require(\'imsdk\'), default init(), one exchange per class', () => new Promise((resolve, reject) => {
      const [a, b] = [String(uid++), String(uid++)];
      const env = { ...process.env, DEVSERVER_URL: im.url, WS_RESOLVE_FROM: ROOT };
      // Node >= 20.19 can require() an ES module; older 20.x (the package allows them) cannot.
      const args = process.features.require_module ? ['--no-experimental-require-module'] : [];
      const child = spawn(process.execPath, [...args, 'node-app.cjs', a, b], { cwd: app, env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      const timer = setTimeout(() => child.kill(), 30000);
      child.stdout.on('data', (d) => { out += d; });
      child.on('exit', () => {
        clearTimeout(timer);
        const want = JSON.stringify({ entry: 'index.cjs', peer: ['cjs peer'], mobileimsdk: ['cjs qos'], acked: ['fp-cjs-' + a] });
        const got = out.trim().split('\n').pop();
        if (got === want) resolve();
        else reject(new Error('node-app.cjs printed ' + got));
      });
    }));

    browser = await launchChromium();
    await test('webpack 5 production build: it emits the wasm, the page loads it, one exchange per class', async () => {
      const out = path.join(tmp, 'webpack-out');
      await webpackBuild(out);
      emittedIs(out, FULL);
      const site = await serveDir(out);
      try {
        await runPage(browser, im, site.url);
      } finally {
        site.close();
      }
    });

    await test('Vite production build: it emits the wasm, the page loads it, one exchange per class', async () => {
      const out = path.join(tmp, 'vite-out');
      const { build } = await vite();
      await build({ root: app, configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
      emittedIs(out, FULL);
      const site = await serveDir(out);
      try {
        await runPage(browser, im, site.url);
      } finally {
        site.close();
      }
    });

    for (const e of ONE_PROTOCOL) {
      await test(e.entry + ': webpack 5 and Vite production builds emit its own wasm only, the page runs its class', async () => {
        const out = path.join(tmp, 'webpack-' + e.name);
        await webpackBuild(out, path.join(app, e.name));
        emittedIs(out, e);
        const vout = path.join(tmp, 'vite-' + e.name);
        const { build } = await vite();
        await build({ root: path.join(app, e.name), configFile: false, logLevel: 'warn', build: { outDir: vout, emptyOutDir: true } });
        emittedIs(vout, e);
        for (const dir of [out, vout]) {
          const site = await serveDir(dir);
          try {
            await runPage(browser, im, site.url, e);
          } finally {
            site.close();
          }
        }
      });
    }

    await test('Vite dev server (no config): it serves the wasm, the page loads it, one exchange per class', async () => {
      const { createServer } = await vite();
      const server = await createServer({ root: app, configFile: false, logLevel: 'warn', server: { host: '127.0.0.1', port: 0, strictPort: false } });
      try {
        await server.listen();
        await runPage(browser, im, server.resolvedUrls.local[0].replace(/\/$/, ''));
      } finally {
        await server.close();
      }
    });
  } finally {
    if (browser) await browser.close();
    im.stop();
  }
}

main()
  .catch((e) => test('setup', () => { throw e; }))
  .finally(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(summary());
  });
