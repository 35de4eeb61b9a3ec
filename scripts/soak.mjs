// `npm run soak [-- --minutes 10] [--clients 20] [--rate N] [--seed N] [--proto gobelieve,mobileimsdk]`:
// CLIENTS real clients per protocol (the npm package in Node, one worker
// each, in a ring) send at a steady RATE messages per second in all for
// MINUTES through the dev server (both protocols at once), with a fault now and then (every 3-8 s),
// the app resending what failed. Prints messages sent, delivered, lost
// (must be 0), and the wasm memory and JS heap of all clients at the start
// and the end. Exits 1 if anything was lost or duplicated, a send had no or
// two outcomes, or per client (after a full GC) the wasm memory grew by more
// than 1 MiB, the live JS objects by more than 64 KiB or the whole JS heap by
// more than 2 MiB. The JS heap is split by a heap census (tests/soak/heap-census.mjs):
// live objects must stay flat; V8's compiled code and its metadata grow while
// functions tier up (about 0.7 MB per client in 12 minutes, converging), which
// is what the whole-heap ceiling leaves room for.
// Not part of `npm test` (a short smoke of it is). Uses tests/chaos/driver.mjs.
import { run, verdict } from '../tests/chaos/driver.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const minutes = Number(option('minutes', 10));
const clients = Number(option('clients', 20));
const rate = Number(option('rate', clients * 2));
const seed = Number(option('seed', 1));
const protos = option('proto', 'gobelieve,mobileimsdk').split(',');
const MiB = 1024 * 1024;
const KiB = 1024;
/** Per-client ceilings on the growth from the start to the end of the soak. */
const CEILING = { wasm: MiB, objects: 64 * KiB, heap: 2 * MiB };
const kib = (n) => (n / KiB).toFixed(1) + ' KiB';
const mib = (n) => (n / MiB).toFixed(2) + ' MiB';

console.log(`soak: ${clients} clients per protocol, ${rate} messages/s, ${minutes} min, seed ${seed}`);
// Both protocols at once, each with its own dev server, so a soak takes MINUTES.
const results = await Promise.all(protos.map((proto) => run({
  proto, seed, minutes, rate, clients, window: 4, faultGap: [3000, 8000], census: true,
  onProgress: (p) => console.log(`  ${proto}: ${(p.elapsed / 1000).toFixed(0)} s, ${p.created} messages, ${p.acknowledged} acknowledged`),
}).then((f) => [proto, f])));
let failed = false;
for (const [proto, f] of results) {
  const { ok, line } = verdict(proto, seed, f);
  console.log(line);
  const [s, e] = [f.memoryStart, f.memoryEnd];
  let flat = true;
  if (s && e) {
    const growth = (k) => (e[k] - s[k]) / clients;
    const over = (k, show) => (growth(k) <= CEILING[k] ? '' : ` (over ${show(CEILING[k])})`);
    flat = ['wasm', 'objects', 'heap'].every((k) => growth(k) <= CEILING[k]);
    console.log(`  wasm memory (all ${clients} clients): start ${mib(s.wasm)}, end ${mib(e.wasm)}, growth per client ${mib(growth('wasm'))}${over('wasm', mib)}`);
    console.log(`  JS heap (all ${clients} clients, after GC): start ${mib(s.heap)}, end ${mib(e.heap)}, growth per client ${mib(growth('heap'))}${over('heap', mib)}`);
    console.log(`    live JS objects: start ${mib(s.objects)}, end ${mib(e.objects)}, growth per client ${kib(growth('objects'))}${over('objects', kib)}`);
    console.log(`    compiled code and metadata: start ${mib(s.compiled)}, end ${mib(e.compiled)}, growth per client ${kib(growth('compiled'))}`);
  } else {
    flat = false;
    console.log('  memory figures missing');
  }
  if (!ok || !flat) {
    failed = true;
    if (f.lostKeys.length) console.log('  lost (acknowledged, never delivered): ' + f.lostKeys.join(' '));
    if (f.dupKeys.length) console.log('  delivered twice: ' + f.dupKeys.join(' '));
    for (const a of f.anomalies.slice(0, 10)) console.log('  ' + a);
  }
}
process.exit(failed ? 1 : 0);
