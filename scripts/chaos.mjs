// `npm run chaos [-- --seed N[,N...]] [--messages N] [--proto gobelieve|mobileimsdk] [--build full|own] [--min-faults N]`:
// two real clients per protocol (the npm package in Node, one worker each)
// exchange messages through the dev server while faults fire at random
// (cuts, stalls, delays, duplicates, restarts; the schedule is seeded), the
// app resending what failed. One line per protocol and seed; exits 1 unless
// nothing acknowledged was lost, no acceptance was delivered twice and every
// accepted send had exactly one outcome. Needs `npm run build` and
// `cargo build -p imsdk-devserver`. See tests/chaos/driver.mjs.
// `--mobileimsdk-server demo` runs MobileIMSDK against the official demo server's
// behaviour instead of a server with offline storage (it loses messages).
// `--build own` runs each protocol on its one-protocol build (dist/npm/gobelieve.js,
// mobileimsdk.js) instead of the full one; `--min-faults N` (default 1) sends on past
// `--messages` until that many faults fired (and fails a run in which fewer did).
import { run, verdict } from '../tests/chaos/driver.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const seeds = option('seed', '1').split(',').map(Number);
const messages = Number(option('messages', 10000));
const protos = option('proto', 'gobelieve,mobileimsdk').split(',');
// `--mobileimsdk-server demo`: the official demo server's ACK-on-write, which loses messages to stalled receivers.
const mobileimsdkServer = option('mobileimsdk-server', 'store');
const own = option('build', 'full') === 'own';
const minFaults = Number(option('min-faults', 1));
let failed = false;
for (const seed of seeds) {
  for (const proto of protos) {
    // The one-protocol npm entries are named like the protocols.
    const entry = own ? proto : 'index';
    const f = await run({ proto, seed, messages, mobileimsdkServer, entry, minFaults });
    const { ok, line } = verdict(proto, seed, f, minFaults);
    console.log(line + (own ? ' (dist/npm/' + entry + '.js)' : ''));
    if (!ok) {
      failed = true;
      if (f.lostKeys.length) console.log('  lost (acknowledged, never delivered): ' + f.lostKeys.join(' '));
      if (f.dupKeys.length) console.log('  delivered twice: ' + f.dupKeys.join(' '));
      for (const a of f.anomalies.slice(0, 10)) console.log('  ' + a);
    }
  }
}
process.exit(failed ? 1 : 0);
