// The webview's session model: the snapshot's steps (stepTable.ts columns) and timeline as typed arrays, children in time order,
// and prefix sums so that everything shown at a cursor is O(1). Pure (no DOM): unit-tested in Node.
import type { EdgeDto, FindingDto, PackedDeltaDto, PackedSnapshotDto, SessionDto, StepRowDto, TotalsDto } from '../../src/protocol/graph';
import { unpackEdgeParts, unpackTable, unpackTimeline, unpackTimelineAfter, type TimelineColumns } from '../../src/protocol/graphPacking';
import { AGGREGATE, rowAt, STATUS_ERROR, withRows, type StepTable } from '../../src/protocol/stepTable';

export const EV_START = 0;
export const EV_LOG = 1;
export const EV_END = 2;

export interface GraphModel {
  version: number;
  session: SessionDto;
  /** The steps as columns (rowOf makes one a row). */
  steps: StepTable;
  /** Number of steps. */
  n: number;
  parent: Int32Array;
  /** Children of step i (in time order) are childList[childStart[i] .. childStart[i + 1]). */
  childStart: Int32Array;
  childList: Int32Array;
  roots: number[];
  /** Steps in time order (order of their start events). */
  order: Int32Array;
  edges: EdgeDto[];
  /** How many of `edges` (first) the webview derived from the parents; the rest are as sent (a delta may keep them). */
  derivedEdges: number;
  /** Timeline columns; `length` events. */
  length: number;
  evStep: Int32Array;
  evType: Uint8Array;
  evTime: Float64Array;
  evLabel: Map<number, string>;
  /** Per step: the cursor of its start / end event (-1 if missing). */
  startAt: Int32Array;
  endAt: Int32Array;
  /** Prefix sums over events: the value after event i is at [i + 1]. */
  sums: { started: Float64Array; finished: Float64Array; failed: Float64Array; inputTokens: Float64Array; outputTokens: Float64Array; costUsd: Float64Array };
  totals: TotalsDto;
  findings: FindingDto[];
  byId: Map<string, number>;
  /** The snapshot carried no span ids (a big session): steps are keyed and named to the host by index. */
  noIds: boolean;
  /** Step -> kinds of the safety findings on it (badges). */
  safetyAt: Map<number, string[]>;
  /** `from>to` step pairs along a taint path (highlighted edges). */
  taintPairs: Set<string>;
}

export function buildModel(s: PackedSnapshotDto): GraphModel {
  const t = unpackTable(s.steps);
  const tl = unpackTimeline(s.timeline, t);
  const edges = unpackEdgeParts(s.edges, t.parent, [], tl) ?? { edges: [], derived: 0 };
  return assemble(s.version, s.session, t, edges, tl, s.totals, s.findings, s.steps?.noIds === true);
}

/** The model with a delta applied, or undefined when the delta does not follow this model's version (or keeps more than it has). */
export function applyDelta(m: GraphModel, d: PackedDeltaDto): GraphModel | undefined {
  if (d.baseVersion !== m.version) return undefined;
  const t = withRows(m.steps, Array.isArray(d.changed) ? d.changed : []);
  if (!t) return undefined;
  const held: TimelineColumns = { step: m.evStep, type: m.evType, time: m.evTime, labels: [...m.evLabel] };
  const tl = unpackTimelineAfter(held, d.timeline, t);
  const edges = tl && unpackEdgeParts(d.edges, t.parent, m.edges.slice(m.derivedEdges), tl);
  return edges && tl && assemble(d.version, d.session, t, edges, tl, d.totals, d.findings, m.noIds);
}

function assemble(version: number, session: SessionDto, steps: StepTable, sent: { edges: EdgeDto[]; derived: number }, tl: TimelineColumns, totals: TotalsDto, findings: FindingDto[], noIds: boolean): GraphModel {
  const { edges, derived: derivedEdges } = sent;
  const n = steps.length;
  const length = tl.step.length;
  const evStep = new Int32Array(length);
  const evType = new Uint8Array(length);
  const evTime = tl.time;
  const startAt = new Int32Array(n).fill(-1);
  const endAt = new Int32Array(n).fill(-1);
  for (let i = 0; i < length; i++) {
    const step = tl.step[i];
    // The wire's codes are the model's: 0 start, 1 log, 2 end.
    const type = tl.type[i];
    evStep[i] = step >= 0 && step < n ? step : 0;
    evType[i] = type;
    if (type === EV_START && step >= 0 && step < n) startAt[step] = i;
    if (type === EV_END && step >= 0 && step < n) endAt[step] = i;
  }
  const parent = breakCycles(steps.parent);
  const order = startOrder(startAt, evStep, evType, steps.start);
  // Children lists (CSR), filled in time order.
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i] >= 0) childStart[parent[i] + 1]++;
  for (let i = 0; i < n; i++) childStart[i + 1] += childStart[i];
  const fill = childStart.slice(0, n);
  const childList = new Int32Array(childStart[n]);
  const roots: number[] = [];
  for (const i of order) {
    if (parent[i] >= 0) childList[fill[parent[i]]++] = i;
    else roots.push(i);
  }
  const sums = prefixSums(steps, evStep, evType, length);
  let byId: Map<string, number> | undefined;
  return {
    version, session, steps, n, parent, childStart, childList, roots, order, edges, derivedEdges, length, evStep, evType, evTime,
    evLabel: new Map(tl.labels), startAt, endAt, sums, totals, findings, noIds, ...safetyMarks(findings),
    // Built on first use: a first paint looks nothing up by id, and 100k ids take a while to index.
    get byId() {
      if (!byId) {
        byId = new Map<string, number>();
        for (let i = 0; i < n; i++) if (steps.id[i] && !byId.has(steps.id[i])) byId.set(steps.id[i], i);
      }
      return byId;
    },
  };
}

/** Steps in the order of their start events: the timeline's order when every step has one (O(n)), else sorted. */
function startOrder(startAt: Int32Array, evStep: Int32Array, evType: Uint8Array, start: Float64Array): Int32Array {
  const n = start.length;
  const order = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < evStep.length && k <= n; i++) if (evType[i] === EV_START && startAt[evStep[i]] === i) order[k++] = evStep[i];
  if (k === n) return order;
  return Int32Array.from(start, (_, i) => i).sort((a, b) => rank(startAt, start, a) - rank(startAt, start, b) || a - b);
}

/** Safety findings come as 'safety:<kind>' findings whose steps are the finding's path. */
function safetyMarks(findings: readonly FindingDto[]): { safetyAt: Map<number, string[]>; taintPairs: Set<string> } {
  const safetyAt = new Map<number, string[]>();
  const taintPairs = new Set<string>();
  for (const f of findings) {
    if (!f.kind.startsWith('safety:')) continue;
    const kind = f.kind.slice(7);
    for (const step of f.steps) {
      const kinds = safetyAt.get(step) ?? [];
      if (!kinds.includes(kind)) safetyAt.set(step, [...kinds, kind]);
    }
    if (kind === 'taint') for (let i = 1; i < f.steps.length; i++) taintPairs.add(`${f.steps[i - 1]}>${f.steps[i]}`);
  }
  return { safetyAt, taintPairs };
}

/** Parent links come from the wire: a cycle would hide its steps from every root, so cut it (in a copy). O(n). */
function breakCycles(parents: Int32Array): Int32Array {
  // Parents before their children (the host's order for a snapshot): no cycle is possible.
  let parentFirst = true;
  for (let i = 0; i < parents.length && parentFirst; i++) parentFirst = parents[i] < i;
  if (parentFirst) return parents;
  const parent = parents.slice();
  const state = new Uint8Array(parent.length); // 0 new, 1 on the current path, 2 done
  const path: number[] = [];
  for (let i = 0; i < parent.length; i++) {
    path.length = 0;
    let j = i;
    while (j >= 0 && state[j] === 0) {
      state[j] = 1;
      path.push(j);
      j = parent[j];
    }
    if (j >= 0 && state[j] === 1) parent[j] = -1;
    for (const k of path) state[k] = 2;
  }
  return parent;
}

function rank(startAt: Int32Array, start: Float64Array, i: number): number {
  return startAt[i] >= 0 ? startAt[i] : start[i] * 1e6;
}

function prefixSums(t: StepTable, evStep: Int32Array, evType: Uint8Array, length: number): GraphModel['sums'] {
  const make = () => new Float64Array(length + 1);
  const s = { started: make(), finished: make(), failed: make(), inputTokens: make(), outputTokens: make(), costUsd: make() };
  for (let i = 0; i < length; i++) {
    const r = evStep[i];
    const known = r < t.length;
    let started = 0, finished = 0, failed = 0, inp = 0, out = 0, cost = 0;
    if (known && evType[i] === EV_START) started = 1;
    if (known && evType[i] === EV_END) {
      finished = 1;
      if (t.status[r] === STATUS_ERROR) failed = 1;
      // Usage is known when a call returns; aggregates would count their children twice.
      if (!(t.flags[r] & AGGREGATE)) {
        inp = orZero(t.inputTokens[r]);
        out = orZero(t.outputTokens[r]);
        cost = orZero(t.costUsd[r]);
      }
    }
    s.started[i + 1] = s.started[i] + started;
    s.finished[i + 1] = s.finished[i] + finished;
    s.failed[i + 1] = s.failed[i] + failed;
    s.inputTokens[i + 1] = s.inputTokens[i] + inp;
    s.outputTokens[i + 1] = s.outputTokens[i] + out;
    s.costUsd[i + 1] = s.costUsd[i] + cost;
  }
  return s;
}

/** Not reported (NaN) counts as 0. */
export const orZero = (v: number) => (Number.isNaN(v) ? 0 : v);

/** Step `i` as a row (for the few a view shows; loops read the columns). */
export function rowOf(m: GraphModel, i: number): StepRowDto {
  return rowAt(m.steps, i);
}

export interface Cumulative {
  started: number;
  finished: number;
  failed: number;
  running: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Progress and usage after the event at `cursor`. O(1). */
export function cumulativeAt(m: GraphModel, cursor: number): Cumulative {
  const k = m.length === 0 ? 0 : clampCursor(m, cursor) + 1;
  const s = m.sums;
  return {
    started: s.started[k], finished: s.finished[k], failed: s.failed[k], running: s.started[k] - s.finished[k],
    inputTokens: s.inputTokens[k], outputTokens: s.outputTokens[k], costUsd: s.costUsd[k],
  };
}

export function clampCursor(m: GraphModel, cursor: number): number {
  if (m.length === 0 || !Number.isFinite(cursor)) return 0;
  return Math.min(Math.max(0, Math.trunc(cursor)), m.length - 1);
}

/** The first step with this id, without indexing every id (a one-off lookup, e.g. restoring a saved view). */
export function findStep(m: GraphModel, id: string): number | undefined {
  if (!id) return undefined;
  for (let i = 0; i < m.n; i++) if (m.steps.id[i] === id) return i;
  return undefined;
}

/** What names a step across relayouts and reloads: its span id, or its index when the snapshot carried no ids. */
export function stepKeyOf(m: GraphModel, step: number): string {
  return m.noIds ? `#${step}` : m.steps.id[step];
}

/** Steps the host named, by indices when it gave them (a webview sent no ids), else by ids; unknown ones left out. */
export function stepsNamed(m: GraphModel, ids: readonly string[], indices?: readonly number[]): number[] {
  const out: number[] = [];
  if (indices) for (const i of indices) {
    const step = stepNamed(m, '', i);
    if (step !== undefined) out.push(step);
  }
  else for (const id of ids) {
    const step = m.byId.get(id);
    if (step !== undefined) out.push(step);
  }
  return out;
}

/** A step the host named: by index when it gave one (a webview sent no ids), else by id. */
export function stepNamed(m: GraphModel, id: string, index?: number): number | undefined {
  if (index !== undefined) return Number.isInteger(index) && index >= 0 && index < m.n ? index : undefined;
  return m.byId.get(id);
}

/** Depth of a step (0 for a root). */
export function depthOf(m: GraphModel, step: number): number {
  let d = 0;
  for (let p = m.parent[step]; p >= 0 && d <= m.n; p = m.parent[p]) d++;
  return d;
}
