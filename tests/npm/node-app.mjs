// A scratch app of the npm package, run by pack.test.mjs from a temp dir where
// the packed tarball is installed (and also bundled by esbuild). It imports
// the package's entries by name, uses the one $IMSDK_ENTRY names (default
// `imsdk`), loads the wasm the way `process.argv[2]` says, and runs a real
// exchange against $DEVSERVER_URL. Prints one JSON line; exit 1 on failure.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import * as full from 'imsdk';
import * as gobelieveOnly from 'imsdk/gobelieve';
import * as mobileimsdkOnly from 'imsdk/mobileimsdk';

// Each entry with the wasm its init() loads by default.
const ENTRIES = {
  imsdk: [full, 'imsdk/imsdk_bg.wasm'],
  'imsdk/gobelieve': [gobelieveOnly, 'imsdk/gobelieve_bg.wasm'],
  'imsdk/mobileimsdk': [mobileimsdkOnly, 'imsdk/mobileimsdk_bg.wasm'],
};
const [sdk, wasmName] = ENTRIES[process.env.IMSDK_ENTRY || 'imsdk'];
const { init, ready, setWebSocketImpl, IMService, IMClientManager } = sdk;

const [mode, uidA, uidB] = process.argv.slice(2);
const base = process.env.DEVSERVER_URL;
const WebSocket = createRequire(process.env.WS_RESOLVE_FROM)('ws');
setWebSocketImpl(WebSocket);

const wasmUrl = () => new URL(import.meta.resolve(wasmName));
const loaders = {
  bytes: () => init(fs.readFileSync(wasmUrl())),
  fileurl: () => init(wasmUrl()),
  default: () => init(),
  lazy: () => ready(), // no init(): the first use loads the default
};

function until(pred, what, ms = 10000) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => (pred() ? resolve() : Date.now() > end ? reject(new Error('timed out: ' + what)) : setTimeout(tick, 10));
    tick();
  });
}
async function token(uid) {
  const r = await fetch(base + '/api/token?uid=' + uid, { method: 'POST' });
  return (await r.json()).token;
}

async function gobelieve() {
  const url = base.replace(/^http/, 'ws') + '/ws';
  const peers = [uidA, uidB].map((uid) => {
    const seen = { states: [], msgs: [], acks: [] };
    const im = new IMService({
      onConnectState: (s) => seen.states.push(s),
      handlePeerMessage: (m) => seen.msgs.push(m),
      handleMessageACK: (m) => seen.acks.push(m),
    }, { url });
    return { uid, im, seen };
  });
  const [a, b] = peers;
  for (const p of peers) {
    p.im.accessToken = await token(p.uid);
    p.im.start();
  }
  await until(() => peers.every((p) => p.im.connectState === IMService.STATE_CONNECTED), 'both connected');
  const msg = { sender: Number(uidA), receiver: Number(uidB), content: 'hello from ' + mode, msgLocalID: 7 };
  if (a.im.sendPeerMessage(msg) !== true) throw new Error('sendPeerMessage returned false while connected');
  await until(() => b.seen.msgs.some((m) => m.content === msg.content && String(m.sender) === uidA), 'delivery');
  await until(() => a.seen.acks.includes(msg), 'the ACK with the sent object');
  peers.forEach((p) => p.im.stop());
  if (peers.some((p) => p.im.openSocketCount !== 0 || p.im.timerArmed)) throw new Error('socket or timer left after stop()');
  return { states: a.seen.states, received: b.seen.msgs[0].content };
}

// One manager per process (a singleton): mobileimsdk-recv waits for a message, mobileimsdk-send sends one with QoS.
async function mobileimsdk(role) {
  // The facade defines the constants itself; only a wasm class brings its accessors (adopted once loaded).
  if (!('loggedIn' in IMClientManager.prototype)) return { skipped: 'the wasm has no IMClientManager' };
  const got = { received: [], acked: [], login: null };
  const mgr = IMClientManager.getInstance({
    wsUrl: base.replace(/^http/, 'ws') + '/websocket',
    chatTransDataCB: { onTransBufferCB: (p) => got.received.push(p.dataContent) },
    messageQoSCB: { messagesBeReceivedCB: (fp) => got.acked.push(fp) },
  });
  const me = role === 'mobileimsdk-recv' ? uidB : uidA;
  mgr.login({ loginUserId: me, loginToken: await token(me), callBack: (code) => { got.login = code; } });
  await until(() => got.login !== null, 'login result');
  if (got.login !== 0) throw new Error('login failed with ' + got.login);
  if (role === 'mobileimsdk-recv') {
    console.log('READY');
    await until(() => got.received.length > 0, 'a MobileIMSDK message', 15000);
  } else {
    let code = null;
    mgr.send({ dataContent: 'hi ' + uidB, toId: uidB, fingerPrint: 'fp-' + uidA, callBack: (c) => { code = c; } });
    await until(() => code !== null, 'send callBack');
    if (code !== 0) throw new Error('send called back ' + code);
    await until(() => got.acked.includes('fp-' + uidA), 'messagesBeReceivedCB');
  }
  mgr.release();
  return got;
}

/**
 * What this entry's Promise forms reject with when nothing is connected,
 * checked against its exported IMError: [[class, instanceof, code]].
 */
async function rejections(IMError) {
  const out = [];
  const caught = (p) => p.then(() => null, (e) => e);
  if (IMService) {
    const im = new IMService();
    const e = await caught(im.sendPeerMessageAsync({ sender: 1, receiver: 2, content: 'x' }));
    out.push(['IMService', typeof IMError === 'function' && e instanceof IMError, e && e.code]);
    im.free();
  }
  if (IMClientManager) {
    const mgr = IMClientManager.getInstance({ wsUrl: 'ws://127.0.0.1:9/websocket', logLevel: 'silent' });
    const e = await caught(mgr.sendAsync({ dataContent: 'x', toId: '2' }));
    out.push(['IMClientManager', typeof IMError === 'function' && e instanceof IMError, e && e.code]);
    mgr.release();
  }
  return out;
}

try {
  if (mode === 'exports') {
    // What the entry exports and what its wasm defines, once loaded.
    await init();
    const { ready: _r, init: _i, setWebSocketImpl: _s, IMError, default: byDefault, ...classes } = sdk;
    const wasm = new WebAssembly.Module(fs.readFileSync(wasmUrl()));
    const names = WebAssembly.Module.exports(wasm).map((e) => e.name.toLowerCase());
    // Each class: its engine's exports (gobelieve_*, mobileimsdk_*).
    const marks = { IMService: 'gobelieve_create', IMClientManager: 'mobileimsdk_create' };
    const wasmClasses = ['IMService', 'IMClientManager'].filter((c) => names.some((n) => n.includes(marks[c])));
    const defaultIs = Object.keys(classes).filter((c) => classes[c] === byDefault);
    console.log(JSON.stringify({ exports: Object.keys(classes).sort(), wasmClasses, defaultIs, rejections: await rejections(IMError) }));
  } else if (mode.startsWith('mobileimsdk-')) {
    await loaders.default();
    console.log(JSON.stringify(await mobileimsdk(mode)));
  } else {
    await loaders[mode]();
    console.log(JSON.stringify(await gobelieve()));
  }
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ error: String((e && e.stack) || e) }));
  process.exit(1);
}
