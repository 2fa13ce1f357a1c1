// The engine client's requests for what the worker derives from a session's model: the Cost view's report
// (and the steps behind one of its rows), a traced run's live checks, and the CodeLens numbers (with the
// workspace files its source index needs). What crosses is sized to the view or the run, never the
// session's steps.
import type { CostStepsRef } from '../protocol/cost';
import type { CostParams, EngineMethod, ParamsOf, ResultOf, RunCheck, SessionComparison, SessionCost, SourceFilesParams } from '../protocol/engine';
import type { SessionOptions } from './agent';
import type { DebugView } from './debug/debugView';
import type { OutlineRow } from './agent/outline';
import { plain } from './plainData';
import type { SafetyOptions } from './safety';
import type { SessionFilter } from './sessions/filter';
import type { LocationStatsDto } from './sources';

type Call = <M extends EngineMethod>(method: M, params: ParamsOf<M>) => Promise<ResultOf<M>>;

export class EngineDerivedClient {
  constructor(private readonly call: Call) {}

  /** The Cost view's report for a session; its rows and findings carry counts (see costSteps). */
  costReport(p: CostParams): Promise<SessionCost> {
    return this.call('costReport', plain(p));
  }

  /** The steps behind a row or finding of the report built with the same `p`. */
  costSteps(p: CostParams & { ref: CostStepsRef }): Promise<string[]> {
    return this.call('costSteps', plain(p));
  }

  /** A traced run's trace breakpoints over its steps not judged yet, and its $ so far (`safety`: what its safety breakpoints use). */
  checkRun(sessionId: string, options: SessionOptions, breakOn: string[], safety: SafetyOptions): Promise<RunCheck> {
    return this.call('checkRun', { sessionId, options: plain(options), breakOn, safety: plain(safety) });
  }

  endRunCheck(sessionId: string): Promise<void> {
    return this.call('endRunCheck', { sessionId });
  }

  /** Two sessions side by side as text, their steps aligned (Compare Sessions). */
  compareSessions(left: string, right: string, options: SessionOptions): Promise<SessionComparison> {
    return this.call('compareSessions', { left, right, options: plain(options) });
  }

  /** Which of these sessions `filter` keeps (searched through every step, in the worker). */
  matchSessions(sessionIds: string[], options: SessionOptions, filter: SessionFilter): Promise<boolean[]> {
    return this.call('matchSessions', { sessionIds, options: plain(options), filter: plain(filter) });
  }

  /** A session's top-level steps as Sessions view rows. */
  sessionOutline(sessionId: string, options: SessionOptions): Promise<OutlineRow[]> {
    return this.call('sessionOutline', { sessionId, options: plain(options) });
  }

  /** Workspace files for the worker's copy of the source index (the CodeLens numbers use it). */
  sourceFiles(p: SourceFilesParams): Promise<number> {
    return this.call('sourceFiles', p);
  }

  /** A session's CodeLens numbers per source line; `codeLensSteps` answers the steps behind one. */
  codeLensStats(sessionId: string, options: SessionOptions): Promise<LocationStatsDto[]> {
    return this.call('codeLensStats', { sessionId, options: plain(options) });
  }

  /** What a debug adapter holds of a session (its steps located, loops and `breakOn` judged); no payloads cross. */
  debugView(sessionId: string, options: SessionOptions, breakOn: string[]): Promise<DebugView> {
    return this.call('debugView', { sessionId, options: plain(options), breakOn });
  }

  codeLensSteps(sessionId: string, options: SessionOptions, path: string, line: number): Promise<string[]> {
    return this.call('codeLensSteps', { sessionId, options: plain(options), path, line });
  }
}
