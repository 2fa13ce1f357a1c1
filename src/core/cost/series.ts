// Cumulative $ and tokens over the session, one point per step with usage (at its end), LLM calls
// marked. Long sessions are thinned to `maxPoints` evenly spaced points (the last one always kept), which
// loses nothing of a cumulative curve's shape at panel size.
import type { AgentStep } from '../agent/types';
import type { SeriesPointDto } from '../../protocol/cost';

export function cumulativeSeries(steps: readonly AgentStep[], originMs: number, maxPoints = 400): SeriesPointDto[] {
  const used = steps
    .filter((s) => !s.aggregate && ((s.costUsd ?? 0) > 0 || (s.inputTokens ?? 0) + (s.outputTokens ?? 0) > 0))
    .sort((a, b) => a.endMs - b.endMs || a.startMs - b.startMs);
  let cost = 0;
  let tokens = 0;
  const all = used.map((s): SeriesPointDto => {
    cost += s.costUsd ?? 0;
    tokens += (s.inputTokens ?? 0) + (s.outputTokens ?? 0);
    return { t: s.endMs - originMs, costUsd: cost, tokens, llm: s.kind === 'llm', stepId: s.id };
  });
  if (all.length <= maxPoints) return all;
  const out: SeriesPointDto[] = [];
  const stride = (all.length - 1) / (maxPoints - 1);
  for (let k = 0; k < maxPoints; k++) out.push(all[Math.round(k * stride)]);
  return out;
}
