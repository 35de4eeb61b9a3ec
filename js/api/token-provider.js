// The `getToken: () => Promise<string>` option of both classes. The class
// asks for a token (a) before its first connect when none is set and (b)
// after the server refused one: the first refusal asks again at once, each
// further consecutive refusal (or failed `getToken`) waits a back-off delay
// first. A successful authentication resets the count. At most one call is in
// flight, and at most one call follows each refusal, so an auth server that
// keeps refusing sees a bounded trickle, never a storm.
//
// The back-off has the same base and cap as the class's reconnects
// (IMService `reconnectDelay` / `reconnectMaxDelay`, MobileIMSDK
// `reloginInterval` and 60 s) and doubles the same way, with "equal" jitter:
// the n-th delay is drawn from [c/2, c] where c = min(cap, base * 2^(n-1)).
// The lower half is kept (unlike the reconnect's full jitter) so that the
// bound on calls holds for any random draw: the app's auth server is not
// protected by the IM server's own limits.

/** The largest doubling exponent (2^20 * base is past any sensible cap). */
const MAX_SHIFT = 20;

export function checkGetToken(getToken) {
  if (getToken !== undefined && getToken !== null && typeof getToken !== 'function') {
    throw new TypeError('getToken must be a function returning a Promise of a string');
  }
}

export class TokenProvider {
  /**
   * `getToken`: the app's function. `options`: `baseMs` and `capMs` (the
   * class's back-off, required), `log`, and for tests `random` (0..1),
   * `setTimer(fn, ms)` / `clearTimer(id)`.
   */
  constructor(getToken, options) {
    checkGetToken(getToken);
    const o = options;
    if (!(o.baseMs > 0 && o.capMs > 0)) throw new RangeError('imsdk: a token back-off needs baseMs and capMs');
    this._getToken = getToken;
    this.baseMs = o.baseMs;
    this.capMs = o.capMs;
    this._random = o.random || Math.random;
    this._setTimer = o.setTimer || ((fn, ms) => setTimeout(fn, ms));
    this._clearTimer = o.clearTimer || ((id) => clearTimeout(id));
    this._log = o.log || null;
    this._failures = 0;
    this._timer = null;
    this._inFlight = false;
    this._generation = 0;
    /** Calls of `getToken` so far (diagnostics and tests). */
    this.calls = 0;
  }

  /** The ceiling of the `k`-th delay (k = 1, 2, ...) of a run of refusals: min(cap, base * 2^(k-1)). */
  ceiling(k) {
    const shift = Math.min(Math.max(k - 1, 0), MAX_SHIFT);
    return Math.min(this.capMs, this.baseMs * 2 ** shift);
  }

  /** Asks now, unless a call is in flight or scheduled; `apply(token)` gets the result. */
  obtain(apply) {
    if (this._inFlight || this._timer !== null) return;
    this._call(apply);
  }

  /** The server refused the token: asks again at once the first time, else after the back-off. */
  refused(apply) {
    this._failures++;
    if (this._inFlight || this._timer !== null) return;
    if (this._failures === 1) {
      this._call(apply);
      return;
    }
    this._schedule(apply);
  }

  /** The server accepted a token: the next refusal asks at once again. */
  accepted() {
    this._failures = 0;
  }

  /** Stops any scheduled call and ignores the answer of one in flight (stop, logout, release). */
  cancel() {
    this._generation++;
    this._inFlight = false;
    if (this._timer !== null) this._clearTimer(this._timer);
    this._timer = null;
  }

  _schedule(apply) {
    // The first refusal asked at once, so the k-th delay follows refusal k + 1.
    const c = this.ceiling(this._failures - 1);
    const delay = Math.round(c / 2 + this._random() * (c / 2));
    const generation = this._generation;
    this._timer = this._setTimer(() => {
      this._timer = null;
      if (generation === this._generation) this._call(apply);
    }, delay);
  }

  _call(apply) {
    const generation = this._generation;
    this._inFlight = true;
    this.calls++;
    let pending;
    try {
      pending = Promise.resolve(this._getToken());
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then((token) => {
      if (generation !== this._generation) return;
      this._inFlight = false;
      if (typeof token !== 'string' || token === '') {
        this._failed(apply, new TypeError('getToken resolved to ' + (token === '' ? 'an empty string' : typeof token) + ', not a token'));
        return;
      }
      apply(token);
    }, (err) => {
      if (generation !== this._generation) return;
      this._inFlight = false;
      this._failed(apply, err);
    });
  }

  _failed(apply, err) {
    this._failures++;
    if (this._log) this._log.warn('getToken failed; asking again after a back-off', err);
    this._schedule(apply);
  }
}
