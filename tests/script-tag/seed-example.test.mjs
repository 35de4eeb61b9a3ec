#!/usr/bin/env node
// The seed's example page (tests/script-tag/seed-example.html: the seed text
// verbatim except its <script src> lines) in headless Chromium against the dev
// server. The only change: `im.accessToken = "????";` gets a token minted for
// uid 100, in a copy written to test-output/script-tag/ and served from there
// by the dev server (a page fulfilled by a Playwright route counts as public
// to Chromium, which then blocks its loopback WebSocket). The page reaches
// the dev server through the script tag's data-im-url="/ws". A second page
// (listener.html, another device of user 100) shows that the page's later
// message to user 100 is delivered.
// Usage (repo root, after scripts/build.sh): node tests/script-tag/seed-example.test.mjs
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, check, devserver, launchChromium, mintToken, runner } from '../support/node-env.mjs';

const SOURCE = path.join(ROOT, 'tests', 'script-tag', 'seed-example.html');
const SERVED = path.join(ROOT, 'test-output', 'script-tag', 'seed-example.html');
const PAGE = '/test-output/script-tag/seed-example.html';
const TOKEN_LINE = 'im.accessToken = "????";';
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
    const served = fs.readFileSync(SOURCE, 'utf8');
    fs.mkdirSync(path.dirname(SERVED), { recursive: true });
    fs.writeFileSync(SERVED, served.replace(TOKEN_LINE, 'im.accessToken = "' + token + '";'));
    await page.goto(server.url + PAGE);

    await test('the page is the seed text with one token line to rewrite', () => {
      check(served.split(TOKEN_LINE).length === 2, 'the page has ' + (served.split(TOKEN_LINE).length - 1) + ' token lines');
      check(served.includes('<script src="/dist/script/imsdk.js" data-im-url="/ws"></script>'), 'script tag missing');
    });
    await test('the first sendPeerMessage, while connecting, returns false', async () => {
      await waitFor(() => logs.some((l) => l.startsWith('send message result:')), 'the send result line');
      const line = logs.find((l) => l.startsWith('send message result:'));
      check(line === 'send message result: false', 'printed ' + JSON.stringify(line));
    });
    await test('start() takes effect once the wasm is ready: "im connected"', async () => {
      await waitFor(() => logs.includes('im connected'), '"im connected"');
      const order = ['send message result: false', 'im connecting', 'im connected'].map((l) => logs.indexOf(l));
      check(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), 'console order: ' + JSON.stringify(logs));
    });
    await test('the later send (after 2 s) is delivered to user 100 and acknowledged', async () => {
      await waitFor(async () => (await listener.evaluate(() => window.received.length)) > 0, 'delivery', 8000);
      const got = await listener.evaluate(() => window.received.map((m) => [m.sender, m.receiver, m.content]));
      check(JSON.stringify(got) === JSON.stringify([[100, 100, '11']]), 'listener got ' + JSON.stringify(got));
      await waitFor(() => logs.some((l) => l.startsWith('message ack local id:')), 'the ACK line', 5000);
    });
    await test('no page errors, no failure or "connect fail" lines', () => {
      const bad = logs.filter((l) => /fail/.test(l));
      check(errors.length === 0 && listenerErrors.length === 0 && bad.length === 0,
        'errors ' + JSON.stringify([...errors, ...listenerErrors, ...bad]));
    });
    if (process.env.VERBOSE) console.log(logs.join('\n'));
  } finally {
    await browser.close();
    server.stop();
  }
}

main()
  .catch((e) => test('setup', () => { throw e; }))
  .finally(() => process.exit(summary()));
