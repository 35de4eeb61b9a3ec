// Host services for the classes over the engines (./engine/): clock, timers, randomness, error
// reporting and environment signals. Bare globals only (no window/self/
// globalThis assumptions), so the same file runs in browsers, Node, workers
// and WeChat mini-programs.

export function now() {
  return Date.now();
}

export function armTimer(callback, ms) {
  return setTimeout(callback, ms);
}

export function disarmTimer(id) {
  clearTimeout(id);
}

/**
 * A 53-bit engine seed. It keys the engine's hash tables (src/core/hash.rs),
 * so it comes from crypto.getRandomValues where the host has it (browsers,
 * Node); Math.random only where it has not (WeChat mini-programs).
 */
export function randomSeed() {
  const c = typeof globalThis !== 'undefined' ? globalThis.crypto : undefined;
  if (c && typeof c.getRandomValues === 'function') {
    try {
      const w = c.getRandomValues(new Uint32Array(2));
      return (w[0] & 0x1fffff) * 4294967296 + w[1];
    } catch (_) {
      // a host whose crypto refuses: fall through
    }
  }
  return Math.floor(Math.random() * 2097152) * 4294967296 + Math.floor(Math.random() * 4294967296);
}

/** Reports an error thrown by application code (an observer) without stopping the SDK. */
export function reportError(where, err) {
  try {
    if (typeof console !== 'undefined' && console.error) console.error('imsdk: ' + where + ' threw:', err);
  } catch (_) {
    // A console replaced by one that throws: the SDK must carry on regardless.
  }
}

export function warn(text) {
  try {
    if (typeof console !== 'undefined' && console.warn) console.warn('imsdk: ' + text);
  } catch (_) {
    // As above.
  }
}

/** True when running on an https: page (so the default GoBelieve URL uses wss://). */
export function pageIsSecure() {
  return typeof location !== 'undefined' && !!location && location.protocol === 'https:';
}

export const ENV_ONLINE = 1;
export const ENV_OFFLINE = 2;
export const ENV_VISIBLE = 3;
export const ENV_HIDDEN = 4;
export const ENV_APP_HIDE = 5;
export const ENV_APP_SHOW = 6;

/**
 * Calls `onSignal(kind)` on network and visibility changes: browser
 * online/offline/visibilitychange (page hidden/visible), or WeChat
 * onNetworkStatusChange/onAppShow/onAppHide (app hide/show: in a
 * mini-program the socket dies soon after hide, in a browser tab it does not). Returns a function that removes every listener.
 */
export function watchEnvironment(onSignal) {
  const undo = [];
  if (typeof wx !== 'undefined' && wx && typeof wx.onAppShow === 'function') {
    const show = () => onSignal(ENV_APP_SHOW);
    const hide = () => onSignal(ENV_APP_HIDE);
    const net = (res) => onSignal(res && res.isConnected === false ? ENV_OFFLINE : ENV_ONLINE);
    wx.onAppShow(show);
    if (wx.onAppHide) wx.onAppHide(hide);
    if (wx.onNetworkStatusChange) wx.onNetworkStatusChange(net);
    undo.push(() => {
      if (wx.offAppShow) wx.offAppShow(show);
      if (wx.offAppHide) wx.offAppHide(hide);
      if (wx.offNetworkStatusChange) wx.offNetworkStatusChange(net);
    });
  } else if (typeof window !== 'undefined' && window && typeof window.addEventListener === 'function') {
    const online = () => onSignal(ENV_ONLINE);
    const offline = () => onSignal(ENV_OFFLINE);
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    undo.push(() => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    });
    if (typeof document !== 'undefined' && document && document.addEventListener) {
      const vis = () => onSignal(document.visibilityState === 'hidden' ? ENV_HIDDEN : ENV_VISIBLE);
      document.addEventListener('visibilitychange', vis);
      undo.push(() => document.removeEventListener('visibilitychange', vis));
    }
  }
  return () => undo.splice(0).forEach((f) => f());
}
