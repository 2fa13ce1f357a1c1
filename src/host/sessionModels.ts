import type * as vscode from 'vscode';
import { normaliseSession, totalsOf, type AgentStep, type Totals } from '../core/agent';
import { readSession } from '../core/agent/fromStore';
import type { SpanStore } from '../core/store/spanStore';
import type { SessionSummary } from '../core/store/types';
import { agentOptions, onSettingsChanged } from './settings';

/**
 * Sessions through the agent model (normalised, priced steps and their totals), shared by the Sessions
 * view and the Cost view: one read per session state (span and log counts), dropped when the user's
 * prices change.
 */
export class SessionModels implements vscode.Disposable {
  private readonly cache = new Map<string, { state: string; steps: AgentStep[]; totals: Totals }>();
  private readonly subscription = onSettingsChanged(['pricing.models'], () => this.cache.clear());

  /** Sessions above this are summed when asked for, not on every refresh of the tree. */
  static readonly eagerLimit = 20_000;

  steps(store: SpanStore, session: SessionSummary): AgentStep[] {
    return this.model(store, session).steps;
  }

  /** undefined for a session over eagerLimit not read yet (its last totals if it was). */
  totals(store: SpanStore, session: SessionSummary): Totals | undefined {
    const hit = this.cache.get(session.id);
    if (hit?.state !== stateOf(session) && session.spanCount > SessionModels.eagerLimit) return hit?.totals;
    return this.model(store, session).totals;
  }

  /** Forgets sessions that are gone (the caller lists the ones that exist). */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.cache.keys()) if (!ids.has(id)) this.cache.delete(id);
  }

  private model(store: SpanStore, session: SessionSummary): { steps: AgentStep[]; totals: Totals } {
    const state = stateOf(session);
    const hit = this.cache.get(session.id);
    if (hit?.state === state) return hit;
    const steps = normaliseSession(readSession(store, session.id), agentOptions());
    const model = { state, steps, totals: totalsOf(steps) };
    this.cache.set(session.id, model);
    return model;
  }

  dispose(): void {
    this.subscription.dispose();
    this.cache.clear();
  }
}

/** Log records join spans after them: both counts tell whether the model is still current. */
function stateOf(s: SessionSummary): string {
  return `${s.spanCount}/${s.logCount}`;
}
