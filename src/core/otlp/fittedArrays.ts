// Arrays a model keeps, sized to what they hold. V8 gives an array its first push 17 slots (and grows by
// half plus 16): a span's one or two events, an event's one attribute, a step's dialects or a message list
// of one each kept ~130 bytes of room they never used, ~90 MB of a 100k-span agent model's ~230 MB, which
// the young generation also copied as they survived. A copy made by slice() has exactly its length.

/** `a` itself when empty or already big, else a copy with no room to grow. */
export function fitted<T>(a: T[]): T[] {
  return a.length === 0 || a.length > 16 ? a : a.slice();
}

/**
 * Appends `items` to `into`. `into.push(...items)` passes every item as an argument, on the stack: past
 * ~100k items it throws "Maximum call stack size exceeded" (a 1M-span session's graph edges did).
 */
export function pushAll<T>(into: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) into.push(items[i]!);
  return into;
}

/** What a decode appends to: an array, or a Collector. */
export interface Appendable<T> {
  readonly length: number;
  push(item: T): unknown;
}

/**
 * A reusable list for a decode that collects and then keeps a fitted copy: the 17-slot store of a fresh
 * array per span (garbage at once) is not made at all. It counts rather than setting its array's length to
 * 0, which would drop the store. Not for walks that nest into themselves.
 */
export class Collector<T> implements Appendable<T> {
  private items: T[] = [];
  length = 0;

  /** Empty, for the next collection (a throw mid-walk leaves items behind). */
  start(): this {
    this.length = 0;
    return this;
  }

  push(item: T): number {
    this.items[this.length] = item;
    return ++this.length;
  }

  /** What was collected, as a fitted array of its own (`empty` when nothing was). */
  take(empty: T[]): T[] {
    if (this.length === 0) return empty;
    const out = this.items.slice(0, this.length);
    this.length = 0;
    // A big one's items go with it rather than staying reachable from here.
    if (this.items.length > 64) this.items = [];
    return out;
  }
}
