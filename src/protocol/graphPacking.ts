// The graph webview's wire codec (types in graph.ts): snapshot rows, edges and timeline as columns on the way
// over (numbers and strings as text: intText.ts), back to columns (stepTable.ts) on arrival. One file for both
// sides, so they cannot drift. Pure: no vscode, node or DOM.
// Unpacking trusts no length or value: missing entries become defaults, never an exception or a hang.
import {
  ID_FREE_FROM, SHOWN_FINDINGS, type FindingDto, type IntsText, type GraphDeltaDto, type GraphSnapshotDto, type PackedDeltaDto, type PackedJson, type PackedSnapshotDto,
  type PackedTimelineDto, type StepColumnsDto, type StepRowDto, type TimelineDto,
} from './graph';
import { intColumn, intsText, joinedText, splitText } from './intText';
import { emptyTable, KIND_OTHER, rowCodes, type StepTable } from './stepTable';
import { runWhole, YIELD_EVERY, yieldsAt } from './work';
import { packEdgeList, packingEdgeList, splitEdges, type SentEdges } from './edgePacking';

export { packEdgeList, siblingEdges, splitEdges, splittingEdges, startEventOrder, unpackEdgeParts, type SentEdges } from './edgePacking';

const HEX_ID = /^[0-9a-f]{16}$/;
/** A timeline event's type (TimelineDto.type) by its code in PackedTimelineDto.events and TimelineColumns.type. */
export const TIMELINE_TYPES = 'sle';

/** Every time in the DTOs is rounded to the microsecond, so integer us carry it exactly. */
const toUs = (ms: number) => Math.round(ms * 1000);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
const text = (v: string | undefined) => (typeof v === 'string' ? v : '');

/** The timeline as the webview's model reads it. */
export interface TimelineColumns {
  step: Int32Array;
  /** Index into TIMELINE_TYPES: 0 start, 1 log or span event, 2 end. */
  type: Uint8Array;
  time: Float64Array;
  labels: [number, string][];
}

/** Token counts as text (count + 1, 0: not reported) when every one is a whole number >= 0; else as they are. */
function countsText(counts: (number | null)[]): IntsText | (number | null)[] {
  return counts.every((v) => v === null || (Number.isSafeInteger(v) && v >= 0)) ? intsText(counts.map((v) => (v === null ? 0 : v + 1))) : counts;
}

/** Token counts back: null where not reported. */
function countsColumn(v: IntsText | (number | null)[] | undefined): (number | null)[] {
  if (typeof v !== 'string') return list(v);
  return Array.from(intColumn(v), (x) => (x > 0 ? x - 1 : null));
}

/** The JSON text of a packed snapshot or delta, as it crosses from the engine worker through the host. */
export function packedJson<T extends PackedSnapshotDto | PackedDeltaDto>(packed: T): PackedJson<T> {
  return JSON.stringify(packed);
}

/**
 * packedJson's text made a member at a time (a member's members too, a long list a few thousand items at a
 * time), yielding between them (work.ts): at 1M steps one JSON.stringify of it all held the thread ~1.4 s.
 * Its pieces are joined once, at the end: joined at every level, the text was copied once per level and
 * once more to flatten the braces around it, each copy of a 1M-step snapshot ~100 MB of fresh memory.
 */
export function* packingJson<T extends PackedSnapshotDto | PackedDeltaDto>(packed: T): Generator<void, PackedJson<T>> {
  const pieces: string[] = [];
  yield* jsonIn(packed, 3, pieces);
  return pieces.join('');
}

/** JSON.stringify(value) (a JSON value: no functions, no cycles) pushed to `out` in pieces, cut at `depth` levels. */
function* jsonIn(value: unknown, depth: number, out: string[]): Generator<void, void> {
  if (depth === 0 || value === null || typeof value !== 'object') return void out.push(JSON.stringify(value));
  if (Array.isArray(value)) {
    out.push('[');
    for (let from = 0; from < value.length; from += YIELD_EVERY + 1) {
      if (from > 0) out.push(',');
      out.push(JSON.stringify(value.slice(from, from + YIELD_EVERY + 1)).slice(1, -1));
      yield;
    }
    return void out.push(']');
  }
  out.push('{');
  let first = true;
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out.push(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
    first = false;
    yield* jsonIn(v, depth - 1, out);
    yield;
  }
  out.push('}');
}

/** Back from JSON text; the unpackers check every field, so a malformed message draws defaults, not an exception. */
export function parsePacked<T extends PackedSnapshotDto | PackedDeltaDto>(json: PackedJson<T>): T {
  return JSON.parse(json) as T;
}

/** `ids`: send the span ids; by default only below ID_FREE_FROM steps (sized to the view). `edges`: splitEdges of its edges, when made already. */
export function packSnapshot(s: GraphSnapshotDto, ids = s.steps.length < ID_FREE_FROM, edges = splitEdges(s.edges, s.steps, s.timeline)): PackedSnapshotDto {
  return runWhole(packingSnapshot(s, ids, edges));
}

/** packSnapshot's work, yielding every few thousand rows or events (work.ts). */
export function* packingSnapshot(s: GraphSnapshotDto, ids: boolean, edges: SentEdges): Generator<void, PackedSnapshotDto> {
  const steps = yield* packingSteps(s.steps, ids);
  yield;
  const packedEdges = yield* packingEdgeList(edges);
  yield;
  const timeline = yield* packingTimeline(s.timeline, s.steps);
  return { version: s.version, session: s.session, steps, edges: packedEdges, timeline, totals: s.totals, findings: shownFindings(s.findings) };
}

/**
 * What the webview draws of the findings: the top bar's first few messages, and the safety findings' steps
 * (badges, taint paths). A loop finding's step list can hold thousands of steps that nothing draws.
 */
export function shownFindings(findings: readonly FindingDto[]): FindingDto[] {
  const out: FindingDto[] = [];
  for (const f of findings) {
    if (f.kind.startsWith('safety:')) out.push(f);
    else if (out.length < SHOWN_FINDINGS) out.push({ ...f, steps: [] });
  }
  return out;
}

/**
 * `rows`: every row after the delta (the webview's rows once it is applied). `keep`: how many of the base
 * version's events and sent edges stay (keptEvents / keptEdges; none by default); `edges`: splitEdges of its edges.
 */
export function packDelta(d: GraphDeltaDto, rows: readonly StepRowDto[], keep = { events: 0, edges: 0 }, edges = splitEdges(d.edges, rows, d.timeline)): PackedDeltaDto {
  return { ...d, edges: packEdgeList(edges, keep.edges), timeline: packTimeline(d.timeline, rows, keep.events), findings: shownFindings(d.findings) };
}

/** `ids`: false to leave the span ids out (a big session: the webview names steps by index). */
export function packSteps(rows: readonly StepRowDto[], ids = true): StepColumnsDto {
  return runWhole(packingSteps(rows, ids));
}

function* packingSteps(rows: readonly StepRowDto[], ids: boolean): Generator<void, StepColumnsDto> {
  const n = rows.length;
  const c: StepColumnsDto = { id: new Array<string>(n), parent: '', shape: '', label: '', labels: { text: '', lengths: '' }, start: '', duration: '', usageAt: '', inputTokens: [], outputTokens: [], costUsd: [] };
  const labels: string[] = [];
  const parents = new Float64Array(n), shapes = new Float64Array(n), labelOf = new Float64Array(n), starts = new Float64Array(n), durations = new Float64Array(n);
  const usageAt: number[] = [], inputTokens: (number | null)[] = [], outputTokens: (number | null)[] = [];
  const labelIndex = new Map<string, number>();
  let prevStart = 0;
  let prevUsage = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    c.id[i] = r.id;
    parents[i] = r.parent >= 0 && r.parent !== i ? i - r.parent : 0;
    let label = labelIndex.get(r.label);
    if (label === undefined) labelIndex.set(r.label, (label = labels.push(r.label) - 1));
    labelOf[i] = label;
    const start = toUs(r.start);
    starts[i] = start - prevStart;
    prevStart = start;
    durations[i] = toUs(r.end) - start;
    const { kind, status, flags } = rowCodes(r);
    shapes[i] = kind + 8 * status + 24 * flags;
    if (r.inputTokens !== undefined || r.outputTokens !== undefined || r.costUsd !== undefined) {
      usageAt.push(i - prevUsage);
      prevUsage = i;
      inputTokens.push(r.inputTokens ?? null);
      outputTokens.push(r.outputTokens ?? null);
      c.costUsd.push(r.costUsd ?? null);
    }
    if (yieldsAt(i)) yield;
  }
  if (!ids) {
    c.id = [];
    c.noIds = true;
  } else if (c.id.every((id) => HEX_ID.test(id))) {
    // One string of 16-digit ids parses and posts faster than 100k little ones.
    c.hexIds = c.id.join('');
    c.id = [];
  }
  c.labels = joinedText(labels);
  // A column of 1M steps is tens of ms to write: one a turn.
  yield;
  c.shape = intsText(shapes);
  yield;
  c.inputTokens = countsText(inputTokens);
  c.outputTokens = countsText(outputTokens);
  yield;
  c.parent = intsText(parents);
  yield;
  c.label = intsText(labelOf);
  yield;
  c.start = intsText(starts);
  yield;
  c.duration = intsText(durations);
  c.usageAt = intsText(usageAt);
  return c;
}

/** The steps' columns back as a table. */
export function unpackTable(packed: StepColumnsDto): StepTable {
  const hexIds = text(packed.hexIds);
  const parents = intColumn(packed.parent), starts = intColumn(packed.start), durations = intColumn(packed.duration), labelOf = intColumn(packed.label);
  // Without ids, the other columns say how many steps there are.
  const n = packed.noIds === true ? parents.length : hexIds ? Math.floor(hexIds.length / 16) : list(packed.id).length;
  const t = emptyTable(n, splitText(packed.labels));
  if (hexIds) for (let i = 0; i < n; i++) t.id[i] = hexIds.slice(i * 16, i * 16 + 16);
  else if (packed.noIds !== true) for (let i = 0; i < n; i++) t.id[i] = String(packed.id[i]);
  const shapes = intColumn(packed.shape);
  let start = 0;
  for (let i = 0; i < n; i++) {
    start += num(starts[i]);
    const d = num(parents[i]);
    const parent = d === 0 ? -1 : i - d;
    t.parent[i] = parent >= 0 && parent < n ? parent : -1;
    // Missing or negative: an 'other' step, unset, no flags.
    const shape = shapes[i] >= 0 ? shapes[i] : KIND_OTHER;
    t.kind[i] = shape % 8;
    t.status[i] = Math.floor(shape / 8) % 3;
    t.flags[i] = Math.floor(shape / 24) & 7;
    const label = num(labelOf[i]);
    t.label[i] = label >= 0 && label < t.labels.length ? label : -1;
    t.start[i] = start / 1000;
    t.end[i] = (start + num(durations[i])) / 1000;
  }
  const usageAt = intColumn(packed.usageAt), input = countsColumn(packed.inputTokens), output = countsColumn(packed.outputTokens), cost = list(packed.costUsd);
  let at = 0;
  for (let k = 0; k < usageAt.length; k++) {
    at += num(usageAt[k]);
    if (!(at >= 0 && at < n)) break;
    const [i, o, c] = [input[k], output[k], cost[k]];
    if (typeof i === 'number') t.inputTokens[at] = i;
    if (typeof o === 'number') t.outputTokens[at] = o;
    if (typeof c === 'number') t.costUsd[at] = c;
  }
  return t;
}

/** `rows`: the rows whose start and end time the start and end events. `from`: the events before it are kept (a delta's). */
export function packTimeline(t: TimelineDto, rows: readonly StepRowDto[], from = 0): PackedTimelineDto {
  return runWhole(packingTimeline(t, rows, from));
}

function* packingTimeline(t: TimelineDto, rows: readonly StepRowDto[], from = 0): Generator<void, PackedTimelineDto> {
  const n = t.step.length;
  const events = new Float64Array(n - from);
  const times: number[] = [];
  let prevStep = 0;
  let prevAt = from;
  for (let i = from; i < n; i++) {
    const step = t.step[i];
    const type = t.type[i];
    events[i - from] = (step - prevStep) * 3 + (type === 's' ? 0 : type === 'e' ? 2 : 1);
    prevStep = step;
    const own = type === 's' ? rows[step]?.start : type === 'e' ? rows[step]?.end : undefined;
    if (own === undefined || toUs(own) !== toUs(t.time[i])) {
      times.push(i - prevAt, toUs(t.time[i]));
      prevAt = i;
    }
    if (yieldsAt(i)) yield;
  }
  const eventsText = intsText(events);
  yield;
  const timesText = intsText(times);
  if (from === 0) return { events: eventsText, times: timesText, labels: t.labels };
  return { events: eventsText, times: timesText, labels: t.labels.filter(([at]) => at >= from), keep: from };
}

/** The timeline back, start and end events timed by their steps' start and end. */
export function unpackTimeline(p: PackedTimelineDto, rows: { start: ArrayLike<number>; end: ArrayLike<number> }): TimelineColumns {
  const events = intColumn(p.events);
  const n = events.length;
  const step = new Int32Array(n);
  const time = new Float64Array(n);
  const type = new Uint8Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = events[i];
    const code = ((v % 3) + 3) % 3;
    s += (v - code) / 3;
    step[i] = s;
    type[i] = code;
    const inRange = s >= 0 && s < rows.start.length;
    time[i] = !inRange ? 0 : code === 0 ? rows.start[s] : code === 2 ? rows.end[s] : 0;
  }
  let at = 0;
  const times = intColumn(p.times);
  for (let k = 0; k + 1 < times.length; k += 2) {
    at += times[k];
    if (at >= 0 && at < n) time[at] = num(times[k + 1]) / 1000;
  }
  return { step, type, time, labels: list(p.labels).filter((l) => Array.isArray(l)) };
}

/**
 * A delta's timeline: `base`'s first `keep` events (the webview's own), then the delta's (undefined when it
 * keeps more events than the base has). Labels keep their indices: the base's before `keep`, the delta's after.
 */
export function unpackTimelineAfter(base: TimelineColumns, p: PackedTimelineDto, rows: { start: ArrayLike<number>; end: ArrayLike<number> }): TimelineColumns | undefined {
  const keep = p.keep === undefined ? 0 : p.keep;
  if (!Number.isSafeInteger(keep) || keep < 0 || keep > base.step.length) return undefined;
  const tail = unpackTimeline(p, rows);
  if (keep === 0) return tail;
  const n = keep + tail.step.length;
  const joined = <T extends Int32Array | Uint8Array | Float64Array>(out: T, head: T, rest: T): T => {
    out.set(head.subarray(0, keep));
    out.set(rest, keep);
    return out;
  };
  return {
    step: joined(new Int32Array(n), base.step, tail.step),
    type: joined(new Uint8Array(n), base.type, tail.type),
    time: joined(new Float64Array(n), base.time, tail.time),
    labels: [...base.labels.filter(([at]) => at < keep), ...tail.labels.filter(([at]) => at >= keep)],
  };
}
