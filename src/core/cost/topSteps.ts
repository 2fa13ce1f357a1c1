// The most expensive single steps (aggregates left out: their usage is their children's).
import type { AgentStep } from '../agent/types';
import type { TopStepDto } from '../../protocol/cost';
import { hasUsage } from '../agent/session';

const byCost = (a: AgentStep, b: AgentStep) => (b.costUsd ?? 0) - (a.costUsd ?? 0) || tokens(b) - tokens(a) || a.startMs - b.startMs;

export function topSteps(steps: readonly AgentStep[], originMs: number, limit = 10): TopStepDto[] {
  return best(steps, limit)
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

/** A step with usage of its own (an aggregate's is its children's; counts are never negative: attributes.ts count). */
export const usedStep = (s: AgentStep) => !s.aggregate && hasUsage(s);

/**
 * The first `limit` used steps sorted by byCost, as a stable sort would order them (equals keep their order),
 * kept while reading them: sorting a 100k-step session's 50k used steps each refresh took ~15 ms.
 */
function best(steps: readonly AgentStep[], limit: number): AgentStep[] {
  const out: AgentStep[] = [];
  for (const s of steps) {
    if (!usedStep(s)) continue;
    if (out.length === limit && byCost(s, out[limit - 1]!) >= 0) continue;
    let at = out.length;
    while (at > 0 && byCost(s, out[at - 1]!) < 0) at--;
    out.splice(at, 0, s);
    if (out.length > limit) out.length = limit;
  }
  return out;
}
