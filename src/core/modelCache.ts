// The engine's agent models, built once per session state and options and shared by every view that asks
// (a Sessions row, the safety scan, the Cost view, the graph, a reader), within the model's heap budget.
import { lastSeq, mergeInputs, placeOf, readSession, readSessionAdded, readSessionSliced } from './agent/fromStore';
import { LiveSession } from './agent/liveSession';
import { normaliseSpan } from './agent/normalise';
import type { AgentStep, SessionOptions, SpanInput } from './agent';
import { ModelTooLargeError, budgetGeneration, modelHeapCheck, type HeapCheckOptions } from './modelBudget';
import type { SpanStore } from './store/spanStore';
import type { SessionSummary } from './store/types';
import { runSliced, runWhole, TimeSlices } from './timeSlices';

interface Refusal {
  error: ModelTooLargeError;
  /** performance.now() before which the answer stands, whatever changed. */
  until: number;
  /** Sessions went since: the heap they held may let it fit. */
  stale: boolean;
  /** The budget it was judged by (budgetGeneration). */
  generation: number;
}

/** See ModelCache.part. */
export interface ModelPart<T, P> {
  of(model: BuiltModel, p: P): T;
  sliced(model: BuiltModel, p: P): Promise<T>;
}

export interface BuiltModel {
  state: string;
  options: string;
  logCount: number;
  inputs: SpanInput[];
  /** The newest of them, by ingest order. */
  seq: number;
  steps: AgentStep[];
  /** Extends the steps by the spans the session gains (shared with the model built after this one). */
  live: LiveSession;
  builtAt: number;
  /** Building it and what was derived from it (findings, reports): what a rebuild costs. */
  buildMs: number;
  derived: Map<string, unknown>;
}

/**
 * The last models built, per session state and options: a Sessions row, the safety scan, the Cost view and
 * a reader share one build. A growing session is rebuilt at most once per twice its build time: this
 * thread also stores, and a flood must not spend it all on models. A stale answer schedules a change
 * notice for when a rebuild is due, so the views ask again and end current.
 */
export class ModelCache {
  private readonly built = new Map<string, BuiltModel>();
  private readonly due = new Map<string, NodeJS.Timeout>();
  private static readonly kept = 4;
  private static readonly idleFactor = 2;

  /** Sessions whose model did not fit the heap: asked again, they give the same answer at once (see of). */
  private readonly refused = new Map<string, Refusal>();
  /** A refused model is not tried again sooner than this, nor than four times what the try took. */
  private static readonly refusedMs = 5000;
  /** The heap budget of the build under way (models' steps are normalised through it). */
  private check: () => void = () => undefined;
  private readonly normalise = (input: SpanInput): AgentStep => (this.check(), normaliseSpan(input));
  /** The prepare under way (see prepare). */
  private preparing: Promise<void> = Promise.resolve();

  /** `budget`: the heap check's settings (tests give a heap of their own); `sliceMs`: prepare's slices (TimeSlices). */
  constructor(private readonly store: SpanStore, private readonly outdated: (sessionId: string) => void, private readonly budget: HeapCheckOptions = {}, private readonly sliceMs?: number) {}

  /**
   * `fresh`: never the throttled answer (a debugger's breakpoints must see every step). Throws
   * ModelTooLargeError for a session whose model would not fit the heap, even with every model kept dropped.
   */
  of(sessionId: string, options: SessionOptions, fresh = false): BuiltModel {
    const summary = this.store.getSession(sessionId);
    const refused = this.refusal(sessionId, summary);
    if (refused) throw refused;
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const check = modelHeapCheck(summary?.name ?? sessionId, summary?.spanCount ?? 0, this.budget);
        return this.within(check, () => this.current(sessionId, options, fresh, summary) ?? this.keep(sessionId, this.whole(sessionId, options, summary)));
      } catch (e) {
        if (!this.retries(e, sessionId, attempt, started)) throw e;
      }
    }
  }

  /** `build` with steps normalised through the heap budget `check` (a live model's later updates too: see normalise). */
  private within<T>(check: () => void, build: () => T): T {
    this.check = check;
    try {
      return build();
    } finally {
      this.check = () => undefined;
    }
  }

  /**
   * What `of` would build whole, built a slice at a time (TimeSlices): awaited before `of` by the engine's
   * requests, so that a first build of a large session never holds the worker's thread (which serves the
   * receiver) for long. One build at a time. A refusal is kept for `of` to throw; a session changed under
   * the read (a span removed or moved) is read again, and after that left to `of`.
   */
  prepare(sessionId: string, options: SessionOptions, fresh = false): Promise<void> {
    // A model kept (or extended by a few spans) answers at once: it does not wait behind another session's build.
    if (this.answersNow(sessionId, options, fresh)) return Promise.resolve();
    const next = this.preparing.then(() => this.prepareNow(sessionId, options, fresh));
    this.preparing = next.catch(() => undefined);
    return next;
  }

  /** Whether `of` answers without a whole build: no such session, a refusal that stands, or current(). */
  private answersNow(sessionId: string, options: SessionOptions, fresh: boolean): boolean {
    const summary = this.store.getSession(sessionId);
    if (!summary || this.refusal(sessionId, summary)) return true;
    try {
      return this.within(modelHeapCheck(summary.name, summary.spanCount, this.budget), () => this.current(sessionId, options, fresh, summary)) !== undefined;
    } catch (e) {
      // Too large to extend: prepareNow frees the models kept and tries again.
      if (e instanceof ModelTooLargeError) return false;
      throw e;
    }
  }

  private async prepareNow(sessionId: string, options: SessionOptions, fresh: boolean): Promise<void> {
    const started = performance.now();
    for (let attempt = 0, changed = 0; changed < 2; attempt++) {
      // Asked again: another build may have made this one's (or a refusal `of` gives) while it waited.
      if (this.answersNow(sessionId, options, fresh)) return;
      const summary = this.store.getSession(sessionId)!;
      try {
        const model = await this.wholeSliced(sessionId, options, summary, modelHeapCheck(summary.name, summary.spanCount, this.budget));
        if (!model) {
          changed++;
          continue;
        }
        // A build `of` made meanwhile (a request that did not wait for this one) is newer: it stays.
        const kept = this.built.get(sessionId);
        if (!(kept?.options === model.options && kept.builtAt > started)) this.keep(sessionId, model);
        return;
      } catch (e) {
        if (!(e instanceof ModelTooLargeError)) throw e;
        if (!this.retries(e, sessionId, attempt, started)) return;
      }
    }
  }

  /** The sessions whose models are kept, oldest first. */
  kept(): string[] {
    return [...this.built.keys()];
  }

  /** Sessions were deleted or evicted: the heap they held is free, so a refused model may fit now. */
  forgetRefusals(): void {
    for (const r of this.refused.values()) r.stale = true;
  }

  /**
   * The refusal that still stands for the session: tried again only once it shrank or other sessions went (a
   * session that grew would only be larger), and not at every ask (a live run at the store's caps evicts, and
   * views ask each second).
   */
  private refusal(sessionId: string, summary: SessionSummary | undefined): ModelTooLargeError | undefined {
    const refused = this.refused.get(sessionId);
    if (refused?.generation === budgetGeneration() && (performance.now() < refused.until || (!refused.stale && summary && summary.spanCount >= refused.error.spans))) return refused.error;
    this.refused.delete(sessionId);
    return undefined;
  }

  /**
   * After `e` in a build: true to try once more (what the models kept held goes back to the heap; they took
   * part of it, so without them this one may fit). Otherwise a ModelTooLargeError is kept as the refusal.
   */
  private retries(e: unknown, sessionId: string, attempt: number, started: number): boolean {
    if (!(e instanceof ModelTooLargeError)) return false;
    const held = this.built.size > 0;
    this.built.clear();
    if (held && attempt === 0) return true;
    this.refused.set(sessionId, { error: e, until: performance.now() + Math.max(ModelCache.refusedMs, 4 * (performance.now() - started)), stale: false, generation: budgetGeneration() });
    return false;
  }

  /** The kept model as it stands (current, or throttled), or extended by the spans the session gained; undefined: build it whole. */
  private current(sessionId: string, options: SessionOptions, fresh: boolean, summary: SessionSummary | undefined): BuiltModel | undefined {
    const state = `${summary?.spanCount}/${summary?.logCount}`;
    const optionsKey = JSON.stringify(options);
    const hit = this.built.get(sessionId);
    if (hit?.options !== optionsKey) return undefined;
    if (hit.state === state) return hit;
    const wait = hit.builtAt + hit.buildMs * ModelCache.idleFactor - performance.now();
    if (wait > 0 && !fresh) {
      if (!this.due.has(sessionId)) this.due.set(sessionId, setTimeout(() => (this.due.delete(sessionId), this.outdated(sessionId)), wait));
      return hit;
    }
    // A live session that only grew reads just its new spans, and extends its steps by them.
    const started = performance.now();
    const grown = summary && hit.logCount === summary.logCount && summary.spanCount > hit.inputs.length;
    const added = grown ? readSessionAdded(this.store, sessionId, hit.inputs, summary.spanCount, hit.seq) : undefined;
    if (!added || !summary) return undefined;
    const inputs = mergeInputs(hit.inputs, added);
    const model = this.model(state, optionsKey, summary.logCount, inputs, Math.max(hit.seq, lastSeq(added)), hit.live.update(inputs, added), hit.live);
    model.buildMs = model.builtAt - started;
    return this.keep(sessionId, model);
  }

  private whole(sessionId: string, options: SessionOptions, summary: SessionSummary | undefined): BuiltModel {
    const started = performance.now();
    const live = new LiveSession(options, placeOf, this.normalise);
    const inputs = readSession(this.store, sessionId, this.check);
    const model = this.model(`${summary?.spanCount}/${summary?.logCount}`, JSON.stringify(options), summary?.logCount ?? 0, inputs, lastSeq(inputs), live.update(inputs, inputs), live);
    model.buildMs = model.builtAt - started;
    return model;
  }

  /**
   * `whole`, a slice at a time: its read, and its live model's first update (LiveSession.updateSliced).
   * undefined when the session changed under the read.
   */
  private async wholeSliced(sessionId: string, options: SessionOptions, summary: SessionSummary, check: () => void): Promise<BuiltModel | undefined> {
    const slices = new TimeSlices(this.sliceMs);
    const read = await readSessionSliced(this.store, sessionId, slices, check);
    if (!read) return undefined;
    const { inputs } = read;
    let building = true;
    // Its later updates normalise through the budget `of` sets.
    const live = new LiveSession(options, placeOf, (input) => (building ? (check(), normaliseSpan(input)) : this.normalise(input)));
    const steps = await live.updateSliced(inputs, inputs, slices);
    building = false;
    const model = this.model(`${read.spanCount}/${summary.logCount}`, JSON.stringify(options), summary.logCount, inputs, lastSeq(inputs), steps, live);
    // What it cost this thread, not the time it took among other work: the throttle's measure.
    model.buildMs = slices.busyMs();
    return model;
  }

  private model(state: string, options: string, logCount: number, inputs: SpanInput[], seq: number, steps: AgentStep[], live: LiveSession): BuiltModel {
    return { state, options, logCount, inputs, seq, steps, live, builtAt: performance.now(), buildMs: 0, derived: new Map<string, unknown>() };
  }

  private keep(sessionId: string, model: BuiltModel): BuiltModel {
    this.built.delete(sessionId);
    this.built.set(sessionId, model);
    // Oldest first in a Map: drop beyond the few sessions being looked at.
    for (const id of this.built.keys()) if (this.built.size > ModelCache.kept) this.built.delete(id);
    return model;
  }

  /** `compute` over a model, once per model and key (the safety scan is as costly as the build). */
  derive<T>(model: BuiltModel, key: string, compute: () => T): T {
    if (model.derived.has(key)) return model.derived.get(key) as T;
    const started = performance.now();
    const value = compute();
    model.buildMs += performance.now() - started;
    model.derived.set(key, value);
    return value;
  }

  /**
   * A part derived from a model once per key, from one generator (timeSlices.ts): `of` makes it in one go for a
   * request that reads it now, `sliced` a slice at a time ahead of the request (a part of deriveParts).
   */
  part<T, P = unknown>(key: (p: P) => string, work: (model: BuiltModel, p: P) => Generator<void, T>): ModelPart<T, P> {
    return {
      of: (model, p) => this.derive(model, key(p), () => runWhole(work(model, p))),
      sliced: (model, p) => this.deriveSliced(model, key(p), (slices) => runSliced(work(model, p), slices)),
    };
  }

  /** derive, for work done a slice at a time (TimeSlices): what it cost this thread counts, not the pauses. */
  async deriveSliced<T>(model: BuiltModel, key: string, compute: (slices: TimeSlices) => Promise<T>): Promise<T> {
    if (model.derived.has(key)) return model.derived.get(key) as T;
    const slices = new TimeSlices(this.sliceMs);
    const value = await compute(slices);
    // Made meanwhile by a request that did not wait: the same value.
    if (model.derived.has(key)) return model.derived.get(key) as T;
    model.buildMs += slices.busyMs();
    model.derived.set(key, value);
    return value;
  }

  dispose(): void {
    for (const timer of this.due.values()) clearTimeout(timer);
    this.due.clear();
  }
}
