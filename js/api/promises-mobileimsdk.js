// The Promise forms of IMClientManager: `loginAsync(args, {signal})` settles
// with the login's own callBack code (0 resolves); `sendAsync(args, {signal})`
// resolves with the sent protocal once the server acknowledged a QoS message
// (`ack` event of its fingerprint), at once after the write (code 0) for a
// message without QoS, and rejects on a non-zero code or a `lost` event.
// The app's own `callBack` still runs, before the Promise settles.

import { IMError } from './im-error.js';
import { Outcomes, signalOption } from './outcomes.js';

function codeError(what, code) {
  return new IMError('imsdk: ' + what + ' failed with code ' + code, { code, reason: what + ' failed' });
}

function outcomesOf(manager) {
  if (manager._sendOutcomes) return manager._sendOutcomes;
  const outcomes = new Outcomes();
  Object.defineProperty(manager, '_sendOutcomes', { value: outcomes, configurable: true });
  manager.on('ack', (detail) => {
    const entry = detail && outcomes.first(detail.fp);
    if (entry) outcomes.resolve(entry, entry.protocal);
  });
  manager.on('lost', (detail) => {
    const entry = detail && outcomes.first(detail.fp);
    if (entry) {
      outcomes.reject(entry, new IMError('imsdk: the message was lost (no ACK after the resends)', {
        code: 'lost', reason: 'lost',
      }));
    }
  });
  return outcomes;
}

function argsObject(args, name) {
  if (args === null || typeof args !== 'object') throw new TypeError(name + ' takes an object');
  return args;
}

function callApp(cb, code, p) {
  if (typeof cb === 'function') cb(code, p);
}

/** Adds `loginAsync` and `sendAsync` to IMClientManager's prototype; `makeFingerprint()` gives a fresh fp. */
export function mixMobileimsdkPromises(proto, makeFingerprint) {
  Object.defineProperty(proto, 'loginAsync', {
    writable: true,
    configurable: true,
    value(args, options) {
      try {
        const given = argsObject(args, 'loginAsync');
        const signal = signalOption(options);
        // Logins are not keyed: each call waits for its own callBack.
        const outcomes = outcomesOf(this);
        const { promise, entry } = outcomes.wait({}, signal);
        if (entry.settled) return promise;
        const appCallBack = given.callBack;
        try {
          this.login(Object.assign({}, given, {
            callBack: (code) => {
              try {
                callApp(appCallBack, code);
              } finally {
                if (code === 0) outcomes.resolve(entry, code);
                else outcomes.reject(entry, codeError('login', code));
              }
            },
          }));
        } catch (err) {
          outcomes.reject(entry, err);
        }
        return promise;
      } catch (err) {
        return Promise.reject(err);
      }
    },
  });
  Object.defineProperty(proto, 'sendAsync', {
    writable: true,
    configurable: true,
    value(args, options) {
      try {
        const given = argsObject(args, 'sendAsync');
        const signal = signalOption(options);
        const qos = given.Qos === undefined ? true : !!given.Qos;
        const fp = given.fingerPrint === undefined || given.fingerPrint === null ? makeFingerprint() : given.fingerPrint;
        const outcomes = outcomesOf(this);
        // Registered before the send, so an ACK however early finds it.
        const { promise, entry } = outcomes.wait(fp, signal);
        if (entry.settled) return promise;
        const appCallBack = given.callBack;
        try {
          this.send(Object.assign({}, given, {
            fingerPrint: fp,
            callBack: (code, p) => {
              try {
                callApp(appCallBack, code, p);
              } finally {
                entry.protocal = p;
                if (code !== 0) outcomes.reject(entry, codeError('send', code));
                else if (!qos) outcomes.resolve(entry, p);
              }
            },
          }));
        } catch (err) {
          outcomes.reject(entry, err);
        }
        return promise;
      } catch (err) {
        return Promise.reject(err);
      }
    },
  });
}
