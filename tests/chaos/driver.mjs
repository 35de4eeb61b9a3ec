// The chaos driver shared by `npm run chaos` and `npm run soak`: real SDK
// clients (client-worker.mjs, one worker each) exchange messages through a
// dev server of their own while faults fire at random, and every send and
// every delivery is accounted for.
//
// Each message the app wants delivered is a *logical* message; each call to
// the SDK's send is an *attempt*. The app resends a logical message whose
// attempt failed, as a real app would: for GoBelieve a resend is a new
// message (new msgLocalID, its own server identity); for MobileIMSDK it
// reuses the fingerprint, which is the message's identity for the server and
// the receiver's dedupe, so the receiver can drop a copy it already has.
// Contents are `chaos|IDENTITY|LOGICAL`, so deliveries are counted exactly.
//
// Worker commands: {op:'send', id, content, fp?}, {op:'stats'}, {op:'close'}.
// Worker events: ready, state {connected}, sent {id, accepted}, ack {id|fp},
// fail {id|fp, reason}, deliver {content}, kicked, anomaly {what},
// stats {wasm, heap}, closed {sockets, timer}; with `census`, also
// {op:'census'} -> census {objects, compiled, native, other} (tests/soak/heap-census.mjs).
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import { ROOT, spawnDevserver } from '../support/node-env.mjs';

export { ROOT };
const WORKER = new URL('./client-worker.mjs', import.meta.url);

/** Client timings: short, so faults are detected and recovered from within the run. */
const CLIENT_OPTIONS = {
  gobelieve: { ackTimeout: 2000, pingInterval: 1500, pongTimeout: 1000, reconnectDelay: 100, reconnectMaxDelay: 1000, connectTimeout: 3000 },
  mobileimsdk: { keepAliveInterval: 1000, keepAliveTimeout: 3000, reloginInterval: 500, qosCheckInterval: 500, qosJustNow: 300, qosMaxResends: 2, connectTimeout: 3000 },
};
/**
 * The dev server with short S2C QoS timings and, by default, offline storage
 * (--mobileimsdk-offline-store): the official demo server ACKs a message once its
 * write to a session succeeded, so a stalled receiver loses it with no
 * client at fault (mobileimsdk.md §3.5). `mobileimsdkServer: 'demo'` keeps the demo
 * behaviour, to see the run catch exactly that.
 */
/**
 * The longest a client may take to be logged in again once the faults stop:
 * noticing a stalled link, the longest re-login back-off delay, then one
 * attempt's connect timeout. MobileIMSDK's cap is the core's default
 * `relogin_max_interval_ms` (60 s), which JS cannot set; a receiver cut by
 * the last fault may well wait that long (see the core test
 * `after_a_storm_of_cuts_the_relogin_waits_at_most_the_cap_which_exceeds_30_s`).
 */
const RELOGIN_BOUND_MS = {
  gobelieve: CLIENT_OPTIONS.gobelieve.pingInterval + CLIENT_OPTIONS.gobelieve.pongTimeout
    + CLIENT_OPTIONS.gobelieve.reconnectMaxDelay + CLIENT_OPTIONS.gobelieve.connectTimeout,
  mobileimsdk: CLIENT_OPTIONS.mobileimsdk.keepAliveTimeout + 60000 + CLIENT_OPTIONS.mobileimsdk.connectTimeout,
};
/** Slack for a busy machine on top of every protocol bound above. */
const SLACK_MS = 10000;
const serverArgs = (mobileimsdkServer) => ['--mobileimsdk-accept-all', '--mobileimsdk-qos-check-ms', '500', '--mobileimsdk-qos-just-now-ms', '300', '--mobileimsdk-idle-ms', '6000',
  ...(mobileimsdkServer === 'demo' ? [] : ['--mobileimsdk-offline-store'])];

/** A seeded PRNG (mulberry32): the fault schedule of a seed is always the same sequence. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, between: (lo, hi) => Math.floor(lo + next() * (hi - lo)), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

/** Starts target/debug/devserver on a free loopback port; resolves to {url, api(path), stop()}. */
export async function startServer(mobileimsdkServer = 'store') {
  // CHAOS_SERVER_LOG=FILE keeps the server's log (every frame decision) for a post-mortem.
  const log = process.env.CHAOS_SERVER_LOG ? fs.openSync(process.env.CHAOS_SERVER_LOG, 'w') : 'ignore';
  const { child, url } = await spawnDevserver(serverArgs(mobileimsdkServer), log);
  const api = async (target) => {
    const res = await fetch(url + target, { method: 'POST' });
    if (!res.ok) throw new Error(target + ': HTTP ' + res.status);
    return res.json();
  };
  return { url, api, stop: () => child.kill() };
}

/** Resolves once `pred()` holds; rejects with `what()` after `ms`. Checked on every event and every 20 ms. */
function until(pred, ms, what) {
  return new Promise((resolve, reject) => {
    const end = Date.now() + ms;
    const tick = () => {
      try {
        if (pred()) return resolve();
      } catch (e) {
        return reject(e);
      }
      if (Date.now() > end) return reject(new Error('timed out after ' + ms + ' ms: ' + what()));
      setTimeout(tick, 20);
    };
    tick();
  });
}

const PROTO_SALT = { gobelieve: 0x6b, mobileimsdk: 0x3c };

/**
 * Runs one protocol: `clients` users in a ring (client i sends to client i+1),
 * `messages` logical messages in all (or, with `minutes`, as many as `rate`
 * per second allows in that time), at most `window` attempts in flight per
 * client, faults every `faultGap` ms (a [min, max) range; none when null),
 * the clients on the npm entry `entry` (dist/npm/<entry>.js: index, or a
 * one-protocol build), going on past `messages` until `minFaults` faults fired. Resolves to the figures; never throws for a violation
 * (the caller judges).
 */
export async function run({ proto, seed, messages = Infinity, minutes = null, rate = Infinity, clients = 2, window = 10, faultGap = [100, 600], mobileimsdkServer = 'store', entry = 'index', minFaults = 0, onProgress = null, census = false }) {
  const rnd = prng(seed * 1000003 + PROTO_SALT[proto]);
  const server = await startServer(mobileimsdkServer);
  const t0 = Date.now();
  const base = 1_000_000 + (seed % 1000) * 1000;
  const uids = Array.from({ length: clients }, (_, i) => base + i);
  const wsUrl = server.url.replace(/^http/, 'ws') + (proto === 'gobelieve' ? '/ws' : '/websocket');

  const f = { sent: 0, refused: 0, acknowledged: 0, failed: 0, failedDelivered: 0, delivered: 0, dupApp: 0, dupAccept: 0, lost: 0,
    missingOutcome: 0, extraOutcome: 0, unknownDelivery: 0, kicked: 0, sdkLogLines: 0, faults: {}, anomalies: [] };
  const logical = new Map(); // lid -> {lid, from, done, key}
  const attempts = new Map(); // aid -> {aid, lid, key, accepted, outcomes: []}
  const byFp = new Map(); // MobileIMSDK: fp -> the latest attempt id with it
  const deliveries = new Map(); // identity -> count
  const logicalDeliveries = new Map(); // lid -> count
  let created = 0;
  let nextAttempt = 0;
  let lastProgress = Date.now();
  let stopped = false;
  // CHAOS_TRACE=FILE: one timed line per fault, SDK connection callback and phase, for a post-mortem.
  const traceFd = process.env.CHAOS_TRACE ? fs.openSync(process.env.CHAOS_TRACE, 'w') : null;
  const traceLine = (line) => { if (traceFd !== null) fs.writeSync(traceFd, `${Date.now() - t0} ${line}\n`); };

  // ---- clients ----
  const peers = await Promise.all(uids.map(async (uid, i) => {
    const token = (await server.api('/api/token?uid=' + uid)).token;
    const worker = new Worker(WORKER, {
      workerData: { root: ROOT, entry, proto, uid, peer: uids[(i + 1) % clients], url: wsUrl, token, options: CLIENT_OPTIONS[proto] },
      stdout: true,
      stderr: true,
    });
    // The SDK's console lines (one per socket error under these faults): counted, not printed.
    for (const stream of [worker.stdout, worker.stderr]) {
      stream.on('data', (d) => { f.sdkLogLines += String(d).split('\n').filter(Boolean).length; });
    }
    const peer = { uid, worker, queue: [], inFlight: 0, connected: false, blockedUntil: 0, ready: false, stats: null, closed: null, error: null };
    worker.on('message', (ev) => onEvent(peer, ev));
    worker.on('error', (e) => { peer.error = e; f.anomalies.push('worker ' + uid + ': ' + e.message); });
    return peer;
  }));

  function outcomeOf(ev) {
    if (ev.id !== undefined) return attempts.get(ev.id);
    return attempts.get(byFp.get(ev.fp));
  }

  function onEvent(peer, ev) {
    switch (ev.ev) {
      case 'ready': peer.ready = true; break;
      case 'state': peer.connected = ev.connected; if (ev.connected) peer.blockedUntil = 0; break;
      case 'kicked': f.kicked++; break;
      case 'anomaly': f.anomalies.push(peer.uid + ': ' + ev.what); break;
      case 'trace': traceLine(peer.uid + ' ' + ev.what); break;
      case 'stats': peer.stats = ev; break;
      case 'census': peer.census = ev; break;
      case 'closed': peer.closed = ev; break;
      case 'sent': {
        const a = attempts.get(ev.id);
        a.accepted = ev.accepted;
        if (ev.accepted) f.sent++;
        else {
          f.refused++;
          peer.inFlight--;
          peer.queue.unshift(a.lid);
          peer.blockedUntil = Date.now() + 50; // not connected: try again shortly
        }
        break;
      }
      case 'ack':
      case 'fail': {
        const a = outcomeOf(ev);
        if (!a || a.accepted === false) {
          f.extraOutcome++;
          f.anomalies.push(`${ev.ev} for ${a ? 'a refused' : 'an unknown'} send ${ev.id ?? ev.fp}`);
          break;
        }
        a.outcomes.push(ev.ev);
        if (a.outcomes.length > 1) {
          f.extraOutcome++;
          f.anomalies.push(`${a.aid} (${a.key}): outcomes ${a.outcomes.join(', ')}`);
          break;
        }
        peer.inFlight--;
        const l = logical.get(a.lid);
        if (ev.ev === 'ack') {
          f.acknowledged++;
          l.done = true;
          lastProgress = Date.now();
        } else {
          f.failed++;
          if (!l.done) peer.queue.push(a.lid); // the app sends it again
        }
        break;
      }
      case 'deliver': {
        const [tag, key, lid] = String(ev.content).split('|');
        if (tag !== 'chaos' || !logical.has(lid)) {
          f.unknownDelivery++;
          break;
        }
        deliveries.set(key, (deliveries.get(key) || 0) + 1);
        logicalDeliveries.set(lid, (logicalDeliveries.get(lid) || 0) + 1);
        break;
      }
    }
    pump();
  }

  function wanted() {
    if (minutes !== null) {
      const elapsed = Date.now() - t0;
      if (elapsed > minutes * 60000) return created;
      return Math.min(messages, Math.floor((rate * elapsed) / 1000));
    }
    // A run the faults have not reached yet goes on until they have (1,000 messages can be over
    // before the first fault fires).
    const fired = Object.values(f.faults).reduce((n, v) => n + v, 0);
    return fired < minFaults ? created + 1 : messages;
  }

  function send(peer, lid) {
    const aid = 'a' + nextAttempt++;
    const l = logical.get(lid);
    // GoBelieve: every attempt is a message of its own; MobileIMSDK: the fingerprint is.
    const key = proto === 'gobelieve' ? aid : l.key;
    attempts.set(aid, { aid, lid, key, accepted: null, outcomes: [] });
    if (proto === 'mobileimsdk') byFp.set(key, aid);
    peer.inFlight++;
    peer.worker.postMessage({ op: 'send', id: aid, content: `chaos|${key}|${lid}`, fp: proto === 'mobileimsdk' ? key : undefined });
  }

  function pump() {
    if (stopped) return;
    const now = Date.now();
    const target = wanted();
    for (let i = 0; i < peers.length; i++) {
      const p = peers[(created + i) % peers.length];
      while (p.inFlight < window && p.blockedUntil <= now) {
        let lid = p.queue.shift();
        if (lid === undefined) {
          if (created >= target) break;
          lid = 'm' + created++;
          logical.set(lid, { lid, from: p.uid, done: false, key: `c${seed}-${lid}` });
        }
        send(p, lid);
      }
    }
  }
  const pumpTimer = setInterval(pump, 20);

  // ---- faults ----
  const pending = new Set();
  let faultTimer = null;
  const fire = async (name, target) => {
    f.faults[name] = (f.faults[name] || 0) + 1;
    traceLine('fault ' + target);
    try {
      await server.api(target);
    } catch (e) {
      f.anomalies.push('fault ' + target + ': ' + e.message);
    }
  };
  const FAULTS = [
    [30, () => fire('drop', `/api/fault/drop?proto=${proto}&uid=${rnd.pick(uids)}`)],
    [8, () => fire('drop-all', `/api/fault/drop?proto=${proto}`)],
    [20, () => fire('stall', `/api/fault/stall?proto=${proto}&uid=${rnd.pick(uids)}&ms=${rnd.between(200, 5000)}`)],
    [15, () => {
      const uid = rnd.pick(uids);
      const clearAfter = rnd.between(300, 2000);
      const t = setTimeout(() => { pending.delete(t); fire('delay-clear', `/api/fault/delay?proto=${proto}&uid=${uid}&ms=0`); }, clearAfter);
      pending.add(t);
      return fire('delay', `/api/fault/delay?proto=${proto}&uid=${uid}&ms=${rnd.between(20, 300)}`);
    }],
    [17, () => fire('duplicate', `/api/fault/duplicate?proto=${proto}&uid=${rnd.pick(uids)}`)],
    [10, () => fire('restart', `/api/fault/restart?down_ms=${rnd.between(100, 1000)}`)],
  ];
  const totalWeight = FAULTS.reduce((s, [w]) => s + w, 0);
  const scheduleFault = () => {
    if (!faultGap) return;
    faultTimer = setTimeout(() => {
      let r = rnd.next() * totalWeight;
      const [, action] = FAULTS.find(([w]) => (r -= w) < 0) || FAULTS[0];
      action();
      scheduleFault();
    }, rnd.between(faultGap[0], faultGap[1]));
  };

  const stats = async () => {
    peers.forEach((p) => { p.stats = null; p.worker.postMessage({ op: 'stats' }); });
    await until(() => peers.every((p) => p.stats), 10000, () => 'memory figures');
    const sum = (k) => peers.reduce((s, p) => s + p.stats[k], 0);
    const figures = { wasm: sum('wasm'), heap: sum('heap'), wasmMax: Math.max(...peers.map((p) => p.stats.wasm)) };
    if (!census) return figures;
    // One worker at a time: each census parses a heap snapshot of its worker.
    for (const p of peers) {
      p.census = null;
      p.worker.postMessage({ op: 'census' });
      await until(() => p.census, 30000, () => 'heap census of ' + p.uid);
    }
    const total = (k) => peers.reduce((s, p) => s + p.census[k], 0);
    return { ...figures, objects: total('objects'), compiled: total('compiled') };
  };

  const phase = { name: 'connecting' };
  try {
    // Each worker compiles the wasm: on a busy 2-core machine 40 of them take a while.
    await until(() => peers.every((p) => p.ready || p.error), 30000 + 3000 * clients, () => 'workers loading: ' + peers.filter((p) => p.ready).length);
    await until(() => peers.every((p) => p.connected), 30000 + 1000 * clients, () => 'clients connected: ' + peers.filter((p) => p.connected).length);
    f.memoryStart = await stats();
    phase.name = 'sending';
    scheduleFault();
    pump();
    const allDone = () => created >= wanted() && (minutes === null || Date.now() - t0 > minutes * 60000) && [...logical.values()].every((l) => l.done);
    let reported = 0;
    const stallLimit = Math.max(30000, RELOGIN_BOUND_MS[proto] + SLACK_MS);
    await until(() => {
      if (onProgress && Date.now() - reported > (minutes > 1 ? 60000 : 10000)) { reported = Date.now(); onProgress({ created, acknowledged: f.acknowledged, elapsed: Date.now() - t0 }); }
      // With offline storage a connected sender gets its ACKs: no ACK at all
      // means no client logged in for longer than a re-login may take.
      if (Date.now() - lastProgress > stallLimit) throw new Error(`no ACK for ${stallLimit / 1000} s: ` + describe());
      return allDone();
    }, 3600000, describe);

    // Settle: no more faults; every accepted send has its outcome, every acknowledged message its delivery.
    phase.name = 'settling';
    traceLine('settling');
    clearTimeout(faultTimer);
    pending.forEach(clearTimeout);
    await server.api(`/api/fault/delay?proto=${proto}&ms=0`);
    // A client cut by the last fault may still be waiting out its back-off.
    const online = () => peers.filter((p) => p.connected).length;
    await until(() => online() === peers.length, RELOGIN_BOUND_MS[proto] + SLACK_MS, () => `clients logged in again: ${online()}/${peers.length}`)
      .catch((e) => f.anomalies.push(e.message));
    const acked = () => [...attempts.values()].filter((a) => a.outcomes[0] === 'ack');
    await until(() => [...attempts.values()].every((a) => a.accepted !== null && (!a.accepted || a.outcomes.length > 0))
      && acked().every((a) => deliveries.has(a.key)), 60000, describe).catch((e) => f.anomalies.push(e.message));
    if (proto === 'mobileimsdk') {
      // Nothing left for the server to resend: no copy can still be on its way.
      // Every receiver is logged in, so each copy is resent within a QoS check
      // (500 ms) and ACKed; 30 s is slack for a busy machine.
      const end = Date.now() + 30000;
      while ((await server.api('/api/stats')).mobileimsdk.qos_pending !== 0) {
        if (Date.now() > end) {
          f.anomalies.push(`the server still resends after 30 s with ${online()}/${peers.length} clients logged in: `
            + JSON.stringify((await server.api('/api/stats')).mobileimsdk));
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    f.memoryEnd = await stats();
  } catch (e) {
    f.anomalies.push(phase.name + ': ' + e.message);
  } finally {
    stopped = true;
    clearInterval(pumpTimer);
    clearTimeout(faultTimer);
    pending.forEach(clearTimeout);
  }

  // Close the clients (nothing may be pending), then judge.
  peers.forEach((p) => p.worker.postMessage({ op: 'close' }));
  await until(() => peers.every((p) => p.closed || p.error), 10000, () => 'clients closing').catch((e) => f.anomalies.push(e.message));
  for (const p of peers) {
    if (p.closed && (p.closed.sockets !== 0 || p.closed.timer)) f.anomalies.push(`${p.uid}: after close ${JSON.stringify(p.closed)}`);
  }
  await Promise.all(peers.map((p) => p.worker.terminate()));
  server.stop();
  if (traceFd !== null) fs.closeSync(traceFd);

  for (const a of attempts.values()) if (a.accepted && a.outcomes.length === 0) f.missingOutcome++;
  const ackedKeys = new Set([...attempts.values()].filter((a) => a.outcomes[0] === 'ack').map((a) => a.key));
  for (const a of attempts.values()) if (a.outcomes[0] === 'fail' && deliveries.has(a.key) && proto === 'gobelieve') f.failedDelivered++;
  f.delivered = deliveries.size;
  for (const n of deliveries.values()) f.dupAccept += n - 1;
  for (const n of logicalDeliveries.values()) f.dupApp += n - 1;
  for (const k of ackedKeys) if (!deliveries.has(k)) f.lost++;
  f.lostKeys = [...ackedKeys].filter((k) => !deliveries.has(k)).slice(0, 10);
  f.dupKeys = [...deliveries].filter(([, n]) => n > 1).map(([k]) => k).slice(0, 10);
  f.messages = logical.size;
  f.ms = Date.now() - t0;
  return f;

  function describe() {
    const open = [...attempts.values()].filter((a) => a.accepted === null || (a.accepted && a.outcomes.length === 0));
    const undelivered = [...attempts.values()].filter((a) => a.outcomes[0] === 'ack' && !deliveries.has(a.key));
    const notDone = [...logical.values()].filter((l) => !l.done).length;
    return `created ${created}, not acknowledged ${notDone}, sends without outcome ${open.length} (${open.slice(0, 5).map((a) => a.aid).join(' ')}), `
      + `acknowledged but undelivered ${undelivered.length} (${undelivered.slice(0, 5).map((a) => a.key).join(' ')}), `
      + `connected ${peers.filter((p) => p.connected).length}/${peers.length}`;
  }
}

/**
 * One line of figures; `ok` tells whether the invariants held and at least
 * `minFaults` faults fired (a run the faults never reached proves nothing).
 */
export function verdict(proto, seed, f, minFaults = 0) {
  const fired = Object.values(f.faults).reduce((n, v) => n + v, 0);
  const ok = f.lost === 0 && f.dupAccept === 0 && f.missingOutcome === 0 && f.extraOutcome === 0 && f.anomalies.length === 0
    && fired >= minFaults;
  const faults = Object.entries(f.faults).map(([k, v]) => `${k}:${v}`).join(',') + (fired < minFaults ? ` (fewer than ${minFaults})` : '');
  const line = `${proto === 'gobelieve' ? 'GoBelieve  ' : 'MobileIMSDK'} seed=${seed} messages=${f.messages} sent=${f.sent} acknowledged=${f.acknowledged} `
    + `failed=${f.failed} refused=${f.refused} delivered=${f.delivered} duplicates(app)=${f.dupApp} duplicates(one acceptance)=${f.dupAccept} `
    + `lost=${f.lost} no-outcome=${f.missingOutcome} extra-outcomes=${f.extraOutcome} failed-but-delivered=${f.failedDelivered} `
    + `kicked=${f.kicked} sdk-log-lines=${f.sdkLogLines} faults=${faults} ${(f.ms / 1000).toFixed(1)}s ${ok ? 'OK' : 'FAIL'}`;
  return { ok, line };
}
