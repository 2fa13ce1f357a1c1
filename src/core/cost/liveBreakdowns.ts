// The Cost view's breakdowns of a live model, extended rather than summed again. Everything a row adds up
// stays within a trace (a tool's subtree and the LLM calls that read its results: parent and dataflow links
// never cross one), so each trace's share of every row is kept, and a live update sums again only the
// traces that changed (stepChange, liveLinks.ts). The rows are running sums of the shares: an update takes
// the changed traces' old shares out and adds their new ones (adding every share up again was most of an
// update, ~15 ms at 20k traces), and they are added up whole again once as many traces were redone as
// there are (so a sum never drifts far). The figures are breakdowns()'s, added in another order; a row's
// step ids are joined when asked (a click), trace by trace (costStepsOf puts them in time order).
// test/unit/cost/liveBreakdowns.test.ts.
import type { DataflowLink } from '../agent/dataflow';
import { mostChanged, stepChange } from '../agent/liveLinks';
import type { AgentStep } from '../agent/types';
import type { BreakdownKind } from '../../protocol/cost';
import { breakdowns, byCost, type BreakdownRow } from './breakdowns';
import { descendantsOf } from './tree';
import { runWhole, yieldsAt, YIELD_EVERY } from '../../protocol/work';

export type Breakdowns = Record<BreakdownKind, BreakdownRow[]>;

/** What the last update made: the rows, and each trace's share of them. */
export interface BreakdownsBase {
  steps: readonly AgentStep[];
  shares: ReadonlyMap<string, Breakdowns>;
  rows: Breakdowns;
  /** The rows' running sums, while this base holds them (extending it hands them on), and traces redone since they were whole. */
  sums: Sums | undefined;
  resummed: number;
}

/** A row's figures over the shares that have it; the optional ones with how many shares had them. */
interface RowSum {
  key: string;
  shares: number;
  calls: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  errors: number;
  stepCount: number;
  priceMissing: number;
  own: number;
  owns: number;
  consumer: number;
  consumers: number;
  consumerCalls: number;
  consumerCallsOf: number;
}

type Sums = Record<BreakdownKind, Map<string, RowSum>>;

/** breakdowns(now) (with `parents` and `dataflow` its parent indices and dataflow links), reusing `base`: the same live model's last. */
export function extendedBreakdowns(base: BreakdownsBase | undefined, now: readonly AgentStep[], parents: Int32Array, dataflow: readonly DataflowLink[]): BreakdownsBase {
  return runWhole(extendingBreakdowns(base, now, parents, dataflow));
}

/** extendedBreakdowns as work that yields every few thousand steps, links or traces (work.ts). */
export function* extendingBreakdowns(base: BreakdownsBase | undefined, now: readonly AgentStep[], parents: Int32Array, dataflow: readonly DataflowLink[]): Generator<void, BreakdownsBase> {
  const change = base && stepChange(base.steps, now);
  if (base && !change) {
    const same = { ...base, steps: now };
    base.sums = undefined;
    return same;
  }
  const places = new Map<string, number[]>();
  const gather = (i: number) => {
    const list = places.get(now[i]!.traceId);
    if (list) list.push(i);
    else places.set(now[i]!.traceId, [i]);
  };
  let shares: Map<string, Breakdowns>;
  /** The shares of the traces summed again or gone, as they were: their figures come out of the running sums. */
  const removed = new Map<string, Breakdowns>();
  const whole = !base || !change || mostChanged(change, now);
  if (whole) {
    shares = new Map();
    for (let i = 0; i < now.length; i++) {
      gather(i);
      if (yieldsAt(i)) yield;
    }
  } else {
    shares = new Map(base.shares);
    // The traces with a step past the kept ones, then: summed again below if they still have steps.
    for (let i = change.kept; i < base.steps.length; i++) {
      const trace = base.steps[i]!.traceId;
      const share = shares.get(trace);
      if (share) removed.set(trace, share);
      shares.delete(trace);
    }
    for (const i of change.changed) gather(i);
    for (const trace of places.keys()) {
      const share = removed.has(trace) ? undefined : shares.get(trace);
      if (share) removed.set(trace, share);
    }
  }
  // Each trace summed again gets its links (a mark per step: reading every link's step was ~10 ms on 100k).
  const redone = new Uint8Array(now.length);
  for (const at of places.values()) for (const i of at) redone[i] = 1;
  const links = new Map<string, DataflowLink[]>();
  for (let k = 0; k < dataflow.length; k++) {
    if (yieldsAt(k)) yield;
    const link = dataflow[k]!;
    if (redone[link[0]] === 0) continue;
    const trace = now[link[0]]!.traceId;
    if (now[link[1]]!.traceId !== trace) continue;
    const list = links.get(trace);
    if (list) list.push(link);
    else links.set(trace, [link]);
  }
  const local = new Int32Array(now.length);
  const made: Breakdowns[] = [];
  let since = 0;
  for (const [trace, at] of places) {
    const share = shareOf(now, at, parents, links.get(trace) ?? [], local);
    shares.set(trace, share);
    made.push(share);
    // Cut between traces only (one long run is one trace, summed in one go), and more often than a plain
    // pass: summing a trace's rows is a few µs a step.
    if ((since += at.length) > YIELD_EVERY >> 3) {
      since = 0;
      yield;
    }
  }
  // The running sums, unless every trace was summed again or as many were since the sums were whole.
  const resummed = (base?.resummed ?? 0) + removed.size + made.length;
  let sums = whole ? undefined : base.sums;
  const extended = sums !== undefined && resummed <= shares.size;
  if (sums && extended) {
    base!.sums = undefined;
    for (const share of removed.values()) addShare(sums, share, -1);
    for (const share of made) addShare(sums, share, 1);
  } else {
    sums = { model: new Map(), agent: new Map(), tool: new Map(), kind: new Map() };
    let added = 0;
    for (const share of shares.values()) {
      addShare(sums, share, 1);
      if (yieldsAt(added++)) yield;
    }
  }
  return { steps: now, shares, rows: rowsOfSums(sums, shares), sums, resummed: extended ? resummed : 0 };
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

/** Adds a share's rows to the running sums (`sign` -1: takes them out; a row no share has any more goes). */
function addShare(sums: Sums, share: Breakdowns, sign: 1 | -1): void {
  for (const kind of kinds) {
    const byKey = sums[kind];
    for (const r of share[kind]) {
      let s = byKey.get(r.key);
      if (!s) {
        s = { key: r.key, shares: 0, calls: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, errors: 0, stepCount: 0, priceMissing: 0, own: 0, owns: 0, consumer: 0, consumers: 0, consumerCalls: 0, consumerCallsOf: 0 };
        byKey.set(r.key, s);
      }
      s.shares += sign;
      s.calls += sign * r.calls;
      s.costUsd += sign * r.costUsd;
      s.inputTokens += sign * r.inputTokens;
      s.outputTokens += sign * r.outputTokens;
      s.errors += sign * r.errors;
      s.stepCount += sign * r.stepCount;
      if (r.priceMissing) s.priceMissing += sign;
      if (r.ownCostUsd !== undefined) {
        s.own += sign * r.ownCostUsd;
        s.owns += sign;
      }
      if (r.consumerCostUsd !== undefined) {
        s.consumer += sign * r.consumerCostUsd;
        s.consumers += sign;
      }
      if (r.consumerCalls !== undefined) {
        s.consumerCalls += sign * r.consumerCalls;
        s.consumerCallsOf += sign;
      }
      if (s.shares === 0) byKey.delete(r.key);
    }
  }
}

/**
 * The rows of the running sums. A row's step ids are the shares' ids of its key, trace by trace in the
 * order of `shares` (a trace summed again goes last), joined the first time they are asked for.
 */
function rowsOfSums(sums: Sums, shares: ReadonlyMap<string, Breakdowns>): Breakdowns {
  const out = {} as Breakdowns;
  for (const kind of kinds) {
    const rows: BreakdownRow[] = [];
    for (const s of sums[kind].values()) {
      const row = { key: s.key, calls: s.calls, costUsd: s.costUsd, inputTokens: s.inputTokens, outputTokens: s.outputTokens, priceMissing: s.priceMissing > 0, errors: s.errors, stepCount: s.stepCount } as BreakdownRow;
      if (s.owns > 0) row.ownCostUsd = s.own;
      if (s.consumers > 0) row.consumerCostUsd = s.consumer;
      if (s.consumerCallsOf > 0) row.consumerCalls = s.consumerCalls;
      let ids: string[] | undefined;
      Object.defineProperty(row, 'stepIds', {
        enumerable: true,
        // The row's own figures, not the running sum's (later updates change that).
        get: () => (ids ??= idsOf(shares, kind, row.key, row.stepCount)),
        set: (v: string[]) => (ids = v),
      });
      rows.push(row);
    }
    out[kind] = rows.sort(byCost);
  }
  return out;
}

/** The step ids of a row: each share's, one after the other (Array.prototype.flat took ~40 ms for a row of 100k steps in 8,000 lists). */
function idsOf(shares: ReadonlyMap<string, Breakdowns>, kind: BreakdownKind, key: string, length: number): string[] {
  const out = new Array<string>(length);
  let k = 0;
  for (const share of shares.values()) {
    const r = share[kind].find((x) => x.key === key);
    if (r) for (let i = 0; i < r.stepIds.length; i++) out[k++] = r.stepIds[i]!;
  }
  out.length = k;
  return out;
}

const kinds: readonly BreakdownKind[] = ['model', 'agent', 'tool', 'kind'];
