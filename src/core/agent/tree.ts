// Parent links between steps. Span ids are unique per trace, so (trace id, span id) is the key.
import type { AgentStep } from './types';
import { lowerBound } from '../lowerBound';
import { runWhole, yieldsAt } from '../../protocol/work';

export function stepKey(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}

/** Parent links as indices into `steps` (-1: a root, or a parent that is not in the session). */
export function parentIndices(steps: readonly Pick<AgentStep, 'id' | 'traceId' | 'parentSpanId'>[]): Int32Array {
  return parentLinks(steps).parents;
}

/** parentIndices as work that yields every few thousand steps (work.ts: the engine worker cuts a 1M-step session's). */
export function* parentIndicesWork(steps: readonly Pick<AgentStep, 'id' | 'traceId' | 'parentSpanId'>[]): Generator<void, Int32Array> {
  return (yield* parentLinksWork(steps)).parents;
}

/**
 * parentIndices, and whether every step's (trace id, span id) is its own. Only then are the links the same
 * whatever the steps' order (a duplicated id is the parent at its last place), so that they can be reordered
 * with the steps rather than found again.
 */
export function parentLinks(steps: readonly Pick<AgentStep, 'id' | 'traceId' | 'parentSpanId'>[]): { parents: Int32Array; unique: boolean } {
  return runWhole(parentLinksWork(steps));
}

function* parentLinksWork(steps: readonly Pick<AgentStep, 'id' | 'traceId' | 'parentSpanId'>[]): Generator<void, { parents: Int32Array; unique: boolean }> {
  // By trace, then span id: the ids' own strings are the keys (no key string made per step).
  const byTrace = new Map<string, Map<string, number>>();
  let trace: Map<string, number> | undefined;
  let traceId: string | undefined;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.traceId !== traceId) {
      traceId = s.traceId;
      trace = byTrace.get(traceId);
      if (!trace) byTrace.set(traceId, (trace = new Map()));
    }
    trace!.set(s.id, i);
    if (yieldsAt(i)) yield;
  }
  let keys = 0;
  for (const ids of byTrace.values()) keys += ids.size;
  const out = new Int32Array(steps.length).fill(-1);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.parentSpanId !== undefined) out[i] = byTrace.get(s.traceId)?.get(s.parentSpanId) ?? -1;
    if (yieldsAt(i)) yield;
  }
  return { parents: out, unique: keys === steps.length };
}

/** The first index in `list` (ascending by step start) whose step starts at or after `timeMs`. */
export function firstStartingAtOrAfter(steps: readonly AgentStep[], list: readonly number[], timeMs: number): number | undefined {
  const lo = lowerBound(list.length, (i) => steps[list[i]].startMs < timeMs);
  return lo < list.length ? list[lo] : undefined;
}

/** (span id, trace id) pairs, by span id then trace: no key string made of both per step. */
export class SpanSet {
  private readonly traces = new Map<string, string | string[]>();

  add(spanId: string, traceId: string): void {
    const known = this.traces.get(spanId);
    if (known === undefined) this.traces.set(spanId, traceId);
    else if (typeof known === 'string') {
      if (known !== traceId) this.traces.set(spanId, [known, traceId]);
    } else if (!known.includes(traceId)) known.push(traceId);
  }

  has(spanId: string, traceId: string): boolean {
    const known = this.traces.get(spanId);
    return known === traceId || (Array.isArray(known) && known.includes(traceId));
  }
}
