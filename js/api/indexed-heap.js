// A binary min-heap of objects that also removes any member in O(log n):
// each member keeps its position in the heap under the heap's own property
// name, so the outbox (./outbox.js) can order the same entries by send
// order, by back-off end and by expiry at once, and take one out of all three
// when it settles.

export class IndexedHeap {
  /**
   * `key(member)`: the number it is ordered by (it must not change while the
   * member is in the heap). `slot`: the property of each member that holds
   * its position here. `count(n)`: told of each move, so tests can count work.
   */
  constructor(key, slot, count) {
    this._key = key;
    this._slot = slot;
    this._count = count;
    this._items = [];
  }

  get size() {
    return this._items.length;
  }

  /** The least member, or undefined. */
  peek() {
    return this._items[0];
  }

  /** True when `member` is in this heap. */
  has(member) {
    return this._items[member[this._slot]] === member;
  }

  /** Adds `member` (once: a member already here stays where it is). */
  push(member) {
    if (this.has(member)) return;
    this._place(member, this._items.length);
    this._up(member);
  }

  /** Removes and returns the least member, or undefined. */
  pop() {
    const top = this._items[0];
    if (top) this.remove(top);
    return top;
  }

  /** Removes `member` if it is here. */
  remove(member) {
    if (!this.has(member)) return;
    const last = this._items.pop();
    if (last !== member) {
      this._place(last, member[this._slot]);
      this._up(last);
      this._down(last);
    }
    member[this._slot] = undefined;
  }

  _place(member, at) {
    this._items[at] = member;
    member[this._slot] = at;
    this._count(1);
  }

  // Moves `member` towards the root while it is less than its parent.
  _up(member) {
    for (let at = member[this._slot]; at > 0; ) {
      const parent = this._items[(at - 1) >> 1];
      if (this._key(member) >= this._key(parent)) break;
      this._place(parent, at);
      at = (at - 1) >> 1;
      this._place(member, at);
    }
  }

  // Moves `member` towards the leaves while a child is less than it.
  _down(member) {
    const items = this._items;
    for (let at = member[this._slot]; ; ) {
      let child = 2 * at + 1;
      if (child >= items.length) break;
      if (child + 1 < items.length && this._key(items[child + 1]) < this._key(items[child])) child++;
      if (this._key(items[child]) >= this._key(member)) break;
      this._place(items[child], at);
      at = child;
      this._place(member, at);
    }
  }
}
