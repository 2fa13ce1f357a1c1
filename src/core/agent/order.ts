// Time order for steps that start in the same millisecond. JS SDKs stamp span starts in whole ms, so a
// fast tool and the LLM call after it often tie, and arrival order is no help (exporters group spans by
// scope). Within a tie, dataflow decides (the LLM asking for a tool, the tool, the LLM reading its
// result), then parent before child, then the order the spans came in.
import { dataflowLinks, type DataflowLink } from './dataflow';
import { parentIndices } from './tree';
import type { AgentStep } from './types';

const MAX_TIE = 256;

/** `steps` sorted by start; returns them with ties settled (a new array when anything moved). */
export function settleTies(steps: AgentStep[]): AgentStep[] {
  const order = settledOrder(steps);
  return order ? order.map((i) => steps[i]) : steps;
}

/**
 * Where each step of `steps` (sorted by start) goes once ties are settled: positions into `steps`, or
 * undefined when nothing moves. `parents`: the steps' parent indices, when the caller has them.
 */
export function settledOrder(steps: readonly AgentStep[], parents?: Int32Array): number[] | undefined {
  return settledOrderAndLinks(steps, parents).order;
}

/** settledOrder, and the dataflow links of `steps` (in their order) when it read them (steps with ties). */
export function settledOrderAndLinks(steps: readonly AgentStep[], parents?: Int32Array): { order: number[] | undefined; links?: DataflowLink[] } {
  let hasTie = false;
  for (let i = 1; i < steps.length && !hasTie; i++) hasTie = steps[i].startMs === steps[i - 1].startMs;
  if (!hasTie) return { order: undefined };
  const before = new Map<number, number[]>();
  const add = (from: number, to: number) => {
    if (steps[from].startMs !== steps[to].startMs || from === to) return;
    const list = before.get(to);
    if (list) list.push(from);
    else before.set(to, [from]);
  };
  const links = dataflowLinks(steps);
  for (let k = 0; k < links.length; k++) add(links[k]![0], links[k]![1]); // no tuple destructuring: an iterator per link
  (parents ?? parentIndices(steps)).forEach((p, i) => p >= 0 && add(p, i));
  return { order: before.size === 0 ? undefined : settleWith(steps, before), links };
}

/**
 * One tie (steps of one millisecond, in sorted order) settled as settleTies settles it, with the links given
 * per step: `before(s)` are the steps that must come before s (its parent, the steps whose dataflow feeds it).
 */
export function settleTie(group: readonly AgentStep[], before: (s: AgentStep) => readonly AgentStep[] | undefined): AgentStep[] {
  if (group.length === 1 || group.length > MAX_TIE) return group.slice();
  const at = new Map<AgentStep, number>();
  group.forEach((s, i) => at.set(s, i));
  const constraints = new Map<number, number[]>();
  group.forEach((s, i) => {
    for (const b of before(s) ?? []) {
      const j = at.get(b);
      if (j === undefined || j === i) continue;
      const list = constraints.get(i);
      if (list) list.push(j);
      else constraints.set(i, [j]);
    }
  });
  return constraints.size === 0 ? group.slice() : stableTopologicalOrder(0, group.length, constraints).map((i) => group[i]);
}

function settleWith(steps: readonly AgentStep[], before: Map<number, number[]>): number[] {
  const out: number[] = [];
  for (let start = 0; start < steps.length; ) {
    let end = start + 1;
    while (end < steps.length && steps[end].startMs === steps[start].startMs) end++;
    // Long ties (synthetic or bulk-stamped data) keep arrival order: the reordering is quadratic.
    if (end - start === 1 || end - start > MAX_TIE) for (let i = start; i < end; i++) out.push(i);
    else for (const i of stableTopologicalOrder(start, end, before)) out.push(i);
    start = end;
  }
  return out;
}

/**
 * Indices start..end-1 with every `before` constraint met, otherwise in their current order: each turn
 * places the first step whose in-tie predecessors are all placed (a cycle, from contradictory data: the
 * first unplaced one). Counts in typed arrays, as ties of a few hundred steps are common in bulk data.
 */
function stableTopologicalOrder(start: number, end: number, before: Map<number, number[]>): number[] {
  const k = end - start;
  const waiting = new Int32Array(k);
  const after: number[][] = [];
  for (let i = 0; i < k; i++) after.push([]);
  for (let i = 0; i < k; i++) {
    for (const b of before.get(start + i) ?? []) {
      if (b < start || b >= end || b === start + i) continue;
      waiting[i]++;
      after[b - start].push(i);
    }
  }
  const placed = new Uint8Array(k);
  const order: number[] = [];
  for (let first = 0; order.length < k; ) {
    while (placed[first]) first++;
    let next = first;
    while (next < k && (placed[next] || waiting[next] > 0)) next++;
    if (next === k) next = first;
    placed[next] = 1;
    order.push(start + next);
    for (const j of after[next]) waiting[j]--;
  }
  return order;
}
