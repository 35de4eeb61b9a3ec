// Helpers for the Node-driven browser suites (tests/script-tag, tests/npm):
// a dev server ($DEVSERVER_URL, or one started here and killed on stop) and
// Debian's Chromium through playwright-core with the no-network flags.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const require = createRequire(path.join(ROOT, 'package.json'));

/** The mounts the browser suites need; scripts/test.sh starts its server with the same. */
export const STATIC_MOUNTS = ['--static', '/dist/=dist', '--static', '/pkg/=pkg', '--static', '/tests/=tests',
  '--static', '/test-output/=test-output'];

/**
 * Starts target/debug/devserver on a free loopback port with `extraArgs`;
 * resolves to `{child, url}`. Its stdin is a pipe from us: if this process
 * dies, the server sees EOF and exits.
 */
export async function spawnDevserver(extraArgs, stderr = 'ignore') {
  const bin = path.join(ROOT, 'target', 'debug', 'devserver');
  if (!fs.existsSync(bin)) throw new Error('target/debug/devserver is not built (cargo build -p imsdk-devserver)');
  const args = ['--host', '127.0.0.1', '--port', '0', '--exit-on-stdin-close', ...extraArgs];
  const child = spawn(bin, args, { cwd: ROOT, stdio: ['pipe', 'pipe', stderr] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http\S+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error('devserver exited early')));
  });
  return { child, url };
}

/** Resolves to `{url, stop()}`. */
export async function devserver() {
  if (process.env.DEVSERVER_URL) return { url: process.env.DEVSERVER_URL, stop() {} };
  const { child, url } = await spawnDevserver(['--mobileimsdk-accept-all', ...STATIC_MOUNTS]);
  return { url, stop: () => child.kill() };
}

/** Headless Debian Chromium (toolchain §10); never a downloaded browser. `extraArgs`: more flags. */
export function launchChromium(extraArgs = []) {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs],
  });
}

/** POST /api/token?uid=U on the dev server. */
export async function mintToken(base, uid) {
  const res = await fetch(base + '/api/token?uid=' + uid, { method: 'POST' });
  if (!res.ok) throw new Error('token: HTTP ' + res.status);
  return (await res.json()).token;
}

/** A tiny runner: `test(name, fn)`, then `summary()` prints "N passed, N failed" and returns the exit code. */
export function runner() {
  const counts = { passed: 0, failed: 0 };
  return {
    async test(name, fn) {
      try {
        await fn();
        counts.passed++;
        console.log('PASS    ' + name);
      } catch (e) {
        counts.failed++;
        console.log('FAIL    ' + name + ': ' + ((e && e.message) || e));
      }
    },
    summary() {
      console.log(counts.passed + ' passed, ' + counts.failed + ' failed');
      return counts.failed ? 1 : 0;
    },
  };
}

export function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

/**
 * The npm entry the browser suites load (IMSDK_ENTRY: index, the default, or
 * gobelieve / mobileimsdk for a one-protocol build), and the JS classes it has.
 */
export const NPM_ENTRY = process.env.IMSDK_ENTRY || 'index';
export const ENTRY_CLASSES = { index: ['IMService', 'IMClientManager'], gobelieve: ['IMService'], mobileimsdk: ['IMClientManager'] };

/** True when the suites' entry has class `name` (IMService, IMClientManager). */
export function entryHas(name) {
  const classes = ENTRY_CLASSES[NPM_ENTRY];
  if (!classes) throw new Error('IMSDK_ENTRY must be one of ' + Object.keys(ENTRY_CLASSES).join(', '));
  return classes.includes(name);
}

/** Runs `test(name, fn)` when `has` (the entry has the class the test needs); else says the entry skips it. */
export function testIf(has, test, name, fn) {
  if (has) return test(name, fn);
  console.log('NOT IN THIS ENTRY: ' + name);
  return Promise.resolve();
}

/**
 * A page of tests/support/npm-page.html: `window.imsdk` is the npm package
 * (its entry NPM_ENTRY) with its wasm not loaded yet. Console errors and
 * warnings land in `page.consoleLines` as "error: text" / "warning: text".
 */
export async function npmPage(browser, server) {
  const page = await browser.newPage();
  page.consoleLines = [];
  page.on('console', (m) => page.consoleLines.push(m.type() + ': ' + m.text()));
  page.on('pageerror', (e) => page.consoleLines.push('pageerror: ' + String(e)));
  entryHas('IMService'); // checks IMSDK_ENTRY
  await page.goto(server.url + '/tests/support/npm-page.html?entry=' + NPM_ENTRY);
  await page.waitForFunction(() => window.pageReady === true, null, { timeout: 15000 });
  return page;
}

/** Throws unless `a` and `b` have the same JSON form, naming `what`. */
export function same(a, b, what) {
  const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
  if (x !== y) throw new Error(what + ': ' + x + ' !== ' + y);
}
