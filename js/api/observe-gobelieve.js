// IMService's observer calls turned into events, for a class whose engine
// calls observer objects (./engine/gobelieve.js): the facade hands the
// engine `observerWrapper(service, role, original)` instead of the app's
// observer. A wrapper looks the app's method up at each call (so the era-F
// observers keep their precedence over `observer`, as with the originals),
// runs it inside try/catch (a throw is reported through the instance's log),
// then emits the matching event. The `observer` wrapper answers every name,
// so events fire even for an app that set no observer.
//
// With the persisted outbox on, ACKs and failures pass through it first: a
// failure it will retry (link lost, ACK timeout, stop) reaches neither the
// observer nor the events; the message's one outcome comes later.

import { onGobelieveFact, onGobelieveState, outboxOutcome } from './gobelieve.js';
import { listenerCount } from './emitter.js';
import { weakRef } from './weak-ref.js';

/**
 * The engine's facts beside the callbacks (js/engine/gobelieve.js calls them
 * on `observer`): observer name -> fact. Never passed on to the app.
 */
const FACTS = { _reconnectScheduled: 'reconnectScheduled', _authRefused: 'authRefused', _warning: 'warning' };

/** Per observer role, the callbacks the engine may call on it. */
const ROLE_NAMES = {
  observer: ['onConnectState', 'handlePeerMessage', 'handleGroupMessage', 'handleCustomerMessage', 'handleRTMessage',
    'handleRoomMessage', 'handleSystemMessage', 'handleNotification', 'handleGroupNotification', 'handleMessageACK',
    'handleMessageFailure', 'handleGroupMessageACK', 'handleGroupMessageFailure', 'handleCustomerMessageACK',
    'handleCustomerMessageFailure', 'saveSyncKey', 'saveSuperGroupSyncKey', 'handleSyncEnd'],
  peerMessageObserver: ['handlePeerMessage', 'handlePeerMessageACK', 'handlePeerMessageFailure'],
  groupMessageObserver: ['handleGroupMessage', 'handleGroupMessageACK', 'handleGroupMessageFailure', 'handleGroupNotification'],
  customerMessageObserver: ['handleCustomerMessage', 'handleCustomerMessageACK', 'handleCustomerMessageFailure'],
  rtMessageObserver: ['handleRTMessage'],
  roomMessageObserver: ['handleRoomMessage'],
  systemMessageObserver: ['handleSystemMessage'],
};

/** The observer roles, in the order the engine prefers them (era F before `observer`). */
export const OBSERVER_ROLES = Object.freeze(Object.keys(ROLE_NAMES));

/** What each callback means: [event, kind] ('message' events carry the kind of message). */
const MEANING = {
  handlePeerMessage: ['message', 'peer'],
  handleGroupMessage: ['message', 'group'],
  handleCustomerMessage: ['message', 'customer'],
  handleRTMessage: ['message', 'rt'],
  handleRoomMessage: ['message', 'room'],
  handleSystemMessage: ['message', 'system'],
  handleNotification: ['message', 'notification'],
  handleGroupNotification: ['message', 'groupNotification'],
  handleMessageACK: ['ack', 'peer'],
  handlePeerMessageACK: ['ack', 'peer'],
  handleGroupMessageACK: ['ack', 'group'],
  handleCustomerMessageACK: ['ack', 'customer'],
  handleMessageFailure: ['failure', 'peer'],
  handlePeerMessageFailure: ['failure', 'peer'],
  handleGroupMessageFailure: ['failure', 'group'],
  handleCustomerMessageFailure: ['failure', 'customer'],
};

/** The era-F role and method, then the `observer` method, of each kind's ACK and failure. */
const OUTCOME_NAMES = {
  peer: { ack: ['peerMessageObserver', 'handlePeerMessageACK', 'handleMessageACK'],
    failure: ['peerMessageObserver', 'handlePeerMessageFailure', 'handleMessageFailure'] },
  group: { ack: ['groupMessageObserver', 'handleGroupMessageACK', 'handleGroupMessageACK'],
    failure: ['groupMessageObserver', 'handleGroupMessageFailure', 'handleGroupMessageFailure'] },
  customer: { ack: ['customerMessageObserver', 'handleCustomerMessageACK', 'handleCustomerMessageACK'],
    failure: ['customerMessageObserver', 'handleCustomerMessageFailure', 'handleCustomerMessageFailure'] },
};

function method(target, name) {
  if (target === null || target === undefined) return null;
  const f = target[name];
  return typeof f === 'function' ? f : null;
}

/** Calls the app's `f` on `target`; a throw is reported through the instance's log. */
function callApp(service, target, f, name, a, b) {
  if (!f) return;
  try {
    f.call(target, a, b);
  } catch (err) {
    service._log.error(name + ' threw:', err);
  }
}

/** Emits the event of callback `name` called with (a, b). */
function emitFor(service, name, a, b) {
  const meaning = MEANING[name];
  if (!meaning) return;
  const [type, kind] = meaning;
  // Anything the server sends after the token proves it was accepted.
  const api = service._api;
  if (api && api.tokens && type !== 'failure') api.tokens.accepted();
  // No event object for a type nobody listens to (every incoming message comes through here).
  if (listenerCount(service, type) === 0) return;
  if (type === 'message') service._emit('message', { message: a, kind });
  else if (type === 'ack') service._emit('ack', { msgLocalID: a && a.msgLocalID, message: a, kind });
  else {
    service._emit('failure', { msgLocalID: a && a.msgLocalID, message: a, kind, reason: b && b.reason, status: b ? b.status : undefined });
  }
}

/**
 * Calls the app's callback `name` on `role`'s original (falling back to
 * `observer`'s `fallbackName` when `role` has none) and emits its event.
 */
function deliver(service, role, name, fallbackName, a, b) {
  const originals = service._observers || {};
  try {
    let target = originals[role];
    let f = method(target, name);
    if (!f && role !== 'observer') {
      target = originals.observer;
      f = method(target, fallbackName);
    }
    callApp(service, target, f, f ? name : fallbackName, a, b);
  } catch (err) {
    service._log.error(name + ' threw:', err);
  }
  emitFor(service, name, a, b);
}

/** Reports the outcome `type` ('ack' | 'failure') of a message of `kind` as the engine would. */
export function deliverOutcome(service, kind, type, message, why) {
  const [role, name, fallbackName] = OUTCOME_NAMES[kind][type];
  deliver(service, role, name, fallbackName, message, why);
}

/** What the wrappers of a collected service report to: its log only. */
function quietService(log) {
  return { _log: log, _emit() {}, _api: null, lastClose: undefined };
}

/**
 * What the class hands the engine for observer `role` whose app value is
 * `original`. The wrapper holds the service weakly: a started service nobody
 * references keeps calling its observers (as with im.js) while its JS object
 * can be collected; its events end with it (keep a reference to listen).
 */
export function observerWrapper(instance, role, original) {
  const originals = instance._observers || (Object.defineProperty(instance, '_observers', { value: {}, configurable: true }), instance._observers);
  originals[role] = original;
  // Made in helpers: a closure here naming `instance` would keep it alive for every closure of this scope.
  const ref = weakRef(instance);
  const quiet = quietService(instance._log);
  const wrapper = {};
  for (const name of ROLE_NAMES[role]) {
    // What the getter read of an era-F observer, for the call that follows it
    // (the engine reads a method and calls it at once); one call function per
    // name, so a message costs no closure.
    const read = { app: null, error: null };
    const call = (a, b) => {
      const service = ref.deref() || quiet;
      if (name === 'onConnectState') onGobelieveState(service, a);
      const meaning = MEANING[name];
      if (meaning && (meaning[0] === 'ack' || meaning[0] === 'failure') && !outboxOutcome(service, meaning[1], meaning[0], a, b)) return;
      let app = read.app;
      let readError = read.error;
      if (role === 'observer') {
        try {
          app = method(originals.observer, name);
        } catch (err) {
          readError = err;
        }
      }
      if (readError) service._log.error(name + ' threw:', readError);
      else callApp(service, originals[role], app, name, a, b);
      emitFor(service, name, a, b);
    };
    Object.defineProperty(wrapper, name, {
      enumerable: true,
      get() {
        // Reading the app's method runs app code too (a getter, a Proxy trap): a throw is reported at the call.
        read.app = null;
        read.error = null;
        if (role !== 'observer') {
          try {
            read.app = method(originals[role], name);
          } catch (err) {
            read.error = err;
          }
          // An era-F observer without this method lets the engine fall back to `observer`.
          if (!read.app && !read.error) return undefined;
        }
        return call;
      },
    });
  }
  if (role === 'observer') {
    for (const [name, fact] of Object.entries(FACTS)) {
      Object.defineProperty(wrapper, name, { value: (value) => onGobelieveFact(ref.deref() || quiet, fact, value) });
    }
  }
  return wrapper;
}
