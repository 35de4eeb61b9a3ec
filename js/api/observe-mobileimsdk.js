// IMClientManager's callback groups, watched by the developer API: with one
// of its options the class hands the engine `wrapCallbackGroups(manager,
// options)` instead of the app's options. Each wrapped group answers every
// callback name, lets the outbox and the token provider follow the link
// (./mobileimsdk.js `onMobileimsdkEvent`), then looks the app's method up and
// runs it inside try/catch (a throw is reported through the instance's log).
// With the persisted outbox on, a lost message it will send again reaches
// neither `handleMessageLost` nor the `lost` event. (The events themselves
// come from the engine: ./mobileimsdk.js `attachEngine`.)

import { onMobileimsdkEvent, outboxLost } from './mobileimsdk.js';
import { weakRef } from './weak-ref.js';

/** Option name of each group, and its callbacks. */
const GROUPS = {
  chatBaseCB: ['onLoginOrReloginSuccessCB', 'onLoginOrReloginFailCB', 'onLinkCloseMessageCB', 'onKickoutCB'],
  chatTransDataCB: ['onTransBufferCB', 'onTransErrorCB'],
  messageQoSCB: ['messagesBeReceivedCB', 'handleMessageLost'],
};

/** The option names of the callback groups. */
export const CALLBACK_GROUPS = Object.freeze(Object.keys(GROUPS));

function callApp(manager, group, name, a) {
  try {
    // Reading the method runs app code too (a getter, a Proxy trap).
    const f = group !== null && group !== undefined ? group[name] : undefined;
    if (typeof f === 'function') f.call(group, a);
  } catch (err) {
    manager._log.error(name + ' threw:', err);
  }
}

/** What the wrappers of a collected manager report to: its log only. */
function quietManager(log) {
  return { _log: log, _api: null };
}

/**
 * The wrapper of group `groupName`. It holds the manager weakly (./weak-ref.js):
 * the engine holds the wrapper, so a released manager the app dropped can be
 * collected, its wasm object and memory with it.
 */
function wrapGroup(manager, groupName, original) {
  // A function of its own: no closure of the wrapper can capture `manager` (V8 shares one context per scope).
  return groupWrapper(weakRef(manager), quietManager(manager._log), groupName, original);
}

function groupWrapper(ref, quiet, groupName, original) {
  const wrapper = {};
  for (const name of GROUPS[groupName]) {
    wrapper[name] = (a) => {
      const manager = ref.deref() || quiet;
      if (name === 'handleMessageLost') {
        const list = outboxLost(manager, Array.isArray(a) ? a : []);
        if (list.length) callApp(manager, original, name, list);
        return;
      }
      onMobileimsdkEvent(manager, name, a);
      callApp(manager, original, name, a);
    };
  }
  return wrapper;
}

/** A copy of `options` whose callback groups are wrapped (the originals stay in `options`). */
export function wrapCallbackGroups(manager, options) {
  const copy = Object.assign({}, options);
  for (const g of CALLBACK_GROUPS) copy[g] = wrapGroup(manager, g, options ? options[g] : undefined);
  Object.defineProperty(manager, '_wrappedGroups', { value: copy, configurable: true });
  return copy;
}
