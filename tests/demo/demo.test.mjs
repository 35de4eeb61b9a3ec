// Playwright test of the demo chat page (www/): two browser contexts, two
// users, a conversation in each protocol, checked on both sides as the user
// sees it; one screenshot per side under test-output/demo/. Then the outage
// scenario of the persisted outbox (each protocol, real IndexedDB): the dev
// server stops, the page shows the close code and its reconnect attempts, a
// message is sent, the page is reloaded, the server starts again on the same
// port, and the peer receives the message exactly once.
//
// Server: $DEVSERVER_URL when set (scripts/test.sh starts one serving www/
// and /dist/), else a dev server started here on port 0 and always stopped.
// The outage scenario always starts (and stops, and restarts) its own.
// Needs dist/npm (npm run build) and, without $DEVSERVER_URL, a built dev
// server (cargo build -p imsdk-devserver).
//
// Usage: node tests/demo/demo.test.mjs   (DEVSERVER_LOG=1 shows the server log;
// DEMO_OUTAGE_ONLY=1 runs the outbox outage scenario only)

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'test-output/demo');
// MobileIMSDK joins once IMClientManager is in the build (it must fail, not skip, without it).
const PROTOCOLS = ['gobelieve', 'mobileimsdk'];
/** Upper bound of any single wait in the page. */
const WAIT_MS = 15_000;
/** The GoBelieve ACK deadline (IMService default) plus slack, for the failure check. */
const ACK_TIMEOUT_WAIT_MS = 5_000 + WAIT_MS;
/** QoS resends (2, official timings) until handleMessageLost, plus slack. */
const MOBILEIMSDK_LOST_WAIT_MS = 40_000;
/**
 * A reconnect after the outage: the back-off is capped at IMService's default
 * reconnectMaxDelay (60 s), plus slack for the connect and the send.
 */
const OUTAGE_WAIT_MS = 60_000 + WAIT_MS;
/** The whole run; a hung browser or server must not hang `npm test`. */
const RUN_LIMIT_MS = 300_000;

const results = [];

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`demo test: over ${RUN_LIMIT_MS / 1000} s, giving up`);
    process.exit(1);
  }, RUN_LIMIT_MS);
  watchdog.unref();

  mkdirSync(OUT, { recursive: true });
  if (!existsSync(join(ROOT, 'dist/npm/index.js'))) {
    throw new Error('dist/npm/index.js is missing: run `npm run build` first');
  }
  const server = await devServer();
  let browser = null;
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
        '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    for (const protocol of PROTOCOLS) {
      if (!process.env.DEMO_OUTAGE_ONLY) await conversation(browser, server.url, protocol);
    }
    for (const protocol of PROTOCOLS) await outage(browser, protocol);
  } finally {
    if (browser) await browser.close().catch(() => {});
    await server.stop();
  }
}

// ---- the scenario ----

/**
 * Two users log in, A writes to B, B answers, both sides are checked and
 * photographed, then both log out. A failed step fails the rest of its
 * protocol (they depend on it), each reported under its own name.
 */
async function conversation(browser, base, protocol) {
  // Fresh ids per run, so messages queued for old users on a shared server cannot interfere.
  const a = String(100_000 + Math.floor(Math.random() * 800_000));
  const b = String(Number(a) + 1);
  const nonce = Math.random().toString(36).slice(2, 8);
  const hello = `hello from ${a} (${protocol} ${nonce})`;
  const reply = `hi ${a}, ${b} here (${protocol} ${nonce}) — ünïcödé ✓`;
  const contexts = [];
  const steps = new Steps(protocol);
  try {
    const userA = await openUser(browser, base, contexts);
    const userB = await openUser(browser, base, contexts);

    await steps.run('both users log in and see "connected"', async () => {
      await Promise.all([logIn(userA, protocol, a, b), logIn(userB, protocol, b, a)]);
      await Promise.all([waitState(userA, 'connected'), waitState(userB, 'connected')]);
      await until(async () => {
        const byUid = await connectedUsers(base, protocol);
        return byUid[a] && byUid[b];
      }, WAIT_MS, 'the dev server does not list both users as connected');
    });
    await steps.run(`${a} sends; its message goes sending → acknowledged`, async () => {
      await send(userA, hello);
      const row = await outgoing(userA, hello);
      if (!['sending', 'acknowledged'].includes(row.status)) throw new Error(`first status ${row.status}`);
      await settled(userA, hello, 'acknowledged', WAIT_MS);
    });
    await steps.run(`${b} shows the incoming message from ${a}`, async () => {
      await incoming(userB, hello, a);
    });
    await steps.run(`${b} replies; acknowledged on ${b}, shown on ${a}`, async () => {
      await send(userB, reply);
      await settled(userB, reply, 'acknowledged', WAIT_MS);
      await incoming(userA, reply, b);
    });
    if (protocol === 'gobelieve') {
      // The dev server can withhold GoBelieve ACKs: the page must then show "failed".
      await steps.run(`an unacknowledged message ends as "failed" on ${a}`, async () => {
        const lost = `no ack for this one (${nonce})`;
        await api(base, '/api/fault/withhold_acks?proto=gobelieve&on=1');
        try {
          await send(userA, lost);
          await settled(userA, lost, 'failed', ACK_TIMEOUT_WAIT_MS);
        } finally {
          await api(base, '/api/fault/withhold_acks?proto=gobelieve&on=0');
        }
      });
      // IMService resets the link on an ACK timeout, then reconnects by itself.
      await steps.run(`${a} reconnects by itself after the ACK timeout`, async () => {
        await waitState(userA, 'connected');
      });
    }
    if (protocol === 'mobileimsdk') {
      // Nobody is logged in as the receiver: the server never ACKs, QoS gives up.
      await steps.run(`a message to an offline user ends as "failed" on ${a}`, async () => {
        const lost = `nobody home (${nonce})`;
        await userA.page.fill('#peer', String(Number(b) + 1));
        await send(userA, lost);
        await settled(userA, lost, 'failed', MOBILEIMSDK_LOST_WAIT_MS);
        await userA.page.fill('#peer', b);
      });
    }
    await steps.run('each side shows exactly the conversation', async () => {
      const seenA = await rows(userA.page);
      const seenB = await rows(userB.page);
      expectRow(seenA, { dir: 'out', who: b, text: hello, status: 'acknowledged' });
      expectRow(seenA, { dir: 'in', who: b, text: reply });
      expectRow(seenB, { dir: 'in', who: a, text: hello });
      expectRow(seenB, { dir: 'out', who: a, text: reply, status: 'acknowledged' });
      for (const [seen, uid] of [[seenA, a], [seenB, b]]) {
        const copies = seen.filter((r) => r.text === hello).length;
        if (copies !== 1) throw new Error(`${uid} shows "${hello}" ${copies} times`);
      }
    });
    await steps.run('screenshots of both sides saved', async () => {
      for (const [user, uid] of [[userA, a], [userB, b]]) {
        const file = join(OUT, `${protocol}-user-${uid === a ? 'A' : 'B'}.png`);
        await user.page.screenshot({ path: file, fullPage: true });
        if (statSync(file).size < 1000) throw new Error(`${file} is suspiciously small`);
      }
    });
    await steps.run('log out: "disconnected" and the dev server sees no connection', async () => {
      await Promise.all([userA.page.click('#logout'), userB.page.click('#logout')]);
      await Promise.all([waitState(userA, 'disconnected'), waitState(userB, 'disconnected')]);
      await until(async () => {
        const byUid = await connectedUsers(base, protocol);
        return !byUid[a] && !byUid[b];
      }, WAIT_MS, 'the dev server still lists a connection for the users');
    });
    await steps.run('no uncaught errors in either page', async () => {
      const errors = [...userA.errors, ...userB.errors];
      if (errors.length) throw new Error(errors.join('\n'));
    });
  } catch (e) {
    steps.fail('setting up the browser pages', e);
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
}

// ---- the persisted outbox across an outage and a reload ----

/**
 * `protocol` with `outbox: 'indexeddb'` on A, the pages served by
 * staticServer: the dev server goes down (A shows the close code and counts
 * its reconnect attempts), A sends, A's page is reloaded and logs in again
 * (the queued message is shown again; a MobileIMSDK page retries its first
 * login until the server answers), the server comes back on the same port,
 * and B receives the message once.
 */
async function outage(browser, protocol) {
  const steps = new Steps(`outbox (${protocol})`);
  const a = String(100_000 + Math.floor(Math.random() * 800_000));
  const b = String(Number(a) + 1);
  const nonce = Math.random().toString(36).slice(2, 8);
  const kept = `sent while the server was down (${nonce})`;
  const marker = `sent after it came back (${nonce})`;
  // Fixed tokens: the restarted server must accept the ones the pages hold.
  const tokens = { [a]: `token-${a}-${nonce}`, [b]: `token-${b}-${nonce}` };
  const args = Object.entries(tokens).flatMap(([uid, token]) => (protocol === 'mobileimsdk'
    ? ['--mobileimsdk-token', `${uid}=${token}`] : ['--token', `${token}=${uid}`]));
  const contexts = [];
  let server = null;
  let pages = null;
  try {
    server = await devServer({ own: true, args });
    pages = await staticServer();
    const port = Number(new URL(server.url).port);
    const ws = `ws://127.0.0.1:${port}${protocol === 'mobileimsdk' ? '/websocket' : '/ws'}`;
    const query = (uid, peer, outbox) => `?${new URLSearchParams({
      protocol, uid, peer, token: tokens[uid], server: ws, ...(outbox ? { outbox: '1' } : {}),
    })}`;
    const userA = await openUser(browser, pages.url, contexts, query(a, b, true));
    const userB = await openUser(browser, pages.url, contexts, query(b, a, false));
    await steps.run(`${a} (IndexedDB outbox on) and ${b} log in`, async () => {
      await Promise.all([userA.page.click('#login'), userB.page.click('#login')]);
      await Promise.all([waitState(userA, 'connected'), waitState(userB, 'connected')]);
    });
    await steps.run('the dev server stops: the page shows the close code 1006 and its reconnect attempts', async () => {
      await server.stop();
      server = null;
      await waitLink(userA, (link) => link.closeCode === '1006' && Number(link.reconnects) >= 2,
        'close code 1006 and at least 2 reconnect attempts');
    });
    await steps.run(`${a} sends while the server is down: the message waits in IndexedDB`, async () => {
      await send(userA, kept);
      const row = await outgoing(userA, kept);
      if (row.status !== 'sending') throw new Error(`status "${row.label}" while the server is down`);
      await until(async () => (await storedOutbox(userA.page, protocol, a)).includes(kept), WAIT_MS,
        'the message never reached the IndexedDB outbox');
    });
    await steps.run(`${a} reloads the page and logs in again: the queued message is shown, still sending`, async () => {
      await userA.page.reload();
      await pageReady(userA.page);
      await userA.page.click('#login');
      const row = await outgoing(userA, kept);
      if (row.status !== 'sending') throw new Error(`restored as "${row.label}"`);
    });
    await steps.run('the server starts again on the same port: acknowledged on A, received once by B', async () => {
      server = await devServer({ own: true, port, args });
      await settled(userA, kept, 'acknowledged', OUTAGE_WAIT_MS);
      await incoming(userB, kept, a);
      // One link delivers in order: once a later message has arrived, a second copy of the first would have too.
      await waitState(userA, 'connected');
      await send(userA, marker);
      await settled(userA, marker, 'acknowledged', WAIT_MS);
      await incoming(userB, marker, a);
      const onB = (await rows(userB.page)).filter((r) => r.dir === 'in' && r.text === kept).length;
      const onA = (await rows(userA.page)).filter((r) => r.dir === 'out' && r.text === kept).length;
      if (onB !== 1 || onA !== 1) throw new Error(`the message shows ${onB} times on ${b} and ${onA} times on ${a}`);
      await until(async () => !(await storedOutbox(userA.page, protocol, a)).includes(kept), WAIT_MS,
        'the acknowledged message is still in IndexedDB');
    });
    await steps.run('screenshot of the sender after the outage saved', async () => {
      const file = join(OUT, 'outbox-after-outage.png');
      await userA.page.screenshot({ path: file, fullPage: true });
      if (statSync(file).size < 1000) throw new Error(`${file} is suspiciously small`);
    });
    await steps.run('no uncaught errors in either page', async () => {
      const errors = [...userA.errors, ...userB.errors];
      if (errors.length) throw new Error(errors.join('\n'));
    });
  } catch (e) {
    steps.fail('setting up the outage scenario', e);
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    if (server) await server.stop();
    if (pages) await pages.stop();
  }
}

/** Content types of the files staticServer answers with. */
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

/**
 * The page's own files (www/ and /dist/ from the working tree) on a server of
 * their own, on 127.0.0.1 and a free port, that stays up while the dev server
 * is down (as a CDN or a cache would): the page must reload during the outage.
 */
async function staticServer() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = path.startsWith('/dist/') ? join(ROOT, path) : join(ROOT, 'www', path === '/' ? 'index.html' : path);
    if (!file.startsWith(ROOT + '/') || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((ok) => {
      server.closeAllConnections();
      server.close(ok);
    }),
  };
}

/**
 * The contents of the messages in the page's IndexedDB outbox of user `uid`
 * (IMService's is named `demo-<uid>` by the demo, IMClientManager's is the user's).
 */
function storedOutbox(page, protocol, uid) {
  return page.evaluate((name) => new Promise((done, fail) => {
    const open = indexedDB.open(name);
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('entries')) {
        db.close();
        return done([]);
      }
      const all = db.transaction('entries', 'readonly').objectStore('entries').getAll();
      all.onerror = () => fail(all.error);
      all.onsuccess = () => {
        db.close();
        done(all.result.map((entry) => entry.message && (entry.message.content || entry.message.dataContent)));
      };
    };
  }), protocol === 'mobileimsdk' ? `imsdk-outbox:mobileimsdk:${uid}` : `imsdk-outbox:gobelieve:demo-${uid}`);
}

/** Waits until #link's data attributes ({closeCode, reconnects}) satisfy `test`. */
async function waitLink(user, test, what) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const link = await user.page.$eval('#link', (el) => ({ ...el.dataset, text: el.textContent }));
    if (test(link)) return link;
    if (Date.now() > deadline) throw new Error(`expected ${what}; the page shows ${JSON.stringify(link)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Named steps of one protocol: after a failure the rest fail as "not reached". */
class Steps {
  constructor(protocol) {
    this.protocol = protocol;
    this.broken = null;
  }
  async run(name, fn) {
    const label = `${this.protocol}: ${name}`;
    if (this.broken) return record(label, new Error(`not reached (after "${this.broken}")`));
    try {
      await fn();
      record(label, null);
    } catch (e) {
      this.broken = name;
      record(label, e);
    }
  }
  fail(name, e) {
    if (!this.broken) record(`${this.protocol}: ${name}`, e);
  }
}

function record(name, error) {
  results.push({ name, error });
  if (error) console.log(`FAIL ${name}\n     ${String(error.message || error).split('\n').join('\n     ')}`);
  else console.log(`ok   ${name}`);
}

// ---- driving the page ----

/** A browser context with the demo page at `base` + `query`. */
async function openUser(browser, base, contexts, query = '') {
  const context = await browser.newContext({ viewport: { width: 720, height: 640 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${base}/${query}`);
  await pageReady(page);
  return { page, errors };
}

async function pageReady(page) {
  // The module awaits init() before it marks the page ready (toolchain P13).
  await page.waitForFunction(() => document.getElementById('app').dataset.ready !== '0');
  const ready = await page.getAttribute('#app', 'data-ready');
  if (ready !== '1') throw new Error(`the page did not load the SDK: ${await page.textContent('#error')}`);
}

async function logIn(user, protocol, uid, peer) {
  await user.page.selectOption('#protocol', protocol);
  await user.page.fill('#uid', uid);
  await user.page.fill('#peer', peer);
  await user.page.click('#login');
}

async function send(user, text) {
  await user.page.fill('#text', text);
  await user.page.click('#send');
}

async function waitState(user, state) {
  try {
    await user.page.waitForSelector(`#state[data-state="${state}"]`, { timeout: WAIT_MS });
  } catch {
    const shown = await user.page.textContent('.state-line');
    throw new Error(`expected state "${state}", the page shows "${shown.replace(/\s+/g, ' ').trim()}"`);
  }
}

/** What the message list shows: [{dir, who, text, status}]. */
function rows(page) {
  return page.$$eval('#messages li.msg', (lis) => lis.map((li) => ({
    dir: li.dataset.dir,
    who: li.dataset.dir === 'out' ? li.dataset.peer : li.dataset.from,
    text: li.querySelector('.body').textContent,
    status: li.dataset.status || null,
    label: li.querySelector('.status') ? li.querySelector('.status').textContent : null,
  })));
}

async function waitRow(page, match, timeout, what) {
  try {
    await page.waitForFunction(({ dir, text, final }) => [...document.querySelectorAll('#messages li.msg')]
      .some((li) => li.dataset.dir === dir && li.querySelector('.body').textContent === text
        && (!final || li.dataset.status !== 'sending')), match, { timeout });
  } catch {
    const link = await page.$eval('#app', () => ['state', 'error', 'link'].map((id) => document.getElementById(id).textContent.trim()).join(' | '));
    throw new Error(`${what} within ${timeout} ms; the page shows ${JSON.stringify(await rows(page))} (${link})`);
  }
  return (await rows(page)).find((r) => r.dir === match.dir && r.text === match.text);
}

function outgoing(user, text) {
  return waitRow(user.page, { dir: 'out', text, final: false }, WAIT_MS, `no outgoing message "${text}"`);
}

/** Waits until the outgoing message has a final status and checks it. */
async function settled(user, text, status, timeout) {
  const row = await waitRow(user.page, { dir: 'out', text, final: true }, timeout,
    `outgoing "${text}" still "sending"`);
  if (row.status !== status) throw new Error(`outgoing "${text}" is "${row.label}", expected "${status}"`);
  return row;
}

async function incoming(user, text, from) {
  const row = await waitRow(user.page, { dir: 'in', text, final: false }, WAIT_MS, `no incoming "${text}"`);
  if (row.who !== from) throw new Error(`incoming "${text}" is from "${row.who}", expected "${from}"`);
}

function expectRow(seen, want) {
  const ok = seen.some((r) => Object.keys(want).every((k) => r[k] === want[k]));
  if (!ok) throw new Error(`missing ${JSON.stringify(want)} in ${JSON.stringify(seen)}`);
}

// ---- helpers ----

async function api(base, path) {
  const res = await fetch(`${base}${path}`, { method: 'POST' });
  if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status}`);
}

/** The dev server's count of authenticated connections per uid. */
async function connectedUsers(base, protocol) {
  const stats = await (await fetch(`${base}/api/stats`)).json();
  return (protocol === 'mobileimsdk' ? stats.mobileimsdk : stats.gobelieve).by_uid || {};
}

/** Polls `test` every 100 ms for at most `timeout` ms. */
async function until(test, timeout, message) {
  const deadline = Date.now() + timeout;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * $DEVSERVER_URL, or a dev server of our own: on `port` (0: a free one),
 * with `args` added (e.g. fixed tokens); `own` ignores $DEVSERVER_URL.
 */
async function devServer({ port = 0, args = [], own = false } = {}) {
  if (process.env.DEVSERVER_URL && !own) {
    return { url: process.env.DEVSERVER_URL.replace(/\/$/, ''), stop: async () => {} };
  }
  const bin = ['debug', 'release'].map((p) => join(ROOT, 'target', p, 'devserver')).find(existsSync);
  if (!bin) throw new Error('no dev server binary: run `cargo build -p imsdk-devserver`');
  const child = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), '--exit-on-stdin-close',
    '--www', 'www', '--static', '/dist/=dist', ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', process.env.DEVSERVER_LOG ? 'inherit' : 'ignore'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const killOnExit = () => child.kill();
  process.once('exit', killOnExit);
  const stop = async () => {
    child.kill();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    process.removeListener('exit', killOnExit);
  };
  try {
    const url = await new Promise((resolveUrl, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('the dev server did not start within 30 s')), 30_000);
      child.once('exit', (code) => reject(new Error(`the dev server exited early (${code})`)));
      child.once('error', reject);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (http\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      });
    });
    return { url, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

main()
  .catch((e) => record('demo test harness', e))
  .finally(() => {
    const failed = results.filter((r) => r.error).length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    process.exitCode = failed || results.length === 0 ? 1 : 0;
  });
