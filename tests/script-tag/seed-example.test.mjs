#!/usr/bin/env node
// The seed's example page (tests/script-tag/seed-example.html: the seed text
// verbatim except its <script src> lines) in headless Chromium against the dev
// server. The only change: `im.accessToken = "????";` gets a token minted for
// uid 100, in a copy written to test-output/script-tag/ and served from there
// by the dev server (a page fulfilled by a Playwright route counts as public
// to Chromium, which then blocks its loopback WebSocket). The page reaches
// the dev server through the script tag's data-im-url="/ws". A second page
// (listener.html, another device of user 100) shows that the page's later
// message to user 100 is delivered. The same page runs once with the
// GoBelieve-only bundle (dist/script/gobelieve.js) in place of imsdk.js, which
// must define IMService and not IMClientManager; the MobileIMSDK-only bundle
// (mobileimsdk.html) defines IMClientManager only and two pages exchange a
// QoS message with it.
// Usage (repo root, after scripts/build.sh): node tests/script-tag/seed-example.test.mjs
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, check, devserver, launchChromium, mintToken, runner } from '../support/node-env.mjs';

const SOURCE = path.join(ROOT, 'tests', 'script-tag', 'seed-example.html');
const TOKEN_LINE = 'im.accessToken = "????";';
const SCRIPT_LINE = '<script src="/dist/script/imsdk.js" data-im-url="/ws"></script>';
const { test, summary } = runner();

async function waitFor(pred, what, ms = 10000) {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('waited ' + ms + ' ms for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main() {
  const server = await devserver();
  const browser = await launchChromium();
  try {
    for (const bundle of ['imsdk', 'gobelieve']) await seedExample(server, browser, bundle);
    await mobileimsdkOnly(server, browser);
  } finally {
    await browser.close();
    server.stop();
  }
}

// The seed page with the <script> bundle `bundle` (dist/script/<bundle>.js).
async function seedExample(server, browser, bundle) {
  const T = bundle === 'imsdk' ? '' : bundle + '.js: ';
  const served = path.join(ROOT, 'test-output', 'script-tag', bundle + '-seed-example.html');
  const pagePath = '/test-output/script-tag/' + bundle + '-seed-example.html';
  const token = await mintToken(server.url, 100);
  const listener = await browser.newPage();
  const listenerErrors = [];
  listener.on('pageerror', (e) => listenerErrors.push(String(e)));
  await listener.goto(server.url + '/tests/script-tag/listener.html?token=' + encodeURIComponent(token));
  await listener.waitForFunction(() => window.state === 2, null, { timeout: 10000 });

  const page = await browser.newPage();
  const logs = [];
  const errors = [];
  page.on('console', (m) => (m.type() === 'error' ? errors : logs).push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  const source = fs.readFileSync(SOURCE, 'utf8');
  fs.mkdirSync(path.dirname(served), { recursive: true });
  fs.writeFileSync(served, source.replace(TOKEN_LINE, 'im.accessToken = "' + token + '";')
    .replace(SCRIPT_LINE, SCRIPT_LINE.replace('/imsdk.js', '/' + bundle + '.js')));
  await page.goto(server.url + pagePath);

  await test(T + 'the page is the seed text with one token line to rewrite', () => {
    check(source.split(TOKEN_LINE).length === 2, 'the page has ' + (source.split(TOKEN_LINE).length - 1) + ' token lines');
    check(source.includes(SCRIPT_LINE), 'script tag missing');
  });
  await test(T + 'the bundle defines the globals of its build', async () => {
    const g = await page.evaluate(() => [typeof IMService, typeof IMClientManager, Object.keys(imsdk).sort().join()]);
    const want = bundle === 'imsdk'
      ? ['function', 'function', 'IMClientManager,IMError,IMService,init,ready,setWebSocketImpl']
      : ['function', 'undefined', 'IMError,IMService,init,ready,setWebSocketImpl'];
    check(JSON.stringify(g) === JSON.stringify(want), 'globals ' + JSON.stringify(g));
  });
  await test(T + 'imsdk.IMError is the class the Promise forms reject with (instanceof)', async () => {
    const r = await page.evaluate(() => new IMService().sendPeerMessageAsync({ sender: 1, receiver: 2, content: 'x' })
      .then(() => 'resolved', (e) => String(e instanceof imsdk.IMError) + ' ' + e.code));
    check(r === 'true not-connected', 'rejected with ' + r);
  });
  await test(T + 'the first sendPeerMessage, while connecting, returns false', async () => {
    await waitFor(() => logs.some((l) => l.startsWith('send message result:')), 'the send result line');
    const line = logs.find((l) => l.startsWith('send message result:'));
    check(line === 'send message result: false', 'printed ' + JSON.stringify(line));
  });
  await test(T + 'start() takes effect once the wasm is ready: "im connected"', async () => {
    await waitFor(() => logs.includes('im connected'), '"im connected"');
    const order = ['send message result: false', 'im connecting', 'im connected'].map((l) => logs.indexOf(l));
    check(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), 'console order: ' + JSON.stringify(logs));
  });
  await test(T + 'the later send (after 2 s) is delivered to user 100 and acknowledged', async () => {
    await waitFor(async () => (await listener.evaluate(() => window.received.length)) > 0, 'delivery', 8000);
    const got = await listener.evaluate(() => window.received.map((m) => [m.sender, m.receiver, m.content]));
    check(JSON.stringify(got) === JSON.stringify([[100, 100, '11']]), 'listener got ' + JSON.stringify(got));
    await waitFor(() => logs.some((l) => l.startsWith('message ack local id:')), 'the ACK line', 5000);
  });
  await test(T + 'no page errors, no failure or "connect fail" lines', () => {
    const bad = logs.filter((l) => /fail/.test(l));
    check(errors.length === 0 && listenerErrors.length === 0 && bad.length === 0,
      'errors ' + JSON.stringify([...errors, ...listenerErrors, ...bad]));
  });
  if (process.env.VERBOSE) console.log(logs.join('\n'));
  await page.close();
  await listener.close();
}

// The MobileIMSDK-only bundle: its globals, then a QoS message between two pages.
async function mobileimsdkOnly(server, browser) {
  const errors = [];
  const open = async (q) => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(server.url + '/tests/script-tag/mobileimsdk.html?' + new URLSearchParams(q));
    return page;
  };
  const [a, b] = [String(20000 + (process.pid % 1000) * 2), String(20001 + (process.pid % 1000) * 2)];
  const recv = await open({ role: 'recv', me: b, peer: a });
  await test('mobileimsdk.js: the bundle defines IMClientManager and imsdk, no IMService', async () => {
    const g = await recv.evaluate(() => window.globals);
    const want = { IMService: 'undefined', IMClientManager: 'function', imsdk: 'IMClientManager,IMError,init,ready,setWebSocketImpl' };
    check(JSON.stringify(g) === JSON.stringify(want), 'globals ' + JSON.stringify(g));
  });
  await test('mobileimsdk.js: two pages log in and exchange a QoS message', async () => {
    await recv.waitForFunction(() => window.login !== undefined, null, { timeout: 10000 });
    check(await recv.evaluate(() => window.login) === 0, 'login called back ' + (await recv.evaluate(() => window.login)));
    const send = await open({ role: 'send', me: a, peer: b });
    await send.waitForFunction(() => window.result !== undefined, null, { timeout: 10000 });
    await recv.waitForFunction(() => window.result !== undefined, null, { timeout: 10000 });
    check((await send.evaluate(() => window.result.acked)) === 'fp-script-' + a, 'sender ' + JSON.stringify(await send.evaluate(() => window.result)));
    check(JSON.stringify(await recv.evaluate(() => window.result.got)) === JSON.stringify(['hi ' + b]), 'receiver');
    check(errors.length === 0, 'errors ' + JSON.stringify(errors));
  });
}

main()
  .catch((e) => test('setup', () => { throw e; }))
  .finally(() => process.exit(summary()));
