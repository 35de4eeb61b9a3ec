// The developer-experience API of IMClientManager, put together: the
// emitter, the Promise forms, the log, the token provider and the persisted
// outbox, over the engine class (./engine/mobileimsdk.js), whose events and
// log messages reach the manager through `attachEngine` and whose callback
// groups, when this API's options are given, report through
// ./observe-mobileimsdk.js.
//
// `installMobileimsdkApi(IMClientManager, {checkSend, checkLogin, makeFingerprint})`
// once per class; `setupMobileimsdk(manager, options)` in the constructor.
// The outbox of a manager belongs to the logged-in user (`loginUserId`): it
// opens at the first `login` and a login as another user switches to that
// user's entries. A message is re-sent with its fingerprint, so a receiver's
// dedupe makes a re-send after a reload arrive once.

import { mixEmitter } from './emitter.js';
import { mixMobileimsdkPromises } from './promises-mobileimsdk.js';
import { attachLog, checkLogLevel, checkLogger } from './log.js';
import { TokenProvider, checkGetToken } from './token-provider.js';
import { Outbox, checkOutboxLimits } from './outbox.js';
import { openOutboxStore, checkOutboxOption } from './outbox-store.js';
import { IMError } from './im-error.js';
import { weakRef } from './weak-ref.js';
import { FINGER_PRINT_IN_USE as DUPLICATE_FP, MOBILEIMSDK_CONSTANTS, MOBILEIMSDK_DEFAULTS } from '../engine/mobileimsdk-codes.js';

const { COMMON_NO_LOGIN: NOT_LOGGED_IN, COMMON_DATA_SEND_FAILD: NOT_CONNECTED } = MOBILEIMSDK_CONSTANTS;

/** The options of this API in `getInstance(options)` (beside the seed's). */
export const MOBILEIMSDK_API_OPTIONS = Object.freeze(['logLevel', 'logger', 'getToken', 'outbox', 'outboxMaxEntries', 'outboxExpiry']);

function read(options, name) {
  if (options === null || typeof options !== 'object') return undefined;
  return options[name];
}

/**
 * True when `options` enables the developer API of a manager (any option of
 * MOBILEIMSDK_API_OPTIONS): only then are its callback groups wrapped, so
 * that the outbox and the token provider follow the link. The events do not
 * need the wrappers (`attachEngine`); a seed app without these options runs
 * exactly as before.
 */
export function usesDeveloperApi(options) {
  return MOBILEIMSDK_API_OPTIONS.some((name) => read(options, name) !== undefined);
}

/** Checks the API's options at once (TypeError / RangeError naming the field). */
export function checkMobileimsdkApiOptions(options) {
  const level = read(options, 'logLevel');
  if (level !== undefined) checkLogLevel(level);
  checkLogger(read(options, 'logger'));
  checkGetToken(read(options, 'getToken'));
  checkOutboxOption(read(options, 'outbox'));
  checkOutboxLimits(read(options, 'outboxMaxEntries'), read(options, 'outboxExpiry'));
}

/** Gives `manager` its log and token provider from `options` (checked); the outbox opens at login. */
export function setupMobileimsdk(manager, options) {
  checkMobileimsdkApiOptions(options);
  const log = attachLog(manager, { logLevel: read(options, 'logLevel'), logger: read(options, 'logger') });
  const api = {
    log, options, tokens: null, outbox: null, outboxUser: null, lastLogin: null, transmitting: false,
    // The protocals of a `handleMessageLost` the outbox kept, until the engine's `lost` events for them.
    keptLost: new Set(),
  };
  const getToken = read(options, 'getToken');
  if (getToken) {
    // The re-login back-off's base and cap (the cap is not an option).
    const base = read(options, 'reloginInterval');
    const { reloginInterval, reloginMaxInterval } = MOBILEIMSDK_DEFAULTS;
    api.tokens = new TokenProvider(getToken, { log, baseMs: typeof base === 'number' ? base : reloginInterval, capMs: reloginMaxInterval });
  }
  Object.defineProperty(manager, '_api', { value: api, configurable: true });
  return api;
}

function lostProtocal(entry) {
  const m = entry.record.message;
  return entry.protocal || { fp: m.fingerPrint, dataContent: m.dataContent, to: m.toId, typeu: m.typeu, QoS: m.Qos, Qos: m.Qos };
}

/** The outbox of `user`, opened (and its restored entries announced) when it is not the current one. */
function outboxFor(manager, user) {
  const api = manager._api;
  if (api.outbox && api.outboxUser === user) return api.outbox;
  if (api.outbox) api.outbox.close();
  const store = openOutboxStore(read(api.options, 'outbox'), 'mobileimsdk:' + user);
  api.outboxUser = user;
  api.outbox = new Outbox(store, {
    log: api.log,
    maxEntries: read(api.options, 'outboxMaxEntries'),
    expiryMs: read(api.options, 'outboxExpiry'),
    transmit: (entry) => transmit(manager, entry),
    onSettled: (entry, err) => {
      if (!err || err.code !== 'expired') return;
      const p = lostProtocal(entry);
      const group = read(api.options, 'messageQoSCB');
      if (group && typeof group.handleMessageLost === 'function') {
        try {
          group.handleMessageLost([p]);
        } catch (e) {
          api.log.error('handleMessageLost threw', e);
        }
      }
      manager._emit('lost', { fp: p.fp, protocal: p, reason: 'expired' });
    },
  });
  const outbox = api.outbox;
  outbox.open().then((restored) => {
    if (restored.length) {
      manager._emit('restored', { entries: restored.map((e) => ({ kind: 'send', message: e.record.message, done: e.done })) });
    }
  });
  return outbox;
}

/** Hands `entry` to the plain send; the seed's send calls back synchronously with its code. */
function transmit(manager, entry) {
  const api = manager._api;
  let code = null;
  let protocal;
  // The send itself, past the outbox (see installMobileimsdkApi); it calls back before returning.
  api.transmitting = true;
  try {
    manager.send(Object.assign({}, entry.record.message, {
      callBack: (c, p) => {
        code = c;
        protocal = p;
      },
    }));
  } finally {
    api.transmitting = false;
  }
  if (code === NOT_LOGGED_IN || code === NOT_CONNECTED || code === null) return false;
  entry.protocal = protocal;
  const cb = entry.callBack;
  entry.callBack = null; // the app hears "written" once, on the first write
  if (typeof cb === 'function') {
    try {
      cb(code, protocal);
    } catch (e) {
      api.log.error('send callBack threw', e);
    }
  }
  if (code !== 0) api.outbox.failed(entry, new IMError('imsdk: send failed with code ' + code, { code, reason: 'send failed' }), true);
  else if (!entry.record.message.Qos) api.outbox.acknowledged(entry);
  return true;
}

/**
 * Hooks the engine class's `manager` object `real` (./engine/mobileimsdk.js)
 * to the facade `manager`: its messages go to the manager's log, its events
 * to the manager's listeners. The listener holds the manager weakly
 * (./weak-ref.js), as the engine may outlive it.
 */
export function attachEngine(manager, real) {
  if (!real || typeof real !== 'object') return;
  real._log = manager._log;
  real._onEvent = engineListener(weakRef(manager));
}

// A function of its own: no closure of the listener can capture the manager (V8 shares one context per scope).
function engineListener(ref) {
  return (name, detail) => {
    const manager = ref.deref();
    if (manager) onEngineEvent(manager, name, detail);
  };
}

/** An event of the engine: to the listeners, except a `lost` message the outbox sends again. */
function onEngineEvent(manager, name, detail) {
  const api = manager._api;
  if (name === 'lost' && api && api.keptLost.delete(detail.protocal)) return;
  manager._emit(name, detail);
}

/** The engine called `name(a)` of a callback group (before the app's callback): the outbox and token provider follow the link. */
export function onMobileimsdkEvent(manager, name, a) {
  const api = manager._api;
  if (!api) return;
  if (name === 'onLoginOrReloginSuccessCB') {
    if (api.tokens) api.tokens.accepted();
    if (api.outbox) api.outbox.linkUp();
  } else if (name === 'onLoginOrReloginFailCB') {
    if (api.outbox) api.outbox.linkDown();
    if (api.tokens && api.lastLogin) {
      const again = api.lastLogin;
      api.tokens.refused((token) => {
        api.log.secret(token);
        if (api.lastLogin === again) manager.login(Object.assign({}, again, { loginToken: token }));
      });
    }
  } else if (name === 'onLinkCloseMessageCB' || name === 'onKickoutCB') {
    if (api.outbox) api.outbox.linkDown();
  } else if (name === 'messagesBeReceivedCB') {
    const entry = api.outbox ? api.outbox.byId(a) : null;
    if (entry) api.outbox.acknowledged(entry);
  }
}

/** The protocals of `list` that are lost for good: the outbox keeps the others for another try. */
export function outboxLost(manager, list) {
  const api = manager._api;
  if (!api || !api.outbox) return list;
  return list.filter((p) => {
    const entry = p ? api.outbox.byId(p.fp) : null;
    if (!entry) return true;
    api.outbox.failed(entry, new IMError('imsdk: lost', { code: 'lost', reason: 'lost' }), false);
    // Sent again, or expired meanwhile (the outbox reported it then): the engine's `lost` event that follows is not the app's.
    api.keptLost.add(p);
    return false;
  });
}

function hasToken(args) {
  try {
    const t = args !== null && typeof args === 'object' ? args.loginToken : undefined;
    return !(t === undefined || t === null || t === '');
  } catch (_) {
    return true; // unreadable: the plain login reports it
  }
}

/** Adds on/off, the Promise forms and the option behaviours to IMClientManager's prototype. */
export function installMobileimsdkApi(IMClientManager, deps) {
  const { checkSend, checkLogin, makeFingerprint } = deps;
  const proto = IMClientManager.prototype;
  mixEmitter(proto);
  const plainSend = proto.send;
  proto.send = function (args) {
    const api = this._api;
    if (!api || !api.outbox || api.transmitting || checkSend(args)) return plainSend.call(this, args);
    const qos = args.Qos !== undefined ? args.Qos : args.QoS;
    const fp = args.fingerPrint === undefined || args.fingerPrint === null ? makeFingerprint() : args.fingerPrint;
    const message = { dataContent: args.dataContent, toId: String(args.toId), Qos: qos === undefined ? true : qos,
      typeu: args.typeu === undefined || args.typeu === null ? 0 : args.typeu, fingerPrint: fp };
    const cb = args.callBack;
    const refuse = (code, err) => {
      api.log.warn(err.message);
      if (typeof cb === 'function') cb(code, Object.assign({}, message, { fp }));
    };
    if (api.outbox.byId(fp)) return refuse(DUPLICATE_FP, new Error('send: fingerPrint ' + fp + ' is still waiting in the outbox'));
    try {
      api.outbox.add('send', message, fp, null).callBack = cb;
    } catch (err) {
      return refuse(NOT_CONNECTED, err);
    }
    return undefined;
  };
  mixMobileimsdkPromises(proto, makeFingerprint);

  const plainLogin = proto.login;
  proto.login = function (args) {
    const api = this._api;
    if (!api) return plainLogin.call(this, args);
    const wantsToken = api.tokens && !hasToken(args);
    // Without a token to wait for, the plain login reads and checks its arguments first, as before.
    const result = wantsToken ? undefined : plainLogin.call(this, args);
    if (wantsToken) checkLogin(args); // a bad argument throws here, before any token is asked for
    let given;
    try {
      given = Object.assign({}, args);
    } catch (_) {
      return result;
    }
    delete given.callBack;
    api.lastLogin = given;
    api.log.secret(given.loginToken);
    api.log.debug('login', given);
    const user = given.loginUserId !== undefined && given.loginUserId !== null ? given.loginUserId : given.logiUserId;
    if (read(api.options, 'outbox') && (typeof user === 'string' || typeof user === 'number') && String(user) !== '') {
      outboxFor(this, String(user));
    }
    if (!wantsToken) return result;
    api.tokens.obtain((token) => {
      api.log.secret(token);
      if (api.lastLogin === given) plainLogin.call(this, Object.assign({}, args, { loginToken: token }));
    });
    return undefined;
  };
  for (const name of ['logout', 'release']) {
    const plain = proto[name];
    proto[name] = function (...a) {
      const api = this._api;
      if (api) {
        api.lastLogin = null;
        if (api.tokens) api.tokens.cancel();
      }
      const r = plain.apply(this, a);
      if (api && api.outbox) api.outbox.close();
      return r;
    };
  }
}
