// Cost and tokens grouped by model, agent, tool and step kind, each row keeping the ids of the steps
// behind it (the graph selects them when the row is clicked). Usage comes from non-aggregate steps only,
// as in the session totals, so the rows of one breakdown never count a call twice.
import { dataflowLinks, type DataflowLink } from '../agent/dataflow';
import { hasUsage } from '../agent/session';
import type { AgentStep } from '../agent/types';
import type { BreakdownKind, BreakdownRowDto } from '../../protocol/cost';
import { descendantsOf } from './tree';

/** A row as the engine keeps it: with the ids of the steps behind it, in time order (the wire gets a count). */
export type BreakdownRow = BreakdownRowDto & { stepIds: string[] };

/**
 * A row while it is summed up: the DTO's figures plus the steps behind them, as indices. A step is listed
 * once however often it is met: `mark[i] === id` says it is listed already (one stamp array per breakdown;
 * a Set per row was most of the report's time on 100k steps).
 */
type Acc = Pick<BreakdownRowDto, 'key' | 'calls' | 'costUsd' | 'inputTokens' | 'outputTokens' | 'priceMissing' | 'errors'> & { id: number; steps: number[] };

class Accs {
  private readonly mark: Int32Array;
  private count = 0;

  constructor(steps: number) {
    this.mark = new Int32Array(steps);
  }

  make(key: string): Acc {
    return { key, id: ++this.count, calls: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, priceMissing: false, errors: 0, steps: [] };
  }

  /** Whether a row lists the step. */
  has(a: Acc, i: number): boolean {
    return this.mark[i] === a.id;
  }

  /** Adds a step's usage (not its call count) to a row, once; aggregates add nothing but their index. */
  addUsage(a: Acc, s: AgentStep, i: number): void {
    if (this.mark[i] === a.id) return;
    this.mark[i] = a.id;
    a.steps.push(i);
    if (s.aggregate) return;
    a.costUsd += s.costUsd ?? 0;
    a.inputTokens += s.inputTokens ?? 0;
    a.outputTokens += s.outputTokens ?? 0;
    if (s.priceMissing) a.priceMissing = true;
  }
}

/** `groups`: rows filled in step order (their steps ascending). */
function rowsOf(steps: readonly AgentStep[], groups: Iterable<Acc>): BreakdownRow[] {
  const rows: BreakdownRow[] = [];
  for (const a of groups) {
    rows.push({
      key: a.key, calls: a.calls, costUsd: a.costUsd, inputTokens: a.inputTokens, outputTokens: a.outputTokens,
      priceMissing: a.priceMissing, errors: a.errors, ...stepsOf(steps, a.steps),
    });
  }
  return rows.sort(byCost);
}

/** `indices`: ascending, each once. */
function stepsOf(steps: readonly AgentStep[], indices: readonly number[]): { stepCount: number; stepIds: string[] } {
  const stepIds = new Array<string>(indices.length);
  for (let k = 0; k < indices.length; k++) stepIds[k] = steps[indices[k]!]!.id;
  return { stepCount: stepIds.length, stepIds };
}

/**
 * Descending $ (to the picodollar: sums of the same $ added in another order, as a live model's rows are,
 * differ in their last bits), then tokens, then calls; ties by key so the order is stable.
 */
export function byCost(a: BreakdownRowDto, b: BreakdownRowDto): number {
  return picos(b.costUsd) - picos(a.costUsd) || b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || b.calls - a.calls || a.key.localeCompare(b.key);
}

const picos = (usd: number) => Math.round(usd * 1e12);

function group(steps: readonly AgentStep[], keyOf: (s: AgentStep) => string | null): Map<string, Acc> {
  const groups = new Map<string, Acc>();
  const accs = new Accs(steps.length);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const key = keyOf(s);
    if (key === null) continue;
    let a = groups.get(key);
    if (!a) groups.set(key, (a = accs.make(key)));
    a.calls++;
    if (s.status === 'error') a.errors++;
    accs.addUsage(a, s, i);
  }
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
  const accs = new Accs(steps.length);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.kind !== 'tool') continue;
    const key = s.toolName ?? s.name;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { own: accs.make(key), consumed: accs.make(key) }));
    g.own.calls++;
    if (s.status === 'error') g.own.errors++;
    accs.addUsage(g.own, s, i);
    // A step listed already has its subtree listed too (it was listed by a walk of it or above it): the
    // walk stops there, so nested calls of one tool are walked once (a deep run was quadratic).
    for (const d of below(i, (d) => !accs.has(g.own, d))) accs.addUsage(g.own, steps[d]!, d);
    for (const c of consumers.get(i) ?? []) {
      const before = g.consumed.steps.length;
      accs.addUsage(g.consumed, steps[c]!, c);
      if (g.consumed.steps.length > before) g.consumed.calls++;
    }
  }
  const rows: BreakdownRow[] = [];
  for (const { own, consumed } of groups.values()) {
    rows.push({
      key: own.key, calls: own.calls, costUsd: own.costUsd + consumed.costUsd,
      inputTokens: own.inputTokens + consumed.inputTokens, outputTokens: own.outputTokens + consumed.outputTokens,
      priceMissing: own.priceMissing || consumed.priceMissing, errors: own.errors,
      ownCostUsd: own.costUsd, consumerCostUsd: consumed.costUsd, consumerCalls: consumed.calls,
      ...stepsOf(steps, union(own.steps, consumed.steps)),
    });
  }
  return rows.sort(byCost);
}

/** The indices in either list, ascending, each once (each list has each once). */
function union(a: number[], b: number[]): number[] {
  const all = b.length === 0 ? a : a.concat(b);
  all.sort((x, y) => x - y);
  let n = 0;
  for (let k = 0; k < all.length; k++) if (k === 0 || all[k] !== all[k - 1]) all[n++] = all[k]!;
  all.length = n;
  return all;
}

/**
 * `below`: the steps' descendants, if the caller has them (the report shares one with its findings); `links`:
 * their dataflow links, likewise (the engine finds them once per model).
 */
export function breakdowns(steps: readonly AgentStep[], below = descendantsOf(steps), links?: readonly DataflowLink[]): Record<BreakdownKind, BreakdownRow[]> {
  return { model: byModel(steps), agent: byAgent(steps), tool: byTool(steps, below, links), kind: byKind(steps) };
}
