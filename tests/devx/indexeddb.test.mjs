// The IndexedDB outbox store (js/api/outbox-store-indexeddb.js) in headless
// Chromium with its real IndexedDB: entries written by one page survive a
// reload, come back in send order, and a removed one stays removed. The page
// and the modules are served by Playwright from the working tree at a test
// origin (nothing leaves the machine).
import fs from 'node:fs';
import path from 'node:path';
import { runner, check, launchChromium, ROOT } from '../support/node-env.mjs';

const ORIGIN = 'http://imsdk-outbox.test';
const { test, summary } = runner();
const browser = await launchChromium();
const context = await browser.newContext();
await context.route(ORIGIN + '/**', (route) => {
  const p = new URL(route.request().url()).pathname;
  if (p === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>outbox</title>' });
  const file = path.join(ROOT, p);
  if (!file.startsWith(path.join(ROOT, 'js')) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
  return route.fulfill({ contentType: 'text/javascript', body: fs.readFileSync(file) });
});
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));

/** Runs `fn(modules, arg)` in the page with the outbox modules imported. */
function inPage(fn, arg) {
  return page.evaluate(async ([src, a]) => {
    const store = await import('/js/api/outbox-store-indexeddb.js');
    const outbox = await import('/js/api/outbox.js');
    return new Function('m', 'a', 'return (' + src + ')(m, a)')({ ...store, ...outbox }, a);
  }, [fn.toString(), arg]);
}

try {
  await page.goto(ORIGIN + '/');

  await test('IndexedDB: entries written before a reload are there after it, in send order', async () => {
    const written = await inPage(async (m) => {
      const store = m.indexedDbStore('user-1');
      const box = new m.Outbox(store, { transmit: () => false });
      await box.open();
      const entries = ['a', 'b', 'c'].map((content) => box.add('peer', { sender: 1, receiver: 2, content }));
      // The page goes away as soon as the writes have committed (what the outbox waits for before sending).
      const until = Date.now() + 5000;
      while (entries.some((e) => !e.durable) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      return entries.filter((e) => e.durable).length;
    });
    check(written === 3, 'durable before reload: ' + written);
    await page.reload();
    const restored = await inPage(async (m) => {
      const box = new m.Outbox(m.indexedDbStore('user-1'), { transmit: () => true });
      const entries = await box.open();
      return entries.map((e) => e.record.message.content);
    });
    check(restored.join() === 'a,b,c', 'restored ' + JSON.stringify(restored));
  });

  await test('IndexedDB: an acknowledged entry is removed for good; another outbox name is separate', async () => {
    const left = await inPage(async (m) => {
      const store = m.indexedDbStore('user-1');
      const sent = [];
      const box = new m.Outbox(store, { transmit: (e) => sent.push(e) > 0 });
      const entries = await box.open();
      box.linkUp();
      box.acknowledged(entries[0]);
      await entries[0].done;
      const until = Date.now() + 5000;
      let records = await store.load();
      while (records.length !== 2 && Date.now() < until) records = await store.load();
      return { sent: sent.length, records: records.map((r) => r.message.content), other: (await m.indexedDbStore('user-2').load()).length };
    });
    check(left.sent === 3 && left.records.sort().join() === 'b,c' && left.other === 0, JSON.stringify(left));
    await page.reload();
    const after = await inPage(async (m) => (await new m.Outbox(m.indexedDbStore('user-1'), { transmit: () => false }).open())
      .map((e) => e.record.message.content));
    check(after.join() === 'b,c', 'after reload ' + JSON.stringify(after));
  });

  check(errors.length === 0, 'page errors: ' + errors.join());
} finally {
  await browser.close();
}
process.exit(summary());
