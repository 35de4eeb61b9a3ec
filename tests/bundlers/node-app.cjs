// A CommonJS Node app of the npm package, run by tests/bundlers/bundlers.test.mjs
// from a scratch dir where the packed tarball is installed: `require('imsdk')`
// (the package's "node" + "require" export; the test turns off Node's
// require(esm) so the ES module entry cannot stand in for it), the default wasm
// load, then one exchange per class against $DEVSERVER_URL. Prints one JSON line; exit 1 on failure.
'use strict';
const { init, setWebSocketImpl, IMService, IMClientManager } = require('imsdk');

const [uidA, uidB] = process.argv.slice(2);
const base = process.env.DEVSERVER_URL;
setWebSocketImpl(require(require.resolve('ws', { paths: [process.env.WS_RESOLVE_FROM] })));

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

// Two IMService: A sends B a peer message and gets its ACK.
async function gobelieve() {
  const url = base.replace(/^http/, 'ws') + '/ws';
  const got = [];
  const acks = [];
  const a = new IMService({ handleMessageACK: (m) => acks.push(m) }, { url, accessToken: await token(uidA) });
  const b = new IMService({ handlePeerMessage: (m) => got.push(m.content) }, { url, accessToken: await token(uidB) });
  a.start();
  b.start();
  await until(() => a.connectState === IMService.STATE_CONNECTED && b.connectState === IMService.STATE_CONNECTED, 'both connected');
  const msg = { sender: Number(uidA), receiver: Number(uidB), content: 'cjs peer', msgLocalID: 1 };
  if (a.sendPeerMessage(msg) !== true) throw new Error('sendPeerMessage returned false while connected');
  await until(() => got.length > 0 && acks.includes(msg), 'delivery and ACK');
  a.stop();
  b.stop();
  return got;
}

// The one IMClientManager of the process sends itself a QoS message.
async function mobileimsdk() {
  const got = { received: [], acked: [], login: null, sent: null };
  const mgr = IMClientManager.getInstance({
    wsUrl: base.replace(/^http/, 'ws') + '/websocket',
    chatTransDataCB: { onTransBufferCB: (p) => got.received.push(p.dataContent) },
    messageQoSCB: { messagesBeReceivedCB: (fp) => got.acked.push(fp) },
  });
  mgr.login({ loginUserId: uidA, loginToken: await token(uidA), callBack: (code) => { got.login = code; } });
  await until(() => got.login !== null, 'login result');
  if (got.login !== 0) throw new Error('login failed with ' + got.login);
  mgr.send({ dataContent: 'cjs qos', toId: uidA, fingerPrint: 'fp-cjs-' + uidA, callBack: (c) => { got.sent = c; } });
  await until(() => got.sent === 0 && got.received.length > 0 && got.acked.length > 0, 'QoS message to self and its ACK');
  mgr.release();
  return got;
}

(async () => {
  try {
    await init();
    const peer = await gobelieve();
    const manager = await mobileimsdk();
    const entry = require('node:path').basename(require.resolve('imsdk'));
    console.log(JSON.stringify({ entry, peer, mobileimsdk: manager.received, acked: manager.acked }));
    process.exit(0);
  } catch (e) {
    console.log(JSON.stringify({ error: String((e && e.stack) || e) }));
    process.exit(1);
  }
})();
