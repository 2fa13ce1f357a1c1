// A live session's steps, extended by the spans it gains instead of rebuilt. What relates steps (parents,
// framework rules, aggregates, agent names, tool arguments, dataflow) stays within a trace, so only the
// traces that gained spans are normalised again, and merged into the rest in time order; ties are settled
// with each trace's links, kept. The gateway merge matches calls across traces by time: a session with
// gateway steps is rebuilt whole. Whatever path, `steps` is exactly what normaliseSession gives.
import { orderedSteps, relateSteps, type SessionOptions } from './session';
import { dataflowLinks } from './graph';
import { mergesAcrossTraces } from './gatewayMerge';
import { normaliseSpan } from './normalise';
import { settleTie } from './order';
import { parentIndices } from './tree';
import type { AgentStep, SpanInput } from './types';
import { pushAll } from '../otlp/fittedArrays';

/** An input's place in the session: by start, then arrival (readSession's order). */
export interface InputOrder {
  startMs: number;
  seq: number;
}

/** What sorts a step among the others: start, depth (parents first), then its input's place. */
interface Place {
  startMs: number;
  depth: number;
  input: InputOrder;
}

export class LiveSession {
  /** Per trace id (as on the steps): its inputs, in the session's order. */
  private readonly traces = new Map<string, SpanInput[]>();
  /** Per trace id: its steps now. */
  private readonly traceSteps = new Map<string, AgentStep[]>();
  private readonly places = new WeakMap<AgentStep, Place>();
  /** Per step: the steps of its trace that must come before it when they start in the same millisecond. */
  private readonly links = new WeakMap<AgentStep, AgentStep[]>();
  /** Steps sorted by start, depth and arrival, before ties are settled. */
  private sorted: AgentStep[] = [];
  private whole = false;
  steps: AgentStep[] = [];
  /** How the last change was made: by the traces that grew, or whole. */
  lastUpdate: 'traces' | 'whole' = 'whole';

  /**
   * `orderOf`: an input's place (readSession's order); the inputs given are in that order. `normalise`:
   * normaliseSpan, or a wrapper around it (the engine's heap budget, which may throw).
   */
  constructor(
    private readonly options: SessionOptions,
    private readonly orderOf: (input: SpanInput) => InputOrder,
    private readonly normalise: (input: SpanInput) => AgentStep = normaliseSpan,
  ) {}

  /** The session's inputs, in order; `added` (also in order) are what is new since the last call. */
  update(inputs: readonly SpanInput[], added: readonly SpanInput[]): AgentStep[] {
    const grown = new Map<string, SpanInput[]>();
    for (const input of added) {
      const id = traceIdOf(input);
      const list = this.traces.get(id);
      if (list) list.push(input);
      else this.traces.set(id, [input]);
      grown.set(id, this.traces.get(id)!);
    }
    if (this.whole) return this.rebuild(inputs);
    let fresh: AgentStep[] = [];
    const freshPlaces: Place[] = [];
    /** The grown traces' steps before. */
    const gone: AgentStep[] = [];
    for (const [id, list] of grown) {
      // Inputs arrive in order within a batch, not across batches: the trace's inputs in the session's order.
      if (list.length > 1) list.sort((a, b) => compareInputs(this.orderOf(a), this.orderOf(b)));
      const normalised = list.map(this.normalise);
      if (normalised.some(mergesAcrossTraces)) {
        this.whole = true;
        return this.rebuild(inputs);
      }
      const inputOf = new Map(normalised.map((s, k) => [s, list[k]]));
      // Steps a framework rule folds away are left out here; the others are the normalised objects.
      const { steps, depth } = relateSteps(normalised, this.options);
      const places = steps.map((s, i) => ({ startMs: s.startMs, depth: depth[i], input: this.orderOf(inputOf.get(s)!) }));
      steps.forEach((s, i) => this.places.set(s, places[i]));
      const order = placeOrder(places);
      const ordered = order.map((i) => steps[i]!);
      this.linkTies(ordered);
      for (const i of order) {
        fresh.push(steps[i]!);
        freshPlaces.push(places[i]!);
      }
      pushAll(gone, this.traceSteps.get(id) ?? []);
      this.traceSteps.set(id, ordered);
    }
    fresh = placeOrder(freshPlaces).map((i) => fresh[i]!);
    // A tie is settled again only where a step came or went: its millisecond is "dirty".
    const dirty = new Set<number>();
    for (const s of fresh) dirty.add(s.startMs);
    for (const s of gone) dirty.add(s.startMs);
    this.sorted = this.replace(gone, fresh);
    this.steps = this.settle(dirty);
    this.lastUpdate = 'traces';
    return this.steps;
  }

  /**
   * The sorted steps with ties settled: the steps as settled before, with each dirty millisecond's steps
   * replaced by that millisecond's sorted steps, settled (settling only moves steps within their millisecond).
   */
  private settle(dirty: Set<number>): AgentStep[] {
    const before = this.steps;
    const sorted = this.sorted;
    if (before.length === 0) return this.settleAll();
    const out = new Array<AgentStep>(sorted.length);
    let k = 0;
    let from = 0;
    for (const time of [...dirty].sort((x, y) => x - y)) {
      const [a, b] = rangeOf(before, time);
      const [c, d] = rangeOf(sorted, time);
      while (from < a) out[k++] = before[from++];
      for (const s of d - c === 1 ? [sorted[c]] : settleTie(sorted.slice(c, d), (s) => this.links.get(s))) out[k++] = s;
      from = b;
    }
    while (from < before.length) out[k++] = before[from++];
    return out;
  }

  /** Every millisecond's steps settled (the first build). */
  private settleAll(): AgentStep[] {
    const sorted = this.sorted;
    const out: AgentStep[] = [];
    for (let start = 0; start < sorted.length; ) {
      let end = start + 1;
      while (end < sorted.length && sorted[end].startMs === sorted[start].startMs) end++;
      if (end - start === 1) out.push(sorted[start]);
      else for (const s of settleTie(sorted.slice(start, end), (s) => this.links.get(s))) out.push(s);
      start = end;
    }
    return out;
  }

  private rebuild(inputs: readonly SpanInput[]): AgentStep[] {
    this.lastUpdate = 'whole';
    this.steps = orderedSteps(inputs.map(this.normalise), this.options).steps;
    return this.steps;
  }

  /** The sorted steps without `gone`, with `fresh` (sorted) in their places: found by binary search, then one copy. */
  private replace(gone: AgentStep[], fresh: AgentStep[]): AgentStep[] {
    const sorted = this.sorted;
    const removed = gone.map((s) => this.indexOf(s)).sort((a, b) => a - b);
    if (removed.some((i) => i < 0)) {
      // Not found where its place says (cannot happen while places and the list agree): the long way.
      const goneSet = new Set(gone);
      return merge(sorted.filter((s) => !goneSet.has(s)), fresh, (a, b) => this.compare(a, b));
    }
    const at = fresh.map((s) => this.lowerBound(s));
    const out = new Array<AgentStep>(sorted.length - removed.length + fresh.length);
    let k = 0;
    let r = 0;
    let f = 0;
    for (let i = 0; i <= sorted.length; i++) {
      while (f < fresh.length && at[f] === i) out[k++] = fresh[f++];
      if (i === sorted.length) break;
      if (r < removed.length && removed[r] === i) r++;
      else out[k++] = sorted[i];
    }
    return out;
  }

  /** The first index in the sorted steps whose step sorts after `s` (or equal to it). */
  private lowerBound(s: AgentStep): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.sorted[mid], s) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where a step of the sorted list is, -1 if not there. */
  private indexOf(s: AgentStep): number {
    for (let i = this.lowerBound(s); i < this.sorted.length && this.compare(this.sorted[i], s) === 0; i++) if (this.sorted[i] === s) return i;
    return -1;
  }

  private compare(a: AgentStep, b: AgentStep): number {
    const pa = this.places.get(a)!;
    const pb = this.places.get(b)!;
    return pa.startMs - pb.startMs || pa.depth - pb.depth || compareInputs(pa.input, pb.input);
  }

  /** A trace's links between steps of one millisecond, as settleTies finds them (its steps in sorted order). */
  private linkTies(ordered: AgentStep[]): void {
    const add = (from: AgentStep, to: AgentStep) => {
      if (from.startMs !== to.startMs || from === to) return;
      const list = this.links.get(to);
      if (list) list.push(from);
      else this.links.set(to, [from]);
    };
    for (const [from, to] of dataflowLinks(ordered)) add(ordered[from], ordered[to]);
    parentIndices(ordered).forEach((p, i) => p >= 0 && add(ordered[p], ordered[i]));
  }
}

/**
 * Indices of `places` in the order LiveSession.compare gives their steps: the keys read once into typed
 * arrays, not from the places map twice a comparison (a first build of 100k steps made ~1.7M comparisons).
 */
function placeOrder(places: readonly Place[]): number[] {
  const n = places.length;
  const start = new Float64Array(n);
  const depth = new Float64Array(n);
  const inputStart = new Float64Array(n);
  const seq = new Float64Array(n);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const p = places[i]!;
    start[i] = p.startMs;
    depth[i] = p.depth;
    inputStart[i] = p.input.startMs;
    seq[i] = p.input.seq;
    order[i] = i;
  }
  return order.sort((a, b) => start[a]! - start[b]! || depth[a]! - depth[b]! || inputStart[a]! - inputStart[b]! || seq[a]! - seq[b]!);
}

/** The steps of one millisecond in a list sorted by start: [first, end). */
function rangeOf(steps: readonly AgentStep[], time: number): [number, number] {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid].startMs < time) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < steps.length && steps[end].startMs === time) end++;
  return [lo, end];
}

function compareInputs(a: InputOrder, b: InputOrder): number {
  return a.startMs - b.startMs || a.seq - b.seq;
}

function traceIdOf(input: SpanInput): string {
  const id = input.span.traceId;
  return typeof id === 'string' ? id.toLowerCase() : '';
}

function merge<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): T[] {
  const out = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compare(b[j], a[i]) < 0 ? b[j++] : a[i++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}
