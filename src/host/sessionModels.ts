import type * as vscode from 'vscode';
import type { Totals } from '../core/agent';
import type { EngineClient } from '../core/engineClient';
import { unlessTooLarge } from '../core/modelBudget';
import type { SessionSummary } from '../core/store/types';
import type { SessionDigest } from '../protocol/engine';
import { agentOptions, onSettingsChanged } from './settings';

/**
 * Sessions' totals and fork origins (digests), built on the engine's worker, shared by the Sessions view
 * and the Cost view: one per session state (span and log counts), dropped when the user's prices change.
 * Concurrent readers of one state share it. No session's steps cross to this thread for them.
 */
export class SessionModels implements vscode.Disposable {
  private readonly digests = new Map<string, { state: string; digest: Promise<SessionDigest> }>();
  private readonly subscription = onSettingsChanged(['pricing.models'], () => this.digests.clear());

  /** Sessions above this are summed when asked for, not on every refresh of the tree. */
  static readonly eagerLimit = 20_000;

  /** undefined for a session over eagerLimit not read yet (its last totals if it was), or whose model does not fit the engine's heap. */
  async totals(engine: EngineClient, session: SessionSummary): Promise<Totals | undefined> {
    return (await this.digest(engine, session).catch(unlessTooLarge))?.totals;
  }

  /** A Sessions row's totals and fork origin, built in the engine: the steps stay there. */
  async digest(engine: EngineClient, session: SessionSummary): Promise<SessionDigest | undefined> {
    const hit = this.digests.get(session.id);
    if (hit?.state !== stateOf(session) && session.spanCount > SessionModels.eagerLimit) return hit && (await hit.digest.catch(() => undefined));
    if (hit?.state === stateOf(session)) return hit.digest;
    const state = stateOf(session);
    const entry = { state, digest: engine.sessionDigest(session.id, agentOptions()) };
    this.digests.set(session.id, entry);
    // Not kept when it failed, or lags the session (the engine says when a fresh one is due).
    const forget = () => this.digests.get(session.id) === entry && this.digests.delete(session.id);
    entry.digest.then((d) => d.state === state || forget(), forget);
    return entry.digest;
  }

  /** Forgets sessions that are gone (the caller lists the ones that exist). */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.digests.keys()) if (!ids.has(id)) this.digests.delete(id);
  }

  dispose(): void {
    this.subscription.dispose();
    this.digests.clear();
  }
}

/** Log records join spans after them: both counts tell whether the model is still current. */
function stateOf(s: SessionSummary): string {
  return `${s.spanCount}/${s.logCount}`;
}
