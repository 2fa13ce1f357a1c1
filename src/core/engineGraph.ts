// The trace graph's side of the engine worker: one GraphFeed per open graph panel, fed from the worker's
// models, so the host only relays the packed snapshot (as JSON text) and never holds a session's steps.
// Detail, windows, search and "the one step" are answered from the session the feed last sent, so an
// index means the same step on both sides.
import type { GraphFeedAnswer, GraphStepAnswer } from '../protocol/engine';
import type { StepDetailDto, StepSummaryDto } from '../protocol/graph';
import type { AgentSession, AgentStep, SessionOptions, SpanInput } from './agent';
import { GraphFeed, type FeedInputs } from './agent/graphDto';
import { packedJson, packingJson } from '../protocol/graphPacking';
import { StepSearch, type SearchResult } from './search/stepSearch';
import type { SessionSummary } from './store/types';
import { runSliced, runWhole, TimeSlices } from './timeSlices';

/** What the graph needs of the engine's model cache. */
export interface GraphModels {
  session(sessionId: string, options: SessionOptions, fresh: boolean): ({ session: AgentSession; inputs: readonly SpanInput[] } & FeedInputs) | undefined;
  summary(sessionId: string): SessionSummary | undefined;
}

interface OpenFeed {
  sessionId: string;
  feed: GraphFeed;
  /** The session as the feed last sent it: indices in detail, window and search mean its steps. */
  session: AgentSession;
  inputs: readonly SpanInput[];
  search?: StepSearch;
  raw?: Map<string, SpanInput>;
}

/** A step by span id, or ('' id) by feed index. */
interface StepName {
  id: string;
  index?: number;
}

function idOf(open: OpenFeed, named: StepName): string | undefined {
  return named.id || (named.index === undefined ? undefined : open.feed.idAt(named.index));
}

export class GraphFeeds {
  private readonly open = new Map<string, OpenFeed>();
  /** Panels are few (one at a time today); a host that never closed its feeds leaks no more than this. */
  private static readonly kept = 4;

  constructor(private readonly models: GraphModels) {}

  /** A full snapshot for panel `feedId` (a new feed: indices start over). */
  snapshot(feedId: string, sessionId: string, options: SessionOptions): GraphFeedAnswer | undefined {
    return runWhole(this.snapshotting(feedId, sessionId, options));
  }

  /** snapshot, the event loop served between its passes whenever `slices` says (the worker also serves the receiver). */
  snapshotSliced(feedId: string, sessionId: string, options: SessionOptions, slices = new TimeSlices()): Promise<GraphFeedAnswer | undefined> {
    return runSliced(this.snapshotting(feedId, sessionId, options), slices);
  }

  private *snapshotting(feedId: string, sessionId: string, options: SessionOptions): Generator<void, GraphFeedAnswer | undefined> {
    // The session the feed showed is let go first: a large one must not hold the heap while the next is built.
    this.open.delete(feedId);
    const summary = this.models.summary(sessionId);
    const built = summary && this.models.session(sessionId, options, true);
    if (!summary || !built) return undefined;
    const feed = new GraphFeed({ id: summary.id, name: summary.name, live: summary.live });
    const dto = yield* feed.packingSnapshot(built.session, built);
    yield;
    const json = yield* packingJson(dto);
    this.open.set(feedId, { sessionId, feed, session: built.session, inputs: built.inputs });
    for (const id of this.open.keys()) if (this.open.size > GraphFeeds.kept) this.open.delete(id);
    return { kind: 'snapshot', json, steps: built.session.steps.length };
  }

  /** What changed since the feed's last answer; a snapshot when the feed is unknown (a restarted worker). */
  delta(feedId: string, sessionId: string, options: SessionOptions): GraphFeedAnswer | undefined {
    const open = this.open.get(feedId);
    if (open?.sessionId !== sessionId) return this.snapshot(feedId, sessionId, options);
    const summary = this.models.summary(sessionId);
    let built;
    try {
      built = summary && this.models.session(sessionId, options, false);
    } catch (e) {
      // It no longer fits (a live run grew): the session the feed showed goes too; the panel asks a snapshot next.
      this.open.delete(feedId);
      throw e;
    }
    if (!summary || !built) return undefined;
    open.feed.setInfo({ id: summary.id, name: summary.name, live: summary.live });
    const delta = open.feed.packedDelta(built.session, built);
    if (built.session !== open.session) {
      open.session = built.session;
      open.inputs = built.inputs;
      open.search = undefined;
      open.raw = undefined;
    }
    return delta && { kind: 'delta', json: packedJson(delta), steps: built.session.steps.length };
  }

  detail(feedId: string, named: StepName, cursor: number): (GraphStepAnswer & { detail: StepDetailDto }) | undefined {
    const open = this.open.get(feedId);
    const id = open && idOf(open, named);
    if (!open || !id) return undefined;
    const raw = this.rawOf(open).get(id);
    const detail = open.feed.stepDetail(open.session, id, cursor, raw);
    const step = open.session.steps.find((s) => s.id === id);
    return detail && step && { detail, ...this.stepAnswer(open.session, step, raw) };
  }

  /** The steps and spans a feed last sent (its session's run), if it shows `sessionId` when that is given. */
  runOf(feedId: string | undefined, sessionId?: string): { sessionId: string; steps: readonly AgentStep[]; inputs: readonly SpanInput[] } | undefined {
    const open = feedId === undefined ? undefined : this.open.get(feedId);
    return open && (sessionId === undefined || open.sessionId === sessionId) ? { sessionId: open.sessionId, steps: open.session.steps, inputs: open.inputs } : undefined;
  }

  window(feedId: string, from: number, to: number): StepSummaryDto[] | undefined {
    const open = this.open.get(feedId);
    return open && open.feed.window(open.session, from, to);
  }

  search(feedId: string, query: string): (SearchResult & { indices: number[] }) | undefined {
    const open = this.open.get(feedId);
    if (!open) return undefined;
    open.search ??= new StepSearch(open.session.steps, open.inputs);
    const found = open.search.find(query);
    return { ...found, indices: open.feed.indicesOf(found.ids) };
  }

  indices(feedId: string, ids: readonly string[]): number[] {
    return this.open.get(feedId)?.feed.indicesOf(ids) ?? [];
  }

  /** One step of the session the feed shows (or, with no feed, of the session as the model has it now). */
  step(feedId: string | undefined, sessionId: string, named: StepName, options: SessionOptions): GraphStepAnswer | undefined {
    const open = feedId === undefined ? undefined : this.open.get(feedId);
    const shown = open?.sessionId === sessionId ? { session: open.session, raw: this.rawOf(open) } : undefined;
    const stepId = open && shown ? idOf(open, named) : named.id;
    const built = shown ? undefined : this.models.session(sessionId, options, true);
    const session = shown?.session ?? built?.session;
    const step = session?.steps.find((s) => s.id === stepId);
    if (!session || !step) return undefined;
    const raw = shown ? shown.raw.get(step.id) : built?.inputs.find((i) => i.span.spanId === step.id);
    return this.stepAnswer(session, step, raw);
  }

  close(feedId: string): void {
    this.open.delete(feedId);
  }

  private stepAnswer(session: AgentSession, step: AgentStep, raw: SpanInput | undefined): GraphStepAnswer {
    const llmOrdinal = step.kind === 'llm' ? session.steps.filter((s) => s.kind === 'llm').indexOf(step) + 1 : 0;
    return raw ? { step, input: raw, llmOrdinal } : { step, llmOrdinal };
  }

  private rawOf(open: OpenFeed): Map<string, SpanInput> {
    return (open.raw ??= new Map(open.inputs.map((i) => [i.span.spanId, i])));
  }
}
