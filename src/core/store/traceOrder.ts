// Spans of concurrent traces arrive interleaved. A batch stores each trace's spans together (in arrival
// order within the trace), so that it writes one span run per trace rather than one per change of trace:
// with two traces taking turns span by span, a run per span stored 10.8-21 µs a span, grouped 5.8-6.9.

/**
 * Positions [from, end) in an order that puts each trace's spans together (traces in order of first
 * appearance, spans in their own order within a trace), or undefined when they already are together.
 */
export function groupedByTrace(traceOf: (i: number) => unknown, from: number, end: number): Int32Array | undefined {
  let seen: Set<unknown> | undefined;
  let last: unknown;
  let interleaved = false;
  for (let i = from; i < end; i++) {
    const t = traceOf(i);
    if (i > from && t === last) continue;
    if (seen?.has(t)) {
      interleaved = true;
      break;
    }
    (seen ??= new Set()).add((last = t));
  }
  if (!interleaved) return undefined;
  const members = new Map<unknown, number[]>();
  for (let i = from; i < end; i++) {
    const t = traceOf(i);
    const list = members.get(t);
    if (list) list.push(i);
    else members.set(t, [i]);
  }
  const order = new Int32Array(end - from);
  let n = 0;
  for (const list of members.values()) for (const i of list) order[n++] = i;
  return order;
}
