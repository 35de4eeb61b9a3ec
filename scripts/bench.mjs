// `npm run bench`: what the SDK costs, measured side by side in one run
// (machines here are shared and noisy, so only the ratios mean much; each
// figure is the median of interleaved rounds, with the spread min..max).
//
// P1  size of every build (scripts/builds.mjs): JS + wasm, gzip -9 and brotli.
// P2  decode + dispatch of incoming peer messages (METADATA + MSG_IM with
//     PUSH, as a server pushes them) from a fake socket, 1,000 messages per
//     task, SDK vs a plain-JS decoder that builds the same message objects
//     and writes the same ACKs (bare), and vs one that also does im.js's
//     sync-key work per push (METADATA check, MSG_SYNC_KEY, saveSyncKey).
// P3  encode + send of sendPeerMessage into a fake socket (no ACKs), with
//     1,000 / 10,000 / 100,000 messages in flight, SDK vs a bare JS encoder;
//     P2 and P3 of MobileIMSDK too (QoS data in, QoS send out), each against
//     plain JS that does what srt-im-sdk does per packet.
//     P2 and P3 (scripts/bench-fake-socket.mjs) run each side of each round
//     in a process of its own, after an untimed run there (JIT warm-up).
// P4  send -> ACK throughput through the dev server (below).
// P5  time to reconnected after a dev-server restart and after an `online`
//     event, SDK vs a plain-JS reference client of each protocol with the
//     seed SDK's reconnect schedule (below).
// P7  wasm compile + instantiate (init(bytes)) of every build in headless Chromium.
// BENCH_ONLY=P1,P5 (for example) runs only those figures.
// --smoke (npm test): every figure once with small counts, so a broken bench
// fails the suite; its numbers mean nothing.
//
// P4: for each protocol, N messages go from user A to user B through the dev
// server, pipelined with at most WINDOW unacknowledged, and the run ends when
// A has every ACK and B has every message. A is in turn the SDK (wasm, via
// the npm build), a plain-JS client that works as the seed SDKs do (each
// message encoded when it is sent and kept until its ACK, which hands it
// back: im.js by packet seq, srt-im-sdk by fingerprint), and a raw WebSocket
// sending frames encoded before the timing starts (no QoS bookkeeping, no
// validation), which is the floor. B is the SDK (GoBelieve) or a raw client
// (MobileIMSDK) every time. Needs `npm run build` and the dev server (cargo build -p imsdk-devserver).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { devserver, launchChromium, mintToken, ROOT, spawnDevserver } from '../tests/support/node-env.mjs';
import { BUILDS } from './builds.mjs';
import { gobelievePacket, until } from './bench-fake-socket.mjs';
import { sizes } from './check-size.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));
const WebSocket = require('ws');
const { init, setWebSocketImpl, IMService, IMClientManager } = await import(path.join(ROOT, 'dist/npm/index.js'));

/** P4 messages per run: enough that a run is a few hundred ms, not a scheduling accident. */
const SMOKE = process.argv.includes('--smoke');
const N = SMOKE ? 500 : Number(process.env.BENCH_MESSAGES || 10000);
const WINDOW = 50;
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS || 3);
const IN_FLIGHT = SMOKE ? [100, 1000] : [1000, 10000, 100000];
/** P2 and P3 take well under a second a round: more rounds, a steadier median. */
const FAST_ROUNDS = SMOKE ? 1 : Math.max(ROUNDS, 7);

/** BENCH_ONLY=P2,P5 runs only those figures (all by default). */
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
const want = (figure) => !ONLY || ONLY.includes(figure);
const median = (xs) => xs.slice().sort((x, y) => x - y)[xs.length >> 1];
/** "median (min..max)" of `xs`, each formatted by `f`. */
const spread = (xs, f) => `${f(median(xs))} (${f(Math.min(...xs))}..${f(Math.max(...xs))})`;
const kb = (n) => (n / 1000).toFixed(1);

/** Sends N messages with `send(i, onAck)` keeping WINDOW in flight; resolves with ms elapsed. */
async function pipeline(send, delivered) {
  let acked = 0;
  let next = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const onAck = () => {
      acked++;
      if (next < N) send(next++, onAck);
      if (acked === N) resolve();
    };
    while (next < Math.min(WINDOW, N)) send(next++, onAck);
  });
  await until(() => delivered() >= N, 'all messages delivered');
  return performance.now() - t0;
}

// ---- GoBelieve -------------------------------------------------------------

/** A bare GoBelieve client: auth, then IM packets; calls onAck per ACK in order. */
async function rawGoBelieve(url, token, sender, receiver) {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  let seq = 0;
  const acks = [];
  ws.on('message', (data) => {
    const b = new Uint8Array(data);
    if (b[8] === 5) acks.shift()?.();
  });
  await new Promise((r) => ws.on('open', r));
  const tok = new TextEncoder().encode(token);
  ws.send(gobelievePacket(++seq, 15, Uint8Array.of(3, tok.length, ...tok, 0)));
  const enc = new TextEncoder();
  // Every frame encoded before the timing starts.
  const frames = Array.from({ length: N }, (_, i) => {
    const content = enc.encode('bench ' + i);
    const body = new Uint8Array(24 + content.length);
    const v = new DataView(body.buffer);
    v.setBigInt64(0, BigInt(sender));
    v.setBigInt64(8, BigInt(receiver));
    v.setInt32(20, i);
    body.set(content, 24);
    return gobelievePacket(++seq, 4, body);
  });
  return {
    send(i, onAck) {
      acks.push(onAck);
      ws.send(frames[i]);
    },
    close: () => ws.close(),
  };
}

/**
 * A plain-JS GoBelieve sender as im.js works: each message encoded when it
 * is sent and kept by its packet seq; an ACK (its body starts with that seq)
 * hands the message to `onAck(msg)`.
 */
async function plainGoBelieve(url, token, onAck) {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  let seq = 0;
  const waiting = new Map();
  ws.on('message', (data) => {
    const v = new DataView(data);
    if (v.getUint8(8) !== 5) return;
    const acked = v.getInt32(12);
    const msg = waiting.get(acked);
    if (msg === undefined) return;
    waiting.delete(acked);
    onAck(msg);
  });
  await new Promise((r) => ws.on('open', r));
  const enc = new TextEncoder();
  const tok = enc.encode(token);
  ws.send(gobelievePacket(++seq, 15, Uint8Array.of(3, tok.length, ...tok, 0)));
  return {
    send(msg) {
      const content = enc.encode(msg.content);
      const body = new Uint8Array(24 + content.length);
      const v = new DataView(body.buffer);
      v.setBigInt64(0, BigInt(msg.sender));
      v.setBigInt64(8, BigInt(msg.receiver));
      v.setInt32(20, msg.msgLocalID);
      body.set(content, 24);
      waiting.set(++seq, msg);
      ws.send(gobelievePacket(seq, 4, body));
    },
    close: () => ws.close(),
  };
}

async function gobelieveService(url, uid, observer) {
  const im = new IMService(observer, { url, ackTimeout: 60000 });
  im.accessToken = await mintToken(base, uid);
  im.start();
  await until(() => im.connectState === IMService.STATE_CONNECTED, 'connected');
  return im;
}

/** User ids of each P4 side in a round (sender, receiver). */
const SIDE_UIDS = { sdk: [1, 2], raw: [5, 6], plain: [7, 8] };

/** ms for one P4 run of `side` (sdk, plain, raw). */
async function benchGoBelieve(side, round) {
  const url = base.replace(/^http/, 'ws') + '/ws';
  const [a, b] = SIDE_UIDS[side].map((k) => 1e6 + round * 10 + k);
  let got = 0;
  const receiver = await gobelieveService(url, b, { handlePeerMessage: () => got++ });
  await new Promise((r) => setTimeout(r, 100)); // let the receiver's first sync settle
  let ms;
  if (side !== 'raw') {
    const pending = new Map();
    const onAck = (m) => pending.get(m)();
    const client = side === 'sdk'
      ? await gobelieveService(url, a, { handleMessageACK: onAck })
      : await plainGoBelieve(url, await mintToken(base, a), onAck);
    ms = await pipeline((i, acked) => {
      const m = { sender: a, receiver: b, content: 'bench ' + i, msgLocalID: i };
      pending.set(m, acked);
      if (side === 'sdk') client.sendPeerMessage(m);
      else client.send(m);
    }, () => got);
    if (side === 'sdk') client.stop();
    else client.close();
  } else {
    const raw = await rawGoBelieve(url, await mintToken(base, a), a, b);
    ms = await pipeline(raw.send, () => got);
    raw.close();
  }
  receiver.stop();
  return ms;
}

// ---- MobileIMSDK -----------------------------------------------------------

/** A bare MobileIMSDK client: login, then QoS data to `to` (frames encoded up front); calls the ACK callback by fingerprint. */
async function rawMobileImsdk(url, uid, onData, to) {
  const ws = new WebSocket(url);
  const acks = new Map();
  const packet = (type, dataContent, to, fp, qos) =>
    JSON.stringify({ bridge: false, type, dataContent, from: String(uid), to, fp, QoS: qos, typeu: -1, sm: -1 });
  let loggedIn;
  const login = new Promise((r) => (loggedIn = r));
  ws.on('message', (text) => {
    const p = JSON.parse(text);
    if (p.type === 50) loggedIn();
    else if (p.type === 4) acks.get(p.dataContent)?.();
    else if (p.type === 2) {
      if (p.QoS) ws.send(packet(4, p.fp, p.from, null, false));
      onData?.(p);
    }
  });
  await new Promise((r) => ws.on('open', r));
  ws.send(packet(0, JSON.stringify({ loginUserId: String(uid), loginToken: 't', extra: null, firstLoginTime: 0 }), '0', null, false));
  await login;
  const fp = (i) => 'fp-' + uid + '-' + i;
  const frames = to === undefined ? [] : Array.from({ length: N }, (_, i) => packet(2, 'bench ' + i, String(to), fp(i), true));
  return {
    send(i, onAck) {
      acks.set(fp(i), onAck);
      ws.send(frames[i]);
    },
    close: () => ws.close(),
  };
}

/**
 * A plain-JS MobileIMSDK sender as srt-im-sdk works: each QoS packet built
 * and stringified when it is sent and kept by fingerprint; its ACK (type 4)
 * calls `onAck(fp)`, as messagesBeReceivedCB does.
 */
async function plainMobileImsdk(url, uid, onAck) {
  const ws = new WebSocket(url);
  const waiting = new Map();
  let loggedIn;
  const login = new Promise((r) => (loggedIn = r));
  ws.on('message', (text) => {
    const p = JSON.parse(text);
    if (p.type === 50) loggedIn();
    else if (p.type === 4 && waiting.delete(p.dataContent)) onAck(p.dataContent);
  });
  await new Promise((r) => ws.on('open', r));
  const from = String(uid);
  const login0 = { bridge: false, type: 0, from, to: '0', fp: null, QoS: false, typeu: -1, sm: -1,
    dataContent: JSON.stringify({ loginUserId: from, loginToken: 't', extra: null, firstLoginTime: 0 }) };
  ws.send(JSON.stringify(login0));
  await login;
  return {
    send({ dataContent, toId, fingerPrint }) {
      const p = { bridge: false, type: 2, dataContent, from, to: toId, fp: fingerPrint, QoS: true, typeu: -1, sm: -1 };
      waiting.set(fingerPrint, { p, sentAt: Date.now() });
      ws.send(JSON.stringify(p));
    },
    close: () => ws.close(),
  };
}

/** The logged-in IMClientManager as a P4 sender (`send(args)`, `close()`); `onAck(fp)` per messagesBeReceivedCB. */
async function mobileimsdkManager(url, uid, onAck) {
  let login = null;
  const mgr = IMClientManager.getInstance({ wsUrl: url, messageQoSCB: { messagesBeReceivedCB: onAck } });
  mgr.login({ loginUserId: String(uid), loginToken: 't', callBack: (c) => (login = c) });
  await until(() => login !== null, 'login');
  return { send: (args) => mgr.send(args), close: () => mgr.release() };
}

/** ms for one P4 run of `side` (sdk, plain, raw). */
async function benchMobileImsdk(side, round) {
  const url = base.replace(/^http/, 'ws') + '/websocket';
  const [a, b] = SIDE_UIDS[side].map((k) => 2e6 + round * 10 + k);
  let got = 0;
  // IMClientManager is a singleton per process, so the receiver is the bare client here.
  const receiver = await rawMobileImsdk(url, b, () => got++);
  let ms;
  if (side !== 'raw') {
    const pending = new Map();
    const onAck = (fp) => pending.get(fp)();
    const client = side === 'sdk' ? await mobileimsdkManager(url, a, onAck) : await plainMobileImsdk(url, a, onAck);
    ms = await pipeline((i, acked) => {
      const fp = 'fp-' + a + '-' + i;
      pending.set(fp, acked);
      client.send({ dataContent: 'bench ' + i, toId: String(b), fingerPrint: fp });
    }, () => got);
    client.close();
  } else {
    const raw = await rawMobileImsdk(url, a, null, b);
    ms = await pipeline(raw.send, () => got);
    raw.close();
  }
  receiver.close();
  return ms;
}

// ---- P5: time to reconnected -------------------------------------------------
//
// A dev server of its own (its restart fault drops every connection and
// refuses upgrades for down_ms). Two scenarios per protocol, each timed until
// the client is logged in again (GoBelieve: AUTH_STATUS 0, state CONNECTED;
// MobileIMSDK: the login response with code 0):
// - restart: from the restart request (down 500 ms) on;
// - offline, online: the server goes down for 4.5 s; `offline` fires as the
//   link drops and `online` once the server is back (on `window`: Node has
//   none, so an EventTarget stands in, which is what the SDK's environment
//   watcher listens to); timed from the `online` event;
// - online alone: the same without the `offline` event (a network change
//   the browser reports only as `online`, or a link lost server-side).
// A sample where the client got back on its own before the event is not counted.
// The references are hand-written plain-JS clients with the seed SDKs'
// schedules: im.js (gobelieve.md §9.3: 400 ms after a close, then
// connectFailCount x 1 s, no jitter; `offline` and `online` are
// handleConnectivityChange: suspend, and an immediate reconnect) and
// srt-im-sdk (mobileimsdk.md §4.3: re-login at once after a link loss, then
// every 2 s; `offline` stops it, `online` restarts the client and re-logs in
// 2 s later). The SDK runs with its default timings.

const RESTART_DOWN_MS = 500;
/** [name, label, (p5, client) => ms or null] */
const SCENARIOS = [
  ['restart', `restart (down ${RESTART_DOWN_MS} ms)`, (p5, c) => timeRestart(p5, c)],
  ['offline-online', 'offline, online', (p5, c) => timeOnline(p5, c, true)],
  ['online', 'online alone', (p5, c) => timeOnline(p5, c, false)],
];
const ONLINE_DOWN_MS = 4500;
const P5_ROUNDS = SMOKE ? 1 : Math.max(ROUNDS, 5);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The im.js reconnect schedule around a bare GoBelieve auth: `{connected(), online(), stop()}`. */
function referenceGoBelieve(url, token) {
  let failCount = 0;
  let ws = null;
  let timer = null;
  let connected = false;
  const tok = new TextEncoder().encode(token);
  const schedule = (ms) => {
    if (!timer) timer = setTimeout(connect, ms);
  };
  function connect() {
    timer = null;
    const sock = new WebSocket(url);
    ws = sock;
    sock.binaryType = 'arraybuffer';
    let opened = false;
    sock.on('open', () => {
      opened = true;
      sock.send(gobelievePacket(1, 15, Uint8Array.of(3, tok.length, ...tok, 0)));
    });
    sock.on('message', (data) => {
      const b = new Uint8Array(data);
      if (b[8] === 3 && new DataView(b.buffer, b.byteOffset).getInt32(12) === 0) {
        failCount = 0;
        connected = true;
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      if (ws !== sock) return;
      ws = null;
      connected = false;
      // onError before the socket opened (failCount++), onClose after it.
      if (!opened) failCount++;
      schedule(!opened || failCount > 0 ? Math.min(failCount, 60) * 1000 : 400);
    });
  }
  connect();
  const drop = () => {
    clearTimeout(timer);
    timer = null;
    const sock = ws;
    ws = null;
    if (sock) sock.terminate();
  };
  return {
    connected: () => connected,
    offline: () => {
      drop();
      connected = false;
    },
    online: () => {
      drop();
      connected = false;
      connect();
    },
    stop: drop,
  };
}

/** The srt-im-sdk re-login schedule around a bare MobileIMSDK login: `{connected(), online(), stop()}`. */
function referenceMobileImsdk(url, uid) {
  let ws = null;
  let daemon = null;
  let connected = false;
  const login = JSON.stringify({ bridge: false, type: 0, from: String(uid), to: '0', fp: null, QoS: false, typeu: -1, sm: -1,
    dataContent: JSON.stringify({ loginUserId: String(uid), loginToken: 't', extra: null, firstLoginTime: 0 }) });
  function open() {
    if (ws) ws.terminate();
    const sock = new WebSocket(url);
    ws = sock;
    sock.on('open', () => sock.send(login));
    sock.on('message', (text) => {
      const p = JSON.parse(text);
      if (p.type === 50 && /"code"\s*:\s*0\b/.test(String(p.dataContent))) {
        connected = true;
        clearInterval(daemon);
        daemon = null;
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      if (ws !== sock) return;
      ws = null;
      if (connected) {
        connected = false;
        relogin(0);
      }
    });
  }
  // The AutoReLoginDaemon: its first tick after `firstMs`, then every 2 s until a login succeeds.
  function relogin(firstMs) {
    clearInterval(daemon);
    daemon = setTimeout(() => {
      open();
      daemon = setInterval(open, 2000);
    }, firstMs);
  }
  open();
  const stop = () => {
    clearInterval(daemon);
    clearTimeout(daemon);
    daemon = null;
    const sock = ws;
    ws = null;
    if (sock) sock.terminate();
  };
  return {
    connected: () => connected,
    offline: () => {
      stop();
      connected = false;
    },
    online: () => {
      stop();
      connected = false;
      relogin(2000);
    },
    stop,
  };
}

/** The browser's network events, as the SDK's environment watcher sees them. */
const environmentEvents = () => ({
  offline: () => window.dispatchEvent(new Event('offline')),
  online: () => window.dispatchEvent(new Event('online')),
});

async function sdkGoBelieve(url, token) {
  let connected = false;
  const im = new IMService({ onConnectState: (s) => { connected = s === IMService.STATE_CONNECTED; } }, { url });
  im.accessToken = token;
  im.start();
  return { connected: () => connected, ...environmentEvents(), stop: () => im.stop() };
}

async function sdkMobileImsdk(url, uid) {
  let connected = false;
  const mgr = IMClientManager.getInstance({
    wsUrl: url,
    chatBaseCB: { onLoginOrReloginSuccessCB: () => { connected = true; }, onLinkCloseMessageCB: () => { connected = false; } },
  });
  mgr.login({ loginUserId: String(uid), loginToken: 't' });
  return { connected: () => connected, ...environmentEvents(), stop: () => mgr.release() };
}

/** ms from the restart request until `client` is logged in again. */
async function timeRestart(p5, client) {
  const t0 = performance.now();
  await p5.api('/api/fault/restart?down_ms=' + RESTART_DOWN_MS);
  await until(() => !client.connected(), 'link dropped', 10000);
  await until(() => client.connected(), 'reconnected after a restart', 120000);
  return performance.now() - t0;
}

/**
 * ms from an `online` event (the server back after ONLINE_DOWN_MS) until
 * logged in again, with or without an `offline` event as the link dropped;
 * null if the client got back before the event.
 */
async function timeOnline(p5, client, withOffline) {
  const down = performance.now();
  await p5.api('/api/fault/restart?down_ms=' + ONLINE_DOWN_MS);
  await until(() => !client.connected(), 'link dropped', 10000);
  if (withOffline) client.offline();
  await sleep(ONLINE_DOWN_MS + 100 - (performance.now() - down)); // the server's own down time
  if (client.connected()) return null;
  const t0 = performance.now();
  client.online();
  await until(() => client.connected(), 'reconnected after online', 120000);
  return performance.now() - t0;
}

async function benchReconnect() {
  const { child, url } = await spawnDevserver(['--mobileimsdk-accept-all']);
  const p5 = {
    async api(target) {
      const res = await fetch(url + target, { method: 'POST' });
      if (!res.ok) throw new Error(target + ': HTTP ' + res.status);
      return res.json();
    },
  };
  // The SDK's console lines (a socket error per refused attempt): counted, not printed.
  const quiet = { lines: 0, saved: [console.error, console.warn] };
  console.error = console.warn = () => { quiet.lines++; };
  const hadWindow = 'window' in globalThis;
  if (!hadWindow) globalThis.window = new EventTarget();
  const ws = url.replace(/^http/, 'ws');
  const clients = {
    GoBelieve: {
      sdk: async (uid) => sdkGoBelieve(ws + '/ws', await mintToken(url, uid)),
      reference: async (uid) => referenceGoBelieve(ws + '/ws', await mintToken(url, uid)),
    },
    MobileIMSDK: { sdk: async (uid) => sdkMobileImsdk(ws + '/websocket', uid), reference: async (uid) => referenceMobileImsdk(ws + '/websocket', uid) },
  };
  const results = {};
  try {
    let uid = 3e6;
    for (let r = 0; r < P5_ROUNDS; r++) {
      for (const [proto, kinds] of Object.entries(clients)) {
        for (const kind of ['reference', 'sdk']) {
          const client = await kinds[kind](++uid);
          await until(() => client.connected(), proto + ' ' + kind + ' connected', 30000);
          const key = (scenario) => `${proto} ${scenario} ${kind}`;
          for (const [scenario, , time] of SCENARIOS) {
            const ms = await time(p5, client);
            (results[key(scenario)] ||= []);
            if (ms !== null) results[key(scenario)].push(ms);
            await until(() => client.connected(), 'settled', 120000);
          }
          client.stop();
        }
      }
    }
  } finally {
    if (!hadWindow) delete globalThis.window;
    [console.error, console.warn] = quiet.saved;
    child.kill();
  }
  console.log(`P5 time to reconnected, ms, median (min..max) of ${P5_ROUNDS} interleaved rounds; reference: the seed SDK's schedule in plain JS`);
  console.log(`scenario                          SDK                  reference        SDK / reference`);
  const ms = (x) => x.toFixed(0);
  for (const proto of Object.keys(clients)) {
    for (const [scenario, label] of SCENARIOS) {
      const [sdk, ref] = [results[`${proto} ${scenario} sdk`], results[`${proto} ${scenario} reference`]];
      const shown = (xs) => (xs.length ? spread(xs, ms) : 'no sample');
      const ratio = sdk.length && ref.length ? (median(sdk) / median(ref)).toFixed(2) : '-';
      const skipped = P5_ROUNDS * 2 - sdk.length - ref.length;
      console.log(`${(proto + ' ' + label).padEnd(32)} ${shown(sdk).padStart(20)} ${shown(ref).padStart(20)} ${ratio.padStart(10)}`
        + (skipped ? `   (${skipped} samples back before the event, not counted)` : ''));
    }
  }
}

// ---- P1: sizes --------------------------------------------------------------

function printSizes() {
  console.log('P1 size per build, KB (1000 B): JS + wasm of the <script> build, each file compressed on its own');
  console.log('build          JS gzip  wasm gzip  total gzip  total brotli   mini-program wasm.br + JS gzip');
  for (const b of BUILDS) {
    const js = sizes(path.join(ROOT, 'dist/script', b.name + '.js'));
    const wasm = sizes(path.join(ROOT, 'dist/script', b.name + '_bg.wasm'));
    const mpJs = sizes(path.join(ROOT, b.miniprogram, 'imsdk.js'));
    const mpBr = sizes(path.join(ROOT, b.miniprogram, 'imsdk_bg.wasm.br'));
    const mp = mpJs && mpBr ? kb(mpBr.raw + mpJs.gzip) : 'not built';
    console.log(`${b.name.padEnd(12)} ${kb(js.gzip).padStart(8)} ${kb(wasm.gzip).padStart(10)} ${kb(js.gzip + wasm.gzip).padStart(11)}` +
      ` ${kb(js.brotli + wasm.brotli).padStart(13)}   ${String(mp).padStart(10)}`);
  }
}

// ---- P2 and P3: fake-socket workloads, a process per side and round --------

const RECEIVED = SMOKE ? 2000 : 10000;
const FAKE = path.join(ROOT, 'scripts/bench-fake-socket.mjs');

/** `bursts` timed runs (after an untimed one) of `workload` over `count` messages, in a process of its own: {ms, accepted} summed. */
function fake(workload, count, bursts = 1) {
  const out = execFileSync(process.execPath, [FAKE, workload, String(count), String(bursts)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

/** P3 rows of one protocol: its SDK workload against its plain-JS one, at each IN_FLIGHT count. */
function sendRows(sdkWorkload, plainWorkload) {
  const most = Math.max(...IN_FLIGHT);
  const int = (x) => x.toFixed(0);
  for (const count of IN_FLIGHT) {
    const bursts = Math.ceil(most / count);
    const rates = (ms) => ms.map((x) => ((count * bursts) / x) * 1000);
    const sdk = [];
    const bare = [];
    let accepted = 0;
    for (let r = 0; r < FAST_ROUNDS; r++) {
      bare.push(fake(plainWorkload, count, bursts).ms);
      const s = fake(sdkWorkload, count, bursts);
      sdk.push(s.ms);
      accepted = s.accepted;
    }
    const ratios = sdk.map((ms, i) => bare[i] / ms);
    console.log(`${String(count).padEnd(10)} ${spread(rates(sdk), int).padStart(24)} ${spread(rates(bare), int).padStart(26)}` +
      ` ${spread(ratios, (x) => x.toFixed(2)).padStart(20)}   ${accepted} of ${count * bursts}`);
  }
}

function benchSends() {
  const most = Math.max(...IN_FLIGHT);
  console.log(`P3 sends into a fake socket, no ACKs; each row ${most} messages (bursts of its count, each on a fresh client);` +
    ` msg/s, median (min..max) of ${FAST_ROUNDS} interleaved rounds, each side in a process of its own`);
  console.log('GoBelieve sendPeerMessage against a bare JS encoder');
  console.log('in flight      SDK msg/s                 bare JS msg/s                  SDK / bare   SDK accepted');
  sendRows('send-sdk', 'send-bare');
  console.log('MobileIMSDK QoS send() against plain JS that builds, stringifies and keeps each packet by fingerprint');
  console.log('in flight      SDK msg/s                plain JS msg/s              SDK / plain JS   SDK accepted');
  sendRows('mobileimsdk-send-sdk', 'mobileimsdk-send-plain');
}

function benchReceives() {
  console.log(`P2 ${RECEIVED} incoming peer messages (pushed: METADATA + MSG_IM) from a fake socket, 1000 per task; msg/s, median (min..max) of ${FAST_ROUNDS} interleaved rounds, each side in a process of its own`);
  console.log('SDK msg/s                 bare JS msg/s            SDK / bare    im.js-work JS msg/s    SDK / im.js-work');
  const ms = { bare: [], imjs: [], sdk: [] };
  for (let r = 0; r < FAST_ROUNDS; r++) for (const side of Object.keys(ms)) ms[side].push(fake('receive-' + side, RECEIVED).ms);
  const rates = (xs) => xs.map((x) => (RECEIVED / x) * 1000);
  const int = (x) => x.toFixed(0);
  const ratio = (x) => x.toFixed(2);
  const over = (ref) => ms.sdk.map((x, i) => ref[i] / x);
  console.log(`${spread(rates(ms.sdk), int).padStart(24)} ${spread(rates(ms.bare), int).padStart(26)} ${spread(over(ms.bare), ratio).padStart(20)}` +
    ` ${spread(rates(ms.imjs), int).padStart(24)} ${spread(over(ms.imjs), ratio).padStart(20)}`);
  console.log(`P2 MobileIMSDK: ${RECEIVED} QoS data packets (type 2) from a fake socket, 1000 per task, against plain JS that parses, ACKs, remembers the fingerprint and calls back`);
  console.log('SDK msg/s                plain JS msg/s           SDK / plain JS');
  const m = { plain: [], sdk: [] };
  for (let r = 0; r < FAST_ROUNDS; r++) for (const side of Object.keys(m)) m[side].push(fake('mobileimsdk-receive-' + side, RECEIVED).ms);
  console.log(`${spread(rates(m.sdk), int).padStart(24)} ${spread(rates(m.plain), int).padStart(24)} ` +
    `${spread(m.sdk.map((x, i) => m.plain[i] / x), ratio).padStart(20)}`);
}

// ---- P7: compile + instantiate in Chromium --------------------------------

// Each round opens a fresh page per build (interleaved) and times init(bytes) of its npm entry.
async function benchInstantiate(base) {
  const page = path.join(ROOT, 'test-output', 'bench', 'instantiate.html');
  fs.mkdirSync(path.dirname(page), { recursive: true });
  fs.writeFileSync(page, `<!DOCTYPE html><script type="module">
const q = new URLSearchParams(location.search);
const bytes = await (await fetch('/dist/npm/' + q.get('wasm'))).arrayBuffer();
const sdk = await import('/dist/npm/' + q.get('entry'));
const t0 = performance.now();
await sdk.init(bytes);
window.result = performance.now() - t0;
</script>`);
  const browser = await launchChromium();
  try {
    const times = new Map(BUILDS.map((b) => [b.name, []]));
    for (let r = 0; r < (SMOKE ? 1 : Math.max(ROUNDS, 5)); r++) {
      for (const b of BUILDS) {
        const p = await browser.newPage();
        await p.goto(base + '/test-output/bench/instantiate.html?' + new URLSearchParams({ entry: b.npmEntry + '.js', wasm: b.name + '_bg.wasm' }));
        await p.waitForFunction(() => window.result !== undefined, null, { timeout: 30000 });
        times.get(b.name).push(await p.evaluate(() => window.result));
        await p.close();
      }
    }
    console.log('P7 wasm compile + instantiate (init(bytes)) in headless Chromium, ms, median (min..max)');
    const full = median(times.get('imsdk'));
    for (const b of BUILDS) {
      const t = times.get(b.name);
      console.log(`${b.name.padEnd(12)} ${spread(t, (x) => x.toFixed(1)).padStart(22)}   ${(median(t) / full).toFixed(2)} of the full build`);
    }
  } finally {
    await browser.close();
  }
}

// ---- run -------------------------------------------------------------------

if (SMOKE) console.log('bench --smoke: every figure once with small counts (a check that the bench runs; the numbers mean nothing)\n');
setWebSocketImpl(WebSocket);
await init();
const server = await devserver();
const base = server.url;
try {
  if (want('P1')) {
    printSizes();
    console.log();
  }
  if (want('P2')) {
    benchReceives();
    console.log();
  }
  if (want('P3')) {
    benchSends();
    console.log();
  }
  if (want('P4')) {
    console.log(`P4 ${N} messages A -> B per run through the dev server, ${WINDOW} in flight; msg/s, median (min..max) of ${ROUNDS} interleaved rounds`);
    console.log('protocol     SDK msg/s              plain JS msg/s         raw WebSocket msg/s    SDK / plain JS      SDK / raw');
    for (const [name, bench] of [['GoBelieve', benchGoBelieve], ['MobileIMSDK', benchMobileImsdk]]) {
      const ms = { sdk: [], plain: [], raw: [] };
      for (let r = 0; r < ROUNDS; r++) for (const side of ['raw', 'plain', 'sdk']) ms[side].push(await bench(side, r));
      const rates = (xs) => xs.map((x) => (N / x) * 1000);
      const int = (x) => x.toFixed(0);
      const ratio = (other) => spread(ms.sdk.map((t, i) => other[i] / t), (x) => x.toFixed(2));
      console.log(`${name.padEnd(12)} ${spread(rates(ms.sdk), int).padEnd(22)} ${spread(rates(ms.plain), int).padEnd(22)} `
        + `${spread(rates(ms.raw), int).padEnd(22)} ${ratio(ms.plain).padEnd(19)} ${ratio(ms.raw)}`);
    }
    console.log();
  }
  if (want('P5')) {
    await benchReconnect();
    console.log();
  }
  if (want('P7')) await benchInstantiate(base);
} finally {
  server.stop();
}
process.exit(0);
