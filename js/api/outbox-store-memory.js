// `outbox: 'memory'`: entries kept in this JS realm only (they survive a new
// instance or a stop/start, not a reload). Stores of the same name share
// their entries, as a persistent store would.

const realms = new Map();

/** The memory store named `name`. */
export function memoryStore(name) {
  let entries = realms.get(name);
  if (!entries) {
    entries = new Map();
    realms.set(name, entries);
  }
  return {
    kind: 'memory',
    load: () => Array.from(entries.values(), (e) => JSON.parse(e)),
    save(entry) {
      entries.set(entry.id, JSON.stringify(entry));
    },
    remove(id) {
      entries.delete(id);
    },
  };
}
