// Binary search over anything sorted: the model, the store and the safety checks each search sorted lists
// (steps by start, timeline events by time, a request's routed spans) and wrote the loop each time.

/**
 * The first index in [from, to) at which `before` is false (`to` if it holds everywhere). `before` must
 * hold on a prefix of the range and not after it (e.g. "sorts before the value sought"). O(log n).
 */
export function lowerBound(to: number, before: (index: number) => boolean, from = 0): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
