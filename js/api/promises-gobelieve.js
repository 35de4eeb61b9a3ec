// The Promise forms of IMService's acknowledged sends:
// `sendPeerMessageAsync`, `sendGroupMessageAsync`, `sendCustomerMessageAsync`.
// Each calls the plain send (so the observer callbacks still fire) and
// settles exactly once on the `ack` / `failure` event of that very message
// object (the events carry it as `detail.message`), or at once when the send
// is refused because the service is not connected.

import { IMError } from './im-error.js';
import { Outcomes, signalOption } from './outcomes.js';

/** The acknowledged sends and their Promise names. */
export const GOBELIEVE_ASYNC_SENDS = Object.freeze({
  sendPeerMessage: 'sendPeerMessageAsync',
  sendGroupMessage: 'sendGroupMessageAsync',
  sendCustomerMessage: 'sendCustomerMessageAsync',
});

function failureError(detail) {
  const reason = detail.reason;
  const status = detail.status;
  const text = 'imsdk: the message failed: ' + reason + (status !== undefined && status !== null ? ' (status ' + status + ')' : '');
  return new IMError(text, { code: reason, reason, status: status === null ? undefined : status });
}

/** The instance's table of pending sends; its `ack` / `failure` listeners are added once, with it. */
function outcomesOf(service) {
  if (service._sendOutcomes) return service._sendOutcomes;
  const outcomes = new Outcomes();
  Object.defineProperty(service, '_sendOutcomes', { value: outcomes, configurable: true });
  service.on('ack', (detail) => {
    const entry = detail && outcomes.first(detail.message);
    if (entry) outcomes.resolve(entry, detail.message);
  });
  service.on('failure', (detail) => {
    const entry = detail && outcomes.first(detail.message);
    if (entry) outcomes.reject(entry, failureError(detail));
  });
  return outcomes;
}

function asyncSend(plain) {
  return function (msg, options) {
    try {
      const signal = signalOption(options);
      const outcomes = outcomesOf(this);
      const { promise, entry } = outcomes.wait(msg, signal);
      if (entry.settled) return promise; // aborted before the call: nothing is sent
      let accepted;
      try {
        accepted = this[plain](msg);
      } catch (err) {
        outcomes.reject(entry, err);
        return promise;
      }
      if (accepted === false) {
        // With the persisted outbox on, a refusal says why (outbox-full); else the service is not connected.
        const why = this._api && this._api.refusal;
        outcomes.reject(entry, why || new IMError('imsdk: not connected: the message was not sent', {
          code: 'not-connected', reason: 'not-connected',
        }));
      }
      return promise;
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

/** Adds the Promise forms to IMService's prototype (its `on` and the plain sends must be there). */
export function mixGobelievePromises(proto) {
  for (const [plain, name] of Object.entries(GOBELIEVE_ASYNC_SENDS)) {
    Object.defineProperty(proto, name, { value: asyncSend(plain), writable: true, configurable: true });
  }
}
