#!/usr/bin/env node
// The npm package in headless Chromium without a bundler: tests/npm/browser-esm.html
// imports dist/npm's entries through an import map and runs an exchange
// against the dev server ($DEVSERVER_URL or one started here): IMService for
// `imsdk` and `imsdk/gobelieve`, IMClientManager for `imsdk/mobileimsdk`.
// Usage (repo root, after scripts/build.sh): node tests/npm/browser.test.mjs
import { check, devserver, launchChromium, mintToken, runner } from '../support/node-env.mjs';

const { test, summary } = runner();
const PAGE = '/tests/npm/browser-esm.html?';

async function main() {
  const server = await devserver();
  const browser = await launchChromium();
  let uid = 30000 + (process.pid % 1000) * 10;
  const result = async (page) => {
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 15000 });
    return page.evaluate(() => window.result);
  };
  try {
    for (const entry of ['imsdk', 'imsdk/gobelieve']) {
      await test('browser ESM import of ' + entry + ' (import map, no bundler): init() and an IMService exchange', async () => {
        const [a, b] = [uid++, uid++];
        const q = new URLSearchParams({ entry, a, b, ta: await mintToken(server.url, a), tb: await mintToken(server.url, b) });
        const page = await browser.newPage();
        await page.goto(server.url + PAGE + q);
        const r = await result(page);
        check(JSON.stringify(r) === JSON.stringify({ got: ['esm'] }), 'result ' + JSON.stringify(r));
        await page.close();
      });
    }
    await test('browser ESM import of imsdk/mobileimsdk: two pages exchange a QoS message', async () => {
      const [a, b] = [uid++, uid++];
      const q = (role) => new URLSearchParams({ entry: 'imsdk/mobileimsdk', role, a, b });
      const recv = await browser.newPage();
      await recv.goto(server.url + PAGE + q('mobileimsdk-recv'));
      await recv.waitForFunction(() => window.loggedIn || window.result !== undefined, null, { timeout: 15000 });
      const send = await browser.newPage();
      await send.goto(server.url + PAGE + q('mobileimsdk-send'));
      const [got, sent] = [await result(recv), await result(send)];
      check(JSON.stringify(got.got) === JSON.stringify(['esm ' + b]), 'receiver ' + JSON.stringify(got));
      check(JSON.stringify(sent.acked) === JSON.stringify(['fp-esm-' + a]), 'sender ' + JSON.stringify(sent));
    });
  } finally {
    await browser.close();
    server.stop();
  }
}

main()
  .catch((e) => test('setup', () => { throw e; }))
  .finally(() => process.exit(summary()));
