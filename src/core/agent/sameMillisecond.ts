// Steps of one trace that start in the same millisecond: the links that order them (settleTie), and how
// many of a trace's steps start at each millisecond, and of which kind (a live model finds dataflow links
// again only for a trace where some millisecond holds an LLM call and a tool).
import type { AgentStep } from './types';

/** Notes that `from` comes before `to` when both start at one millisecond. */
export function tie(links: WeakMap<AgentStep, AgentStep[]>, from: AgentStep, to: AgentStep): void {
  if (from.startMs !== to.startMs || from === to) return;
  const list = links.get(to);
  if (list) list.push(from);
  else links.set(to, [from]);
}

/** A trace's steps that start at one millisecond: all, and its LLM and tool steps (dataflow links those). */
export interface StartCount {
  n: number;
  llm: number;
  tool: number;
}

export function startCounts(steps: readonly AgentStep[]): Map<number, StartCount> {
  const counts = new Map<number, StartCount>();
  for (const s of steps) tally(counts, s, 1);
  return counts;
}

/** Counts a step at its millisecond (`by` 1), or no more (-1). */
export function tally(counts: Map<number, StartCount>, s: AgentStep, by: 1 | -1): void {
  let c = counts.get(s.startMs);
  if (!c) counts.set(s.startMs, (c = { n: 0, llm: 0, tool: 0 }));
  c.n += by;
  if (s.kind === 'llm') c.llm += by;
  else if (s.kind === 'tool') c.tool += by;
  if (c.n === 0) counts.delete(s.startMs);
}

/** Whether some millisecond holds an LLM step and a tool step (only there can dataflow tie two steps). */
export function anyMixed(counts: Map<number, StartCount>): boolean {
  for (const c of counts.values()) if (c.llm > 0 && c.tool > 0) return true;
  return false;
}
