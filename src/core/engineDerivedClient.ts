// The engine client's requests for what the worker derives from a session's model: the Cost view's report
// (and the steps behind one of its rows), and a traced run's live checks. What crosses is sized to the
// view or the run, never the session's steps.
import type { CostStepsRef } from '../protocol/cost';
import type { CostParams, EngineMethod, ParamsOf, ResultOf, RunCheck, SessionCost } from '../protocol/engine';
import type { SessionOptions } from './agent';
import { plain } from './plainData';
import type { SafetyOptions } from './safety';

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
}
