// Cost and tokens grouped by model, agent, tool and step kind, each row keeping the ids of the steps
// behind it (the graph selects them when the row is clicked). Usage comes from non-aggregate steps only,
// as in the session totals, so the rows of one breakdown never count a call twice.
import { dataflowLinks, type DataflowLink } from '../agent/graph';
import { hasUsage } from '../agent/session';
import type { AgentStep } from '../agent/types';
import type { BreakdownKind, BreakdownRowDto } from '../../protocol/cost';
import { descendantsOf } from './tree';

/** A row as the engine keeps it: with the ids of the steps behind it, in time order (the wire gets a count). */
export type BreakdownRow = BreakdownRowDto & { stepIds: string[] };

/** A row while it is summed up: the DTO's figures plus the steps behind them. */
type Acc = Pick<BreakdownRowDto, 'key' | 'calls' | 'costUsd' | 'inputTokens' | 'outputTokens' | 'priceMissing' | 'errors'> & { steps: Set<number> };

function acc(key: string): Acc {
  return { key, calls: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, priceMissing: false, errors: 0, steps: new Set() };
}

/** Adds a step's usage (not its call count) to a row; aggregates add nothing but their id. */
function addUsage(a: Acc, s: AgentStep, i: number): void {
  a.steps.add(i);
  if (s.aggregate) return;
  a.costUsd += s.costUsd ?? 0;
  a.inputTokens += s.inputTokens ?? 0;
  a.outputTokens += s.outputTokens ?? 0;
  if (s.priceMissing) a.priceMissing = true;
}

function rowsOf(steps: readonly AgentStep[], groups: Iterable<Acc>): BreakdownRow[] {
  return [...groups]
    .map((a) => ({
      key: a.key, calls: a.calls, costUsd: a.costUsd, inputTokens: a.inputTokens, outputTokens: a.outputTokens,
      priceMissing: a.priceMissing, errors: a.errors, ...stepsOf(steps, a.steps),
    }))
    .sort(byCost);
}

function stepsOf(steps: readonly AgentStep[], indices: Iterable<number>): { stepCount: number; stepIds: string[] } {
  const stepIds = [...indices].sort((x, y) => x - y).map((i) => steps[i].id);
  return { stepCount: stepIds.length, stepIds };
}

/** Descending $, then tokens, then calls; ties by key so the order is stable. */
export function byCost(a: BreakdownRowDto, b: BreakdownRowDto): number {
  return b.costUsd - a.costUsd || b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || b.calls - a.calls || a.key.localeCompare(b.key);
}

function group(steps: readonly AgentStep[], keyOf: (s: AgentStep) => string | null): Map<string, Acc> {
  const groups = new Map<string, Acc>();
  steps.forEach((s, i) => {
    const key = keyOf(s);
    if (key === null) return;
    let a = groups.get(key);
    if (!a) groups.set(key, (a = acc(key)));
    a.calls++;
    if (s.status === 'error') a.errors++;
    addUsage(a, s, i);
  });
  return groups;
}

/**
 * Model calls by model ("(none)" when the span named none). Aggregate steps are left out. A model call is
 * an LLM or embedding step; an agent or chain span that merely names its model (invoke_agent carries
 * gen_ai.request.model) is not one, unless it holds usage no call below it reports (then it is the only
 * record of that call, and leaving it out would lose its $).
 */
export function byModel(steps: readonly AgentStep[]): BreakdownRow[] {
  return rowsOf(steps, group(steps, (s) => (isModelCall(s) ? (s.model ?? '(none)') : null)).values());
}

export function isModelCall(s: AgentStep): boolean {
  if (s.aggregate) return false;
  return s.kind === 'llm' || s.kind === 'embedding' || (s.model !== undefined && hasUsage(s));
}

/** Every step by the agent it runs under. `calls` counts steps. */
export function byAgent(steps: readonly AgentStep[]): BreakdownRow[] {
  return rowsOf(steps, group(steps, (s) => s.agentName ?? '(no agent)').values());
}

/** Every step by kind. `calls` counts steps. */
export function byKind(steps: readonly AgentStep[]): BreakdownRow[] {
  return rowsOf(steps, group(steps, (s) => s.kind).values());
}

/**
 * Tools by name: their own $ (the tool steps and anything under them, e.g. a sub-agent) plus the $ of the
 * LLM calls that consumed their results (dataflow tool -> LLM). An LLM call that read the results of two
 * different tools counts for both; within one tool it counts once.
 */
export function byTool(steps: readonly AgentStep[], below = descendantsOf(steps), links: readonly DataflowLink[] = dataflowLinks(steps)): BreakdownRow[] {
  const consumers = new Map<number, number[]>();
  for (const [from, to] of links) {
    if (steps[from].kind !== 'tool' || steps[to].kind !== 'llm') continue;
    const list = consumers.get(from);
    if (list) list.push(to);
    else consumers.set(from, [to]);
  }
  const groups = new Map<string, { own: Acc; consumed: Acc }>();
  steps.forEach((s, i) => {
    if (s.kind !== 'tool') return;
    const key = s.toolName ?? s.name;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { own: acc(key), consumed: acc(key) }));
    g.own.calls++;
    if (s.status === 'error') g.own.errors++;
    addUsage(g.own, s, i);
    for (const d of below(i)) if (!g.own.steps.has(d)) addUsage(g.own, steps[d], d);
    for (const c of consumers.get(i) ?? []) {
      if (g.consumed.steps.has(c)) continue;
      g.consumed.calls++;
      addUsage(g.consumed, steps[c], c);
    }
  });
  return [...groups.values()]
    .map(({ own, consumed }) => {
      const row: BreakdownRow = {
        key: own.key, calls: own.calls, costUsd: own.costUsd + consumed.costUsd,
        inputTokens: own.inputTokens + consumed.inputTokens, outputTokens: own.outputTokens + consumed.outputTokens,
        priceMissing: own.priceMissing || consumed.priceMissing, errors: own.errors,
        ownCostUsd: own.costUsd, consumerCostUsd: consumed.costUsd, consumerCalls: consumed.calls,
        ...stepsOf(steps, new Set([...own.steps, ...consumed.steps])),
      };
      return row;
    })
    .sort(byCost);
}

/**
 * `below`: the steps' descendants, if the caller has them (the report shares one with its findings); `links`:
 * their dataflow links, likewise (the engine finds them once per model).
 */
export function breakdowns(steps: readonly AgentStep[], below = descendantsOf(steps), links?: readonly DataflowLink[]): Record<BreakdownKind, BreakdownRow[]> {
  return { model: byModel(steps), agent: byAgent(steps), tool: byTool(steps, below, links), kind: byKind(steps) };
}
