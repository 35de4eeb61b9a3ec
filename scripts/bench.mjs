// `npm run bench`: what the SDK costs over the wire, measured side by side in
// one run (machines here are shared and noisy, so only the ratios mean much).
//
// For each protocol, N messages go from user A to user B through the dev
// server, pipelined with at most WINDOW unacknowledged, and the run ends when
// A has every ACK and B has every message. A is once the SDK (wasm, via the
// npm build) and once a minimal hand-written JS client of the same protocol
// (no QoS bookkeeping, no validation), which is the floor. B is the SDK both
// times. Needs `npm run build` and the dev server (cargo build -p imsdk-devserver).
import { createRequire } from 'node:module';
import path from 'node:path';
import { devserver, mintToken, ROOT } from '../tests/support/node-env.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));
const WebSocket = require('ws');
const { init, setWebSocketImpl, IMService, IMClientManager } = await import(path.join(ROOT, 'dist/npm/index.js'));

const N = Number(process.env.BENCH_MESSAGES || 2000);
const WINDOW = 50;
const ROUNDS = 3;

function until(pred, what, ms = 60000) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => (pred() ? resolve() : Date.now() > end ? reject(new Error('timed out: ' + what)) : setImmediate(tick));
    tick();
  });
}

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

function gbPacket(seq, cmd, body) {
  const p = new Uint8Array(12 + body.length);
  const v = new DataView(p.buffer);
  v.setInt32(0, body.length);
  v.setInt32(4, seq);
  p[8] = cmd;
  p[9] = 2;
  p.set(body, 12);
  return p;
}

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
  ws.send(gbPacket(++seq, 15, Uint8Array.of(3, tok.length, ...tok, 0)));
  const enc = new TextEncoder();
  return {
    send(i, onAck) {
      const content = enc.encode('bench ' + i);
      const body = new Uint8Array(24 + content.length);
      const v = new DataView(body.buffer);
      v.setBigInt64(0, BigInt(sender));
      v.setBigInt64(8, BigInt(receiver));
      v.setInt32(20, i);
      body.set(content, 24);
      acks.push(onAck);
      ws.send(gbPacket(++seq, 4, body));
    },
    close: () => ws.close(),
  };
}

async function gbService(url, uid, observer) {
  const im = new IMService(observer, { url, ackTimeout: 60000 });
  im.accessToken = await mintToken(base, uid);
  im.start();
  await until(() => im.connectState === IMService.STATE_CONNECTED, 'connected');
  return im;
}

async function benchGoBelieve(useSdk, round) {
  const url = base.replace(/^http/, 'ws') + '/ws';
  const [a, b] = [1e6 + round * 10 + (useSdk ? 1 : 5), 1e6 + round * 10 + (useSdk ? 2 : 6)];
  let got = 0;
  const receiver = await gbService(url, b, { handlePeerMessage: () => got++ });
  await new Promise((r) => setTimeout(r, 100)); // let the receiver's first sync settle
  let ms;
  if (useSdk) {
    const pending = new Map();
    const im = await gbService(url, a, { handleMessageACK: (m) => pending.get(m)() });
    ms = await pipeline((i, onAck) => {
      const m = { sender: a, receiver: b, content: 'bench ' + i, msgLocalID: i };
      pending.set(m, onAck);
      im.sendPeerMessage(m);
    }, () => got);
    im.stop();
  } else {
    const raw = await rawGoBelieve(url, await mintToken(base, a), a, b);
    ms = await pipeline(raw.send, () => got);
    raw.close();
  }
  receiver.stop();
  return ms;
}

// ---- MobileIMSDK -----------------------------------------------------------

/** A bare MobileIMSDK client: login, then QoS data; calls the ACK callback by fingerprint. */
async function rawMobileImsdk(url, uid, onData) {
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
  return {
    send(to, i, onAck) {
      const fp = 'fp-' + uid + '-' + i;
      acks.set(fp, onAck);
      ws.send(packet(2, 'bench ' + i, String(to), fp, true));
    },
    close: () => ws.close(),
  };
}

async function benchMobileImsdk(useSdk, round) {
  const url = base.replace(/^http/, 'ws') + '/websocket';
  const [a, b] = [2e6 + round * 10 + (useSdk ? 1 : 5), 2e6 + round * 10 + (useSdk ? 2 : 6)];
  let got = 0;
  // IMClientManager is a singleton per process, so the receiver is the bare client here.
  const receiver = await rawMobileImsdk(url, b, () => got++);
  let ms;
  if (useSdk) {
    const pending = new Map();
    let login = null;
    const mgr = IMClientManager.getInstance({ wsUrl: url, messageQoSCB: { messagesBeReceivedCB: (fp) => pending.get(fp)() } });
    mgr.login({ loginUserId: String(a), loginToken: 't', callBack: (c) => (login = c) });
    await until(() => login !== null, 'login');
    ms = await pipeline((i, onAck) => {
      const fp = 'fp-' + a + '-' + i;
      pending.set(fp, onAck);
      mgr.send({ dataContent: 'bench ' + i, toId: String(b), fingerPrint: fp });
    }, () => got);
    mgr.release();
  } else {
    const raw = await rawMobileImsdk(url, a);
    ms = await pipeline((i, onAck) => raw.send(b, i, onAck), () => got);
    raw.close();
  }
  receiver.close();
  return ms;
}

// ---- run -------------------------------------------------------------------

setWebSocketImpl(WebSocket);
await init();
const server = await devserver();
const base = server.url;
try {
  const median = (xs) => xs.slice().sort((x, y) => x - y)[xs.length >> 1];
  console.log(`${N} messages A -> B per run, ${WINDOW} in flight, median of ${ROUNDS} interleaved rounds`);
  console.log('protocol       SDK msg/s   bare JS msg/s   SDK / bare');
  for (const [name, bench] of [['GoBelieve', benchGoBelieve], ['MobileIMSDK', benchMobileImsdk]]) {
    const sdk = [];
    const bare = [];
    for (let r = 0; r < ROUNDS; r++) {
      bare.push(await bench(false, r));
      sdk.push(await bench(true, r));
    }
    const rate = (ms) => (N / ms) * 1000;
    const [s, b] = [rate(median(sdk)), rate(median(bare))];
    console.log(`${name.padEnd(12)} ${s.toFixed(0).padStart(11)} ${b.toFixed(0).padStart(15)} ${(s / b).toFixed(2).padStart(12)}`);
  }
} finally {
  server.stop();
}
process.exit(0);
