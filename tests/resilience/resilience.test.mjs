#!/usr/bin/env node
// What application code and a hostile server must not be able to do to the
// SDK, through the npm package in headless Chromium (run with --expose-gc):
// - observers that throw, from a getter, a Proxy trap or the callback
//   itself, are reported and delivery carries on (issue 7 A7);
// - a started IMService the page no longer references keeps running after
//   the garbage collector has taken its objects, until stop() (issue 7 A8);
// - a frame over the protocol maximum closes the link (code 1009, reason
//   readable as `lastClose`, a console warning) before it is copied into
//   wasm, for both protocols (issue 8 A).
// Usage (repo root, after scripts/build.sh): node tests/resilience/resilience.test.mjs
// (IMSDK_ENTRY=gobelieve | mobileimsdk: the scenarios of that class on its one-protocol entry).
import { check, devserver, entryHas, launchChromium, npmPage, runner, same, testIf } from '../support/node-env.mjs';

const { test, summary } = runner();
// A failed scenario fails its own tests, not the ones after it.
const run = (page, fn, arg) => page.evaluate(fn, arg).catch((e) => ({ failed: String(e.message || e).split('\n')[0] }));
const ran = (r) => check(!r.failed, r.failed);
const uid = (k) => 40000 + (process.pid % 1000) * 10 + k;
const [GOBELIEVE, MOBILEIMSDK] = [entryHas('IMService'), entryHas('IMClientManager')];
const testOf = (has, name, fn) => testIf(has, test, name, fn);

async function main() {
  const server = await devserver();
  const browser = await launchChromium(['--js-flags=--expose-gc']);
  try {
    const page = await npmPage(browser, server);
    const throwing = await run(page, async ([a, b, gobelieve, mobileimsdk]) => {
      const { IMService, IMClientManager } = window.imsdk;
      const url = window.wsUrl('/ws');
      const got = [];
      const data = [];
      let loginCode = null;
      let rx = null;
      let tx = null;
      if (gobelieve) {
      const target = {
        handlePeerMessage(m) {
          got.push(m.content);
          if (got.length === 1) throw new Error('the callback itself throws');
        },
        get handleSyncEnd() { throw new Error('a getter throws'); },
      };
      const observer = new Proxy(target, {
        get(t, k) {
          if (k === 'onConnectState' || k === 'saveSyncKey') throw new Error('a Proxy trap throws for ' + String(k));
          return t[k];
        },
      });
      rx = new IMService(observer, { url, accessToken: await window.token(b) });
      tx = new IMService({}, { url, accessToken: await window.token(a) });
      rx.start();
      tx.start();
      await window.until('both connected', () => rx.connectState === 2 && tx.connectState === 2);
      tx.sendPeerMessage({ sender: a, receiver: b, content: 'one', msgLocalID: 1 });
      tx.sendPeerMessage({ sender: a, receiver: b, content: 'two', msgLocalID: 2 });
      await window.until('two messages', () => got.length >= 2);
      }
      if (!mobileimsdk) {
        rx.stop();
        tx.stop();
        return { got, data, loginCode };
      }

      // MobileIMSDK: a throwing group getter and a throwing login callBack.
      const chatBaseCB = new Proxy({}, { get() { throw new Error('chatBaseCB trap'); } });
      const mgr = IMClientManager.getInstance({
        wsUrl: window.wsUrl('/websocket'), chatBaseCB,
        chatTransDataCB: { onTransBufferCB: (p) => data.push(p.dataContent) },
      });
      mgr.login({ loginUserId: 'r' + b, loginToken: 't', callBack: (c) => { loginCode = c; throw new Error('login callBack throws'); } });
      await window.until('logged in', () => loginCode === 0 && mgr.connected);
      for (const text of ['m1', 'm2']) {
        await fetch('/api/mobileimsdk/send?from=s&to=r' + b + '&data=' + text, { method: 'POST' });
      }
      await window.until('two MobileIMSDK messages', () => data.length >= 2);
      if (rx) rx.stop();
      if (tx) tx.stop();
      mgr.release();
      return { got, data, loginCode };
    }, [uid(1), uid(2), GOBELIEVE, MOBILEIMSDK]);
    await testOf(GOBELIEVE, 'throwing getters, Proxy traps and callbacks are reported and delivery carries on (IMService)', () => {
      ran(throwing);
      same(throwing.got, ['one', 'two'], 'delivered');
      for (const what of ['a Proxy trap throws for onConnectState', 'a getter throws', 'the callback itself throws']) {
        check(page.consoleLines.some((l) => l.startsWith('error: imsdk:') && l.includes(what)), 'no console error for "' + what + '": '
          + JSON.stringify(page.consoleLines.slice(0, 8)));
      }
    });
    await testOf(MOBILEIMSDK, '... and for IMClientManager (a throwing chatBaseCB Proxy and login callBack)', () => {
      ran(throwing);
      same([throwing.loginCode, throwing.data], [0, ['m1', 'm2']], 'login code and data');
      check(page.consoleLines.some((l) => l.includes('chatBaseCB trap')), 'no report of the chatBaseCB trap');
      check(page.consoleLines.every((l) => !l.startsWith('pageerror')), 'page errors: ' + JSON.stringify(page.consoleLines.filter((l) => l.startsWith('pageerror'))));
    });
    await page.close();

    const gcPage = await npmPage(browser, server);
    const gc = !GOBELIEVE ? null : await run(gcPage, async ([a, b]) => {
      const { IMService, ready } = window.imsdk;
      const url = window.wsUrl('/ws');
      await ready();
      const got = [];
      const states = [];
      const collected = { facade: false, wasm: false };
      const registry = new FinalizationRegistry((what) => { collected[what] = true; });
      const tokenB = await window.token(b);
      // The page keeps only the observer: no reference to the service itself.
      (() => {
        const im = new IMService({ handlePeerMessage: (m) => got.push(m.content), onConnectState: (s) => states.push(s) }, { url, accessToken: tokenB });
        im.start();
        registry.register(im, 'facade');
        registry.register(im._real, 'wasm');
      })();
      await window.until('connected', () => states.includes(2));
      const deadline = Date.now() + 10000;
      while (!(collected.facade && collected.wasm) && Date.now() < deadline) {
        window.gc();
        await new Promise((r) => setTimeout(r, 50));
      }
      // wasm-bindgen's own finalizer for the same object has had the same chance to run.
      window.gc();
      await new Promise((r) => setTimeout(r, 200));
      const tx = new IMService({}, { url, accessToken: await window.token(a) });
      tx.start();
      await window.until('sender connected', () => tx.connectState === 2);
      tx.sendPeerMessage({ sender: a, receiver: b, content: 'still here', msgLocalID: 1 });
      await window.until('delivery to the unreferenced service', () => got.length > 0, 5000).catch(() => {});
      tx.stop();
      return { collected, got, states };
    }, [uid(3), uid(4)]);
    await testOf(GOBELIEVE, 'a started IMService nobody references survives garbage collection and still receives', () => {
      ran(gc);
      same(gc.collected, { facade: true, wasm: true }, 'collected (else the test proves nothing)');
      same(gc.got, ['still here'], 'delivered after GC (states ' + JSON.stringify(gc.states) + ')');
    });
    await gcPage.close();

    const framePage = await npmPage(browser, server);
    const frames = await run(framePage, async ([gobelieve, mobileimsdk]) => {
      const { IMService, IMClientManager, ready, setWebSocketImpl } = window.imsdk;
      await ready();
      // A scripted server: the test hands each socket the frames it wants.
      const sockets = [];
      class ScriptedSocket {
        constructor(url) {
          this.url = url;
          this.closedWith = null;
          sockets.push(this);
          setTimeout(() => this.onopen && this.onopen({}), 0);
        }
        send() {}
        close(code) { this.closedWith = code; }
      }
      setWebSocketImpl(ScriptedSocket);
      const out = {};
      if (gobelieve) {
        const im = new IMService({}, { url: 'ws://scripted/ws', accessToken: 't' });
        im.start();
        await window.until('GoBelieve socket open', () => sockets.length === 1 && sockets[0].onmessage);
        const memBefore = IMService.wasmMemoryBytes;
        sockets[0].onmessage({ data: new ArrayBuffer(32779) }); // the limit itself is passed on
        out.atLimit = im.lastClose;
        sockets[0].onmessage && sockets[0].onmessage({ data: new ArrayBuffer(16 * 1024 * 1024) });
        out.gobelieve = { lastClose: im.lastClose, closedWith: sockets[0].closedWith, growth: IMService.wasmMemoryBytes - memBefore };
        im.stop();
      }
      if (mobileimsdk) {
        const n = sockets.length;
        const mgr = IMClientManager.getInstance({ wsUrl: 'ws://scripted/websocket' });
        mgr.login({ loginUserId: 'u', loginToken: 't' });
        await window.until('MobileIMSDK socket open', () => sockets.length === n + 1 && sockets[n].onmessage);
        sockets[n].onmessage({ data: '\u20ac'.repeat(30000) }); // 30,000 units but 90,000 bytes of UTF-8
        out.mobileimsdk = { lastClose: mgr.lastClose, closedWith: sockets[n].closedWith };
        mgr.release();
      }
      setWebSocketImpl(null);
      return out;
    }, [GOBELIEVE, MOBILEIMSDK]);
    await testOf(GOBELIEVE, 'a GoBelieve frame over 12 + 32767 bytes closes the link with 1009 before it reaches wasm', () => {
      ran(frames);
      same(frames.atLimit, undefined, 'a frame at the limit closed the link');
      same(frames.gobelieve.lastClose, { code: 1009, reason: 'frame of 16777216 bytes over the limit of 32779', error: true }, 'lastClose');
      same(frames.gobelieve.closedWith, 1000, 'socket closed by the SDK');
      check(frames.gobelieve.growth < 1024 * 1024, 'wasm memory grew by ' + frames.gobelieve.growth + ' bytes: the frame was copied in');
      check(framePage.consoleLines.some((l) => l === 'warning: imsdk: closing the connection: the server sent a frame of 16777216 bytes over the limit of 32779'),
        'no warning: ' + JSON.stringify(framePage.consoleLines));
    });
    await testOf(MOBILEIMSDK, 'a MobileIMSDK text frame over 64 KiB of UTF-8 (though under 64 Ki UTF-16 units) closes the link', () => {
      ran(frames);
      same(frames.mobileimsdk, { lastClose: { code: 1009, reason: 'frame of 90000 bytes over the limit of 65536', error: true }, closedWith: 1000 }, 'mobileimsdk');
    });
    await framePage.close();
  } finally {
    await browser.close();
    server.stop();
  }
}

main()
  .catch((e) => test('setup', () => { throw e; }))
  .finally(() => process.exit(summary()));
