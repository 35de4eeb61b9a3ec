// The persisted outbox (opt-in `outbox` option): messages are written to a
// store (./outbox-store.js) when the app sends them, transmitted in send order
// whenever the link is up and their write has committed, and removed when
// their outcome is known. A message sent while not connected waits here
// instead of being refused; entries left by an earlier run (a reload, an app
// kill) are restored by `open()` ahead of new ones.
//
// Every entry ends in exactly one outcome, reported once through `onSettled`
// and its `done` Promise:
// - acknowledged: `acknowledged(entry)`;
// - failed for good: `failed(entry, error, true)` (e.g. the server refused it);
// - expired: still unacknowledged `expiryMs` after it was first sent by the
//   app (IMError code 'expired'), checked while it waits and whenever a
//   retryable failure puts it back in the queue.
// A retryable failure (`failed(entry, error, false)`: link lost, ACK
// timeout, lost for want of an ACK) puts it back at its place in the queue:
// it goes out again on the next link, or, while the link stays up, after a
// back-off that doubles from RETRY_FIRST_MS to RETRY_MAX_MS (a server that
// drops messages to an offline receiver must not be hammered, nor the
// message left waiting for a reconnect that never comes). The queue holds at most
// `maxEntries`; one more is refused at once (IMError code 'outbox-full').
// `close()` (stop, logout, release) keeps the entries in the store and
// their Promises pending; the next `open()` of the same store restores them.
//
// Each add, transmit, outcome and timer costs O(log n) in the entries held:
// they are found by id and by the object handed to the link through Maps,
// and the ones not in flight wait in three heaps of ./indexed-heap.js (send
// order, back-off end, expiry), so a large `outboxMaxEntries` does not make
// every send walk the queue.

import { IMError } from './im-error.js';
import { IndexedHeap } from './indexed-heap.js';

export const OUTBOX_DEFAULTS = Object.freeze({ maxEntries: 1000, expiryMs: 24 * 60 * 60 * 1000 });
/** The first wait before a message that failed on a link still up is sent again, in ms. */
export const RETRY_FIRST_MS = 1000;
/** The longest such wait, in ms. */
export const RETRY_MAX_MS = 30000;

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A Promise nobody awaits must not become an unhandled rejection: the
  // outcome is also reported through the events.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function checkPositive(v, name, max) {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max)) {
    throw new RangeError(name + ' must be an integer from 1 to ' + max);
  }
}

/** Checks `outboxMaxEntries` / `outboxExpiry` (absent is fine). */
export function checkOutboxLimits(maxEntries, expiryMs) {
  if (maxEntries !== undefined) checkPositive(maxEntries, 'outboxMaxEntries', 1000000);
  if (expiryMs !== undefined) checkPositive(expiryMs, 'outboxExpiry', 365 * 24 * 60 * 60 * 1000);
}

export class Outbox {
  /**
   * `store`: an adapter of ./outbox-store.js. `options`: `transmit(entry)`
   * (hands `entry.message` to the link; true when accepted, false when not
   * connected), `onSettled(entry, error)` (error null when acknowledged),
   * `maxEntries`, `expiryMs`, `log`, and for tests `now()`,
   * `setTimer(fn, ms)` / `clearTimer(id)`.
   */
  constructor(store, options) {
    const o = options || {};
    checkOutboxLimits(o.maxEntries, o.expiryMs);
    this._store = store;
    this._transmit = o.transmit;
    this._onSettled = o.onSettled || (() => {});
    this.maxEntries = o.maxEntries || OUTBOX_DEFAULTS.maxEntries;
    this.expiryMs = o.expiryMs || OUTBOX_DEFAULTS.expiryMs;
    this._log = o.log || null;
    this._now = o.now || Date.now;
    this._setTimer = o.setTimer || ((fn, ms) => setTimeout(fn, ms));
    this._clearTimer = o.clearTimer || ((id) => clearTimeout(id));
    /** Heap moves and entries visited so far (tests count work instead of timing it). */
    this.work = 0;
    const count = (n) => {
      this.work += n;
    };
    /** Live entries by id, in send order. */
    this._entries = new Map();
    /** Transmitted entries by the object handed to the link (`entry.live`). */
    this._byLive = new Map();
    /** Entries to transmit, by send order (a `saving` one holds back those after it). */
    this._queue = new IndexedHeap((e) => e.rank, '_inQueue', count);
    /** Entries waiting out a back-off on a link that stayed up, by its end. */
    this._backoff = new IndexedHeap((e) => e.retryAt, '_inBackoff', count);
    /** Entries not in flight, by expiry (a transmitted one waits for its outcome instead). */
    this._expiry = new IndexedHeap((e) => e.record.expiresAt, '_inExpiry', count);
    this._lastSeq = 0;
    /** Send order: new entries count up from 0, restored ones are numbered below them. */
    this._lastRank = 0;
    /** The entry being handed to the link (its outcome may come before transmit returns). */
    this._transmitting = null;
    this._opened = false;
    this._opening = null;
    this._linkUp = false;
    this._timer = null;
    /** The deadline `_timer` is armed for. */
    this._timerAt = Infinity;
  }

  /** Entries not settled yet. */
  get size() {
    return this._entries.size;
  }

  /** The live entries, in send order (read-only use). */
  get entries() {
    return Array.from(this._entries.values());
  }

  /**
   * Loads the store once; resolves to the restored entries (each with
   * `done`), expired ones already settled. Sends made before it finishes
   * queue behind the restored ones.
   */
  open() {
    if (this._opening) return this._opening;
    this._opening = Promise.resolve()
      .then(() => this._store.load())
      .then((records) => {
        const now = this._now();
        const restored = (Array.isArray(records) ? records : [])
          .filter((r) => r && typeof r.id === 'string' && !this._entries.has(r.id))
          .sort((a, b) => a.seq - b.seq)
          .map((r) => this._entry(r, null, 'queued'));
        const later = this._entries;
        this._entries = new Map();
        for (const [i, e] of restored.entries()) {
          e.rank = i - restored.length;
          this._lastSeq = Math.max(this._lastSeq, e.record.seq);
          this._entries.set(e.id, e);
          this._wait(e);
        }
        for (const [id, e] of later) this._entries.set(id, e);
        this.work += restored.length + later.size;
        this._opened = true;
        for (const e of restored) if (e.record.expiresAt <= now) this._expire(e);
        this._arm();
        this._pump();
        return restored;
      }, (err) => {
        if (this._log) this._log.error('the outbox store could not be read; earlier messages are not restored', err);
        this._opened = true;
        this._pump();
        return [];
      });
    return this._opening;
  }

  /**
   * Queues `message` (JSON-able; `kind` names the send), writes it to the
   * store before returning, and transmits it when it can. `id` defaults to
   * a fresh one. Returns the entry (`entry.done` settles with its outcome).
   */
  add(kind, message, id, live) {
    if (this._entries.size >= this.maxEntries) {
      throw new IMError('imsdk: the outbox holds ' + this.maxEntries + ' messages already; this one was not queued', {
        code: 'outbox-full', reason: 'outbox-full',
      });
    }
    const now = this._now();
    const seq = Math.max(this._lastSeq + 1, now * 1000);
    this._lastSeq = seq;
    const record = { id: id || 'm' + seq.toString(36) + Math.floor(Math.random() * 1e9).toString(36), seq, kind,
      message, createdAt: now, expiresAt: now + this.expiryMs };
    const entry = this._entry(record, live || null, 'saving');
    entry.rank = ++this._lastRank;
    this._entries.set(entry.id, entry);
    this._wait(entry);
    let saving;
    try {
      saving = Promise.resolve(this._store.save(record));
    } catch (err) {
      saving = Promise.reject(err);
    }
    saving.then(() => {
      entry.durable = true;
    }, (err) => {
      // Not on storage: it is still sent from memory (better than not at all).
      if (this._log) this._log.warn('the outbox store could not write a message; it is sent but would not survive a reload', err);
    }).then(() => {
      if (entry.state === 'saving') entry.state = 'queued';
      this._pump();
    });
    this._arm();
    return entry;
  }

  /** The link is up (authenticated / logged in): transmits what waits, in order. */
  linkUp() {
    this._linkUp = true;
    // A new link is a fresh chance: what waited out a back-off goes now.
    for (let e = this._backoff.pop(); e !== undefined; e = this._backoff.pop()) {
      e.retryAt = 0;
      this._queue.push(e);
    }
    this._pump();
  }

  /** The link is down: nothing is transmitted until `linkUp()`. */
  linkDown() {
    this._linkUp = false;
  }

  /** The entry transmitted as `live` (the object handed to the link), or null. */
  byLive(live) {
    const t = this._transmitting;
    return this._byLive.get(live) || (t && t.live === live ? t : null);
  }

  /** The entry of `id`, or null. */
  byId(id) {
    return this._entries.get(id) || null;
  }

  acknowledged(entry) {
    this._settle(entry, null);
  }

  /** A failure of the transmitted `entry`: for good when `final`, else it waits for the next link. */
  failed(entry, error, final) {
    if (!entry || entry.settledWith !== undefined) return;
    if (final) {
      this._settle(entry, error);
      return;
    }
    if (entry.record.expiresAt <= this._now()) {
      this._expire(entry);
      return;
    }
    this._unindexLive(entry);
    entry.live = null;
    entry.state = 'queued';
    entry.tries += 1;
    entry.retryAt = this._now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(entry.tries - 1, 20));
    this._queue.remove(entry);
    this._backoff.push(entry);
    this._expiry.push(entry);
    this._arm();
  }

  /** Stops transmitting and the expiry timer; the entries stay in the store for the next `open()`. */
  close() {
    this._linkUp = false;
    if (this._timer !== null) this._clearTimer(this._timer);
    this._timer = null;
  }

  _entry(record, live, state) {
    const d = deferred();
    return {
      id: record.id, record, live, state, durable: state !== 'saving', done: d.promise, _d: d, settledWith: undefined,
      // Failed tries on links that stayed up, and when the next may go (0: now).
      tries: 0, retryAt: 0,
      // Its place in the send order (set by add and open); the heaps add their positions.
      rank: 0,
    };
  }

  /** `entry` waits to be transmitted (and can expire meanwhile). */
  _wait(entry) {
    this._queue.push(entry);
    this._expiry.push(entry);
  }

  _unindexLive(entry) {
    if (this._byLive.get(entry.live) === entry) this._byLive.delete(entry.live);
  }

  _pump() {
    // Not again from inside a transmit (an event of the link): the outer pump goes on.
    if (!this._opened || !this._linkUp || this._transmitting) return;
    const now = this._now();
    // Back-offs that are over join the queue at their place in the send order.
    while (this._backoff.size && this._backoff.peek().retryAt <= now) this._queue.push(this._backoff.pop());
    while (this._queue.size) {
      const e = this._queue.peek();
      this.work += 1;
      if (e.settledWith !== undefined) {
        this._queue.pop(); // cannot happen (settling takes it out); never loops on it
        continue;
      }
      if (e.state === 'saving') return; // keeps the order: later entries wait for this write
      let accepted;
      this._transmitting = e;
      try {
        accepted = this._transmit(e);
      } catch (err) {
        this._settle(e, err);
        continue;
      } finally {
        this._transmitting = null;
      }
      // Its outcome came during transmit (settled, or put back by a failure).
      if (e.settledWith !== undefined || !this._queue.has(e)) continue;
      if (!accepted) {
        this._linkUp = false;
        return;
      }
      this._queue.remove(e);
      this._expiry.remove(e);
      e.state = 'sent';
      if (e.live) this._byLive.set(e.live, e);
    }
  }

  _expire(entry) {
    this._settle(entry, new IMError('imsdk: the message was not acknowledged within outboxExpiry (' + this.expiryMs + ' ms)', {
      code: 'expired', reason: 'expired',
    }));
  }

  _settle(entry, error) {
    if (!entry || entry.settledWith !== undefined) return;
    entry.settledWith = error;
    if (this._entries.get(entry.id) === entry) this._entries.delete(entry.id);
    this._queue.remove(entry);
    this._backoff.remove(entry);
    this._expiry.remove(entry);
    this._unindexLive(entry);
    try {
      Promise.resolve(this._store.remove(entry.id)).catch((err) => {
        if (this._log) this._log.warn('the outbox store could not remove a settled message (it may be sent again after a reload)', err);
      });
    } catch (err) {
      if (this._log) this._log.warn('the outbox store could not remove a settled message', err);
    }
    if (error) entry._d.reject(error);
    else entry._d.resolve(entry.live || entry.record.message);
    this._onSettled(entry, error);
    this._arm();
  }

  /** Arms one timer at the earliest expiry of an entry not in flight, or end of a back-off while the link is up. */
  _arm() {
    let first = this._expiry.size ? this._expiry.peek().record.expiresAt : Infinity;
    if (this._linkUp && this._backoff.size) first = Math.min(first, this._backoff.peek().retryAt);
    // Most adds and outcomes leave the earliest deadline where it was: the timer armed for it stays.
    if (this._timer !== null && first === this._timerAt) return;
    if (this._timer !== null) this._clearTimer(this._timer);
    this._timer = null;
    this._timerAt = first;
    if (first === Infinity) return;
    const now = this._now();
    this._timer = this._setTimer(() => {
      this._timer = null;
      const now = this._now();
      while (this._expiry.size && this._expiry.peek().record.expiresAt <= now) this._expire(this._expiry.pop());
      this._pump();
      this._arm();
    }, Math.max(0, first - now));
  }
}
