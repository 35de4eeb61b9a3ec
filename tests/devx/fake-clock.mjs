// A fake clock for the Node suites of tests/devx: timers run in deadline
// order when the test advances time; Promise callbacks settle between them.

export class FakeClock {
  constructor() {
    this.now = 0;
    this._timers = [];
    this._seq = 0;
  }
  setTimer(fn, ms) {
    const t = { id: ++this._seq, at: this.now + Math.max(0, ms), fn };
    this._timers.push(t);
    return t.id;
  }
  clearTimer(id) {
    this._timers = this._timers.filter((t) => t.id !== id);
  }
  get pending() {
    return this._timers.length;
  }
  /** Runs every timer due up to `end`, in deadline order, letting Promises settle after each. */
  async runUntil(end) {
    await settle();
    for (;;) {
      this._timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = this._timers[0];
      if (!t || t.at > end) break;
      this._timers.shift();
      this.now = t.at;
      t.fn();
      await settle();
    }
    this.now = end;
  }
}

/** Lets queued Promise callbacks run (a few turns of the microtask queue). */
export async function settle() {
  for (let i = 0; i < 10; i++) await null;
}
