// Totals for a session and grouped views (by model, agent, tool, kind, provider) for the cost panel and
// the CLI. Usage and $ come from non-aggregate steps only, so a framework that reports totals on the
// parent span as well as on each call (Vercel ai.generateText) is not counted twice.
import type { TotalsDto } from '../../protocol/totals';
import type { AgentStep } from './types';

/** What the webviews get (see protocol/totals.ts), plus when the session ran (epoch ms). */
export interface Totals extends TotalsDto {
  startMs: number;
  endMs: number;
}

export function emptyTotals(): Totals {
  return {
    steps: 0, llmCalls: 0, toolCalls: 0, errors: 0,
    inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 0,
    costUsd: 0, pricedCalls: 0, unpricedCalls: 0, modelsWithoutPrice: [],
    startMs: 0, endMs: 0, wallTimeMs: 0,
  };
}

export function totalsOf(steps: Iterable<AgentStep>): Totals {
  const t = emptyTotals();
  const unpriced = new Set<string>();
  let first = Infinity;
  let last = -Infinity;
  // One pass: steps may be any iterable.
  for (const s of steps) {
    addStep(t, s, unpriced);
    if (s.startMs < first) first = s.startMs;
    if (s.endMs > last) last = s.endMs;
  }
  t.modelsWithoutPrice = [...unpriced].sort();
  if (t.steps > 0) {
    t.startMs = first;
    t.endMs = last;
    t.wallTimeMs = last - first;
  }
  return t;
}

function addStep(t: Totals, s: AgentStep, unpriced: Set<string>): void {
  t.steps++;
  if (s.kind === 'tool') t.toolCalls++;
  // An aggregate repeats what is below it (a call traced twice fails twice): counted once, below.
  if (s.aggregate) return;
  if (s.kind === 'llm') t.llmCalls++;
  if (s.status === 'error') t.errors++;
  t.inputTokens += s.inputTokens ?? 0;
  t.outputTokens += s.outputTokens ?? 0;
  t.cacheReadTokens += s.cacheReadTokens ?? 0;
  t.cacheWriteTokens += s.cacheWriteTokens ?? 0;
  t.reasoningTokens += s.reasoningTokens ?? 0;
  t.totalTokens += (s.inputTokens ?? 0) + (s.outputTokens ?? 0);
  if (s.costUsd !== undefined) {
    t.costUsd += s.costUsd;
    t.pricedCalls++;
  } else if (s.priceMissing) {
    t.unpricedCalls++;
    unpriced.add(s.model ?? '(no model)');
  }
}

/** The totals as the webviews get them (start and end times stay in the host). */
export function totalsDto(t: Totals): TotalsDto {
  return {
    costUsd: t.costUsd, inputTokens: t.inputTokens, outputTokens: t.outputTokens, cacheReadTokens: t.cacheReadTokens,
    cacheWriteTokens: t.cacheWriteTokens, reasoningTokens: t.reasoningTokens, totalTokens: t.totalTokens, steps: t.steps,
    llmCalls: t.llmCalls, toolCalls: t.toolCalls, errors: t.errors, wallTimeMs: t.wallTimeMs, pricedCalls: t.pricedCalls,
    unpricedCalls: t.unpricedCalls, modelsWithoutPrice: t.modelsWithoutPrice,
  };
}
