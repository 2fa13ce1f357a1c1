// The most expensive single steps (aggregates left out: their usage is their children's).
import type { AgentStep } from '../agent/types';
import type { TopStepDto } from '../../protocol/cost';

export function topSteps(steps: readonly AgentStep[], originMs: number, limit = 10): TopStepDto[] {
  return steps
    .filter((s) => !s.aggregate && ((s.costUsd ?? 0) > 0 || (s.inputTokens ?? 0) + (s.outputTokens ?? 0) > 0))
    .sort((a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0) || tokens(b) - tokens(a) || a.startMs - b.startMs)
    .slice(0, limit)
    .map((s) => {
      const row: TopStepDto = {
        id: s.id, label: labelOf(s), kind: s.kind, priceMissing: s.priceMissing === true,
        inputTokens: s.inputTokens ?? 0, outputTokens: s.outputTokens ?? 0, start: s.startMs - originMs,
      };
      if (s.model !== undefined) row.model = s.model;
      if (s.costUsd !== undefined) row.costUsd = s.costUsd;
      return row;
    });
}

function tokens(s: AgentStep): number {
  return (s.inputTokens ?? 0) + (s.outputTokens ?? 0);
}

export function labelOf(s: AgentStep): string {
  if (s.kind === 'tool' && s.toolName) return s.toolName;
  if (s.kind === 'agent' && s.agentName) return s.agentName;
  return s.name;
}
