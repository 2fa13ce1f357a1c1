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

/** `ids`: send the span ids; by default only below ID_FREE_FROM steps (sized to the view). */
export function packSnapshot(s: GraphSnapshotDto, ids = s.steps.length < ID_FREE_FROM): PackedSnapshotDto {
  return { version: s.version, session: s.session, steps: packSteps(s.steps, ids), edges: packEdges(s.edges, s.steps), timeline: packTimeline(s.timeline, s.steps), totals: s.totals, findings: shownFindings(s.findings) };
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

/** `rows`: every row after the delta (the webview's rows once it is applied). */
export function packDelta(d: GraphDeltaDto, rows: readonly StepRowDto[]): PackedDeltaDto {
  return { ...d, edges: packEdges(d.edges, rows), timeline: packTimeline(d.timeline, rows), findings: shownFindings(d.findings) };
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
export function siblingEdges(parents: ArrayLike<number>): EdgeDto[] {
  const n = parents.length;
  // Groups by parent (at parent + 1; the roots, and any parent that is not a row, at 0) in typed arrays: a
  // Map of a list per parent cost a 100k-step first paint ~40 ms in the webview.
  const groupOf = new Int32Array(n);
  const size = new Int32Array(n + 1);
  const groups: number[] = [];
  for (let i = 0; i < n; i++) {
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
  for (let i = 0; i < n; i++) {
    const g = groupOf[i];
    if (last[g] >= 0) edges[at[g]++] = [last[g], i, 'next'];
    last[g] = i;
  }
  return edges;
}

/** `rows`: the rows the edges join; when the `next` edges are exactly siblingEdges(rows), first, they are not sent. */
export function packEdges(edges: readonly EdgeDto[], rows: readonly StepRowDto[]): PackedEdgesDto {
  const derived = siblingEdges(rows.map((r) => r.parent));
  const same = derived.length <= edges.length && derived.every(([from, to], i) => edges[i][0] === from && edges[i][1] === to && edges[i][2] === 'next' && edges[i][3] === undefined)
    && edges.every((e, i) => i < derived.length || e[2] !== 'next');
  const sent = same ? edges.slice(derived.length) : edges;
  const p: PackedEdgesDto = { derivedNext: same ? derived.length : 0, from: '', to: '', kind: '', labels: { text: '', lengths: '' }, labelled: '' };
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

/** `parents`: the unpacked steps' parents (the derived `next` edges join them). */
export function unpackEdges(p: PackedEdgesDto, parents: ArrayLike<number>): EdgeDto[] {
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
  return num(p.derivedNext) > 0 ? siblingEdges(parents).concat(sent) : sent;
}

/** `rows`: the rows whose start and end time the start and end events. */
export function packTimeline(t: TimelineDto, rows: readonly StepRowDto[]): PackedTimelineDto {
  const n = t.step.length;
  const events = new Float64Array(n);
  const times: number[] = [];
  let prevStep = 0;
  let prevAt = 0;
  for (let i = 0; i < n; i++) {
    const step = t.step[i];
    const type = t.type[i];
    events[i] = (step - prevStep) * 3 + (type === 's' ? 0 : type === 'e' ? 2 : 1);
    prevStep = step;
    const own = type === 's' ? rows[step]?.start : type === 'e' ? rows[step]?.end : undefined;
    if (own === undefined || toUs(own) !== toUs(t.time[i])) {
      times.push(i - prevAt, toUs(t.time[i]));
      prevAt = i;
    }
  }
  return { events: intsText(events), times: intsText(times), labels: t.labels };
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
