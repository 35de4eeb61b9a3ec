// The IMService option `maxPending` through the npm package (dist/npm), in
// Node over a stand-in socket that never ACKs: it is checked like every
// option before and after loading, it bounds the messages in flight whether
// the service was made before or after the wasm loaded, and its default
// stays 10,000. Usage (repo root, after npm run build): node tests/facade/max-pending.test.mjs
// (IMSDK_ENTRY=gobelieve: on the GoBelieve-only entry, dist/npm/gobelieve.js).
import path from 'node:path';
import { ROOT, runner, check } from '../support/node-env.mjs';

const entry = process.env.IMSDK_ENTRY || 'index';
if (!['index', 'gobelieve'].includes(entry)) throw new Error('IMSDK_ENTRY must be index or gobelieve (the entries with IMService)');
const { init, setWebSocketImpl, IMService } = await import(path.join(ROOT, 'dist/npm', entry + '.js'));

/** Opens at once and answers AUTH with AUTH_STATUS 0; swallows everything else (no ACKs). */
class SilentServer {
  constructor() {
    this.binaryType = 'arraybuffer';
    setTimeout(() => this.onopen && this.onopen());
  }
  send(data) {
    if (new Uint8Array(data)[8] !== 15) return;
    const p = new Uint8Array(16);
    new DataView(p.buffer).setInt32(0, 4);
    p[8] = 3; // AUTH_STATUS, status 0
    p[9] = 2;
    setTimeout(() => this.onmessage && this.onmessage({ data: p.buffer }));
  }
  close() {}
}

function connected(im) {
  const end = Date.now() + 10000;
  return new Promise((resolve, reject) => {
    const tick = () => (im.connectState === IMService.STATE_CONNECTED ? resolve()
      : Date.now() > end ? reject(new Error('not connected')) : setImmediate(tick));
    tick();
  });
}

/** How many of `n` sends `im` accepts once connected (its refusals warn: silenced here). */
async function accepted(im, n) {
  im.accessToken = 'token';
  im.start();
  await connected(im);
  const warn = console.warn;
  console.warn = () => {};
  let ok = 0;
  try {
    for (let i = 0; i < n; i++) if (im.sendPeerMessage({ sender: 1, receiver: 2, content: 'm' + i, msgLocalID: i })) ok++;
  } finally {
    console.warn = warn;
    im.stop();
  }
  return ok;
}

const { test, summary } = runner();
const opts = (maxPending) => ({ url: 'ws://fake/ws', maxPending });

await test('bad values are RangeErrors naming the option, before the wasm loaded', () => {
  for (const bad of [0, -1, 1.5, '3', 10000001, NaN]) {
    let err = null;
    try {
      new IMService(undefined, opts(bad));
    } catch (e) {
      err = e;
    }
    check(err instanceof RangeError && /maxPending/.test(err.message), 'maxPending ' + String(bad) + ': ' + err);
  }
});

// Made before init(): the option waits with the facade for the wasm.
const early = new IMService(undefined, opts(2));
setWebSocketImpl(SilentServer);
await init();

await test('a service made before loading keeps its bound', async () => {
  check((await accepted(early, 5)) === 2, 'accepted more or fewer than 2 of 5');
});

await test('a service made after loading keeps its bound, and bad values still throw', async () => {
  check((await accepted(new IMService(undefined, opts(3)), 5)) === 3, 'accepted more or fewer than 3 of 5');
  let err = null;
  try {
    new IMService(undefined, opts(0));
  } catch (e) {
    err = e;
  }
  check(err instanceof RangeError, 'maxPending 0 after loading: ' + err);
});

await test('the default stays 10,000 and a larger bound lets more wait', async () => {
  check((await accepted(new IMService(undefined, { url: 'ws://fake/ws' }), 10001)) === 10000, 'default bound');
  check((await accepted(new IMService(undefined, opts(20000)), 20000)) === 20000, 'raised bound');
});

process.exit(await summary());
