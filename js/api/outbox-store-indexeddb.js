// `outbox: 'indexeddb'`: the browser's IndexedDB, one database per outbox
// name with one object store keyed by entry id. A write is issued (its
// transaction created) before the send call returns and commits
// asynchronously; the outbox transmits an entry only after its write has
// committed, so whatever reached the server is on disk until acknowledged.

const DB_PREFIX = 'imsdk-outbox:';
const STORE = 'entries';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('IndexedDB transaction aborted'));
  });
}

/** The IndexedDB store named `name`; `factory` defaults to the global `indexedDB`. */
export function indexedDbStore(name, factory) {
  const idb = factory || (typeof indexedDB !== 'undefined' ? indexedDB : null);
  if (!idb || typeof idb.open !== 'function') throw new TypeError("outbox 'indexeddb' needs IndexedDB (a browser)");
  let opened = null;
  const db = () => {
    if (!opened) {
      const req = idb.open(DB_PREFIX + name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
      opened = request(req);
    }
    return opened;
  };
  const write = (f) => db().then((d) => {
    const tx = d.transaction(STORE, 'readwrite');
    f(tx.objectStore(STORE));
    return done(tx);
  });
  return {
    kind: 'indexeddb',
    load: () => db().then((d) => request(d.transaction(STORE, 'readonly').objectStore(STORE).getAll())),
    save: (entry) => write((s) => s.put(entry)),
    remove: (id) => write((s) => s.delete(id)),
    /** Closes the connection (tests; a page normally keeps it until unload). */
    close: () => (opened ? opened.then((d) => d.close()) : Promise.resolve()),
  };
}
