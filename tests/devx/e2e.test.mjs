// The developer-experience API on the real classes (the npm package in Node)
// against a dev server started here: events with the facts an app needs,
// the Promise forms, the token provider, the log at 'debug' without the
// token, and the persisted outbox across a server outage and a restart of
// the client. Usage (after npm run build): node tests/devx/e2e.test.mjs
// IMSDK_ENTRY=gobelieve | mobileimsdk runs it on that one-protocol npm entry
// (dist/npm/<entry>.js): the tests of the class it has.
import path from 'node:path';
import WebSocket from 'ws';
import { ENTRY_CLASSES, entryHas, NPM_ENTRY as entry, ROOT, runner, check, spawnDevserver, mintToken } from '../support/node-env.mjs';

entryHas('IMService'); // checks IMSDK_ENTRY
const sdk = await import(path.join(ROOT, 'dist/npm', entry + '.js'));
sdk.setWebSocketImpl(WebSocket);
await sdk.init();
const { IMService, IMClientManager } = sdk;
for (const c of ENTRY_CLASSES[entry]) if (typeof sdk[c] !== 'function') throw new Error('dist/npm/' + entry + '.js exports no ' + c);

const { child, url } = await spawnDevserver(['--mobileimsdk-accept-all']);
const gobelieveUrl = url.replace('http', 'ws') + '/ws';
const mobileimsdkUrl = url.replace('http', 'ws') + '/websocket';
const { test: run, summary } = runner();
/** Runs the test when the entry has every class of `classes`; says so when it has not. */
function test(classes, name, fn) {
  if (classes.every((c) => ENTRY_CLASSES[entry].includes(c))) return run(name, fn);
  console.log('NOT IN ' + entry + ': ' + name);
  return Promise.resolve();
}
const GOBELIEVE = ['IMService'];
const MOBILEIMSDK = ['IMClientManager'];
let uid = 70000 + (process.pid % 1000) * 20;
const live = [];

async function until(what, cond, ms = 15000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const post = (p) => fetch(url + p, { method: 'POST' }).then((r) => r.json().catch(() => null));

async function service(user, options, observer) {
  const s = new IMService(observer, Object.assign({ url: gobelieveUrl, accessToken: await mintToken(url, user) }, options));
  live.push(s);
  return s;
}

try {
  await test(GOBELIEVE, 'IMService: state, connected, message and ack events; the observers still fire; sendPeerMessageAsync resolves', async () => {
    const [a, b] = [++uid, ++uid];
    const acks = [];
    const tx = await service(a, {}, { handleMessageACK: (m) => acks.push(m) });
    const rx = await service(b);
    const states = [];
    const got = [];
    tx.on('state', (d) => states.push(d.old + '>' + d.new));
    rx.on('message', (d) => got.push([d.kind, d.message.content]));
    let connected = 0;
    tx.on('connected', () => connected++);
    tx.start();
    rx.start();
    await until('connected', () => tx.connectState === 2 && rx.connectState === 2);
    const msg = { sender: a, receiver: b, content: 'hello', msgLocalID: 1 };
    const acked = await tx.sendPeerMessageAsync(msg);
    check(acked === msg && acks[0] === msg, 'resolved with ' + JSON.stringify(acked));
    await until('delivered', () => got.length === 1);
    check(got[0].join() === 'peer,hello', 'message event ' + JSON.stringify(got));
    check(states.join() === '0>1,1>2' && connected === 1, 'states ' + states.join() + ', connected ' + connected);
    check(tx._sendOutcomes.size === 0, 'pending waits left');
  });

  await test(GOBELIEVE, 'IMService: a server restart gives closed {code, willRetry: true}, reconnecting {attempt}, then connected', async () => {
    const a = ++uid;
    const s = await service(a);
    const seen = [];
    s.on('closed', (d) => seen.push('closed ' + d.willRetry));
    s.on('reconnecting', (d) => seen.push('reconnecting ' + d.attempt));
    s.on('connected', () => seen.push('connected'));
    s.start();
    await until('connected', () => seen.includes('connected'));
    await post('/api/fault/drop?proto=gobelieve&uid=' + a);
    await until('reconnected', () => seen.filter((x) => x === 'connected').length === 2);
    check(seen[1] === 'closed true' && seen.includes('reconnecting 1'), 'events ' + seen.join());
    const failed = await s.sendPeerMessageAsync({ sender: a, receiver: a + 1, content: 'x' }, {}).then(() => 'ok', (e) => e.code);
    check(failed === 'ok', 'send after reconnect: ' + failed);
  });

  await test(GOBELIEVE, 'IMService facts: closed has the close code (the server drop, then 1000 when the SDK resets the link), reconnecting the delay waited', async () => {
    const [a, b] = [++uid, ++uid];
    const s = await service(a, { reconnectDelay: 400, reconnectMaxDelay: 800, ackTimeout: 300 });
    const closes = [];
    const reconnects = [];
    s.on('closed', (d) => closes.push(Object.assign({ at: Date.now() }, d)));
    s.on('reconnecting', (d) => reconnects.push(Object.assign({ at: Date.now() }, d)));
    s.start();
    await until('connected', () => s.connectState === 2);
    await post('/api/fault/drop?proto=gobelieve&uid=' + a);
    await until('reconnected', () => reconnects.length === 1 && s.connectState === 2);
    const first = closes[0];
    check(first.code === 1006 && first.willRetry === true, 'server drop: ' + JSON.stringify(first));
    // Full jitter on the base: 0..400 ms, and the attempt came no earlier than it said.
    const r = reconnects[0];
    check(typeof r.delayMs === 'number' && r.delayMs >= 0 && r.delayMs <= 400 && r.at - first.at >= r.delayMs - 2,
      'reconnecting ' + JSON.stringify(r) + ' after closed at ' + first.at);
    // No ACK within ackTimeout: the SDK closes the link itself (code 1000), not the last drop's 1006 again.
    await post('/api/fault/withhold_acks?proto=gobelieve&on=1');
    try {
      s.sendPeerMessage({ sender: a, receiver: b, content: 'unacked' });
      await until('reset by the SDK', () => closes.length === 2);
    } finally {
      await post('/api/fault/withhold_acks?proto=gobelieve&on=0');
    }
    check(closes[1].code === 1000 && closes[1].reason === 'closed by the client' && closes[1].willRetry === true,
      'SDK reset: ' + JSON.stringify(closes[1]));
    await until('reconnected again', () => reconnects.length === 2 && s.connectState === 2);
    check(typeof reconnects[1].delayMs === 'number', 'second reconnecting ' + JSON.stringify(reconnects[1]));
    s.stop();
    check(closes.length === 3 && closes[2].code === 1000 && closes[2].willRetry === false, 'stop: ' + JSON.stringify(closes[2]));
  });

  await test(GOBELIEVE, "IMService facts: authFailed carries the server status of a refused token; the wasm's warning goes to the logger, not the console", async () => {
    const lines = [];
    const s = new IMService(undefined, { url: gobelieveUrl, accessToken: 'not-a-token', logger: (level, message) => lines.push(level + ' ' + message) });
    const quiet = new IMService(undefined, { url: gobelieveUrl, accessToken: 'not-a-token-either', logLevel: 'error', logger: (level, message) => lines.push('quiet ' + level + ' ' + message) });
    live.push(s, quiet);
    const refusals = [];
    s.on('authFailed', (d) => refusals.push(d.code));
    quiet.on('authFailed', (d) => refusals.push(d.code));
    const printed = [];
    const consoleWarn = console.warn;
    console.warn = (...args) => printed.push(args.join(' '));
    try {
      s.start();
      quiet.start();
      await until('refused', () => refusals.length === 2);
    } finally {
      console.warn = consoleWarn;
    }
    check(refusals.join() === '1,1' && s.connectState === 4, 'authFailed codes ' + refusals.join());
    check(lines.join() === 'warn authentication refused (status 1)', 'logger lines ' + JSON.stringify(lines));
    check(printed.length === 0, 'printed on the console: ' + JSON.stringify(printed));
    s.stop();
    quiet.stop();
  });

  await test(GOBELIEVE, 'IMService getToken: asked before the first connect, again after a refusal, then authenticated (2 calls)', async () => {
    const a = ++uid;
    const good = await mintToken(url, a);
    let calls = 0;
    const s = new IMService(undefined, { url: gobelieveUrl, getToken: async () => (++calls === 1 ? 'not-a-token' : good) });
    live.push(s);
    const events = [];
    s.on('authFailed', () => events.push('authFailed'));
    s.on('connected', () => events.push('connected'));
    s.start();
    // STATE_CONNECTED (im.js's) means the socket is open and the token sent; the refusal follows it.
    await until('connected twice', () => events.filter((e) => e === 'connected').length === 2);
    const msg = await s.sendPeerMessageAsync({ sender: a, receiver: a, content: 'authenticated' });
    check(msg.content === 'authenticated', 'send after the new token');
    // The server answers the token before the ACK: a refusal of this link would have come first.
    check(calls === 2 && events.join() === 'connected,authFailed,connected' && s.connectState === 2, calls + ' calls, events ' + events.join());
  });

  await test(MOBILEIMSDK, 'IMClientManager: loginAsync, sendAsync to itself resolves on the ACK; message, ack events; observers fire', async () => {
    const me = 'u' + ++uid;
    const received = [];
    const acked = [];
    const mgr = IMClientManager.getInstance({
      wsUrl: mobileimsdkUrl,
      logLevel: 'warn', // any developer option turns the events on (README)
      chatTransDataCB: { onTransBufferCB: (p) => received.push(p.dataContent) },
      messageQoSCB: { messagesBeReceivedCB: (fp) => acked.push(fp) },
    });
    live.push(mgr);
    const events = [];
    mgr.on('connected', () => events.push('connected'));
    mgr.on('message', (d) => events.push('message ' + d.message.dataContent));
    mgr.on('ack', (d) => events.push('ack ' + d.fp));
    check((await mgr.loginAsync({ loginUserId: me, loginToken: 't' })) === 0, 'login');
    const p = await mgr.sendAsync({ dataContent: 'to me', toId: me });
    await until('received', () => received.length === 1);
    check(acked[0] === p.fp && events.includes('ack ' + p.fp) && events.includes('message to me') && events[0] === 'connected',
      'events ' + events.join() + ' acked ' + acked.join());
    const refused = await mgr.sendAsync({ dataContent: 5, toId: me }).then(() => 'resolved', (e) => e.code);
    check(refused === 4, 'bad argument: ' + refused);
    mgr.release();
  });

  await test(MOBILEIMSDK, 'IMClientManager without any developer option: a server drop gives closed {1006, willRetry}, reconnecting {attempt 1, delayMs}, connected', async () => {
    const me = 'plain' + ++uid;
    const mgr = IMClientManager.getInstance({ wsUrl: mobileimsdkUrl, reloginInterval: 300 });
    live.push(mgr);
    const seen = [];
    mgr.on('connected', () => seen.push({ type: 'connected', at: Date.now() }));
    mgr.on('closed', (d) => seen.push(Object.assign({ type: 'closed', at: Date.now() }, d)));
    mgr.on('reconnecting', (d) => seen.push(Object.assign({ type: 'reconnecting', at: Date.now() }, d)));
    check((await mgr.loginAsync({ loginUserId: me, loginToken: 't' })) === 0, 'login');
    await post('/api/fault/drop?proto=mobileimsdk&uid=' + me);
    await until('re-logged in', () => seen.filter((e) => e.type === 'connected').length === 2);
    const types = seen.map((e) => e.type).join();
    check(types === 'connected,closed,reconnecting,connected', 'events ' + types);
    const [, closed, again] = seen;
    check(closed.code === 1006 && closed.willRetry === true, 'closed ' + JSON.stringify(closed));
    // Full jitter on reloginInterval: 0..300 ms, and the attempt came no earlier than it said.
    check(again.attempt === 1 && typeof again.delayMs === 'number' && again.delayMs >= 0 && again.delayMs <= 300
      && seen[3].at - again.at >= again.delayMs - 2, 'reconnecting ' + JSON.stringify(again));
    mgr.release();
  });

  await test(MOBILEIMSDK, "IMClientManager: the engine's warnings and a throwing callback go to the logger, not the console", async () => {
    const lines = [];
    const logger = (level, message) => lines.push(level + ' ' + message);
    const printed = [];
    const saved = { warn: console.warn, error: console.error };
    console.warn = (...a) => printed.push(a.join(' '));
    console.error = (...a) => printed.push(a.join(' '));
    try {
      const mgr = IMClientManager.getInstance({ wsUrl: mobileimsdkUrl, logger,
        chatBaseCB: { onLoginOrReloginSuccessCB() { throw new Error('app bug'); } } });
      live.push(mgr);
      check((await mgr.loginAsync({ loginUserId: 'w' + ++uid, loginToken: 't' })) === 0, 'login');
      mgr.send({ dataContent: 5, toId: 'x' }); // no callBack: a warning naming the field
      mgr.release();
    } finally {
      Object.assign(console, saved);
    }
    check(lines.some((l) => l.startsWith('error onLoginOrReloginSuccessCB threw')), 'throw not logged: ' + lines.join(' | '));
    check(lines.some((l) => l.startsWith('warn ') && /dataContent/.test(l)), 'warning not logged: ' + lines.join(' | '));
    check(printed.length === 0, 'printed on the console: ' + printed.join(' | '));
  });

  const debugLog = () => {
    const lines = [];
    const logger = (level, message, detail) => lines.push(level + ' ' + message + ' ' + JSON.stringify(detail === undefined ? null : detail)
      + (detail instanceof Error ? ' ' + detail.stack : ''));
    return { lines, logger };
  };
  await test(GOBELIEVE, "logLevel 'debug': a full IMService session logs through the hook and never prints a token", async () => {
    const [a, b] = [++uid, ++uid];
    const { lines, logger } = debugLog();
    const tokenA = await mintToken(url, a);
    const tokenB = await mintToken(url, b);
    const tx = new IMService({ onConnectState() { throw new Error('observer throws with ' + tokenA); } }, { url: gobelieveUrl, accessToken: tokenA, logLevel: 'debug', logger });
    const rx = new IMService(undefined, { url: gobelieveUrl, logLevel: 'debug', logger, getToken: async () => tokenB });
    live.push(tx, rx);
    tx.start();
    rx.start();
    await until('connected', () => tx.connectState === 2 && rx.connectState === 2);
    await tx.sendPeerMessageAsync({ sender: a, receiver: b, content: 'psst', msgLocalID: 3 });
    tx.stop();
    rx.stop();
    const all = lines.join('\n');
    check(lines.some((l) => l.startsWith('debug start')), 'no debug lines: ' + all.slice(0, 300));
    check(lines.some((l) => l.startsWith('error onConnectState threw')), 'the throwing observer was not reported');
    for (const t of [tokenA, tokenB]) check(!all.includes(t), 'a token was printed: ' + all);
  });
  await test(MOBILEIMSDK, "logLevel 'debug': a full IMClientManager session logs through the hook and never prints a token", async () => {
    const { lines, logger } = debugLog();
    const me = 'u' + ++uid;
    const mobileimsdkToken = 'mobileimsdk-secret-' + uid;
    const mgr = IMClientManager.getInstance({ wsUrl: mobileimsdkUrl, logLevel: 'debug', logger });
    live.push(mgr);
    await mgr.loginAsync({ loginUserId: me, loginToken: mobileimsdkToken });
    await mgr.sendAsync({ dataContent: 'hi', toId: me });
    mgr.logout();
    mgr.release();
    const all = lines.join('\n');
    check(lines.some((l) => l.startsWith('debug login')), 'no debug lines: ' + all.slice(0, 300));
    check(!all.includes(mobileimsdkToken), 'the token was printed: ' + all);
  });

  await test(GOBELIEVE, 'outbox (memory): sent while the server is down, queued and delivered once when it is back, in order', async () => {
    const [a, b] = [++uid, ++uid];
    const got = [];
    const rx = await service(b, {}, { handlePeerMessage: (m) => got.push(m.content) });
    rx.start();
    const tx = await service(a, { outbox: 'memory', outboxName: 'user-' + a, reconnectDelay: 100, reconnectMaxDelay: 300 });
    tx.start();
    await until('connected', () => tx.connectState === 2 && rx.connectState === 2);
    await post('/api/fault/restart?down_ms=1500');
    await until('down', () => tx.connectState !== 2);
    const sent = ['one', 'two', 'three'].map((content, i) => tx.sendPeerMessage({ sender: a, receiver: b, content, msgLocalID: 10 + i }));
    check(sent.every((r) => r === true), 'sends while down: ' + sent.join());
    await until('delivered', () => got.length >= 3, 20000);
    // One link delivers in order: once a later message has arrived, any second copy would have too.
    await tx.sendPeerMessageAsync({ sender: a, receiver: b, content: 'marker', msgLocalID: 20 });
    await until('the marker', () => got.includes('marker'));
    check(got.join() === 'one,two,three,marker', 'received ' + got.join());
    await until('outbox empty', () => tx._api.outbox.size === 0);
  });

  await test(GOBELIEVE, 'outbox (memory): a client stopped with messages queued and started anew restores and delivers them once', async () => {
    const [a, b] = [++uid, ++uid];
    const got = [];
    const rx = await service(b, {}, { handlePeerMessage: (m) => got.push(m.content) });
    rx.start();
    const first = await service(a, { outbox: 'memory', outboxName: 'user-' + a });
    first.start(); // not connected yet: the sends are queued
    check(first.sendPeerMessage({ sender: a, receiver: b, content: 'kept', msgLocalID: 1 }) === true, 'not queued');
    first.stop();
    first.free();
    const second = await service(a, { outbox: 'memory', outboxName: 'user-' + a });
    const restored = [];
    second.on('restored', (d) => restored.push(...d.entries));
    const acks = [];
    second.on('ack', (d) => acks.push(d.message.content));
    second.start();
    await until('restored', () => restored.length === 1);
    const done = await restored[0].done;
    check(done.content === 'kept' && acks.join() === 'kept', 'restored outcome ' + JSON.stringify(done) + ' acks ' + acks.join());
    await until('delivered', () => got.length >= 1);
    await second.sendPeerMessageAsync({ sender: a, receiver: b, content: 'marker', msgLocalID: 2 });
    await until('the marker', () => got.includes('marker'));
    check(got.join() === 'kept,marker', 'received ' + got.join());
  });

  await test(MOBILEIMSDK, 'outbox (memory), MobileIMSDK: a QoS message sent before the link is up keeps its fingerprint and arrives once', async () => {
    const me = 'u' + ++uid;
    const received = [];
    const mgr = IMClientManager.getInstance({ wsUrl: mobileimsdkUrl, outbox: 'memory', chatTransDataCB: { onTransBufferCB: (p) => received.push(p) } });
    live.push(mgr);
    mgr.login({ loginUserId: me, loginToken: 't' });
    const written = [];
    mgr.send({ dataContent: 'queued', toId: me, fingerPrint: 'fp-' + me, callBack: (code, p) => written.push([code, p.fp]) });
    const p = await mgr.sendAsync({ dataContent: 'second', toId: me });
    await until('received', () => received.length >= 2);
    await mgr.sendAsync({ dataContent: 'marker', toId: me });
    await until('the marker', () => received.some((x) => x.dataContent === 'marker'));
    check(received.map((x) => x.dataContent).join() === 'queued,second,marker', 'received ' + received.map((x) => x.dataContent));
    check(received[0].fp === 'fp-' + me && written[0].join() === '0,fp-' + me && p.fp === received[1].fp, 'fingerprints ' + JSON.stringify(written));
    mgr.release();
  });
  await test(MOBILEIMSDK, 'outbox (memory), MobileIMSDK: a message lost while the link stays up (receiver offline, no ACK) is sent again and arrives once the receiver is back', async () => {
    const [me, peer] = ['u' + ++uid, 'u' + ++uid];
    const fast = { qosCheckInterval: 200, qosJustNow: 100, qosMaxResends: 1 };
    const tx = IMClientManager.getInstance({ wsUrl: mobileimsdkUrl, outbox: 'memory', ...fast });
    live.push(tx);
    await tx.loginAsync({ loginUserId: me, loginToken: 't' });
    const lost = [];
    tx.on('lost', (d) => lost.push(d.fp));
    let kept = 0;
    const outbox = tx._api.outbox;
    const failed = outbox.failed.bind(outbox);
    outbox.failed = (e, err, final) => {
      if (!final) kept++;
      return failed(e, err, final);
    };
    const acked = tx.sendAsync({ dataContent: 'while away', toId: peer, fingerPrint: 'fp-away-' + me });
    // The dev server drops a QoS message to an offline user without an ACK: the engine reports it lost, the outbox keeps it.
    await until('the outbox to take it back', () => kept >= 1, 15000);
    // The receiver logs in now, as a raw client of the protocol (one manager per process).
    const received = [];
    const ws = new WebSocket(mobileimsdkUrl);
    await new Promise((ok, fail) => { ws.once('open', ok); ws.once('error', fail); });
    const frame = (type, dataContent, to) => JSON.stringify({ bridge: false, type, dataContent, from: peer, to, fp: null, QoS: false, typeu: -1 });
    ws.on('message', (data) => {
      const p = JSON.parse(String(data));
      if (p.type !== 2) return;
      received.push(p.dataContent);
      if (p.QoS) ws.send(frame(4, p.fp, p.from));
    });
    ws.send(frame(0, JSON.stringify({ loginUserId: peer, loginToken: 't' }), '0'));
    const done = await Promise.race([acked.then(() => 'ack', (e) => 'rejected ' + e.code), new Promise((r) => setTimeout(() => r('no outcome in 20 s'), 20000))]);
    check(done === 'ack' && lost.length === 0, 'outcome ' + done + ', lost events ' + lost.join());
    check(received.join() === 'while away', 'received ' + received.join());
    ws.close();
    tx.release();
  });
} finally {
  for (const x of live) {
    try {
      if (x.release) x.release();
      else x.stop();
    } catch (_) {
      // already freed
    }
  }
  child.kill();
}
process.exit(summary());
