#!/usr/bin/env node
// The npm package in headless Chromium without a bundler: tests/npm/browser-esm.html
// imports dist/npm/index.js through an import map and runs an exchange
// against the dev server ($DEVSERVER_URL or one started here).
// Usage (repo root, after scripts/build.sh): node tests/npm/browser.test.mjs
import { check, devserver, launchChromium, mintToken, runner } from '../support/node-env.mjs';

const { test, summary } = runner();

async function main() {
  const server = await devserver();
  const browser = await launchChromium();
  try {
    const [a, b] = [30000 + (process.pid % 1000) * 2, 30001 + (process.pid % 1000) * 2];
    const q = new URLSearchParams({ a, b, ta: await mintToken(server.url, a), tb: await mintToken(server.url, b) });
    const page = await browser.newPage();
    await page.goto(server.url + '/tests/npm/browser-esm.html?' + q);
    await test('browser ESM import (import map, no bundler): init() and an exchange', async () => {
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 15000 });
      const r = await page.evaluate(() => window.result);
      check(JSON.stringify(r) === JSON.stringify({ got: ['esm'] }), 'result ' + JSON.stringify(r));
    });
  } finally {
    await browser.close();
    server.stop();
  }
}

main()
  .catch((e) => test('setup', () => { throw e; }))
  .finally(() => process.exit(summary()));
