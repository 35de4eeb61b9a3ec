// The fake-socket workloads of `npm run bench` (P2 receive, P3 send), one
// side of one round per process:
//   node scripts/bench-fake-socket.mjs <workload> <count> [bursts]
// runs the workload once untimed (JIT warm-up, at least WARM_UP messages),
// then `bursts` times timed (each on a fresh client), and prints the sums
// {"ms": ..., "accepted": ...}. A process per side keeps each side's code off
// the type feedback of the others: in one process the plain-JS encoder of P3
// ran at 290k msg/s after P2 had run and at 760k on its own, which decided
// the ratio more than either side's code did.
//
// Workloads (count = messages):
//   receive-sdk   pushes decoded and dispatched by a connected IMService
//   receive-bare  the same frames by a plain-JS decoder: message objects, ACKs
//   receive-imjs  as bare, plus im.js's sync-key work per push
//   send-sdk      sendPeerMessage on a connected IMService, no ACKs
//   send-bare     the same messages encoded by plain JS
//   mobileimsdk-receive-sdk    QoS data packets (type 2) decoded, ACKed, deduplicated
//                              and dispatched by a logged-in IMClientManager
//   mobileimsdk-receive-plain  the same by plain JS as srt-im-sdk works: JSON.parse,
//                              the ACK, the fingerprint remembered, the callback
//   mobileimsdk-send-sdk       QoS send() on a logged-in IMClientManager, no ACKs
//   mobileimsdk-send-plain     the same packets built and stringified by plain JS
//                              and kept by fingerprint for their ACK (as srt-im-sdk's
//                              QoS daemon keeps them)
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../tests/support/node-env.mjs';

const PER_TASK = 1000;
/** Messages of the untimed run at least: enough that the timed one runs compiled code on both sides. */
const WARM_UP = 10000;

/** Resolves once `pred()` holds; rejects after `ms`. */
export function until(pred, what, ms = 60000) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => (pred() ? resolve() : Date.now() > end ? reject(new Error('timed out: ' + what)) : setImmediate(tick));
    tick();
  });
}

/** A GoBelieve packet (12-byte header, version 2) around `body`. */
export function gobelievePacket(seq, cmd, body) {
  const p = new Uint8Array(12 + body.length);
  const v = new DataView(p.buffer);
  v.setInt32(0, body.length);
  v.setInt32(4, seq);
  p[8] = cmd;
  p[9] = 2;
  p.set(body, 12);
  return p;
}

/** The SDK's classes, loaded only in a process that runs an SDK side. */
let IMService = null;
let IMClientManager = null;

/**
 * A WebSocket stand-in: opens at once, answers AUTH with AUTH_STATUS 0 and
 * the first SYNC with an empty batch (SYNC_BEGIN, SYNC_END at the same key,
 * as a server with nothing stored does), counts what is sent. Without the
 * END the SDK holds what arrives during the open sync for up to 1 s.
 */
class FakeSocket {
  constructor() {
    this.sent = 0;
    this.binaryType = 'arraybuffer';
    FakeSocket.last = this;
    setTimeout(() => this.onopen && this.onopen());
  }
  send(data) {
    this.sent++;
    const frame = new Uint8Array(data);
    if (frame[8] === 15) this.reply([gobelievePacket(0, 3, new Uint8Array(4))]);
    else if (frame[8] === 26) {
      const key = frame.slice(12, 20);
      this.reply([gobelievePacket(0, 27, key), gobelievePacket(0, 28, key)]);
    }
  }
  reply(packets) {
    setTimeout(() => packets.forEach((p) => this.onmessage && this.onmessage({ data: p.buffer })));
  }
  close() {}
}

// ---- P3: encode + send ------------------------------------------------------

/**
 * ms for `count` sendPeerMessage calls on a connected IMService over a FakeSocket; also how many returned true.
 * `maxPending` (default 10,000) is raised to `count`, so every row has all its messages in flight.
 */
async function sdkSends(count) {
  const im = new IMService({}, { url: 'ws://fake/ws', ackTimeout: 3600000, pingInterval: 3600000, maxPending: Math.max(count, 10000) });
  im.accessToken = 'bench';
  im.start();
  await until(() => im.connectState === IMService.STATE_CONNECTED, 'fake connected');
  let accepted = 0;
  // A refused send warns once per call; counted in `accepted` instead of printed.
  const warn = console.warn;
  console.warn = () => {};
  const t0 = performance.now();
  for (let i = 0; i < count; i++) if (im.sendPeerMessage({ sender: 1, receiver: 2, content: 'bench ' + i, msgLocalID: i })) accepted++;
  const ms = performance.now() - t0;
  console.warn = warn;
  im.stop();
  return { ms, accepted };
}

/** The same messages encoded by plain JS (as rawGoBelieve does) into a FakeSocket. */
function bareSends(count) {
  const ws = new FakeSocket();
  const enc = new TextEncoder();
  let seq = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const content = enc.encode('bench ' + i);
    const body = new Uint8Array(24 + content.length);
    const v = new DataView(body.buffer);
    v.setBigInt64(0, 1n);
    v.setBigInt64(8, 2n);
    v.setInt32(20, i);
    body.set(content, 24);
    ws.send(gobelievePacket(++seq, 4, body).buffer);
  }
  return performance.now() - t0;
}

// ---- P2: decode + dispatch ----------------------------------------------------

/** The sync key the P2 service starts at (pushes need a known key before theirs). */
const P2_SYNC_KEY = 1000;

/**
 * `count` messages from user 2 to user 1 as a GoBelieve server pushes them to
 * an online client (devserver/src/gobelieve/hub.rs): per message a METADATA (its sync
 * key and the previous one) then the MSG_IM with the PUSH flag, built before
 * the timing. (Without PUSH a stored message is a sync answer, held until its
 * batch's END.)
 */
function incomingFrames(count) {
  const enc = new TextEncoder();
  const frames = [];
  for (let i = 0; i < count; i++) {
    const meta = new Uint8Array(32); // sync key, previous key, 16 reserved bytes
    const m = new DataView(meta.buffer);
    m.setBigInt64(0, BigInt(P2_SYNC_KEY + i + 1));
    m.setBigInt64(8, BigInt(P2_SYNC_KEY + i));
    frames.push(gobelievePacket(2 * i + 1, 37, meta).buffer);
    const content = enc.encode('bench ' + i);
    const body = new Uint8Array(24 + content.length);
    const v = new DataView(body.buffer);
    v.setBigInt64(0, 2n);
    v.setBigInt64(8, 1n);
    v.setInt32(16, 1700000000);
    v.setInt32(20, i);
    body.set(content, 24);
    const im = gobelievePacket(2 * i + 2, 4, body);
    im[10] = 16; // MESSAGE_FLAG_PUSH
    frames.push(im.buffer);
  }
  return frames;
}

/** Hands `frames` (`perMessage` each) to `deliver`, PER_TASK messages per task; resolves when `done()`. */
async function feed(frames, deliver, done, perMessage = 2) {
  const step = perMessage * PER_TASK;
  for (let i = 0; i < frames.length; i += step) {
    for (const f of frames.slice(i, i + step)) deliver(f);
    await new Promise((r) => setImmediate(r));
  }
  await until(done, 'every frame dispatched');
}

/** ms for a connected IMService to decode and dispatch `frames` to handlePeerMessage. */
async function sdkReceives(frames) {
  let got = 0;
  let synced = false;
  const im = new IMService({ handlePeerMessage: () => got++, handleSyncEnd: () => { synced = true; } },
    { url: 'ws://fake/ws', ackTimeout: 3600000, pingInterval: 3600000, syncKey: P2_SYNC_KEY });
  im.accessToken = 'bench';
  im.start();
  await until(() => synced, 'fake connected and its first sync ended');
  const sock = FakeSocket.last;
  const t0 = performance.now();
  await feed(frames, (data) => sock.onmessage({ data }), () => got >= frames.length / 2);
  const ms = performance.now() - t0;
  im.stop();
  return ms;
}

/** The message object both plain-JS references build from an MSG_IM frame (`v` and `b` over its bytes). */
function peerMessage(v, b, dec) {
  return {
    sender: Number(v.getBigInt64(12)),
    receiver: Number(v.getBigInt64(20)),
    timestamp: v.getInt32(28),
    msgLocalID: v.getInt32(32),
    content: dec.decode(b.subarray(36, 12 + v.getInt32(0))),
  };
}

/** Writes packet `seq`: the MSG_ACK of the server's packet `packetSeq`. */
function sendAck(ws, seq, packetSeq) {
  const ack = new Uint8Array(5);
  new DataView(ack.buffer).setInt32(0, packetSeq);
  ws.send(gobelievePacket(seq, 5, ack).buffer);
}

/** The plain-JS reference: decode each frame (skipping METADATA), build the message object, call the handler, write the ACK. */
async function bareReceives(frames) {
  const ws = new FakeSocket();
  const dec = new TextDecoder();
  let got = 0;
  let seq = 0;
  const handler = () => got++;
  const onmessage = (data) => {
    const b = new Uint8Array(data);
    const v = new DataView(data);
    if (b[8] !== 4) return;
    handler(peerMessage(v, b, dec));
    sendAck(ws, ++seq, v.getInt32(4));
  };
  const t0 = performance.now();
  await feed(frames, onmessage, () => got >= frames.length / 2);
  return performance.now() - t0;
}

/**
 * The plain-JS reference with im.js's work per push (docs: gobelieve.md §5.5
 * and its client table): METADATA remembered, the PUSH checked against it and
 * the current sync key, the message object built, the handler called, the
 * ACK written, the key adopted, MSG_SYNC_KEY written and saveSyncKey called,
 * which is what the SDK does too (so it also writes two frames per message).
 */
async function imjsReceives(frames) {
  const ws = new FakeSocket();
  const dec = new TextDecoder();
  let got = 0;
  let seq = 0;
  let syncKey = P2_SYNC_KEY;
  let meta = null;
  const handler = () => got++;
  const saveSyncKey = () => {};
  const onmessage = (data) => {
    const b = new Uint8Array(data);
    const v = new DataView(data);
    const packetSeq = v.getInt32(4);
    if (b[8] === 37) {
      meta = { seq: packetSeq, syncKey: Number(v.getBigInt64(12)), prevSyncKey: Number(v.getBigInt64(20)) };
      return;
    }
    if (b[8] !== 4) return;
    const m = meta;
    meta = null;
    if ((b[10] & 16) !== 0 && (!m || m.seq !== packetSeq - 1 || !m.syncKey || !m.prevSyncKey || m.prevSyncKey !== syncKey)) return;
    handler(peerMessage(v, b, dec));
    sendAck(ws, ++seq, packetSeq);
    if (m) {
      syncKey = m.syncKey;
      const key = new Uint8Array(8);
      new DataView(key.buffer).setBigInt64(0, BigInt(syncKey));
      ws.send(gobelievePacket(++seq, 34, key).buffer);
      saveSyncKey(syncKey);
    }
  };
  const t0 = performance.now();
  await feed(frames, onmessage, () => got >= frames.length / 2);
  if (syncKey !== P2_SYNC_KEY + frames.length / 2) throw new Error('im.js reference: sync key ' + syncKey + ' at the end');
  return performance.now() - t0;
}


// ---- MobileIMSDK: the same two figures over its JSON protocol ---------------

/** A MobileIMSDK packet (official dialect) as JSON text. */
function mobileimsdkPacket(type, dataContent, from, to, fp, qos) {
  return JSON.stringify({ bridge: false, type, dataContent, from, to, fp, QoS: qos, typeu: -1, sm: -1 });
}

/**
 * A text WebSocket stand-in: opens at once and answers the login (type 0)
 * with code 0; after that it only counts what is sent, so that neither side
 * pays for the stand-in parsing its packets (the runs are far shorter than
 * the 120 s keep-alive of MOBILEIMSDK_OPTIONS). The plain-JS sides set
 * `loggedIn` at once (the SDK constructs it with a URL, as a WebSocket).
 */
class FakeTextSocket {
  constructor() {
    this.sent = 0;
    this.loggedIn = false;
    FakeTextSocket.last = this;
    setTimeout(() => this.onopen && this.onopen());
  }
  send(text) {
    this.sent++;
    if (this.loggedIn || JSON.parse(text).type !== 0) return;
    this.loggedIn = true;
    this.reply(mobileimsdkPacket(50, JSON.stringify({ code: 0, firstLoginTime: 1700000000000 }), '0', '1', null, false));
  }
  reply(text) {
    setTimeout(() => this.onmessage && this.onmessage({ data: text }));
  }
  close() {}
}

const MOBILEIMSDK_OPTIONS = { wsUrl: 'ws://fake/websocket', senseMode: 120, qosCheckInterval: 3600000 };

/** A logged-in IMClientManager over a FakeTextSocket (a fresh one: the last is released first). */
async function loggedInManager(options) {
  if (IMClientManager.getInitFlag()) IMClientManager.getInstance().release();
  const mgr = IMClientManager.getInstance(Object.assign({}, MOBILEIMSDK_OPTIONS, options));
  let code = null;
  mgr.login({ loginUserId: '1', loginToken: 't', callBack: (c) => (code = c) });
  await until(() => code !== null, 'fake login');
  if (code !== 0) throw new Error('fake login answered ' + code);
  return mgr;
}

/** `count` QoS data packets from user 2 to user 1, each with its own fingerprint, built before the timing. */
function mobileimsdkFrames(count) {
  return Array.from({ length: count }, (_, i) => mobileimsdkPacket(2, 'bench ' + i, '2', '1', 'fp-in-' + i, true));
}

/** ms for a logged-in IMClientManager to take `frames` to onTransBufferCB. */
async function mobileimsdkSdkReceives(frames) {
  let got = 0;
  await loggedInManager({ chatTransDataCB: { onTransBufferCB: () => got++, onTransErrorCB: () => {} } });
  const sock = FakeTextSocket.last;
  const t0 = performance.now();
  await feed(frames, (data) => sock.onmessage({ data }), () => got >= frames.length, 1);
  return performance.now() - t0;
}

/** The plain-JS reference: parse, ACK a QoS packet, drop a fingerprint seen before, call the callback. */
async function mobileimsdkPlainReceives(frames) {
  const ws = Object.assign(new FakeTextSocket(), { loggedIn: true });
  const seen = new Map();
  let got = 0;
  const onTransBuffer = () => got++;
  const onmessage = (text) => {
    const p = JSON.parse(text);
    if (p.type !== 2) return;
    if (p.QoS) {
      ws.send(mobileimsdkPacket(4, p.fp, '1', p.from, null, false));
      if (seen.has(p.fp)) return;
      seen.set(p.fp, Date.now());
    }
    onTransBuffer(p);
  };
  const t0 = performance.now();
  await feed(frames, onmessage, () => got >= frames.length, 1);
  return performance.now() - t0;
}

/** ms for `count` QoS send() calls on a logged-in IMClientManager (no ACKs), and how many were written (code 0). */
async function mobileimsdkSdkSends(count) {
  const mgr = await loggedInManager({ maxPending: Math.max(count, 10000) });
  let accepted = 0;
  const callBack = (code) => {
    if (code === 0) accepted++;
  };
  const t0 = performance.now();
  for (let i = 0; i < count; i++) mgr.send({ dataContent: 'bench ' + i, toId: '2', fingerPrint: 'fp-out-' + i, callBack });
  const ms = performance.now() - t0;
  mgr.release();
  return { ms, accepted };
}

/** The same packets built, stringified and kept by fingerprint for their ACK by plain JS. */
function mobileimsdkPlainSends(count) {
  const ws = Object.assign(new FakeTextSocket(), { loggedIn: true });
  const waiting = new Map();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const p = { bridge: false, type: 2, dataContent: 'bench ' + i, from: '1', to: '2', fp: 'fp-out-' + i, QoS: true, typeu: -1, sm: -1 };
    waiting.set(p.fp, { p, sentAt: Date.now() });
    ws.send(JSON.stringify(p));
  }
  return performance.now() - t0;
}

const WORKLOADS = {
  'receive-sdk': async (n) => ({ ms: await sdkReceives(incomingFrames(n)), accepted: n }),
  'receive-bare': async (n) => ({ ms: await bareReceives(incomingFrames(n)), accepted: n }),
  'receive-imjs': async (n) => ({ ms: await imjsReceives(incomingFrames(n)), accepted: n }),
  'send-sdk': (n) => sdkSends(n),
  'send-bare': async (n) => ({ ms: bareSends(n), accepted: n }),
  'mobileimsdk-receive-sdk': async (n) => ({ ms: await mobileimsdkSdkReceives(mobileimsdkFrames(n)), accepted: n }),
  'mobileimsdk-receive-plain': async (n) => ({ ms: await mobileimsdkPlainReceives(mobileimsdkFrames(n)), accepted: n }),
  'mobileimsdk-send-sdk': (n) => mobileimsdkSdkSends(n),
  'mobileimsdk-send-plain': async (n) => ({ ms: mobileimsdkPlainSends(n), accepted: n }),
};

async function main() {
  const [name, countArg, burstsArg = '1'] = process.argv.slice(2);
  const run = WORKLOADS[name];
  const count = Number(countArg);
  const bursts = Number(burstsArg);
  if (!run || !(count > 0) || !(bursts > 0)) {
    throw new Error('usage: bench-fake-socket.mjs <' + Object.keys(WORKLOADS).join('|') + '> <count> [bursts]');
  }
  if (name.endsWith('-sdk')) {
    const sdk = await import(path.join(ROOT, 'dist/npm/index.js'));
    ({ IMService, IMClientManager } = sdk);
    sdk.setWebSocketImpl(name.startsWith('mobileimsdk') ? FakeTextSocket : FakeSocket);
    await sdk.init();
  }
  await run(Math.max(count, WARM_UP));
  // Several bursts of a small count add up to a run long enough that one GC pause does not decide it.
  const total = { ms: 0, accepted: 0 };
  for (let b = 0; b < bursts; b++) {
    const r = await run(count);
    total.ms += r.ms;
    total.accepted += r.accepted;
  }
  console.log(JSON.stringify(total));
  process.exit(0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
