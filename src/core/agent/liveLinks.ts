// A live model's parent links and dataflow links, extended rather than found again. Both stay within a
// trace, and a live update keeps the steps of the traces that did not grow as the same objects, first
// (liveSession.ts): those traces keep their links and indices, and only the traces with a step past the
// kept ones (then or now) are linked again. The answer is exactly parentIndices' and dataflowLinks'
// (test/unit/agent/liveLinks.test.ts).
import { dataflowWork, type DataflowLink } from './dataflow';
import { parentIndicesWork } from './tree';
import { runWhole } from '../../protocol/work';
import type { AgentStep } from './types';

/** What a live model's steps share with its last ones. */
export interface StepChange {
  /** The first `kept` steps are the same objects at the same places. */
  kept: number;
  /** The places now of the steps of every trace with a step past `kept` (then or now), ascending. */
  changed: number[];
}

/** The last answer of stepChange per `now`: the parent and dataflow links of one model ask the same question. */
const lastChange = new WeakMap<readonly AgentStep[], { before: readonly AgentStep[]; length: number; change: StepChange | undefined }>();

/** How `now` differs from `before`; undefined when they are the same steps (nothing to do). */
export function stepChange(before: readonly AgentStep[], now: readonly AgentStep[]): StepChange | undefined {
  const last = lastChange.get(now);
  // Steps arrays are never changed in place once modelled; the length is checked all the same (stepIndex.ts).
  if (last?.before === before && last.length === now.length) return last.change;
  const change = changeOf(before, now);
  lastChange.set(now, { before, length: now.length, change });
  return change;
}

function changeOf(before: readonly AgentStep[], now: readonly AgentStep[]): StepChange | undefined {
  const common = Math.min(before.length, now.length);
  let kept = 0;
  while (kept < common && before[kept] === now[kept]) kept++;
  if (kept === before.length && kept === now.length) return undefined;
  const traces = new Set<string>();
  for (let i = kept; i < before.length; i++) traces.add(before[i]!.traceId);
  for (let i = kept; i < now.length; i++) traces.add(now[i]!.traceId);
  const changed: number[] = [];
  for (let i = 0; i < now.length; i++) if (traces.has(now[i]!.traceId)) changed.push(i);
  return { kept, changed };
}

/** Whether most steps changed (one long run is one trace): finding them all again costs less than the pieces. */
export function mostChanged(change: StepChange, now: readonly AgentStep[]): boolean {
  return change.kept === 0 || change.changed.length * 2 > now.length;
}

/** Links found for a steps array, kept with it: the next update's steps are compared with it. */
export interface LinksBase<T> {
  steps: readonly AgentStep[];
  links: T;
}

/** parentIndices(now), reusing `base` (the same live model's last ones). */
export function extendedParents(base: LinksBase<Int32Array> | undefined, now: readonly AgentStep[]): LinksBase<Int32Array> {
  return runWhole(extendingParents(base, now));
}

/** extendedParents as work that yields every few thousand steps (work.ts). */
export function* extendingParents(base: LinksBase<Int32Array> | undefined, now: readonly AgentStep[]): Generator<void, LinksBase<Int32Array>> {
  const change = base && stepChange(base.steps, now);
  if (!base || (change && mostChanged(change, now))) return { steps: now, links: yield* parentIndicesWork(now) };
  if (!change) return { steps: now, links: base.links };
  const out = new Int32Array(now.length).fill(-1);
  // Steps of the traces that kept every step keep their links (their parents are kept steps too).
  out.set(base.links.subarray(0, change.kept));
  const { changed } = change;
  const sub = yield* parentIndicesWork(changed.map((i) => now[i]!));
  for (let k = 0; k < changed.length; k++) out[changed[k]!] = sub[k]! >= 0 ? changed[sub[k]!]! : -1;
  return { steps: now, links: out };
}

/** dataflowLinks(now), reusing `base`, in its order (by tool: the call's link, then the consumer's). */
export function extendedDataflow(base: LinksBase<readonly DataflowLink[]> | undefined, now: readonly AgentStep[]): LinksBase<readonly DataflowLink[]> {
  return runWhole(extendingDataflow(base, now));
}

/** extendedDataflow as work that yields every few thousand steps (work.ts). */
export function* extendingDataflow(base: LinksBase<readonly DataflowLink[]> | undefined, now: readonly AgentStep[]): Generator<void, LinksBase<readonly DataflowLink[]>> {
  const change = base && stepChange(base.steps, now);
  if (!base || (change && mostChanged(change, now))) return { steps: now, links: yield* dataflowWork(now) };
  if (!change) return { steps: now, links: base.links };
  const { kept, changed } = change;
  const traces = new Set<string>();
  for (const i of changed) traces.add(now[i]!.traceId);
  // Links of traces that kept every step: their steps are all kept, at the same places.
  const old = base.links.filter(([from]) => from < kept && !traces.has(now[from]!.traceId));
  const fresh = (yield* dataflowWork(changed.map((i) => now[i]!))).map(([from, to, label]): DataflowLink => [changed[from]!, changed[to]!, label]);
  return { steps: now, links: mergedByTool(now, old, fresh) };
}

/** The tool of a link: its call's link ends at the tool, its consumer's starts there. */
function toolOf(steps: readonly AgentStep[], [from, to]: DataflowLink): number {
  return steps[from]!.kind === 'tool' ? from : to;
}

/** Two lists of links by tool (of different traces: no tool in both) as one, by tool. */
function mergedByTool(steps: readonly AgentStep[], a: readonly DataflowLink[], b: readonly DataflowLink[]): DataflowLink[] {
  const out: DataflowLink[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(toolOf(steps, a[i]!) <= toolOf(steps, b[j]!) ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
