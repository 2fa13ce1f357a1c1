// The graph webview's wire codec (types in graph.ts): snapshot rows, edges and timeline as columns on the way
// over (numbers and strings as text: intText.ts), back to columns (stepTable.ts) on arrival. One file for both
// sides, so they cannot drift. Pure: no vscode, node or DOM.
// Unpacking trusts no length or value: missing entries become defaults, never an exception or a hang.
import {
  ID_FREE_FROM, SHOWN_FINDINGS, type EdgeDto, type FindingDto, type IntsText, type GraphDeltaDto, type GraphSnapshotDto, type PackedDeltaDto, type PackedEdgesDto, type PackedJson, type PackedSnapshotDto,
  type PackedTimelineDto, type StepColumnsDto, type StepRowDto, type TimelineDto,
} from './graph';
import { intColumn, intsText, joinedText, splitText } from './intText';
import { emptyTable, KIND_OTHER, rowCodes, type StepTable } from './stepTable';

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

/** Back from JSON text; the unpackers check every field, so a malformed message draws defaults, not an exception. */
export function parsePacked<T extends PackedSnapshotDto | PackedDeltaDto>(json: PackedJson<T>): T {
  return JSON.parse(json) as T;
}

/** `ids`: send the span ids; by default only below ID_FREE_FROM steps (sized to the view). `edges`: splitEdges of its edges, when made already. */
export function packSnapshot(s: GraphSnapshotDto, ids = s.steps.length < ID_FREE_FROM, edges = splitEdges(s.edges, s.steps, s.timeline)): PackedSnapshotDto {
  return { version: s.version, session: s.session, steps: packSteps(s.steps, ids), edges: packEdgeList(edges), timeline: packTimeline(s.timeline, s.steps), totals: s.totals, findings: shownFindings(s.findings) };
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
  c.shape = intsText(shapes);
  c.inputTokens = countsText(inputTokens);
  c.outputTokens = countsText(outputTokens);
  c.parent = intsText(parents);
  c.label = intsText(labelOf);
  c.start = intsText(starts);
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

/**
 * `next` edges link siblings (the children of one parent, or the roots) in index order, parents in the order
 * of their first child: the core's rule for a snapshot. Derived from the rows' parents, O(n); a parent that is
 * not a row's index is a root, as unpackTable reads it.
 */
export function siblingEdges(parents: ArrayLike<number>, order?: ArrayLike<number>): EdgeDto[] {
  const n = parents.length;
  // Groups by parent (at parent + 1; the roots, and any parent that is not a row, at 0) in typed arrays: a
  // Map of a list per parent cost a 100k-step first paint ~40 ms in the webview.
  const groupOf = new Int32Array(n);
  const size = new Int32Array(n + 1);
  const groups: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    const p = parents[i];
    const g = (groupOf[i] = Number.isInteger(p) && p >= 0 && p < n ? p + 1 : 0);
    if (size[g]++ === 0) groups.push(g);
  }
  // Each group's k members give k - 1 edges, written where its place among the groups says.
  const at = new Int32Array(n + 1);
  let total = 0;
  for (const g of groups) {
    at[g] = total;
    total += size[g] - 1;
  }
  const edges = new Array<EdgeDto>(total);
  const last = new Int32Array(n + 1).fill(-1);
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    const g = groupOf[i];
    if (last[g] >= 0) edges[at[g]++] = [last[g], i, 'next'];
    last[g] = i;
  }
  return edges;
}

/**
 * Steps in the order of their start events (each at its last one, as the webview's model reads them), when all
 * `n` have one; else undefined. A feed's indices follow arrival, which is not time order when spans come out
 * of order: siblings are in this order (the core's), and the `next` edges that join them derived in it.
 */
export function startEventOrder(step: ArrayLike<number>, isStart: (event: number) => boolean, n: number): Int32Array | undefined {
  const startAt = new Int32Array(n).fill(-1);
  for (let i = 0; i < step.length; i++) if (step[i] >= 0 && step[i] < n && isStart(i)) startAt[step[i]] = i;
  const order = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < step.length && k < n; i++) if (step[i] >= 0 && step[i] < n && startAt[step[i]] === i) order[k++] = step[i];
  return k === n ? order : undefined;
}

/** Edges as they cross: how many `next` edges the webview derives (siblingEdges, in start order or not), and the rest, which are sent. */
export interface SentEdges {
  derivedNext: number;
  startOrder: boolean;
  sent: readonly EdgeDto[];
}

/**
 * `rows`: the rows the edges join, `timeline` their events; when the `next` edges are exactly the siblings'
 * (siblingEdges of the rows in start order, or in index order), first, they are not sent.
 */
export function splitEdges(edges: readonly EdgeDto[], rows: readonly StepRowDto[], timeline?: TimelineDto): SentEdges {
  const parents = rows.map((r) => r.parent);
  const order = timeline && startEventOrder(timeline.step, (i) => timeline.type.charCodeAt(i) === 115 /* s */, rows.length);
  for (const startOrder of order ? [true, false] : [false]) {
    const derived = siblingEdges(parents, startOrder ? order : undefined);
    const same = derived.length <= edges.length && derived.every(([from, to], i) => edges[i][0] === from && edges[i][1] === to && edges[i][2] === 'next' && edges[i][3] === undefined)
      && edges.every((e, i) => i < derived.length || e[2] !== 'next');
    if (same) return { derivedNext: derived.length, startOrder, sent: edges.slice(derived.length) };
  }
  return { derivedNext: 0, startOrder: false, sent: edges };
}

/** `keep`: the first `keep` of `split.sent` are the base version's, which the webview holds: only the rest is written. */
export function packEdgeList(split: SentEdges, keep = 0): PackedEdgesDto {
  const sent = keep > 0 ? split.sent.slice(keep) : split.sent;
  const p: PackedEdgesDto = { derivedNext: split.derivedNext, from: '', to: '', kind: '', labels: { text: '', lengths: '' }, labelled: '' };
  if (split.startOrder && split.derivedNext > 0) p.startOrder = true;
  if (keep > 0) p.keep = keep;
  const labels: string[] = [];
  const froms = new Float64Array(sent.length), tos = new Float64Array(sent.length);
  const kinds = new Array<string>(sent.length);
  const labelled: number[] = [];
  const labelIndex = new Map<string, number>();
  let prev = 0;
  let prevLabel = 0;
  sent.forEach(([from, to, kind, label], i) => {
    froms[i] = from - prev;
    prev = from;
    tos[i] = to - from;
    kinds[i] = kind === 'dataflow' ? 'd' : 'n';
    if (label !== undefined) {
      let at = labelIndex.get(label);
      if (at === undefined) labelIndex.set(label, (at = labels.push(label) - 1));
      labelled.push(i - prevLabel, at);
      prevLabel = i;
    }
  });
  p.kind = kinds.join('');
  p.labelled = intsText(labelled);
  p.labels = joinedText(labels);
  p.from = intsText(froms);
  p.to = intsText(tos);
  return p;
}

/**
 * The edges, and how many of them (first) are derived from `parents` (the unpacked steps'); a delta's on top
 * of `baseSent`, the edges its base version was sent (undefined when it keeps more of them than there are).
 * `timeline`: the steps' events (the derived edges may follow their start order).
 */
export function unpackEdgeParts(p: PackedEdgesDto, parents: ArrayLike<number>, baseSent: readonly EdgeDto[] = [], timeline?: TimelineColumns): { edges: EdgeDto[]; derived: number } | undefined {
  const keep = p.keep === undefined ? 0 : p.keep;
  if (!Number.isSafeInteger(keep) || keep < 0 || keep > baseSent.length) return undefined;
  const sent = keep > 0 ? baseSent.slice(0, keep).concat(unpackSent(p)) : unpackSent(p);
  const order = p.startOrder === true && timeline ? startEventOrder(timeline.step, (i) => timeline.type[i] === 0, parents.length) : undefined;
  const derived = num(p.derivedNext) > 0 ? siblingEdges(parents, order) : [];
  return { edges: derived.length > 0 ? derived.concat(sent) : sent, derived: derived.length };
}

/** The edges written in `p` (not the derived ones, nor those it keeps). */
function unpackSent(p: PackedEdgesDto): EdgeDto[] {
  const froms = intColumn(p.from), tos = intColumn(p.to), kinds = text(p.kind);
  // Labels first, so that each edge is made whole (a fourth element set later regrew its array to 20 slots).
  const labelAt = new Map<number, string>();
  const labels = splitText(p.labels), labelled = intColumn(p.labelled);
  let at = 0;
  for (let k = 0; k + 1 < labelled.length; k += 2) {
    at += labelled[k];
    const label = labels[labelled[k + 1]];
    if (at >= 0 && at < froms.length && label !== undefined) labelAt.set(at, String(label));
  }
  const sent = new Array<EdgeDto>(froms.length);
  let from = 0;
  for (let i = 0; i < froms.length; i++) {
    from += num(froms[i]);
    const kind = kinds[i] === 'd' ? 'dataflow' : 'next';
    const label = labelAt.size > 0 ? labelAt.get(i) : undefined;
    sent[i] = label === undefined ? [from, from + num(tos[i]), kind] : [from, from + num(tos[i]), kind, label];
  }
  return sent;
}

/** `rows`: the rows whose start and end time the start and end events. `from`: the events before it are kept (a delta's). */
export function packTimeline(t: TimelineDto, rows: readonly StepRowDto[], from = 0): PackedTimelineDto {
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
  }
  if (from === 0) return { events: intsText(events), times: intsText(times), labels: t.labels };
  return { events: intsText(events), times: intsText(times), labels: t.labels.filter(([at]) => at >= from), keep: from };
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
