// `npm run soak [-- --minutes 10] [--clients 20] [--rate N] [--seed N] [--proto gobelieve,mim]`:
// CLIENTS real clients per protocol (the npm package in Node, one worker
// each, in a ring) send at a steady RATE messages per second in all for
// MINUTES through the dev server (both protocols at once), with a fault now and then (every 3-8 s),
// the app resending what failed. Prints messages sent, delivered, lost
// (must be 0), and the wasm memory and JS heap of all clients at the start
// and the end. Exits 1 if anything was lost or duplicated, a send had no or
// two outcomes, or the wasm memory of a client grew by more than 1 MiB.
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
const protos = option('proto', 'gobelieve,mim').split(',');
const MiB = 1024 * 1024;
const mib = (n) => (n / MiB).toFixed(2) + ' MiB';

console.log(`soak: ${clients} clients per protocol, ${rate} messages/s, ${minutes} min, seed ${seed}`);
// Both protocols at once, each with its own dev server, so a soak takes MINUTES.
const results = await Promise.all(protos.map((proto) => run({
  proto, seed, minutes, rate, clients, window: 4, faultGap: [3000, 8000],
  onProgress: (p) => console.log(`  ${proto}: ${(p.elapsed / 1000).toFixed(0)} s, ${p.created} messages, ${p.acknowledged} acknowledged`),
}).then((f) => [proto, f])));
let failed = false;
for (const [proto, f] of results) {
  const { ok, line } = verdict(proto, seed, f);
  console.log(line);
  const [s, e] = [f.memoryStart, f.memoryEnd];
  let flat = true;
  if (s && e) {
    const growth = (e.wasm - s.wasm) / clients;
    flat = growth <= MiB;
    console.log(`  wasm memory (all ${clients} clients): start ${mib(s.wasm)}, end ${mib(e.wasm)}, growth per client ${mib(growth)}${flat ? '' : ' (over 1 MiB)'}`);
    console.log(`  JS heap (all ${clients} clients, after GC): start ${mib(s.heap)}, end ${mib(e.heap)}`);
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
