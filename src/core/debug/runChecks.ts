// Traced runs' live checks, kept where the steps are (the engine's worker): each run's trace breakpoints
// judge every step once as it arrives, and the host is told only the hit and the $ so far.
import { totalsOf, type AgentStep } from '../agent';
import type { RunCheck } from '../../protocol/engine';
import type { SafetyOptions } from '../safety';
import { LiveBreakWatcher, parseBreakOnList } from './breakOn';

export class RunChecks {
  /** By store session: the watcher (which steps it judged) and the breakpoint texts it was made with. */
  private readonly watchers = new Map<string, { watcher: LiveBreakWatcher; breakOn: string }>();

  /**
   * `breakOn`: the run's breakpoint texts, as the host parsed them (a later "Break on..." adds to them);
   * `safety`: the taint sources and sinks and the tool policy its safety breakpoints use.
   */
  check(sessionId: string, breakOn: string[], safety: SafetyOptions, steps: readonly AgentStep[]): RunCheck {
    const key = JSON.stringify(breakOn);
    let kept = this.watchers.get(sessionId);
    if (!kept) this.watchers.set(sessionId, (kept = { watcher: new LiveBreakWatcher(parseBreakOnList(breakOn)), breakOn: key }));
    else if (kept.breakOn !== key) {
      kept.watcher.conditions = parseBreakOnList(breakOn);
      kept.breakOn = key;
    }
    kept.watcher.safety = safety;
    const hit = kept.watcher.check(steps)[0];
    const check: RunCheck = { steps: steps.length, costUsd: totalsOf(steps).costUsd, lastStepId: steps[steps.length - 1]?.id };
    if (hit) check.hit = { step: hit.step, condition: hit.condition.text };
    return check;
  }

  end(sessionId: string): void {
    this.watchers.delete(sessionId);
  }
}
