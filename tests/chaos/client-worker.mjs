// One SDK client in its own worker thread (IMClientManager is a singleton per
// JS realm, so each MobileIMSDK user needs a realm of its own; GoBelieve
// clients get one too, so both protocols are driven the same way). It loads
// the npm package (dist/npm) with `ws`, acts on the driver's commands and
// reports every callback the app would see. Commands and events are listed
// in driver.mjs.
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { heapCensus } from '../soak/heap-census.mjs';

const { root, entry = 'index', proto, uid, peer, url, token, options } = workerData;
const post = (m) => parentPort.postMessage(m);
// What the SDK told the app about the connection, for the driver's CHAOS_TRACE.
const trace = (what) => post({ ev: 'trace', what });
// A garbage collection before each heap figure, so start and end compare like with like.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

// The package does not expose the wasm memory; catch it as the glue instantiates.
let memory = null;
for (const name of ['instantiate', 'instantiateStreaming']) {
  const original = WebAssembly[name];
  WebAssembly[name] = async (...args) => {
    const result = await original.apply(WebAssembly, args);
    memory = (result.instance || result).exports.memory;
    return result;
  };
}

const WebSocket = createRequire(path.join(root, 'package.json'))('ws');
const sdk = await import(path.join(root, 'dist/npm', entry + '.js'));
sdk.setWebSocketImpl(WebSocket);
await sdk.init();

const mine = (sender) => String(sender) === String(uid);

function gobelieve() {
  const sent = new Map(); // the message object -> attempt id
  const outcome = (kind) => (msg, why) => {
    const id = sent.get(msg);
    sent.delete(msg);
    post({ ev: kind, id, reason: why && why.reason });
  };
  const im = new sdk.IMService({
    onConnectState: (state) => post({ ev: 'state', connected: state === sdk.IMService.STATE_CONNECTED }),
    handlePeerMessage: (m) => {
      if (!m.isSelf && !mine(m.sender)) post({ ev: 'deliver', content: m.content });
    },
    handleMessageACK: outcome('ack'),
    handleMessageFailure: outcome('fail'),
  }, { url, ...options });
  im.accessToken = token;
  im.start();
  let localId = 0;
  return {
    send({ id, content }) {
      const msg = { sender: uid, receiver: peer, content, msgLocalID: ++localId };
      sent.set(msg, id);
      const accepted = im.sendPeerMessage(msg) === true;
      if (!accepted) sent.delete(msg);
      post({ ev: 'sent', id, accepted });
    },
    close() {
      im.stop();
      return { sockets: im.openSocketCount, timer: im.timerArmed, pending: sent.size };
    },
  };
}

function mobileimsdk() {
  let mgr = null;
  const login = () => mgr.login({
    loginUserId: String(uid),
    loginToken: token,
    callBack: (code) => {
      trace('login callBack ' + code);
      post({ ev: 'state', connected: code === 0 });
      // A first login that failed (the server restarting, a cut): the app tries again.
      if (code !== 0) setTimeout(login, 200);
    },
  });
  mgr = sdk.IMClientManager.getInstance({
    wsUrl: url,
    ...options,
    chatBaseCB: {
      onLoginOrReloginSuccessCB: () => {
        trace('onLoginOrReloginSuccessCB');
        post({ ev: 'state', connected: true });
      },
      onLoginOrReloginFailCB: (code) => trace('onLoginOrReloginFailCB ' + code),
      onLinkCloseMessageCB: (code) => {
        trace('onLinkCloseMessageCB ' + code);
        post({ ev: 'state', connected: false });
      },
      onKickoutCB: () => {
        post({ ev: 'kicked' });
        login();
      },
    },
    chatTransDataCB: {
      onTransBufferCB: (p) => {
        if (!mine(p.from)) post({ ev: 'deliver', content: p.dataContent });
      },
    },
    messageQoSCB: {
      messagesBeReceivedCB: (fp) => post({ ev: 'ack', fp }),
      handleMessageLost: (list) => {
        for (const p of list) post({ ev: 'fail', fp: p.fp, reason: 'lost' });
      },
    },
  });
  login();
  return {
    send({ id, content, fp }) {
      let answered = false;
      mgr.send({
        dataContent: content,
        toId: String(peer),
        fingerPrint: fp,
        callBack: (code) => {
          if (answered) return post({ ev: 'anomaly', what: 'send callBack fired twice for ' + fp });
          answered = true;
          post({ ev: 'sent', id, accepted: code === 0, code });
        },
      });
    },
    close() {
      mgr.release();
      return { sockets: mgr.openSocketCount, timer: mgr.timerArmed };
    },
  };
}

const client = proto === 'gobelieve' ? gobelieve() : mobileimsdk();
parentPort.on('message', (cmd) => {
  if (cmd.op === 'send') client.send(cmd);
  else if (cmd.op === 'stats') {
    gc();
    post({ ev: 'stats', wasm: memory ? memory.buffer.byteLength : 0, heap: v8.getHeapStatistics().used_heap_size });
  } else if (cmd.op === 'census') {
    heapCensus().then((c) => post({ ev: 'census', ...c }));
  } else if (cmd.op === 'close') post({ ev: 'closed', ...client.close() });
});
post({ ev: 'ready' });
