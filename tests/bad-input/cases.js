// The bad-input matrix (issue 8 C), loaded by the page of
// tests/bad-input/matrix.test.mjs. Each case acts on a fresh instance and
// states the exact outcome: `error` ("TypeError: message") or `value` (the
// documented return), or for IMClientManager `calls` (the callBack
// arguments). The suite then checks that the same instance still connects
// and delivers a message (unless `spent`: the documented end of the
// instance, after which a new one must work).

const BIG = 'x'.repeat(10 * 1024 * 1024); // 10 MiB: must be refused without entering wasm
const msg = (o) => Object.assign({ sender: 1, receiver: 2, content: 'hi', msgLocalID: 1 }, o);
const limit = (n) => 'x'.repeat(n);
const ms = (name) => 'RangeError: ' + name + ' must be a number of milliseconds from 1 to 86400000';
const over53 = (name) => 'RangeError: ' + name + ' is 2^53 or more, not exact as a Number: pass it as a decimal string or a BigInt';

/** `act(im)` runs on `new IMService(observer)`, before `url`/`accessToken` are set for the check. */
export const GOBELIEVE_CASES = [
  { name: 'accessToken of 300 bytes', act: (im) => { im.accessToken = limit(300); }, error: 'RangeError: accessToken is over the limit of 255 bytes of UTF-8' },
  { name: 'accessToken of 10 MiB', big: true, act: (im) => { im.accessToken = BIG; }, error: 'RangeError: accessToken is over the limit of 255 bytes of UTF-8' },
  { name: 'accessToken a number', act: (im) => { im.accessToken = 5; }, error: 'TypeError: accessToken must be a string' },
  { name: 'accessToken null', act: (im) => { im.accessToken = null; }, error: 'TypeError: accessToken must be a string' },
  { name: 'accessToken with an unpaired surrogate', act: (im) => { im.accessToken = 'a\uD800'; }, error: 'RangeError: accessToken contains an unpaired surrogate' },
  { name: 'deviceID a BigInt', act: (im) => { im.deviceID = 5n; }, error: 'TypeError: deviceID must be a string' },
  { name: 'port NaN', act: (im) => { im.port = NaN; }, error: 'RangeError: port must be an integer from 1 to 65535' },
  { name: 'port 1.5', act: (im) => { im.port = 1.5; }, error: 'RangeError: port must be an integer from 1 to 65535' },
  { name: 'port 65536', act: (im) => { im.port = 65536; }, error: 'RangeError: port must be an integer from 1 to 65535' },
  { name: 'url http:', act: (im) => { im.url = 'http://example.org/ws'; }, error: 'TypeError: url must start with ws:// or wss://' },
  { name: 'protocol ftp:', act: (im) => { im.protocol = 'ftp://'; }, error: 'TypeError: protocol must be "ws://" or "wss://"' },
  { name: 'platformID -1', act: (im) => { im.platformID = -1; }, error: 'RangeError: platformID must be an integer from 0 to 255' },
  { name: 'protocolVersion 3', act: (im) => { im.protocolVersion = 3; }, error: 'RangeError: protocolVersion must be 1 or 2' },
  { name: 'syncKey 2^53', act: (im) => { im.syncKey = 2 ** 53; }, error: over53('syncKey') },
  { name: 'syncKey 1.5', act: (im) => { im.syncKey = 1.5; }, error: 'TypeError: syncKey must be an integer' },
  { name: 'syncKey BigInt over 64 bits', act: (im) => { im.syncKey = 2n ** 64n; }, error: 'RangeError: syncKey is out of the 64-bit range' },
  { name: 'ackTimeout Infinity', act: (im) => { im.ackTimeout = Infinity; }, error: ms('ackTimeout') },
  { name: 'pingInterval negative', act: (im) => { im.pingInterval = -5; }, error: ms('pingInterval') },
  { name: 'connectTimeout a string', act: (im) => { im.connectTimeout = '5000'; }, error: ms('connectTimeout') },
  { name: 'sendPeerMessage(undefined)', act: (im) => im.sendPeerMessage(), error: 'TypeError: msg must be an object' },
  { name: 'sendPeerMessage without sender', act: (im) => im.sendPeerMessage({ receiver: 2, content: 'x' }), error: 'TypeError: msg.sender is required' },
  { name: 'sender NaN', act: (im) => im.sendPeerMessage(msg({ sender: NaN })), error: 'TypeError: msg.sender must be an integer' },
  { name: 'receiver 2^53', act: (im) => im.sendPeerMessage(msg({ receiver: 2 ** 53 })), error: over53('msg.receiver') },
  { name: 'receiver -(2^53)', act: (im) => im.sendPeerMessage(msg({ receiver: -(2 ** 53) })), error: over53('msg.receiver') },
  { name: 'receiver as a decimal string above 2^53 (valid: false, not connected)', act: (im) => im.sendPeerMessage(msg({ receiver: '9007199254740993' })), value: false },
  { name: 'sender BigInt (valid: false, not connected)', act: (im) => im.sendPeerMessage(msg({ sender: 100n })), value: false },
  { name: 'sender BigInt over 64 bits', act: (im) => im.sendPeerMessage(msg({ sender: 2n ** 64n })), error: 'RangeError: msg.sender is out of the 64-bit range' },
  { name: 'sender a decimal string with letters', act: (im) => im.sendPeerMessage(msg({ sender: '12ab' })), error: 'TypeError: msg.sender must be a number or a decimal string' },
  { name: 'msgLocalID NaN', act: (im) => im.sendPeerMessage(msg({ msgLocalID: NaN })), error: 'TypeError: msg.msgLocalID must be an integer' },
  { name: 'msgLocalID 1.5', act: (im) => im.sendPeerMessage(msg({ msgLocalID: 1.5 })), error: 'TypeError: msg.msgLocalID must be an integer' },
  { name: 'msgLocalID Infinity', act: (im) => im.sendPeerMessage(msg({ msgLocalID: Infinity })), error: 'TypeError: msg.msgLocalID must be an integer' },
  { name: 'msgLocalID a string', act: (im) => im.sendPeerMessage(msg({ msgLocalID: '5' })), error: 'TypeError: msg.msgLocalID must be a number' },
  { name: 'timestamp 2^32', act: (im) => im.sendPeerMessage(msg({ timestamp: 2 ** 32 })), error: 'RangeError: msg.timestamp must be an integer from -2^31 to 2^32 - 1' },
  { name: 'timestamp -Infinity', act: (im) => im.sendGroupMessage(msg({ timestamp: -Infinity })), error: 'TypeError: msg.timestamp must be an integer' },
  { name: 'content a number', act: (im) => im.sendPeerMessage(msg({ content: 5 })), error: 'TypeError: msg.content must be a string' },
  { name: 'content with an unpaired surrogate', act: (im) => im.sendPeerMessage(msg({ content: '\uDC00' })), error: 'RangeError: msg.content contains an unpaired surrogate' },
  { name: 'content at the limit (32743 bytes: false, not connected)', act: (im) => im.sendPeerMessage(msg({ content: limit(32743) })), value: false },
  { name: 'content one byte over the limit', act: (im) => im.sendPeerMessage(msg({ content: limit(32744) })), error: 'RangeError: msg.content is over the limit of 32743 bytes of UTF-8' },
  { name: 'content over the limit in UTF-8 only (2-byte characters)', act: (im) => im.sendPeerMessage(msg({ content: '\u00e9'.repeat(16372) })), error: 'RangeError: msg.content is over the limit of 32743 bytes of UTF-8' },
  { name: 'content of 10 MiB', big: true, act: (im) => im.sendPeerMessage(msg({ content: BIG })), error: 'RangeError: msg.content is over the limit of 32743 bytes of UTF-8' },
  { name: 'sendCustomerMessage({})', act: (im) => im.sendCustomerMessage({}), error: 'TypeError: msg.senderAppID is required' },
  { name: 'sendRTMessage(5)', act: (im) => im.sendRTMessage(5), error: 'TypeError: msg must be an object' },
  { name: 'sendRoomMessage content over its limit', act: (im) => im.sendRoomMessage(msg({ content: limit(32752) })), error: 'RangeError: msg.content is over the limit of 32751 bytes of UTF-8' },
  { name: 'enterRoom(NaN)', act: (im) => im.enterRoom(NaN), error: 'TypeError: roomID must be an integer' },
  { name: 'enterRoom()', act: (im) => im.enterRoom(), error: 'TypeError: roomID is required' },
  { name: 'addSuperGroupSyncKey(1, "abc")', act: (im) => im.addSuperGroupSyncKey(1, 'abc'), error: 'TypeError: syncKey must be a number or a decimal string' },
  { name: 'send before start', act: (im) => im.sendPeerMessage(msg({})), value: false },
  { name: 'stop twice before start', act: (im) => { im.stop(); im.stop(); }, value: 'undefined' },
  { name: 'start twice', act: (im) => { im.start(); im.start(); }, value: 'undefined' },
  { name: 'observer null', act: (im) => { im.observer = null; }, value: 'undefined' },
  { name: 'peerMessageObserver a number', act: (im) => { im.peerMessageObserver = 5; }, value: 'undefined' },
  { name: 'use after free()', spent: true, act: (im) => { im.free(); im.sendPeerMessage(msg({})); }, error: 'Error: imsdk: this IMService was freed' },
];

/** Constructor options: `new IMService(observer, options)` throws, a corrected one works. */
export const GOBELIEVE_OPTION_CASES = [
  { name: 'options.port 0', options: { port: 0 }, error: 'RangeError: port must be an integer from 1 to 65535' },
  { name: 'options.accessToken of 300 bytes', options: { accessToken: limit(300) }, error: 'RangeError: accessToken is over the limit of 255 bytes of UTF-8' },
  { name: 'options.host a number', options: { host: 5 }, error: 'TypeError: host must be a string' },
  { name: 'options.reconnectDelay 0', options: { reconnectDelay: 0 }, error: ms('reconnectDelay') },
  { name: 'options.syncKey "x"', options: { syncKey: 'x' }, error: 'TypeError: syncKey must be a number or a decimal string' },
];

// Records `[code]`, or `[code, "Name: message"]` when the second argument is an Error.
const cb = (calls) => ({ callBack: (code, e) => calls.push(e instanceof Error ? [code, e.constructor.name + ': ' + e.message] : [code]) });
const SEND_BAD = 4;

/**
 * `act(mgr, calls)` runs on `IMClientManager.getInstance(options)`; `calls`
 * collects callBack arguments (errors as "Name: message").
 */
export const MOBILEIMSDK_CASES = [
  { name: 'login(undefined)', act: (m) => m.login(), error: 'TypeError: login options must be an object' },
  { name: 'login({})', act: (m) => m.login({}), error: 'TypeError: login: loginUserId (or logiUserId) must be a non-empty string or an integer, got undefined' },
  { name: 'login loginUserId 1.5', act: (m) => m.login({ loginUserId: 1.5 }), error: 'TypeError: login: loginUserId (or logiUserId) must be a non-empty string or an integer, got number' },
  { name: 'login loginUserId 2^53', act: (m) => m.login({ loginUserId: 2 ** 53 }), error: 'TypeError: login: loginUserId (or logiUserId) must be a non-empty string or an integer, got number' },
  { name: 'login loginUserId of 10 MiB', big: true, act: (m) => m.login({ loginUserId: BIG }), error: 'TypeError: login: loginUserId (or logiUserId) must be a non-empty string or an integer, got "' + 'x'.repeat(40) + '..."' },
  { name: 'login loginToken a number', act: (m) => m.login({ loginUserId: 'u', loginToken: 5 }), error: 'TypeError: login: loginToken must be a string' },
  { name: 'login extra with an unpaired surrogate', act: (m) => m.login({ loginUserId: 'u', extra: '\uD83D' }), error: 'RangeError: login: extra contains an unpaired surrogate' },
  { name: 'send(undefined)', act: (m) => m.send(), value: 'undefined' },
  { name: 'send dataContent a number', act: (m, c) => m.send(Object.assign({ dataContent: 5, toId: '1' }, cb(c))), calls: [[SEND_BAD, 'TypeError: send: dataContent must be a string']] },
  { name: 'send without toId', act: (m, c) => m.send(Object.assign({ dataContent: 'x' }, cb(c))), calls: [[SEND_BAD, 'TypeError: send: toId is required']] },
  { name: 'send toId 2^53', act: (m, c) => m.send(Object.assign({ dataContent: 'x', toId: 2 ** 53 }, cb(c))), calls: [[SEND_BAD, 'TypeError: send: toId must be an integer below 2^53 or a string']] },
  { name: 'send Qos "yes"', act: (m, c) => m.send(Object.assign({ dataContent: 'x', toId: '1', Qos: 'yes' }, cb(c))), calls: [[SEND_BAD, 'TypeError: send: Qos must be a boolean']] },
  { name: 'send fingerPrint ""', act: (m, c) => m.send(Object.assign({ dataContent: 'x', toId: '1', fingerPrint: '' }, cb(c))), calls: [[SEND_BAD, 'TypeError: send: fingerPrint must not be empty']] },
  { name: 'send typeu 1.5', act: (m, c) => m.send(Object.assign({ dataContent: 'x', toId: '1', typeu: 1.5 }, cb(c))), calls: [[SEND_BAD, 'TypeError: send: typeu must be a 32-bit integer']] },
  { name: 'send dataContent one byte over 64 KiB', act: (m, c) => m.send(Object.assign({ dataContent: limit(65537), toId: '1' }, cb(c))), calls: [[SEND_BAD, 'RangeError: send: dataContent is over the limit of 65536 bytes of UTF-8']] },
  { name: 'send dataContent of 10 MiB', big: true, act: (m, c) => m.send(Object.assign({ dataContent: BIG, toId: '1' }, cb(c))), calls: [[SEND_BAD, 'RangeError: send: dataContent is over the limit of 65536 bytes of UTF-8']] },
  { name: 'send before login', act: (m, c) => m.send(Object.assign({ dataContent: 'x', toId: '1' }, cb(c))), calls: { before: [[3]], after: [[1]] } },
  // The first login is superseded by the second (201), which succeeds.
  { name: 'login twice', act: (m, c, ctx) => { m.login(Object.assign({ loginUserId: ctx.uid }, cb(c))); m.login(Object.assign({ loginUserId: ctx.uid }, cb(c))); }, calls: [[201], [0]] },
  { name: 'logout before login', act: (m, c) => m.logout(cb(c).callBack), calls: [[1]], async: true },
  { name: 'use after release()', spent: true, act: (m, c) => { m.release(); m.login(Object.assign({ loginUserId: 'u' }, cb(c))); }, calls: [[203]], async: true },
];

/** `getInstance(options)` throws; a corrected call works. */
export const MOBILEIMSDK_OPTION_CASES = [
  { name: 'getInstance() with no instance', options: undefined, error: 'Error: IMClientManager is not initialised (CLIENT_SDK_NO_INITIALED, 203): call IMClientManager.getInstance(options) first' },
  { name: 'wsUrl http:', options: { wsUrl: 'http://x' }, error: 'TypeError: options.wsUrl must start with ws:// or wss://, got "http://x"' },
  { name: 'senseMode 7', options: { wsUrl: 'ws://x', senseMode: 7 }, error: "RangeError: options.senseMode must be 3, 5, 10, 15, 30, 60 or 120 (seconds) or 'MODE_3S' ... 'MODE_120S'" },
  { name: 'chatBaseCB a number', options: { wsUrl: 'ws://x', chatBaseCB: 5 }, error: 'TypeError: options.chatBaseCB must be an object' },
  { name: 'qosMaxResends NaN', options: { wsUrl: 'ws://x', qosMaxResends: NaN }, error: 'RangeError: options.qosMaxResends must be an integer from 0 to 100' },
];
