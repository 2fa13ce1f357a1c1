import type * as vscode from 'vscode';
import { normaliseSession, totalsOf, type Totals } from '../core/agent';
import { readSession } from '../core/agent/fromStore';
import type { SpanStore } from '../core/store/spanStore';
import type { SessionSummary } from '../core/store/types';
import { agentOptions, onSettingsChanged } from './settings';

/**
 * Session totals (tokens, $, calls, unpriced models) for the Sessions view, computed through the agent
 * model and cached until the session grows or the user's prices change.
 */
export class SessionCosts implements vscode.Disposable {
  private readonly cache = new Map<string, { spanCount: number; totals: Totals }>();
  private readonly subscription = onSettingsChanged(['pricing.models'], () => this.cache.clear());

  /** Sessions above this are summed when asked for, not on every refresh of the tree. */
  static readonly eagerLimit = 20_000;

  totals(store: SpanStore, session: SessionSummary): Totals | undefined {
    const hit = this.cache.get(session.id);
    if (hit && hit.spanCount === session.spanCount) return hit.totals;
    if (session.spanCount > SessionCosts.eagerLimit) return hit?.totals;
    const steps = normaliseSession(readSession(store, session.id), agentOptions());
    const totals = totalsOf(steps);
    this.cache.set(session.id, { spanCount: session.spanCount, totals });
    return totals;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

