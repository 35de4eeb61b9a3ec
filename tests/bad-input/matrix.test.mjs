#!/usr/bin/env node
// The bad-input matrix (issue 8 C) through the npm package in headless
// Chromium against the dev server: every case of tests/bad-input/cases.js,
// once before the wasm has loaded and once after, asserts its exact outcome
// and then that the same instance still connects and delivers a message
// (a spent instance: that a new one does). 10 MiB strings must be refused
// without wasm memory growing.
// Usage (repo root, after scripts/build.sh): node tests/bad-input/matrix.test.mjs
// (IMSDK_ENTRY=gobelieve | mobileimsdk: the cases of that class on its one-protocol entry).
import { devserver, entryHas, launchChromium, npmPage, NPM_ENTRY, runner } from '../support/node-env.mjs';

const { test, summary } = runner();
const BASE = 50000 + (process.pid % 1000) * 200;

// In the page: the IMService cases and option cases of one phase.
async function imServicePhase([phase, base]) {
  const { IMService, ready } = window.imsdk;
  const cases = await import('/tests/bad-input/cases.js');
  const url = window.wsUrl('/ws');
  const all = [...cases.GOBELIEVE_CASES, ...cases.GOBELIEVE_OPTION_CASES];
  const tokens = await Promise.all(all.map((_, i) => window.token(base + 1 + i)));
  const peerToken = await window.token(base);
  if (phase === 'after') await ready();
  const loaded = () => IMService.wasmMemoryBytes > 0;
  const rows = all.map((c, i) => {
    const row = { name: c.name, expected: c.error ? { error: c.error } : c.options ? null : { value: c.value }, big: !!c.big };
    const mem = IMService.wasmMemoryBytes;
    if (c.options) {
      row.got = window.outcome(() => new IMService({}, Object.assign({ url }, c.options)));
      row.expected = { error: c.error };
      row.im = null;
    } else {
      row.im = new IMService({}, { url });
      row.got = window.outcome(() => c.act(row.im));
    }
    row.growth = IMService.wasmMemoryBytes - mem;
    row.loadedAtAct = loaded();
    row.uid = base + 1 + i;
    row.token = tokens[i];
    row.spent = !!c.spent || !!c.options;
    return row;
  });
  await ready();
  const received = [];
  const peer = new IMService({ handlePeerMessage: (m) => received.push(m.content) }, { url, accessToken: peerToken });
  peer.start();
  await window.until('peer connected', () => peer.connectState === 2);
  for (const row of rows) {
    try {
      const im = row.spent ? new IMService({}, { url }) : row.im;
      im.accessToken = row.token;
      im.start();
      await window.until('connected', () => im.connectState === 2, 5000);
      const content = phase + ':' + row.name;
      if (im.sendPeerMessage({ sender: row.uid, receiver: base, content, msgLocalID: 1 }) !== true) throw new Error('send refused');
      await window.until('delivered', () => received.includes(content), 5000);
      im.stop();
      row.delivered = true;
    } catch (e) {
      row.delivered = String(e.message || e);
    }
    delete row.im;
  }
  peer.stop();
  return rows;
}

// In the page: one IMClientManager case (or option case), in a page of its own before loading.
async function mobileimsdkCase([phase, index, optionCase, base]) {
  const { IMClientManager, ready } = window.imsdk;
  const cases = await import('/tests/bad-input/cases.js');
  const c = optionCase ? cases.MOBILEIMSDK_OPTION_CASES[index] : cases.MOBILEIMSDK_CASES[index];
  const uid = 'bad' + base + '-' + phase + '-' + index;
  const data = [];
  const options = { wsUrl: window.wsUrl('/websocket'), chatTransDataCB: { onTransBufferCB: (p) => data.push(p.dataContent) }, chatBaseCB: null, messageQoSCB: undefined };
  if (phase === 'after') await ready();
  const row = { name: c.name, big: !!c.big, loadedAtAct: IMClientManager.wasmMemoryBytes > 0 };
  const calls = [];
  const mem = IMClientManager.wasmMemoryBytes;
  let mgr = null;
  if (optionCase) {
    row.got = window.outcome(() => IMClientManager.getInstance(c.options));
    row.expected = { error: c.error };
  } else {
    mgr = IMClientManager.getInstance(options);
    row.got = window.outcome(() => c.act(mgr, calls, { uid }));
    row.expected = c.error ? { error: c.error } : c.value !== undefined ? { value: c.value } : null;
  }
  row.growth = IMClientManager.wasmMemoryBytes - mem;
  const want = c.calls && !Array.isArray(c.calls) ? c.calls[phase] : c.calls;
  if (want) {
    await window.until('callBacks', () => calls.length >= want.length, 5000).catch(() => {});
    row.calls = calls;
    row.expectedCalls = want;
    if (!row.expected) row.expected = { value: 'undefined' };
  }
  await ready();
  try {
    if (!mgr || c.spent) mgr = IMClientManager.getInstance(options);
    let code = null;
    mgr.login({ loginUserId: uid, loginToken: 't', callBack: (k) => { code = k; } });
    await window.until('logged in', () => code === 0 && mgr.connected, 5000);
    const content = phase + ':' + c.name;
    let sent = null;
    mgr.send({ dataContent: content, toId: uid, callBack: (k) => { sent = k; } });
    await window.until('delivered to itself', () => sent === 0 && data.includes(content), 5000);
    row.delivered = true;
  } catch (e) {
    row.delivered = String(e.message || e) + ' (login/send/data ' + JSON.stringify(data) + ')';
  }
  mgr.release();
  return row;
}

function verdict(row) {
  const problems = [];
  if (row.expected && JSON.stringify(row.got) !== JSON.stringify(row.expected)) {
    problems.push('got ' + JSON.stringify(row.got) + ', expected ' + JSON.stringify(row.expected));
  }
  if (row.expectedCalls && JSON.stringify(row.calls) !== JSON.stringify(row.expectedCalls)) {
    problems.push('callBacks ' + JSON.stringify(row.calls) + ', expected ' + JSON.stringify(row.expectedCalls));
  }
  if (row.big && row.growth >= 1024 * 1024) problems.push('wasm memory grew by ' + row.growth + ' bytes');
  if (row.delivered !== true) problems.push('then: ' + row.delivered);
  return problems;
}

async function main() {
  const server = await devserver();
  const browser = await launchChromium();
  let count = 0;
  let counted = 0; // the cases the matrix must have on this entry
  try {
    if (entryHas('IMService')) counted += 40;
    if (entryHas('IMClientManager')) counted += 20;
    for (const phase of entryHas('IMService') ? ['before', 'after'] : []) {
      const page = await npmPage(browser, server);
      const rows = await page.evaluate(imServicePhase, [phase, BASE + (phase === 'after' ? 100 : 0)]);
      for (const row of rows) {
        count++;
        await test('IMService ' + phase + ' loading: ' + row.name, () => {
          const problems = verdict(row);
          if (row.loadedAtAct !== (phase === 'after')) problems.push('wasm loaded: ' + row.loadedAtAct);
          if (problems.length) throw new Error(problems.join('; '));
        });
      }
      await page.close();
    }
    const mobileimsdkCount = !entryHas('IMClientManager') ? [0, 0] : await (async () => {
      const page = await npmPage(browser, server);
      const n = await page.evaluate(async () => {
        const c = await import('/tests/bad-input/cases.js');
        return [c.MOBILEIMSDK_CASES.length, c.MOBILEIMSDK_OPTION_CASES.length];
      });
      await page.close();
      return n;
    })();
    for (const phase of ['before', 'after']) {
      let shared = null;
      for (const [optionCase, n] of [[false, mobileimsdkCount[0]], [true, mobileimsdkCount[1]]]) {
        for (let i = 0; i < n; i++) {
          // Before loading, every case needs a page whose wasm has not loaded yet.
          const page = phase === 'before' || !shared ? await npmPage(browser, server) : shared;
          if (phase === 'after') shared = page;
          const row = await page.evaluate(mobileimsdkCase, [phase, i, optionCase, BASE]);
          count++;
          await test('IMClientManager ' + phase + ' loading: ' + row.name, () => {
            const problems = verdict(row);
            if (row.loadedAtAct !== (phase === 'after')) problems.push('wasm loaded: ' + row.loadedAtAct);
            if (problems.length) throw new Error(problems.join('; '));
          });
          if (phase === 'before') await page.close();
        }
      }
      if (shared) await shared.close();
    }
    await test('the matrix has at least ' + counted + ' cases per phase for the classes of dist/npm/' + NPM_ENTRY + '.js', () => {
      if (count < 2 * counted) throw new Error('only ' + count + ' cases');
    });
  } finally {
    await browser.close();
    server.stop();
  }
}

main()
  .catch((e) => test('setup', () => { throw e; }))
  .finally(() => process.exit(summary()));
