// Cumulative $ and tokens over the session, one point per step with usage (at its end), LLM calls
// marked. Long sessions are thinned to `maxPoints` evenly spaced points (the last one always kept), which
// loses nothing of a cumulative curve's shape at panel size.
import type { AgentStep } from '../agent/types';
import type { SeriesPointDto } from '../../protocol/cost';
import { usedStep } from './topSteps';

export function cumulativeSeries(steps: readonly AgentStep[], originMs: number, maxPoints = 400): SeriesPointDto[] {
  const used = steps
    .filter(usedStep)
    .sort((a, b) => a.endMs - b.endMs || a.startMs - b.startMs);
  let cost = 0;
  let tokens = 0;
  const point = (s: AgentStep): SeriesPointDto => ({ t: s.endMs - originMs, costUsd: cost, tokens, llm: s.kind === 'llm', stepId: s.id });
  // Thinned: only the points kept are made, the sums run over every step (a point per step of a 500k-step
  // session was ~20 ms a refresh, to keep 400).
  const stride = used.length > maxPoints ? (used.length - 1) / (maxPoints - 1) : 1;
  const out: SeriesPointDto[] = [];
  let next = 0;
  for (let i = 0; i < used.length; i++) {
    const s = used[i]!;
    cost += s.costUsd ?? 0;
    tokens += (s.inputTokens ?? 0) + (s.outputTokens ?? 0);
    if (i !== next) continue;
    out.push(point(s));
    next = Math.round(out.length * stride);
  }
  return out;
}
