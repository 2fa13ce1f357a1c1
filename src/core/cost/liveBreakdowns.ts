// The Cost view's breakdowns of a live model, extended rather than summed again. Everything a row adds up
// stays within a trace (a tool's subtree and the LLM calls that read its results: parent and dataflow links
// never cross one), so each trace's share of every row is kept, and a live update sums again only the
// traces that changed (stepChange, liveLinks.ts), then adds the shares up. The figures are breakdowns()'s,
// added in another order (per trace, then trace by trace); a row's step ids come trace by trace (costStepsOf
// puts them in time order). test/unit/cost/liveBreakdowns.test.ts.
import type { DataflowLink } from '../agent/graph';
import { mostChanged, stepChange } from '../agent/liveLinks';
import type { AgentStep } from '../agent/types';
import type { BreakdownKind } from '../../protocol/cost';
import { breakdowns, byCost, type BreakdownRow } from './breakdowns';
import { descendantsOf } from './tree';

export type Breakdowns = Record<BreakdownKind, BreakdownRow[]>;

/** What the last update made: the rows, and each trace's share of them. */
export interface BreakdownsBase {
  steps: readonly AgentStep[];
  shares: ReadonlyMap<string, Breakdowns>;
  rows: Breakdowns;
}

/** breakdowns(now) (with `parents` and `dataflow` its parent indices and dataflow links), reusing `base`: the same live model's last. */
export function extendedBreakdowns(base: BreakdownsBase | undefined, now: readonly AgentStep[], parents: Int32Array, dataflow: readonly DataflowLink[]): BreakdownsBase {
  const change = base && stepChange(base.steps, now);
  if (base && !change) return { ...base, steps: now };
  const places = new Map<string, number[]>();
  const gather = (i: number) => {
    const list = places.get(now[i]!.traceId);
    if (list) list.push(i);
    else places.set(now[i]!.traceId, [i]);
  };
  let shares: Map<string, Breakdowns>;
  if (!base || !change || mostChanged(change, now)) {
    shares = new Map();
    for (let i = 0; i < now.length; i++) gather(i);
  } else {
    shares = new Map(base.shares);
    // The traces with a step past the kept ones, then: summed again below if they still have steps.
    for (let i = change.kept; i < base.steps.length; i++) shares.delete(base.steps[i]!.traceId);
    for (const i of change.changed) gather(i);
  }
  // Each trace summed again gets its links (a mark per step: reading every link's step was ~10 ms on 100k).
  const redone = new Uint8Array(now.length);
  for (const at of places.values()) for (const i of at) redone[i] = 1;
  const links = new Map<string, DataflowLink[]>();
  for (const link of dataflow) {
    if (redone[link[0]] === 0) continue;
    const trace = now[link[0]]!.traceId;
    if (now[link[1]]!.traceId !== trace) continue;
    const list = links.get(trace);
    if (list) list.push(link);
    else links.set(trace, [link]);
  }
  const local = new Int32Array(now.length);
  for (const [trace, at] of places) shares.set(trace, shareOf(now, at, parents, links.get(trace) ?? [], local));
  return { steps: now, shares, rows: summed(shares) };
}

/** The rows of one trace's steps (`at`: their places, ascending), its links renumbered among them (`local`: scratch). */
function shareOf(now: readonly AgentStep[], at: readonly number[], parents: Int32Array, links: readonly DataflowLink[], local: Int32Array): Breakdowns {
  const steps = at.map((i) => now[i]!);
  for (let k = 0; k < at.length; k++) local[at[k]!] = k;
  const trace = steps[0]!.traceId;
  const up = new Int32Array(at.length);
  for (let k = 0; k < at.length; k++) {
    const p = parents[at[k]!]!;
    up[k] = p >= 0 && now[p]!.traceId === trace ? local[p]! : -1;
  }
  const own = links.map(([from, to, label]): DataflowLink => [local[from]!, local[to]!, label]);
  return breakdowns(steps, descendantsOf(steps, up), own);
}

/**
 * The shares added up, trace by trace (in the order they were summed: a trace summed again goes last). Only
 * the order of additions differs from breakdowns(): rows of the same $ to the picodollar sort alike (byCost).
 */
function summed(shares: ReadonlyMap<string, Breakdowns>): Breakdowns {
  const out = {} as Breakdowns;
  for (const kind of kinds) {
    const rows = new Map<string, { row: BreakdownRow; ids: string[][] }>();
    for (const share of shares.values()) {
      for (const r of share[kind]) {
        const into = rows.get(r.key);
        if (into) {
          add(into.row, r);
          into.ids.push(r.stepIds);
        } else rows.set(r.key, { row: { ...r }, ids: [r.stepIds] });
      }
    }
    out[kind] = [...rows.values()].map(({ row, ids }) => ((row.stepIds = joined(ids, row.stepCount)), row)).sort(byCost);
  }
  return out;
}

const kinds: readonly BreakdownKind[] = ['model', 'agent', 'tool', 'kind'];

function add(into: BreakdownRow, r: BreakdownRow): void {
  into.calls += r.calls;
  into.costUsd += r.costUsd;
  into.inputTokens += r.inputTokens;
  into.outputTokens += r.outputTokens;
  into.priceMissing ||= r.priceMissing;
  into.errors += r.errors;
  into.stepCount += r.stepCount;
  if (r.ownCostUsd !== undefined) into.ownCostUsd = (into.ownCostUsd ?? 0) + r.ownCostUsd;
  if (r.consumerCostUsd !== undefined) into.consumerCostUsd = (into.consumerCostUsd ?? 0) + r.consumerCostUsd;
  if (r.consumerCalls !== undefined) into.consumerCalls = (into.consumerCalls ?? 0) + r.consumerCalls;
}

/** The lists one after the other (Array.prototype.flat took ~40 ms for a row of 100k steps in 8,000 lists). */
function joined(lists: readonly string[][], length: number): string[] {
  if (lists.length === 1) return lists[0]!;
  const out = new Array<string>(length);
  let k = 0;
  for (const list of lists) for (let i = 0; i < list.length; i++) out[k++] = list[i]!;
  out.length = k;
  return out;
}
