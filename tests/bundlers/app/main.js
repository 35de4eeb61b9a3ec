// The example app both bundlers build (tests/bundlers/bundlers.test.mjs): it
// imports the installed npm package by name and calls init() with no argument,
// so the wasm must reach the page through the bundler alone. Against the IM dev
// server named in the query (?im=URL&a=&b=&ta=&tb=: two uids and their tokens),
// two IMService exchange a peer message and the page's IMClientManager sends
// itself a QoS message. window.result is set when done (or on the first error).
// The test also builds it on each one-protocol entry, with the import line
// below replaced by that entry's (the other class undefined): then only its
// class's exchange runs.
import { init, IMService, IMClientManager } from 'imsdk';

const q = new URLSearchParams(location.search);
const ws = q.get('im').replace(/^http/, 'ws');

function until(pred, what, ms = 10000) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => (pred() ? resolve() : Date.now() > end ? reject(new Error('timed out: ' + what)) : setTimeout(tick, 20));
    tick();
  });
}

async function gobelieve() {
  const got = [];
  const acks = [];
  const a = new IMService({ handleMessageACK: (m) => acks.push(m) }, { url: ws + '/ws', accessToken: q.get('ta') });
  const b = new IMService({ handlePeerMessage: (m) => got.push(m.content) }, { url: ws + '/ws', accessToken: q.get('tb') });
  a.start();
  b.start();
  await until(() => a.connectState === IMService.STATE_CONNECTED && b.connectState === IMService.STATE_CONNECTED, 'both connected');
  const msg = { sender: +q.get('a'), receiver: +q.get('b'), content: 'bundled peer', msgLocalID: 1 };
  if (a.sendPeerMessage(msg) !== true) throw new Error('sendPeerMessage returned false while connected');
  await until(() => got.length > 0 && acks.includes(msg), 'delivery and ACK');
  a.stop();
  b.stop();
  return got;
}

async function mobileimsdk() {
  const got = { received: [], acked: [], login: null, sent: null };
  const mgr = IMClientManager.getInstance({
    wsUrl: ws + '/websocket',
    chatTransDataCB: { onTransBufferCB: (p) => got.received.push(p.dataContent) },
    messageQoSCB: { messagesBeReceivedCB: (fp) => got.acked.push(fp) },
  });
  mgr.login({ loginUserId: q.get('a'), loginToken: q.get('ta'), callBack: (code) => { got.login = code; } });
  await until(() => got.login !== null, 'login result');
  if (got.login !== 0) throw new Error('login failed with ' + got.login);
  mgr.send({ dataContent: 'bundled qos', toId: q.get('a'), fingerPrint: 'fp-' + q.get('a'), callBack: (c) => { got.sent = c; } });
  await until(() => got.sent === 0 && got.received.length > 0 && got.acked.length > 0, 'QoS message to self and its ACK');
  mgr.release();
  return got;
}

(async () => {
  try {
    await init();
    const peer = IMService ? await gobelieve() : [];
    const manager = IMClientManager ? await mobileimsdk() : { received: [], acked: [] };
    window.result = { peer, mobileimsdk: manager.received, acked: manager.acked };
  } catch (e) {
    window.result = { error: String((e && e.stack) || e) };
  }
})();
