// The `outbox` option: 'memory' | 'indexeddb' | 'wx' | a custom adapter
// `{load, save, remove}`. An adapter stores plain JSON-able entries
// `{id, seq, kind, message, createdAt, expiresAt}`: `load()` gives all of
// them (any order, a Promise or an array), `save(entry)` writes one (by id),
// `remove(id)` deletes one; `save` and `remove` may return Promises, and
// the outbox treats an entry as persisted once `save`'s Promise resolves.

import { memoryStore } from './outbox-store-memory.js';
import { indexedDbStore } from './outbox-store-indexeddb.js';
import { wxStore } from './outbox-store-wx.js';

export const OUTBOX_KINDS = Object.freeze(['memory', 'indexeddb', 'wx']);

/** Throws unless `option` is absent, a known kind or an adapter object. */
export function checkOutboxOption(option) {
  if (option === undefined || option === null || option === false) return;
  if (typeof option === 'string') {
    if (!OUTBOX_KINDS.includes(option)) throw new TypeError("outbox must be 'memory', 'indexeddb', 'wx' or {load, save, remove}");
    return;
  }
  if (typeof option !== 'object') throw new TypeError("outbox must be 'memory', 'indexeddb', 'wx' or {load, save, remove}");
  for (const m of ['load', 'save', 'remove']) {
    if (typeof option[m] !== 'function') throw new TypeError('outbox.' + m + ' must be a function');
  }
}

/** The adapter for `option` under `name`, or null when the outbox is off. */
export function openOutboxStore(option, name) {
  checkOutboxOption(option);
  if (option === undefined || option === null || option === false) return null;
  if (option === 'memory') return memoryStore(name);
  if (option === 'indexeddb') return indexedDbStore(name);
  if (option === 'wx') return wxStore(name);
  return option;
}
