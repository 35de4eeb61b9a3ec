// The developer-experience API on its own (js/api/*.js), in Node: the
// emitter, the Promise forms and the log, mixed into small stand-in classes
// that honour the contract the real classes keep (they call
// `this._emit(type, detail)` with the events of js/api/emitter.js).
import { runner, check } from '../support/node-env.mjs';
import { mixEmitter, EVENT_TYPES, listenerCount } from '../../js/api/emitter.js';
import { mixGobelievePromises } from '../../js/api/promises-gobelieve.js';
import { mixMobileimsdkPromises } from '../../js/api/promises-mobileimsdk.js';
import { IMError } from '../../js/api/im-error.js';
import { attachLog, createLog, configureLogging, REDACTED } from '../../js/api/log.js';

/** IMService as the Promise forms see it: plain sends that return false when not connected. */
class Service {
  constructor(log) {
    this.connected = true;
    this.sent = [];
    attachLog(this, log);
  }
  sendPeerMessage(msg) {
    if (!msg || typeof msg.content !== 'string') throw new TypeError('msg.content must be a string');
    if (!this.connected) return false;
    this.sent.push(msg);
    return true;
  }
  sendGroupMessage(msg) {
    return this.sendPeerMessage(msg);
  }
  sendCustomerMessage(msg) {
    return this.sendPeerMessage(msg);
  }
  ack(msg) {
    this._emit('ack', { msgLocalID: msg.msgLocalID, message: msg });
  }
  fail(msg, reason, status) {
    this._emit('failure', { msgLocalID: msg.msgLocalID, message: msg, reason, status });
  }
}
mixEmitter(Service.prototype);
mixGobelievePromises(Service.prototype);

/** IMClientManager as its Promise forms see it: callBack(code, protocal) at once, events later. */
class Manager {
  constructor() {
    this.code = 0;
    this.loginCode = 0;
    this.sent = [];
    this.logins = [];
  }
  send(args) {
    const p = { fp: args.fingerPrint, dataContent: args.dataContent, to: args.toId };
    if (this.code === 0) this.sent.push(p);
    args.callBack(this.code, p);
  }
  login(args) {
    this.logins.push(args);
  }
}
mixEmitter(Manager.prototype);
let fps = 0;
mixMobileimsdkPromises(Manager.prototype, () => 'fp-' + ++fps);

/** Resolves to 'pending' unless `p` has settled within a few turns of the event loop. */
async function state(p) {
  let s = 'pending';
  p.then((v) => { s = ['resolved', v]; }, (e) => { s = ['rejected', e]; });
  for (let i = 0; i < 3; i++) await null;
  return s;
}

const { test, summary } = runner();

// ---------------------------------------------------------------- emitter

await test('emitter: listeners run in order, once per pair; off removes; unknown types are a TypeError', () => {
  const s = new Service();
  const seen = [];
  const a = (d) => seen.push('a' + d.n);
  const b = (d) => seen.push('b' + d.n);
  s.on('state', a).on('state', b).on('state', a);
  s._emit('state', { n: 1 });
  s.off('state', a);
  s._emit('state', { n: 2 });
  s.off('state', b);
  s._emit('state', { n: 3 });
  check(seen.join() === 'a1,b1,b2', 'seen ' + seen.join());
  check(listenerCount(s, 'state') === 0, 'listeners left after off');
  let threw = null;
  try {
    s.on('nope', a);
  } catch (e) {
    threw = e;
  }
  check(threw instanceof TypeError, 'unknown type accepted');
  check(EVENT_TYPES.includes('reconnecting') && EVENT_TYPES.includes('kickedOut'), 'event list');
});

await test('emitter: a listener that throws is reported through the log and the next one still runs', () => {
  const lines = [];
  const s = new Service({ logger: (level, message, detail) => lines.push([level, message, detail]) });
  const seen = [];
  s.on('closed', () => { throw new Error('boom'); });
  s.on('closed', (d) => seen.push(d.code));
  s._emit('closed', { code: 1006, reason: '', willRetry: true });
  check(seen.join() === '1006', 'second listener did not run');
  check(lines.length === 1 && lines[0][0] === 'error' && /"closed" listener threw/.test(lines[0][1])
    && lines[0][2].message === 'boom', 'report: ' + JSON.stringify(lines));
});

await test('emitter: a listener added during delivery runs from the next event on', () => {
  const s = new Service();
  const seen = [];
  const late = () => seen.push('late');
  s.on('connected', () => { seen.push('first'); s.on('connected', late); });
  s._emit('connected', {});
  s._emit('connected', {});
  check(seen.join() === 'first,first,late', 'seen ' + seen.join());
});

// ------------------------------------------------------- IMService Promises

await test('sendPeerMessageAsync resolves on the ACK of that very object, not of another one with its msgLocalID', async () => {
  const s = new Service();
  const m1 = { sender: 1, receiver: 2, content: 'a', msgLocalID: 7 };
  const m2 = { sender: 1, receiver: 2, content: 'b', msgLocalID: 7 };
  const p1 = s.sendPeerMessageAsync(m1);
  const p2 = s.sendGroupMessageAsync(m2);
  s.ack(m2);
  check((await state(p1)) === 'pending', 'p1 settled by the ACK of m2');
  const s2 = await state(p2);
  check(s2[0] === 'resolved' && s2[1] === m2, 'p2: ' + s2);
  s.ack(m1);
  check((await p1) === m1, 'p1 value');
  check(s._sendOutcomes.size === 0, 'entries left: ' + s._sendOutcomes.size);
});

await test('a failure rejects with an IMError carrying reason, code and the server status; settles exactly once', async () => {
  const s = new Service();
  const m = { sender: 1, receiver: 2, content: 'x', msgLocalID: 1 };
  const p = s.sendPeerMessageAsync(m);
  let settlements = 0;
  p.then(() => settlements++, () => settlements++);
  s.fail(m, 'refused', 3);
  s.ack(m); // a late second outcome must not settle again
  s.fail(m, 'timeout');
  const r = await state(p);
  check(r[0] === 'rejected' && r[1] instanceof IMError, 'outcome ' + r);
  check(r[1].code === 'refused' && r[1].reason === 'refused' && r[1].status === 3, 'fields ' + JSON.stringify(r[1]));
  check(settlements === 1, 'settled ' + settlements + ' times');
});

await test('not connected: the Promise rejects at once with not-connected; a bad argument rejects with the TypeError', async () => {
  const s = new Service();
  s.connected = false;
  const r = await state(s.sendPeerMessageAsync({ sender: 1, receiver: 2, content: 'x' }));
  check(r[0] === 'rejected' && r[1].code === 'not-connected', 'outcome ' + r);
  const bad = await state(s.sendCustomerMessageAsync({ sender: 1 }));
  check(bad[0] === 'rejected' && bad[1] instanceof TypeError, 'bad argument ' + bad);
  check(s._sendOutcomes.size === 0, 'entries left');
});

await test('an AbortSignal stops the wait (IMError aborted) while the message stays sent; a later ACK is ignored', async () => {
  const s = new Service();
  const ac = new AbortController();
  const m = { sender: 1, receiver: 2, content: 'x', msgLocalID: 9 };
  const p = s.sendPeerMessageAsync(m, { signal: ac.signal });
  ac.abort();
  const r = await state(p);
  check(r[0] === 'rejected' && r[1].code === 'aborted', 'outcome ' + r);
  check(s.sent.includes(m), 'the message was not sent');
  check(s._sendOutcomes.size === 0, 'entry kept after abort');
  s.ack(m);
  const pre = new AbortController();
  pre.abort();
  const before = s.sent.length;
  const r2 = await state(s.sendPeerMessageAsync({ sender: 1, receiver: 2, content: 'y' }, { signal: pre.signal }));
  check(r2[0] === 'rejected' && r2[1].code === 'aborted' && s.sent.length === before, 'pre-aborted signal sent anyway');
});

await test('no leak: after 20,000 sends ending in ACKs, failures and aborts in random order the table is empty', async () => {
  const s = new Service();
  const msgs = [];
  const promises = [];
  const controllers = [];
  for (let i = 0; i < 20000; i++) {
    const m = { sender: 1, receiver: 2, content: 'm' + i, msgLocalID: i % 50 };
    const ac = new AbortController();
    msgs.push(m);
    controllers.push(ac);
    promises.push(s.sendPeerMessageAsync(m, { signal: ac.signal }).catch(() => 'x'));
  }
  check(s._sendOutcomes.size === 20000, 'pending ' + s._sendOutcomes.size);
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const order = msgs.map((m, i) => [rnd(), i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  order.forEach((i, k) => {
    if (k % 3 === 0) s.ack(msgs[i]);
    else if (k % 3 === 1) s.fail(msgs[i], 'disconnected');
    else controllers[i].abort();
  });
  const outcomes = await Promise.all(promises);
  check(outcomes.length === 20000, 'outcomes');
  check(s._sendOutcomes.size === 0 && s._sendOutcomes._byKey.size === 0, 'left: ' + s._sendOutcomes.size);
  check(listenerCount(s, 'ack') === 1 && listenerCount(s, 'failure') === 1, 'listeners grew per send');
});

// ------------------------------------------------- IMClientManager Promises

await test('sendAsync (QoS) resolves on the ACK of its fingerprint; the app callBack still runs first', async () => {
  const m = new Manager();
  const calls = [];
  const p = m.sendAsync({ dataContent: 'hi', toId: '2', callBack: (code, pr) => calls.push([code, pr.fp]) });
  check((await state(p)) === 'pending', 'settled before the ACK');
  check(calls.length === 1 && calls[0][0] === 0 && /^fp-/.test(calls[0][1]), 'callBack ' + JSON.stringify(calls));
  m._emit('ack', { fp: 'other' });
  check((await state(p)) === 'pending', 'settled by another fingerprint');
  m._emit('ack', { fp: calls[0][1] });
  const v = await p;
  check(v.fp === calls[0][1] && v.dataContent === 'hi', 'value ' + JSON.stringify(v));
  check(m._sendOutcomes.size === 0, 'left');
});

await test('sendAsync: non-QoS resolves after the write; a non-zero code rejects with it; lost rejects; given fingerprints kept', async () => {
  const m = new Manager();
  const r1 = await state(m.sendAsync({ dataContent: 'a', toId: '2', Qos: false }));
  check(r1[0] === 'resolved' && r1[1].dataContent === 'a', 'non-QoS ' + r1);
  m.code = 3;
  const r2 = await state(m.sendAsync({ dataContent: 'b', toId: '2' }));
  check(r2[0] === 'rejected' && r2[1] instanceof IMError && r2[1].code === 3, 'code 3 ' + r2);
  m.code = 0;
  const p = m.sendAsync({ dataContent: 'c', toId: '2', fingerPrint: 'mine' });
  check(m.sent[m.sent.length - 1].fp === 'mine', 'fingerprint replaced');
  m._emit('lost', { fp: 'mine' });
  const r3 = await state(p);
  check(r3[0] === 'rejected' && r3[1].code === 'lost', 'lost ' + r3);
  check(m._sendOutcomes.size === 0, 'left');
});

await test('sendAsync with the fingerprint of a message still pending: code 206 rejects the new one only', async () => {
  const m = new Manager();
  const first = m.sendAsync({ dataContent: 'a', toId: '2', fingerPrint: 'same' });
  m.code = 206;
  const second = await state(m.sendAsync({ dataContent: 'b', toId: '2', fingerPrint: 'same' }));
  check(second[0] === 'rejected' && second[1].code === 206, 'second ' + second);
  check((await state(first)) === 'pending', 'first settled by the duplicate');
  m._emit('ack', { fp: 'same' });
  check((await state(first))[0] === 'resolved', 'first not resolved by its ACK');
});

await test('loginAsync settles with the login callBack: 0 resolves, a refusal code rejects; the app callBack runs', async () => {
  const m = new Manager();
  const codes = [];
  const ok = m.loginAsync({ loginUserId: '1', loginToken: 't', callBack: (c) => codes.push(c) });
  const bad = m.loginAsync({ loginUserId: '1', loginToken: 't' });
  m.logins[0].callBack(0);
  m.logins[1].callBack(202);
  check((await ok) === 0, 'resolved value');
  const r = await state(bad);
  check(r[0] === 'rejected' && r[1].code === 202, 'refusal ' + r);
  check(codes.join() === '0', 'app callBack ' + codes.join());
  check(m._sendOutcomes.size === 0, 'left');
});

// -------------------------------------------------------------------- log

await test("log: 'warn' by default; levels filter; the hook replaces the console", () => {
  const lines = [];
  const log = createLog({ logger: (level, message) => lines.push(level + ':' + message) });
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  check(lines.join() === 'warn:w,error:e', 'default level ' + lines.join());
  lines.length = 0;
  log.configure({ logLevel: 'silent' });
  log.error('e');
  log.configure({ logLevel: 'debug' });
  log.debug('d');
  check(lines.join() === 'debug:d', 'silent/debug ' + lines.join());
  let threw = null;
  try {
    createLog({ logLevel: 'verbose' });
  } catch (e) {
    threw = e;
  }
  check(threw instanceof RangeError, 'bad level accepted');
});

await test('log: an instance without options follows the package setting', () => {
  const lines = [];
  const s = new Service();
  configureLogging({ logLevel: 'info', logger: (level, message) => lines.push(level + ':' + message) });
  try {
    s._log.info('hello');
    check(lines.join() === 'info:hello', 'package setting not used: ' + lines.join());
  } finally {
    configureLogging({ logLevel: 'warn', logger: null });
  }
});

await test('log: tokens are redacted at every level, in messages, details, Errors and login bodies', () => {
  const token = 'tok-8f3a2b1c';
  const out = [];
  const log = createLog({ logLevel: 'debug', logger: (level, message, detail) => out.push(message + ' ' + JSON.stringify(detail) + ' ' + (detail && detail.e ? detail.e.stack : '')) });
  log.secret(token);
  const loginBody = JSON.stringify({ type: 0, dataContent: JSON.stringify({ loginUserId: '1', loginToken: 'other-secret' }) });
  for (const level of ['error', 'warn', 'info', 'debug']) {
    log[level]('token ' + token + ' url ws://h/ws?token=qs-secret&u=1', {
      accessToken: token, body: loginBody, nested: { list: [token] }, e: new Error('auth with ' + token),
    });
  }
  const all = out.join('\n');
  check(out.length === 4, 'lines ' + out.length);
  for (const secret of [token, 'other-secret', 'qs-secret']) check(!all.includes(secret), secret + ' printed: ' + all);
  check(all.includes(REDACTED), 'no redaction marker');
  check(all.includes('"loginUserId'), 'the rest of the login body was lost');
});

process.exit(summary());
