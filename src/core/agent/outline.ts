// What the Sessions view shows under a session: its top-level steps, each with its place among the
// session's LLM calls (what "Re-run from Here" forks at), as rows, not whole steps: built where the
// steps are (the engine worker), so expanding a long live session moves a few fields a row.
import type { AgentStep } from './types';
import { parentIndices } from './tree';

/** A step as a Sessions view row shows it (its attributes: only what a fork's calls say of their replay). */
export type OutlineStep = Pick<AgentStep, 'id' | 'traceId' | 'kind' | 'name' | 'toolName' | 'model' | 'costUsd' | 'priceMissing' | 'durationMs' | 'status' | 'attributes'>;

export interface OutlineRow {
  step: OutlineStep;
  /** For an LLM step: its 1-based order among the session's LLM calls. */
  llmStep?: number;
}

const replayKeys = ['agent_debugger.replay', 'agent_debugger.replay.diverged_at', 'agent_debugger.replay.divergence'];

export function sessionOutline(steps: readonly AgentStep[]): OutlineRow[] {
  const parents = parentIndices(steps);
  const rows: OutlineRow[] = [];
  let llm = 0;
  steps.forEach((s, i) => {
    if (s.kind === 'llm') llm++;
    if (parents[i]! >= 0) return;
    const attributes: AgentStep['attributes'] = {};
    for (const k of replayKeys) if (s.attributes[k] !== undefined) attributes[k] = s.attributes[k]!;
    const step: OutlineStep = { id: s.id, traceId: s.traceId, kind: s.kind, name: s.name, toolName: s.toolName, model: s.model, costUsd: s.costUsd, priceMissing: s.priceMissing, durationMs: s.durationMs, status: s.status, attributes };
    rows.push(s.kind === 'llm' ? { step, llmStep: llm } : { step });
  });
  return rows;
}
