// The developer-experience API of IMService, put together: the emitter, the
// Promise forms, the log, the token provider and the persisted outbox, over
// a class that has the seed API (`start`, `stop`, the sends, `accessToken`,
// `reconnectDelay`, `lastClose`, ...) and reports its observer calls through
// ./observe-gobelieve.js (or calls `_emit` itself).
//
// `installGobelieveApi(IMService)` once per class; `setupGobelieve(service,
// options)` in the constructor.

import { mixEmitter } from './emitter.js';
import { mixGobelievePromises } from './promises-gobelieve.js';
import { attachLog, checkLogLevel, checkLogger } from './log.js';
import { TokenProvider, checkGetToken } from './token-provider.js';
import { Outbox, checkOutboxLimits } from './outbox.js';
import { openOutboxStore, checkOutboxOption } from './outbox-store.js';
import { IMError } from './im-error.js';
import { deliverOutcome } from './observe-gobelieve.js';
import { GOBELIEVE_DEFAULTS, GOBELIEVE_STATES } from '../engine/gobelieve-codes.js';

const { STATE_CONNECTING: CONNECTING, STATE_CONNECTED: CONNECTED, STATE_AUTHENTICATION_FAIL: AUTHENTICATION_FAIL } = GOBELIEVE_STATES;

/** The sends the outbox keeps, by the kind its entries record. */
const SENDS = { peer: 'sendPeerMessage', group: 'sendGroupMessage', customer: 'sendCustomerMessage' };
/** Failures after which the outbox sends the message again (on the next link, or after a back-off). */
const RETRYABLE = ['timeout', 'disconnected', 'stopped'];

/** The constructor options of this API (beside the seed's). */
export const GOBELIEVE_API_OPTIONS = Object.freeze(['logLevel', 'logger', 'getToken', 'outbox', 'outboxName',
  'outboxMaxEntries', 'outboxExpiry']);

function read(options, name) {
  if (options === null || typeof options !== 'object') return undefined;
  return options[name];
}

/** Checks the API's options at once (TypeError / RangeError naming the field). */
export function checkGobelieveApiOptions(options) {
  const level = read(options, 'logLevel');
  if (level !== undefined) checkLogLevel(level);
  checkLogger(read(options, 'logger'));
  checkGetToken(read(options, 'getToken'));
  checkOutboxOption(read(options, 'outbox'));
  const name = read(options, 'outboxName');
  if (name !== undefined && (typeof name !== 'string' || name === '')) throw new TypeError('outboxName must be a non-empty string');
  checkOutboxLimits(read(options, 'outboxMaxEntries'), read(options, 'outboxExpiry'));
}

/** A JSON-able copy of an outgoing message (BigInt ids become decimal strings, which the sends accept). */
function record(msg) {
  const out = {};
  for (const k of Object.keys(msg)) {
    const v = msg[k];
    if (typeof v === 'bigint') out[k] = v.toString();
    else if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  }
  return out;
}

/** Gives `service` its log, token provider and outbox from `options` (checked). */
export function setupGobelieve(service, options) {
  checkGobelieveApiOptions(options);
  const log = attachLog(service, { logLevel: read(options, 'logLevel'), logger: read(options, 'logger') });
  const api = { log, state: 0, attempts: 0, retrying: false, started: false, tokens: null, outbox: null, refusal: null,
    transmitting: false, reconnectDelayMs: null, authStatus: null };
  const getToken = read(options, 'getToken');
  // The reconnect back-off's base and cap; each refusal reads them from the properties again.
  const { reconnectDelay, reconnectMaxDelay } = GOBELIEVE_DEFAULTS;
  if (getToken) api.tokens = new TokenProvider(getToken, { log, baseMs: reconnectDelay, capMs: reconnectMaxDelay });
  const store = openOutboxStore(read(options, 'outbox'), 'gobelieve:' + (read(options, 'outboxName') || 'default'));
  if (store) {
    api.outbox = new Outbox(store, {
      log,
      maxEntries: read(options, 'outboxMaxEntries'),
      expiryMs: read(options, 'outboxExpiry'),
      transmit: (entry) => {
        if (!entry.live) entry.live = Object.assign({}, entry.record.message);
        // The send itself, past the outbox (see installGobelieveApi).
        api.transmitting = true;
        try {
          return service[SENDS[entry.record.kind]](entry.live) !== false;
        } finally {
          api.transmitting = false;
        }
      },
      onSettled: (entry, err) => {
        // Outcomes from the link were delivered where they arrived; the outbox's own (expiry) are delivered here.
        if (err && err.code === 'expired') {
          deliverOutcome(service, entry.record.kind, 'failure', entry.live || entry.record.message, { reason: 'expired', status: undefined });
        }
      },
    });
  }
  Object.defineProperty(service, '_api', { value: api, configurable: true });
  return api;
}

/** The engine reported connect state `state` (before the observer's `onConnectState`). */
export function onGobelieveState(service, state) {
  const api = service._api;
  if (!api) return;
  const old = api.state;
  api.state = state;
  if (old === state) return;
  api.log.debug('state ' + old + ' -> ' + state);
  service._emit('state', { old, new: state });
  if (old === CONNECTED || (old === CONNECTING && state !== CONNECTED)) {
    const last = service.lastClose || {};
    // Between attempts the engine waits in UNCONNECTED or CONNECTFAIL; only a refusal or stop() ends the retries.
    const willRetry = api.started && state !== AUTHENTICATION_FAIL;
    api.retrying = willRetry;
    service._emit('closed', { code: last.code, reason: last.reason, willRetry });
    // A link that lasted until a drop (not a refusal) had an accepted token.
    if (old === CONNECTED && state !== AUTHENTICATION_FAIL && api.tokens) api.tokens.accepted();
  }
  if (state === CONNECTING && api.retrying) {
    api.attempts++;
    service._emit('reconnecting', { attempt: api.attempts, delayMs: api.reconnectDelayMs });
  }
  if (state === CONNECTING) api.reconnectDelayMs = null;
  if (state === CONNECTED) {
    // STATE_CONNECTED is im.js's: the socket is open and the token sent (a refusal may follow).
    api.attempts = 0;
    api.retrying = false;
    service._emit('connected', {});
    if (api.outbox) api.outbox.linkUp();
  } else if (api.outbox) api.outbox.linkDown();
  if (state === AUTHENTICATION_FAIL) {
    // null when the SDK refused to send the token itself (e.g. too long).
    service._emit('authFailed', { code: api.authStatus });
    api.authStatus = null;
    if (api.tokens && api.started) {
      api.tokens.baseMs = service.reconnectDelay;
      api.tokens.capMs = service.reconnectMaxDelay;
      api.tokens.refused((token) => {
        api.log.secret(token);
        // Setting the token after an authentication failure makes the service try again.
        if (api.started) service.accessToken = token;
      });
    }
  }
}

/**
 * A fact of the engine that no observer callback carries: 'reconnectScheduled'
 * (the back-off's delay in ms, before the next CONNECTING), 'authRefused'
 * (the server's AUTH_STATUS, before AUTHENTICATION_FAIL) or 'warning' (a
 * line for the log, at level 'warn').
 */
export function onGobelieveFact(service, fact, value) {
  if (fact === 'warning') {
    service._log.warn(String(value));
    return;
  }
  const api = service._api;
  if (!api) return;
  if (fact === 'reconnectScheduled') api.reconnectDelayMs = value;
  else if (fact === 'authRefused') api.authStatus = value;
}

/**
 * An ACK or failure of `message` (kind 'peer' | 'group' | 'customer')
 * arrived: true when it goes on to the observer and the events, false when
 * the outbox keeps the message for another try.
 */
export function outboxOutcome(service, kind, type, message, why) {
  const api = service._api;
  const entry = api && api.outbox ? api.outbox.byLive(message) : null;
  if (!entry) return true;
  if (type === 'ack') {
    api.outbox.acknowledged(entry);
    return true;
  }
  const reason = why && why.reason;
  const error = new IMError('imsdk: the message failed: ' + reason, { code: reason, reason, status: why ? why.status : undefined });
  if (RETRYABLE.includes(reason)) {
    api.outbox.failed(entry, error, false);
    return entry.settledWith !== undefined; // settled now only when it expired meanwhile: that was delivered
  }
  api.outbox.failed(entry, error, true);
  return true;
}

/** Adds on/off, the Promise forms and the option behaviours to IMService's prototype. */
export function installGobelieveApi(IMService, checkSend) {
  const proto = IMService.prototype;
  mixEmitter(proto);
  for (const [kind, name] of Object.entries(SENDS)) {
    const plain = proto[name];
    proto[name] = function (msg) {
      const api = this._api;
      if (!api || !api.outbox || api.transmitting) return plain.call(this, msg);
      if (checkSend) checkSend(name, msg); // a bad argument throws here, as without the outbox
      api.refusal = null;
      try {
        api.outbox.add(kind, record(msg), undefined, msg);
      } catch (err) {
        api.refusal = err;
        api.log.warn(err.message);
        return false;
      }
      return true;
    };
  }
  mixGobelievePromises(proto);

  const plainStart = proto.start;
  proto.start = function () {
    const api = this._api;
    if (!api) return plainStart.call(this);
    api.started = true;
    api.log.secret(this.accessToken);
    api.log.debug('start', { url: this.url, accessToken: this.accessToken, deviceID: this.deviceID });
    if (api.outbox) {
      api.outbox.open().then((restored) => {
        if (!restored.length) return;
        for (const e of restored) if (!e.live) e.live = Object.assign({}, e.record.message);
        this._emit('restored', { entries: restored.map((e) => ({ kind: e.record.kind, message: e.live, done: e.done })) });
      });
    }
    if (api.tokens && !this.accessToken) {
      api.tokens.obtain((token) => {
        api.log.secret(token);
        if (!api.started) return;
        this.accessToken = token;
        plainStart.call(this);
      });
      return undefined;
    }
    return plainStart.call(this);
  };
  const plainStop = proto.stop;
  proto.stop = function () {
    const api = this._api;
    if (api) {
      api.started = false;
      if (api.tokens) api.tokens.cancel();
    }
    const r = plainStop.call(this);
    if (api && api.outbox) api.outbox.close();
    return r;
  };
}
