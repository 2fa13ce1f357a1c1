// A live session's steps, extended by the spans it gains instead of rebuilt. What relates steps (parents,
// framework rules, aggregates, agent names, tool arguments, dataflow) stays within a trace, so only the
// traces that gained spans are related again, and merged into the rest in time order; ties are settled
// with each trace's links, kept. A trace that may grow (a long run is one trace) keeps its steps as
// normalised, and of it only the parts its new spans join by parent links are related again
// (traceParts.ts); its dataflow, which orders steps of one millisecond, is extended (traceFlows.ts). The
// gateway merge matches calls across traces by time: a session with gateway steps is rebuilt whole.
// Whatever path, `steps` is exactly what normaliseSession gives.
import { orderedSteps, relateSteps, type SessionOptions } from './session';
import { dataflowLinks } from './dataflow';
import { TraceFlows, type StepLink } from './traceFlows';
import { mergesAcrossTraces } from './gatewayMerge';
import { copyOfStep, hexId, normaliseSpan } from './normalise';
import { settleTie } from './order';
import { parentIndices } from './tree';
import type { AgentStep, SpanInput } from './types';
import { pushAll } from '../otlp/fittedArrays';
import { isRoot, relatesAcrossParts, TraceParts } from './traceParts';
import { anyMixed, startCounts, tally, tie, type StartCount } from './sameMillisecond';
import { compareInputs, merge, placeOrder, rangeOf, type InputOrder, type Place } from './livePlaces';
import { lowerBound } from '../lowerBound';
import { runSliced, runWhole, type TimeSlices } from '../timeSlices';

/** What a live update changes: the steps that come (with their places) and the steps they replace. */
interface Change {
  fresh: AgentStep[];
  freshPlaces: Place[];
  gone: AgentStep[];
  /** Traces whose dataflow links are found again, over the steps of the update. */
  reflow: Set<string>;
  /** Milliseconds whose steps' ties changed though no step there came or went. */
  retied: number[];
}

/** A trace modelled by parts (traceParts.ts), with its steps counted by start millisecond. */
interface PartedTrace {
  parts: TraceParts;
  starts: Map<number, StartCount>;
  /** Its dataflow, kept to be extended by steps that come after its others (traceFlows.ts). */
  flows?: TraceFlows;
}

export class LiveSession {
  /** Per trace id (as on the steps): its inputs, in the session's order (a parted trace's: in arrival order). */
  private readonly traces = new Map<string, SpanInput[]>();
  /** Per trace id: its steps now (a trace modelled by parts has them in its parts instead). */
  private readonly traceSteps = new Map<string, AgentStep[]>();
  /** Traces modelled by parts: a live update relates only the parts that gained spans. */
  private readonly parted = new Map<string, PartedTrace>();
  private readonly places = new WeakMap<AgentStep, Place>();
  /**
   * Per input of a trace that may grow again (one without its root yet, or one that grew: a long run is one
   * trace that grows with every export), its step as normaliseSpan made it, before relating changed it.
   * Relating copies of these, the trace's next growth normalises only its new inputs (without them, 512 new
   * spans on a 30k-span trace were all 30k read and parsed again: ~1 s, as long as a whole build). Traces
   * whole at their first sight keep none.
   */
  private readonly pristine = new WeakMap<SpanInput, AgentStep>();
  /**
   * Per step: the steps of its trace that must come before it when they start in the same millisecond, by
   * dataflow (an LLM call and its tool; matched over the whole trace) and as its parent (within its part).
   */
  private readonly flows = new WeakMap<AgentStep, AgentStep[]>();
  private readonly parentLinks = new WeakMap<AgentStep, AgentStep[]>();
  /** Both, in the order settling has always read them (the dataflow ones first). */
  private readonly linksOf = (s: AgentStep): readonly AgentStep[] | undefined => {
    const flows = this.flows.get(s);
    const parent = this.parentLinks.get(s);
    return flows && parent ? [...flows, ...parent] : (flows ?? parent);
  };
  /** Steps sorted by start, depth and arrival, before ties are settled. */
  private sorted: AgentStep[] = [];
  private whole = false;
  steps: AgentStep[] = [];
  /** How the last change was made: by the traces that grew, or whole. */
  lastUpdate: 'traces' | 'whole' = 'whole';
  /** Steps the last update related (made again): what it cost beyond its new spans. */
  related = 0;

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
    return runWhole(this.updating(inputs, added));
  }

  /**
   * update, with the event loop served at its yields whenever `slices` says (a large session's first build).
   * Nothing else may update this model meanwhile: its state is half made between yields.
   */
  updateSliced(inputs: readonly SpanInput[], added: readonly SpanInput[], slices: TimeSlices): Promise<AgentStep[]> {
    return runSliced(this.updating(inputs, added), slices);
  }

  /** update's work, yielding after each trace it relates, and within a trace between its passes. */
  private *updating(inputs: readonly SpanInput[], added: readonly SpanInput[]): Generator<void, AgentStep[]> {
    /** Per trace that grew: its new inputs. */
    const grown = new Map<string, SpanInput[]>();
    for (const input of added) {
      const id = traceIdOf(input);
      const list = this.traces.get(id);
      if (list) list.push(input);
      else this.traces.set(id, [input]);
      const news = grown.get(id);
      if (news) news.push(input);
      else grown.set(id, [input]);
    }
    if (this.whole) return this.rebuild(inputs);
    const change: Change = { fresh: [], freshPlaces: [], gone: [], reflow: new Set(), retied: [] };
    this.related = 0;
    for (const [id, news] of grown) {
      const parted = this.parted.get(id);
      let done = parted ? this.updateParts(id, parted, news, change) : 'trace';
      if (done === 'trace') done = yield* this.updateTrace(id, change);
      if (done === 'whole') {
        this.whole = true;
        return this.rebuild(inputs);
      }
      yield;
    }
    const { fresh: unordered, freshPlaces, gone } = change;
    const fresh = placeOrder(freshPlaces).map((i) => unordered[i]!);
    yield;
    // A tie is settled again only where a step came or went: its millisecond is "dirty".
    const dirty = new Set<number>();
    for (const s of fresh) dirty.add(s.startMs);
    for (const s of gone) dirty.add(s.startMs);
    for (const ms of change.retied) dirty.add(ms);
    this.sorted = this.replace(gone, fresh);
    yield;
    for (const id of change.reflow) {
      const ordered = this.sorted.filter((s) => s.traceId === id);
      const before = ordered.map((s) => this.flows.get(s));
      for (const s of ordered) this.flows.delete(s);
      const { links, flows } = TraceFlows.of(ordered);
      this.tieFlows(links);
      const parted = this.parted.get(id);
      if (parted) parted.flows = flows;
      // A step elsewhere in the trace can change a tie's link (a tool's result read by id from now on).
      ordered.forEach((s, i) => sameSteps(before[i], this.flows.get(s)) || dirty.add(s.startMs));
    }
    this.steps = this.settle(dirty);
    this.lastUpdate = 'traces';
    return this.steps;
  }

  /**
   * A trace that grew, related whole (its inputs normalised, or copied from what normalising gave them
   * before): its steps all replaced. Modelled by parts from now on when it keeps its normalised steps and
   * nothing in it relates across parts. 'whole': the session must be rebuilt whole (gateway steps).
   */
  private *updateTrace(id: string, change: Change): Generator<void, 'done' | 'whole'> {
    const list = this.traces.get(id)!;
    // Inputs arrive in order within a batch, not across batches: the trace's inputs in the session's order.
    if (list.length > 1) list.sort(this.byOrder);
    const keep = this.traceSteps.has(id) || this.parted.has(id) || !list.some(isRoot);
    // (A long run's first build is one trace: its normalising is cut, and its passes are slices of their own.)
    const normalise = keep ? this.pristineCopy : this.normalise;
    const normalised = new Array<AgentStep>(list.length);
    for (let i = 0; i < list.length; i++) {
      normalised[i] = normalise(list[i]!);
      if ((i & 255) === 255) yield;
    }
    if (normalised.some(mergesAcrossTraces)) return 'whole';
    yield;
    pushAll(change.gone, this.traceSteps.get(id) ?? this.parted.get(id)?.parts.steps() ?? []);
    const split = keep && !normalised.some(relatesAcrossParts) ? TraceParts.of(list) : undefined;
    const { steps, places } = this.relateAndPlace(normalised, list, split);
    this.parted.delete(id);
    this.traceSteps.delete(id);
    const order = placeOrder(places);
    const ordered = order.map((i) => steps[i]!);
    yield;
    // A trace that may grow keeps its dataflow, which its next steps extend.
    const { links, flows } = split ? TraceFlows.of(ordered) : { links: undefined, flows: undefined };
    if (links) this.tieFlows(links);
    else this.linkFlows(ordered);
    yield;
    this.linkParents(ordered);
    for (const i of order) {
      change.fresh.push(steps[i]!);
      change.freshPlaces.push(places[i]!);
    }
    if (!split) this.traceSteps.set(id, ordered);
    else this.parted.set(id, { parts: split, starts: startCounts(steps), flows });
    return 'done';
  }

  /**
   * A trace modelled by parts that gained `news`: only the parts they are in are related again. 'trace':
   * the trace must be related whole instead (a span id repeats, or a step relates across parts).
   */
  private updateParts(traceId: string, trace: PartedTrace, news: SpanInput[], change: Change): 'done' | 'whole' | 'trace' {
    const touched = trace.parts.add(news);
    if (!touched) return 'trace';
    const inputs: SpanInput[] = [];
    const before: AgentStep[] = [];
    for (const part of touched) {
      pushAll(inputs, part.inputs);
      pushAll(before, part.steps);
    }
    inputs.sort(this.byOrder);
    const normalised = inputs.map(this.pristineCopy);
    if (normalised.some(mergesAcrossTraces)) return 'whole';
    // (The parts keep their steps: relating the trace whole replaces them all.)
    if (normalised.some(relatesAcrossParts)) return 'trace';
    for (const part of touched) part.steps = [];
    const { steps, places } = this.relateAndPlace(normalised, inputs, trace.parts);
    for (const s of before) tally(trace.starts, s, -1);
    for (const s of steps) tally(trace.starts, s, 1);
    const order = placeOrder(places);
    const ordered = order.map((i) => steps[i]!);
    // Ties are settled with links between steps of one millisecond: a parent's, found within the parts, and
    // dataflow between an LLM call and a tool, which is matched over the whole trace: extended by steps that
    // come after the trace's others, else found again over all of it (a step anywhere can change which call a
    // tool took or which step read it) unless no millisecond of the trace holds both an LLM call and a tool.
    this.linkParents(ordered);
    if (!this.extendFlows(trace, before, ordered, change) && anyMixed(trace.starts)) change.reflow.add(traceId);
    for (const i of order) {
      change.fresh.push(steps[i]!);
      change.freshPlaces.push(places[i]!);
    }
    pushAll(change.gone, before);
    return 'done';
  }

  /**
   * relateSteps of `normalised` (normalised from `inputs`, in the session's order), each step placed and,
   * when the trace is modelled by `parts`, kept in its part.
   */
  private relateAndPlace(normalised: AgentStep[], inputs: readonly SpanInput[], parts: TraceParts | undefined): { steps: AgentStep[]; places: Place[] } {
    // Steps a framework rule folds away are left out here; the others are the normalised objects, in order.
    const { steps, depth } = relateSteps(normalised, this.options);
    this.related += normalised.length;
    let k = 0;
    const places = steps.map((s, i): Place => {
      while (normalised[k] !== s) k++;
      const place = { startMs: s.startMs, depth: depth[i]!, input: this.orderOf(inputs[k]!) };
      this.places.set(s, place);
      parts?.partOfInput(inputs[k]!).steps.push(s);
      return place;
    });
    return { steps, places };
  }

  private readonly byOrder = (a: SpanInput, b: SpanInput): number => compareInputs(this.orderOf(a), this.orderOf(b));

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
      for (const s of d - c === 1 ? [sorted[c]] : settleTie(sorted.slice(c, d), this.linksOf)) out[k++] = s;
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
      else for (const s of settleTie(sorted.slice(start, end), this.linksOf)) out.push(s);
      start = end;
    }
    return out;
  }

  /** A copy of the input's normalised step (normalised now the first time): relating sets only its own fields. */
  private readonly pristineCopy = (input: SpanInput): AgentStep => {
    let step = this.pristine.get(input);
    if (step === undefined) this.pristine.set(input, (step = this.normalise(input)));
    return copyOfStep(step);
  };

  private rebuild(inputs: readonly SpanInput[]): AgentStep[] {
    this.lastUpdate = 'whole';
    this.related = inputs.length;
    this.steps = orderedSteps(inputs.map(this.normalise), this.options).steps;
    return this.steps;
  }

  /** The sorted steps without `gone`, with `fresh` (sorted) in their places: found by binary search, then one copy. */
  private replace(gone: AgentStep[], fresh: AgentStep[]): AgentStep[] {
    const sorted = this.sorted;
    // Many gone (a long trace that grew: most of the session): one pass and a merge beat a search for each.
    const removed = gone.length * 16 > sorted.length ? [-1] : gone.map((s) => this.indexOf(s)).sort((a, b) => a - b);
    if (removed.some((i) => i < 0)) {
      // Or not found where its place says (cannot happen while places and the list agree).
      const goneSet = new Set(gone);
      return merge(sorted.filter((s) => !goneSet.has(s)), fresh, (a, b) => this.compare(a, b));
    }
    const at = fresh.map((s) => this.placeFor(s));
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
  private placeFor(s: AgentStep): number {
    return lowerBound(this.sorted.length, (i) => this.compare(this.sorted[i], s) < 0);
  }

  /** Where a step of the sorted list is, -1 if not there. */
  private indexOf(s: AgentStep): number {
    for (let i = this.placeFor(s); i < this.sorted.length && this.compare(this.sorted[i], s) === 0; i++) if (this.sorted[i] === s) return i;
    return -1;
  }

  private compare(a: AgentStep, b: AgentStep): number {
    const pa = this.places.get(a)!;
    const pb = this.places.get(b)!;
    return pa.startMs - pb.startMs || pa.depth - pb.depth || compareInputs(pa.input, pb.input);
  }

  /** Dataflow links between steps of one millisecond, as settleTies finds them (a trace's steps, in sorted order). */
  private linkFlows(ordered: AgentStep[]): void {
    for (const [from, to] of dataflowLinks(ordered)) tie(this.flows, ordered[from]!, ordered[to]!);
  }

  private tieFlows(links: readonly StepLink[]): void {
    for (const [from, to] of links) tie(this.flows, from, to);
  }

  /**
   * A parted trace's new steps (`fresh`, in order) linked from its kept dataflow, when they replace none of
   * its steps and all come after them: the ties they make, and those of the old steps of the millisecond
   * they join, tied again. false when the trace must be linked whole (its kept dataflow is then dropped).
   */
  private extendFlows(trace: PartedTrace, gone: readonly AgentStep[], fresh: readonly AgentStep[], change: Change): boolean {
    const last = trace.flows?.last;
    const extended = gone.length === 0 && (!last || fresh.length === 0 || this.compare(last, fresh[0]!) < 0) ? trace.flows?.extend(fresh) : undefined;
    if (!extended) {
      trace.flows = undefined;
      return false;
    }
    for (const s of extended.relinked) this.flows.delete(s);
    this.tieFlows(extended.links);
    pushAll(change.retied, extended.changedMs);
    return true;
  }

  /** Parent links between steps of one millisecond (steps in sorted order, each with its parent if it is in the trace). */
  private linkParents(ordered: AgentStep[]): void {
    parentIndices(ordered).forEach((p, i) => p >= 0 && tie(this.parentLinks, ordered[p]!, ordered[i]!));
  }
}

/** Two lists of steps with the same members (ties as linked in another order). */
function sameSteps(a: readonly AgentStep[] | undefined, b: readonly AgentStep[] | undefined): boolean {
  return (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((s) => b!.includes(s));
}

/** As the steps' trace ids are. */
const traceIdOf = (input: SpanInput): string => hexId(input.span.traceId);
