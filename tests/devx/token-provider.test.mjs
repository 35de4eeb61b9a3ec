// The token provider (js/api/token-provider.js) over a simulated period in
// which the auth server refuses every token, on a fake clock: it never asks
// twice at once, asks at most once per refusal, and spaces its calls by the
// back-off, so the number of calls in the period is bounded whatever the
// random draw (checked at both ends of the random range and with Math.random).
import { runner, check } from '../support/node-env.mjs';
import { FakeClock, settle } from './fake-clock.mjs';
import { TokenProvider } from '../../js/api/token-provider.js';
import { setupMobileimsdk } from '../../js/api/mobileimsdk.js';
import { setupGobelieve } from '../../js/api/gobelieve.js';
import { MOBILEIMSDK_DEFAULTS } from '../../js/engine/mobileimsdk-codes.js';
import { GOBELIEVE_DEFAULTS } from '../../js/engine/gobelieve-codes.js';

const { test, summary } = runner();
const BASE = 1000;
const CAP = 60000;
const AUTH_MS = 50; // connect + refusal
const TOKEN_MS = 20; // the app's auth server answering getToken
const PERIOD = 10 * 60 * 1000;

/**
 * The largest number of calls the rule allows in `period`: one at once, one
 * right after the first refusal, then each next one at least c_k / 2 later.
 */
function bound(period) {
  let calls = 2;
  let t = 2 * (TOKEN_MS + AUTH_MS);
  for (let k = 1; ; k++) {
    t += Math.min(CAP, BASE * 2 ** (k - 1)) / 2 + TOKEN_MS + AUTH_MS;
    if (t > period) return calls;
    calls++;
  }
}

/** A class that authenticates with every token the provider gives and is refused `AUTH_MS` later. */
function failingPeriod(random, refuse = () => true) {
  const clock = new FakeClock();
  const record = { calls: [], inFlight: 0, maxInFlight: 0, refusals: 0, applied: 0 };
  const provider = new TokenProvider(() => {
    record.calls.push(clock.now);
    record.inFlight++;
    record.maxInFlight = Math.max(record.maxInFlight, record.inFlight);
    return new Promise((resolve) => clock.setTimer(() => {
      record.inFlight--;
      resolve('token-' + record.calls.length);
    }, TOKEN_MS));
  }, { baseMs: BASE, capMs: CAP, random, setTimer: (f, ms) => clock.setTimer(f, ms), clearTimer: (id) => clock.clearTimer(id) });
  const apply = () => {
    record.applied++;
    clock.setTimer(() => {
      if (refuse(clock.now)) {
        record.refusals++;
        provider.refused(apply);
      } else provider.accepted();
    }, AUTH_MS);
  };
  return { clock, record, provider, apply };
}

for (const [name, random] of [['random 0 (shortest delays)', () => 0], ['random 1 (longest)', () => 1 - 1e-12], ['Math.random', Math.random]]) {
  await test('10 min of refusals, ' + name + ': one call at a time, one per refusal, spaced by the back-off', async () => {
    const { clock, record, provider, apply } = failingPeriod(random);
    provider.obtain(apply);
    await clock.runUntil(PERIOD);
    const calls = record.calls;
    check(record.maxInFlight === 1, 'concurrent calls: ' + record.maxInFlight);
    check(calls.length <= record.refusals + 1, calls.length + ' calls for ' + record.refusals + ' refusals');
    check(calls.length <= bound(PERIOD), calls.length + ' calls, over the bound ' + bound(PERIOD));
    check(calls[0] === 0 && calls[1] === TOKEN_MS + AUTH_MS, 'first two calls not at once: ' + calls.slice(0, 2));
    for (let i = 2; i < calls.length; i++) {
      const c = provider.ceiling(i - 1);
      const gap = calls[i] - calls[i - 1] - TOKEN_MS - AUTH_MS;
      check(gap >= c / 2 - 1 && gap <= c + 1, 'gap ' + i + ' = ' + gap + ' outside [' + c / 2 + ', ' + c + ']');
    }
    // It keeps trying through the period (a refusal never ends the provider).
    check(PERIOD - calls[calls.length - 1] <= CAP + TOKEN_MS + AUTH_MS, 'stopped asking at ' + calls[calls.length - 1]);
    console.log('        ' + calls.length + ' calls in 10 min (bound ' + bound(PERIOD) + '; a retry per refusal without back-off would make '
      + Math.floor(PERIOD / (TOKEN_MS + AUTH_MS)) + ')');
  });
}

await test('an accepted token resets the back-off: the next refusal asks again at once', async () => {
  let refusing = true;
  const { clock, record, provider, apply } = failingPeriod(() => 0.5, () => refusing);
  provider.obtain(apply);
  await clock.runUntil(20000);
  const before = record.calls.length;
  refusing = false;
  await clock.runUntil(clock.now + CAP * 2);
  check(clock.pending === 0, 'timers left after acceptance: ' + clock.pending);
  const accepted = record.calls.length;
  check(accepted >= before, 'calls went back');
  refusing = true;
  const t = clock.now;
  apply(); // the server refuses the current token again (a session later)
  await clock.runUntil(t + AUTH_MS + TOKEN_MS);
  check(record.calls.length === accepted + 1 && record.calls[record.calls.length - 1] === t + AUTH_MS, 'not at once after a reset: ' + record.calls.slice(-2));
});

await test('a getToken that rejects, throws or gives no string is retried with the back-off, not at once', async () => {
  const clock = new FakeClock();
  const answers = [() => Promise.reject(new Error('auth server down')), () => { throw new Error('sync throw'); }, () => Promise.resolve(''), () => Promise.resolve('good')];
  const at = [];
  const warnings = [];
  const provider = new TokenProvider(() => { at.push(clock.now); return answers[at.length - 1](); }, {
    baseMs: BASE, capMs: CAP, random: () => 0, setTimer: (f, ms) => clock.setTimer(f, ms), clearTimer: (id) => clock.clearTimer(id),
    log: { warn: (m) => warnings.push(m) },
  });
  const got = [];
  provider.obtain((token) => got.push(token));
  await clock.runUntil(PERIOD);
  check(got.join() === 'good', 'applied ' + got.join());
  check(at.length === 4 && at[1] - at[0] >= BASE / 2 && at[2] - at[1] >= at[1] - at[0], 'call times ' + at.join());
  check(warnings.length === 3, 'warnings ' + warnings.length);
});

await test('cancel() drops a scheduled call and the answer of one in flight', async () => {
  const { clock, record, provider, apply } = failingPeriod(() => 0.5);
  provider.obtain(apply);
  await clock.runUntil(TOKEN_MS + AUTH_MS + TOKEN_MS + AUTH_MS + 1); // two refusals: one call scheduled
  const n = record.calls.length;
  provider.cancel();
  await clock.runUntil(PERIOD);
  check(record.calls.length === n, 'called after cancel: ' + (record.calls.length - n));
  const applied = record.applied;
  provider.obtain(apply);
  provider.cancel();
  await clock.runUntil(PERIOD * 2);
  await settle();
  check(record.applied === applied, 'an answer arriving after cancel was applied');
});

await test("each class's token back-off starts as its engine's reconnect back-off (generated defaults)", () => {
  const getToken = () => Promise.resolve('t');
  const mobileimsdk = setupMobileimsdk({}, { getToken }).tokens;
  check(mobileimsdk.baseMs === MOBILEIMSDK_DEFAULTS.reloginInterval && mobileimsdk.capMs === MOBILEIMSDK_DEFAULTS.reloginMaxInterval,
    'MobileIMSDK back-off ' + mobileimsdk.baseMs + '..' + mobileimsdk.capMs);
  check(setupMobileimsdk({}, { getToken, reloginInterval: 700 }).tokens.baseMs === 700, 'reloginInterval is not the base');
  const gobelieve = setupGobelieve({}, { getToken }).tokens;
  check(gobelieve.baseMs === GOBELIEVE_DEFAULTS.reconnectDelay && gobelieve.capMs === GOBELIEVE_DEFAULTS.reconnectMaxDelay,
    'GoBelieve back-off ' + gobelieve.baseMs + '..' + gobelieve.capMs);
  let threw = false;
  try { new TokenProvider(getToken, {}); } catch (e) { threw = e instanceof RangeError; }
  check(threw, 'a provider without a back-off was made');
});

process.exit(summary());
