// Bounded memory under a hostile server (issue 8 A): the dev server's flood
// fault (/api/fault/flood) buries one real client of each class (the npm
// package in a worker of its own, tests/chaos/client-worker.mjs) in
// maximum-size frames, one fingerprint repeated, many distinct fingerprints,
// a sync that never ends and sync pages that always say there is more. Wasm
// memory never shrinks, so its size after each flood is the high-water mark
// so far; it must stay under CEILING for both classes, and every flood must
// be handled exactly as defined (each new message delivered once, a repeated
// fingerprint once, the link still up).
//
// `node tests/flood/flood.test.mjs [--scale K] [--build full|own]` prints the
// figures; --scale multiplies every count (npm test runs scale 1); `--build own`
// runs each class on its one-protocol build (dist/npm/gobelieve.js, mobileimsdk.js).
import { Worker } from 'node:worker_threads';
import { ROOT, startServer } from '../chaos/driver.mjs';

/** The stated ceiling for each class's wasm memory. */
const CEILING = 8 * 1024 * 1024;
const scale = Number(process.argv[process.argv.indexOf('--scale') + 1] || 1) || 1;
const own = process.argv.includes('--build') && process.argv[process.argv.indexOf('--build') + 1] === 'own';
const DEADLINE_MS = 60_000 * scale;
const n = (k) => Math.round(k * scale);

/**
 * The floods, in order; `expect` is how many deliveries each must add,
 * `maxGrowth` (if set) how much the wasm memory may grow during it.
 */
const FLOODS = {
  gobelieve: [
    { kind: 'max_frames', count: n(400), expect: n(400) },
    // An answer no SYNC awaits (a repeat) and that never ends: the session
    // holds its messages for the END, at most 256 KiB (7 maximum-size ones),
    // and delivers the rest; the next BEGIN (the sync_more flood) releases
    // the held tail.
    { kind: 'sync_open', count: n(200), expect: n(200), heldTail: 8 },
    { kind: 'sync_more', count: n(30), page: 10, expect: n(30) * 10 },
  ],
  mobileimsdk: [
    { kind: 'max_frames', count: n(200), expect: n(200) },
    // A repeat must cost nothing: it refreshes its dedupe entry in place.
    { kind: 'same_fp', count: n(100_000), expect: 1, maxGrowth: 256 * 1024 },
    // More than the receive dedupe's 20,000 entries, so its bound is reached.
    { kind: 'distinct_fp', count: n(30_000), expect: n(30_000) },
  ],
};
const OPTIONS = {
  gobelieve: { pingInterval: 2000, pongTimeout: 20_000, reconnectDelay: 100 },
  mobileimsdk: { keepAliveInterval: 1000, keepAliveTimeout: 20_000, reloginInterval: 200 },
};
const MIB = (b) => (b / 1048576).toFixed(2) + ' MiB';

/** Resolves once `pred()` holds, checked every 20 ms; rejects with `what()` after the deadline. */
function until(pred, what, ms = DEADLINE_MS) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pred()) return resolve();
      if (Date.now() > end) return reject(new Error('timed out after ' + ms + ' ms: ' + what()));
      setTimeout(tick, 20);
    };
    tick();
  });
}

async function flood(server, proto, uid) {
  const wsUrl = server.url.replace(/^http/, 'ws') + (proto === 'gobelieve' ? '/ws' : '/websocket');
  const token = (await server.api('/api/token?uid=' + uid)).token;
  const worker = new Worker(new URL('../chaos/client-worker.mjs', import.meta.url), {
    workerData: { root: ROOT, entry: own ? proto : 'index', proto, uid, peer: uid + 1, url: wsUrl, token, options: OPTIONS[proto] },
    stdout: true, // the SDK's console lines are not the test's output
  });
  worker.stdout.resume();
  const s = { connected: false, cuts: 0, delivered: 0, marker: 0, stats: null, closed: null, error: null };
  worker.on('error', (e) => { s.error = e; });
  worker.on('message', (ev) => {
    if (ev.ev === 'state') {
      if (s.connected && !ev.connected) s.cuts++;
      s.connected = ev.connected;
    } else if (ev.ev === 'deliver') {
      if (String(ev.content).startsWith('marker')) s.marker++;
      else s.delivered++;
    } else if (ev.ev === 'stats') s.stats = ev;
    else if (ev.ev === 'closed') s.closed = ev;
  });
  const stats = async () => {
    s.stats = null;
    worker.postMessage({ op: 'stats' });
    await until(() => s.stats || s.error, () => 'stats');
    return s.stats.wasm;
  };
  const rows = [];
  try {
    await until(() => s.connected || s.error, () => proto + ' connect');
    rows.push({ phase: 'connected', wasm: await stats() });
    let expected = 0;
    for (const f of FLOODS[proto]) {
      const query = `proto=${proto}&uid=${uid}&from=${uid + 1}&kind=${f.kind}&count=${f.count}` + (f.page ? `&page=${f.page}` : '');
      const r = await server.api('/api/fault/flood?' + query);
      if (r.frames === 0) throw new Error(`${proto} ${f.kind}: the server queued nothing (${JSON.stringify(r)})`);
      expected += f.expect;
      // A marker after the flood on the same link: once it is in, every flood frame was handled.
      const marker = s.marker;
      // (GoBelieve: one more flooded message, counted with the others.)
      if (proto === 'mobileimsdk') {
        await server.api(`/api/mobileimsdk/send?to=${uid}&from=${uid + 1}&data=marker`);
      } else {
        await server.api(`/api/fault/flood?proto=gobelieve&uid=${uid}&from=${uid + 1}&kind=max_frames&count=1`);
        expected++;
      }
      const due = expected - (f.heldTail ?? 0);
      await until(() => s.error || s.cuts > 0 || (proto === 'mobileimsdk' ? s.marker > marker : true) && s.delivered >= due,
        () => `${proto} ${f.kind}: ${s.delivered} of ${expected} deliveries, ${s.cuts} cuts`);
      if (s.error) throw s.error;
      rows.push({ phase: `${f.kind} x${f.count}`, wasm: await stats(), delivered: s.delivered, expected, heldTail: f.heldTail ?? 0, cuts: s.cuts, maxGrowth: f.maxGrowth });
    }
    worker.postMessage({ op: 'close' });
    await until(() => s.closed || s.error, () => 'close');
    return { proto, rows, closed: s.closed, error: s.error };
  } finally {
    await worker.terminate();
  }
}

const server = await startServer();
let failures = [];
try {
  const t0 = Date.now();
  const results = await Promise.all([flood(server, 'gobelieve', 7_100_000), flood(server, 'mobileimsdk', 7_200_000)]);
  for (const { proto, rows, closed } of results) {
    console.log(`${proto}${own ? ' (dist/npm/' + proto + '.js)' : ''} (ceiling ${MIB(CEILING)}):`);
    rows.forEach((r, i) => {
      console.log(`  ${r.phase.padEnd(20)} wasm ${MIB(r.wasm).padStart(10)}` + (r.expected !== undefined ? `  delivered ${r.delivered}/${r.expected}, cuts ${r.cuts}` : ''));
      if (r.wasm > CEILING) failures.push(`${proto} after ${r.phase}: wasm ${MIB(r.wasm)} is over ${MIB(CEILING)}`);
      if (r.expected !== undefined && (r.delivered > r.expected || r.delivered < r.expected - r.heldTail)) {
        failures.push(`${proto} after ${r.phase}: ${r.delivered} deliveries, ${r.expected} expected` + (r.heldTail ? ` (up to ${r.heldTail} held)` : ''));
      }
      if (r.cuts) failures.push(`${proto} after ${r.phase}: the link was cut ${r.cuts} times`);
      const growth = i > 0 ? r.wasm - rows[i - 1].wasm : 0;
      if (r.maxGrowth !== undefined && growth > r.maxGrowth) failures.push(`${proto} ${r.phase}: wasm grew ${MIB(growth)}, at most ${MIB(r.maxGrowth)} allowed`);
    });
    if (closed.sockets !== 0 || closed.timer) failures.push(`${proto}: after close ${JSON.stringify(closed)}`);
  }
  console.log(`flood: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  failures.push(e.stack || String(e));
} finally {
  server.stop();
}
if (failures.length) {
  console.error('FAIL\n  ' + failures.join('\n  '));
  process.exit(1);
}
console.log('flood: ok, both classes under the ceiling');
