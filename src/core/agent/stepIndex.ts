// A step's index in a session's steps by its id, made once per steps array: the graph, the Cost view and
// the safety scan each made a Map of every id per refresh (~25 ms per 100k steps each). A steps array is
// never changed in place once modelled (a live update makes a new one); its length is checked all the same.
import type { AgentStep } from './types';

const made = new WeakMap<readonly AgentStep[], { length: number; index: Map<string, number> }>();

/** Each id's index in `steps` (a later step with the same id wins, as a Map of them all would have it). */
export function stepIndexById(steps: readonly AgentStep[]): ReadonlyMap<string, number> {
  const kept = made.get(steps);
  if (kept !== undefined && kept.length === steps.length) return kept.index;
  const index = new Map<string, number>();
  for (let i = 0; i < steps.length; i++) index.set(steps[i]!.id, i);
  made.set(steps, { length: steps.length, index });
  return index;
}

/**
 * stepIndexById for a few ids only: from its map when one was made for these steps, else one pass that
 * makes no entry per step (a scan with two findings built a map of 100k ids, ~16 ms, every refresh).
 */
export function stepIndexOf(steps: readonly AgentStep[], ids: readonly string[]): ReadonlyMap<string, number> {
  const kept = made.get(steps);
  if (kept !== undefined && kept.length === steps.length) return kept.index;
  const index = new Map<string, number>(ids.map((id) => [id, -1]));
  for (let i = 0; i < steps.length; i++) if (index.has(steps[i]!.id)) index.set(steps[i]!.id, i);
  for (const [id, i] of index) if (i < 0) index.delete(id);
  return index;
}
