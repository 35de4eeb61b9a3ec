// `outbox: 'wx'`: a WeChat mini-program's local storage (wx.setStorageSync),
// which is synchronous, so an entry is on storage when the send call returns.
// One key per entry (a key holds at most 1 MB) plus one index key listing
// the ids in send order; on load, an id whose entry is missing is dropped.

const PREFIX = 'imsdk-outbox:';

/** The wx store named `name`; `wxApi` defaults to the global `wx`. */
export function wxStore(name, wxApi) {
  const api = wxApi || (typeof wx !== 'undefined' ? wx : null);
  if (!api || typeof api.setStorageSync !== 'function') throw new TypeError("outbox 'wx' needs wx.setStorageSync (a WeChat mini-program)");
  const indexKey = PREFIX + name;
  const entryKey = (id) => PREFIX + name + ':' + id;
  const readIndex = () => {
    const v = api.getStorageSync(indexKey);
    return Array.isArray(v) ? v : [];
  };
  return {
    kind: 'wx',
    load() {
      const out = [];
      for (const id of readIndex()) {
        const raw = api.getStorageSync(entryKey(id));
        if (typeof raw === 'string' && raw !== '') out.push(JSON.parse(raw));
      }
      return out;
    },
    save(entry) {
      api.setStorageSync(entryKey(entry.id), JSON.stringify(entry));
      const ids = readIndex();
      if (!ids.includes(entry.id)) api.setStorageSync(indexKey, ids.concat([entry.id]));
    },
    remove(id) {
      api.setStorageSync(indexKey, readIndex().filter((x) => x !== id));
      api.removeStorageSync(entryKey(id));
    },
  };
}
