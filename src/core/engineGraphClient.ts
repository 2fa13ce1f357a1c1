// The engine client's graph requests: one feed per open graph panel, its snapshot, deltas, step detail,
// windows and search built in the worker (engineGraph.ts), so the host thread never holds a session's steps.
import type { EngineMethod, GraphFeedAnswer, GraphStepAnswer, ParamsOf, ResultOf } from '../protocol/engine';
import type { StepDetailDto, StepSummaryDto } from '../protocol/graph';
import type { SessionOptions } from './agent';
import { plain } from './plainData';

type Call = <M extends EngineMethod>(method: M, params: ParamsOf<M>) => Promise<ResultOf<M>>;

export class EngineGraphClient {
  constructor(private readonly call: Call) {}

  /** A graph panel's snapshot (packed JSON text, built in the worker) for a new feed; undefined: no such session. */
  snapshot(feed: string, sessionId: string, options: SessionOptions): Promise<GraphFeedAnswer | undefined> {
    return this.call('graphSnapshot', { feed, sessionId, options: plain(options) });
  }

  /** The feed's delta (a snapshot if the worker lost the feed); undefined when nothing changed. */
  delta(feed: string, sessionId: string, options: SessionOptions): Promise<GraphFeedAnswer | undefined> {
    return this.call('graphDelta', { feed, sessionId, options: plain(options) });
  }

  /** `index` names the step when `id` is '' (a webview sent no ids). */
  stepDetail(feed: string, id: string, cursor: number, index?: number): Promise<(GraphStepAnswer & { detail: StepDetailDto }) | undefined> {
    return this.call('graphStepDetail', { feed, id, cursor, ...(index === undefined ? {} : { index }) });
  }

  window(feed: string, from: number, to: number): Promise<StepSummaryDto[] | undefined> {
    return this.call('graphWindow', { feed, from, to });
  }

  search(feed: string, query: string): Promise<{ ids: string[]; indices: number[]; total: number } | undefined> {
    return this.call('graphSearch', { feed, query });
  }

  /** Feed indices of steps by span id: what a webview sent no ids is told. */
  indices(feed: string, ids: string[]): Promise<number[]> {
    return this.call('graphIndices', { feed, ids });
  }

  /** One step of a session, as the feed shows it when `feed` is given and shows that session (then `index` names it when `id` is ''). */
  step(sessionId: string, id: string, options: SessionOptions, feed?: string, index?: number): Promise<GraphStepAnswer | undefined> {
    return this.call('graphStep', { sessionId, id, options: plain(options), ...(feed === undefined ? {} : { feed }), ...(index === undefined ? {} : { index }) });
  }

  close(feed: string): Promise<void> {
    return this.call('graphClose', { feed });
  }
}
