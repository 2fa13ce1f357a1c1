// Time order for steps that start in the same millisecond. JS SDKs stamp span starts in whole ms, so a
// fast tool and the LLM call after it often tie, and arrival order is no help (exporters group spans by
// scope). Within a tie, dataflow decides (the LLM asking for a tool, the tool, the LLM reading its
// result), then parent before child, then the order the spans came in.
import { dataflowLinks } from './graph';
import { parentIndices } from './tree';
import type { AgentStep } from './types';

const MAX_TIE = 256;

/** `steps` sorted by start; returns them with ties settled (a new array when anything moved). */
export function settleTies(steps: AgentStep[]): AgentStep[] {
  let hasTie = false;
  for (let i = 1; i < steps.length && !hasTie; i++) hasTie = steps[i].startMs === steps[i - 1].startMs;
  if (!hasTie) return steps;
  const before = new Map<number, number[]>();
  const add = (from: number, to: number) => {
    if (steps[from].startMs !== steps[to].startMs || from === to) return;
    const list = before.get(to);
    if (list) list.push(from);
    else before.set(to, [from]);
  };
  for (const [from, to] of dataflowLinks(steps)) add(from, to);
  parentIndices(steps).forEach((p, i) => p >= 0 && add(p, i));
  return before.size === 0 ? steps : settleWith(steps, before);
}

/**
 * settleTies with the links given per step instead of found in `steps`: `before(s)` are the steps that must
 * come before s (its parent, the steps whose dataflow feeds it); only those starting in s's millisecond count.
 */
export function settleTiesLinked(steps: AgentStep[], before: (s: AgentStep) => readonly AgentStep[] | undefined): AgentStep[] {
  const constraints = new Map<number, number[]>();
  const at = new Map<AgentStep, number>();
  for (let start = 0; start < steps.length; ) {
    let end = start + 1;
    while (end < steps.length && steps[end].startMs === steps[start].startMs) end++;
    if (end - start > 1 && end - start <= MAX_TIE) {
      at.clear();
      for (let i = start; i < end; i++) at.set(steps[i], i);
      for (let i = start; i < end; i++) {
        for (const b of before(steps[i]) ?? []) {
          const j = at.get(b);
          if (j === undefined || j === i) continue;
          const list = constraints.get(i);
          if (list) list.push(j);
          else constraints.set(i, [j]);
        }
      }
    }
    start = end;
  }
  return constraints.size === 0 ? steps : settleWith(steps, constraints);
}

function settleWith(steps: AgentStep[], before: Map<number, number[]>): AgentStep[] {
  const out: AgentStep[] = [];
  for (let start = 0; start < steps.length; ) {
    let end = start + 1;
    while (end < steps.length && steps[end].startMs === steps[start].startMs) end++;
    // Long ties (synthetic or bulk-stamped data) keep arrival order: the reordering is quadratic.
    if (end - start === 1 || end - start > MAX_TIE) for (let i = start; i < end; i++) out.push(steps[i]);
    else for (const i of stableTopologicalOrder(start, end, before)) out.push(steps[i]);
    start = end;
  }
  return out;
}

/** Indices start..end-1 with every `before` constraint met, otherwise in their current order. */
function stableTopologicalOrder(start: number, end: number, before: Map<number, number[]>): number[] {
  const placed = new Set<number>();
  const order: number[] = [];
  while (order.length < end - start) {
    let next = -1;
    for (let i = start; i < end && next < 0; i++) {
      if (placed.has(i)) continue;
      if ((before.get(i) ?? []).every((b) => placed.has(b) || b < start || b >= end)) next = i;
    }
    // A cycle (contradictory data): fall back to the first unplaced step.
    if (next < 0) for (let i = start; i < end && next < 0; i++) if (!placed.has(i)) next = i;
    placed.add(next);
    order.push(next);
  }
  return order;
}
