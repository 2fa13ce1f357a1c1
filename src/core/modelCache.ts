// The engine's agent models, built once per session state and options and shared by every view that asks
// (a Sessions row, the safety scan, the Cost view, the graph, a reader), within the model's heap budget.
import { lastSeq, mergeInputs, placeOf, readSession, readSessionAdded } from './agent/fromStore';
import { LiveSession } from './agent/liveSession';
import { normaliseSpan } from './agent/normalise';
import type { AgentStep, SessionOptions, SpanInput } from './agent';
import { ModelTooLargeError, budgetGeneration, modelHeapCheck, type HeapCheckOptions } from './modelBudget';
import type { SpanStore } from './store/spanStore';
import type { SessionSummary } from './store/types';

interface Refusal {
  error: ModelTooLargeError;
  /** performance.now() before which the answer stands, whatever changed. */
  until: number;
  /** Sessions went since: the heap they held may let it fit. */
  stale: boolean;
  /** The budget it was judged by (budgetGeneration). */
  generation: number;
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

  /** `budget`: the heap check's settings (tests give a heap of their own). */
  constructor(private readonly store: SpanStore, private readonly outdated: (sessionId: string) => void, private readonly budget: HeapCheckOptions = {}) {}

  /**
   * `fresh`: never the throttled answer (a debugger's breakpoints must see every step). Throws
   * ModelTooLargeError for a session whose model would not fit the heap, even with every model kept dropped.
   */
  of(sessionId: string, options: SessionOptions, fresh = false): BuiltModel {
    const summary = this.store.getSession(sessionId);
    // Tried again only once it shrank or other sessions went (a session that grew would only be larger), and
    // not at every ask: a live run at the store's caps evicts, and views ask each second.
    const refused = this.refused.get(sessionId);
    if (refused?.generation === budgetGeneration() && (performance.now() < refused.until || (!refused.stale && summary && summary.spanCount >= refused.error.spans))) throw refused.error;
    this.refused.delete(sessionId);
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      this.check = modelHeapCheck(summary?.name ?? sessionId, summary?.spanCount ?? 0, this.budget);
      try {
        return this.build(sessionId, options, fresh, summary);
      } catch (e) {
        if (!(e instanceof ModelTooLargeError)) throw e;
        // What the models kept held goes back to the heap (the store and the receiver keep working); they
        // took part of it (other sessions', or this one's before a whole rebuild), so without them this one
        // may fit: it is tried once more.
        const held = this.built.size > 0;
        this.built.clear();
        if (held && attempt === 0) continue;
        this.refused.set(sessionId, { error: e, until: performance.now() + Math.max(ModelCache.refusedMs, 4 * (performance.now() - started)), stale: false, generation: budgetGeneration() });
        throw e;
      } finally {
        this.check = () => undefined;
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

  private build(sessionId: string, options: SessionOptions, fresh: boolean, summary: SessionSummary | undefined): BuiltModel {
    const state = `${summary?.spanCount}/${summary?.logCount}`;
    const optionsKey = JSON.stringify(options);
    const hit = this.built.get(sessionId);
    if (hit?.options === optionsKey) {
      if (hit.state === state) return hit;
      const wait = hit.builtAt + hit.buildMs * ModelCache.idleFactor - performance.now();
      if (wait > 0 && !fresh) {
        if (!this.due.has(sessionId)) this.due.set(sessionId, setTimeout(() => (this.due.delete(sessionId), this.outdated(sessionId)), wait));
        return hit;
      }
    }
    const started = performance.now();
    // A live session that only grew reads just its new spans, and extends its steps by them.
    const grown = hit && summary && hit.logCount === summary.logCount && summary.spanCount > hit.inputs.length;
    const added = grown ? readSessionAdded(this.store, sessionId, hit.inputs, summary.spanCount, hit.seq) : undefined;
    const extend = added && hit?.options === optionsKey;
    const live = extend ? hit.live : new LiveSession(options, placeOf, this.normalise);
    const inputs = added && hit ? mergeInputs(hit.inputs, added) : readSession(this.store, sessionId, this.check);
    const model: BuiltModel = {
      state, options: optionsKey, logCount: summary?.logCount ?? 0, inputs, seq: added && hit ? Math.max(hit.seq, lastSeq(added)) : lastSeq(inputs), steps: live.update(inputs, extend ? added : inputs), live, builtAt: 0, buildMs: 0,
      derived: new Map<string, unknown>(),
    };
    model.builtAt = performance.now();
    model.buildMs = model.builtAt - started;
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

  dispose(): void {
    for (const timer of this.due.values()) clearTimeout(timer);
    this.due.clear();
  }
}
