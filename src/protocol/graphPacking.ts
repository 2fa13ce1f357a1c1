// The graph webview's wire codec (types in graph.ts): snapshot rows, edges and timeline as columns on the way
// over, back to rows on arrival. One file for both sides, so they cannot drift. Pure: no vscode, node or DOM.
// Unpacking trusts no length or value: missing entries become defaults, never an exception or a hang.
import {
  ID_FREE_FROM, SHOWN_FINDINGS, type EdgeDto, type FindingDto, type GraphDeltaDto, type GraphSnapshotDto, type PackedDeltaDto, type PackedEdgesDto, type PackedJson, type PackedSnapshotDto,
  type PackedTimelineDto, type StepColumnsDto, type StepKindDto, type StepRowDto, type StepStatusDto, type TimelineDto,
} from './graph';

export const STEP_KIND_CODES: Record<StepKindDto, string> = { agent: 'a', llm: 'l', tool: 't', retrieval: 'r', embedding: 'e', chain: 'c', guardrail: 'g', other: 'o' };
export const STEP_STATUS_CODES: Record<StepStatusDto, string> = { ok: 'o', error: 'e', unset: 'u' };
/** By character code of the code letter: an array read per step, not a one-character string and a map lookup. */
const KIND_BY_CODE = byCode(STEP_KIND_CODES);
const STATUS_BY_CODE = byCode(STEP_STATUS_CODES);
function byCode<K extends string>(codes: Record<K, string>): (K | undefined)[] {
  const out: (K | undefined)[] = new Array<K | undefined>(128).fill(undefined);
  for (const [k, c] of Object.entries(codes) as [K, string][]) out[c.charCodeAt(0)] = k;
  return out;
}
const HEX_ID = /^[0-9a-f]{16}$/;
const PRICE_MISSING = 1;
const AGGREGATE = 2;
const HAS_SOURCE = 4;

/** Every time in the DTOs is rounded to the microsecond, so integer us carry it exactly. */
const toUs = (ms: number) => Math.round(ms * 1000);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
const text = (v: string | undefined) => (typeof v === 'string' ? v : '');

/** The timeline as the webview's model reads it. */
export interface TimelineColumns {
  step: Int32Array;
  type: string;
  time: Float64Array;
  labels: [number, string][];
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
  const c: StepColumnsDto = {
    id: new Array<string>(n), parent: new Array<number>(n), kind: '', status: '', label: new Array<number>(n), labels: [],
    start: new Array<number>(n), duration: new Array<number>(n), flags: '', usageAt: [], inputTokens: [], outputTokens: [], costUsd: [],
  };
  const labelIndex = new Map<string, number>();
  const kinds = new Array<string>(n);
  const statuses = new Array<string>(n);
  const flags = new Array<number>(n);
  let prevStart = 0;
  let prevUsage = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    c.id[i] = r.id;
    c.parent[i] = r.parent >= 0 && r.parent !== i ? i - r.parent : 0;
    kinds[i] = STEP_KIND_CODES[r.kind] ?? 'o';
    statuses[i] = STEP_STATUS_CODES[r.status] ?? 'u';
    let label = labelIndex.get(r.label);
    if (label === undefined) labelIndex.set(r.label, (label = c.labels.push(r.label) - 1));
    c.label[i] = label;
    const start = toUs(r.start);
    c.start[i] = start - prevStart;
    prevStart = start;
    c.duration[i] = toUs(r.end) - start;
    flags[i] = (r.priceMissing ? PRICE_MISSING : 0) | (r.aggregate ? AGGREGATE : 0) | (r.hasSource ? HAS_SOURCE : 0);
    if (r.inputTokens !== undefined || r.outputTokens !== undefined || r.costUsd !== undefined) {
      c.usageAt.push(i - prevUsage);
      prevUsage = i;
      c.inputTokens.push(r.inputTokens ?? null);
      c.outputTokens.push(r.outputTokens ?? null);
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
  c.kind = kinds.join('');
  c.status = statuses.join('');
  c.flags = flags.join('');
  return c;
}

export function unpackSteps(packed: StepColumnsDto): StepRowDto[] {
  const hexIds = text(packed.hexIds);
  // Without ids, the other columns say how many steps there are.
  const id = packed.noIds === true ? new Array<string>(list(packed.parent).length).fill('') : hexIds ? new Array<string>(Math.floor(hexIds.length / 16)) : list(packed.id).map(String);
  if (hexIds) for (let i = 0; i < id.length; i++) id[i] = hexIds.slice(i * 16, i * 16 + 16);
  const parents = list(packed.parent), starts = list(packed.start), durations = list(packed.duration), labelOf = list(packed.label);
  const labels = list(packed.labels).map(String);
  const kinds = text(packed.kind), statuses = text(packed.status), flagDigits = text(packed.flags);
  const n = id.length;
  const rows = new Array<StepRowDto>(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    start += num(starts[i]);
    const d = num(parents[i]);
    const parent = d === 0 ? -1 : i - d;
    const flags = (flagDigits.charCodeAt(i) - 48) & 7;
    // The fields in uniformRow's order, in one literal (one allocation per row).
    rows[i] = {
      id: id[i], parent: parent >= 0 && parent < n ? parent : -1, kind: KIND_BY_CODE[kinds.charCodeAt(i)] ?? 'other', status: STATUS_BY_CODE[statuses.charCodeAt(i)] ?? 'unset',
      label: labels[num(labelOf[i])] ?? '', start: start / 1000, end: (start + num(durations[i])) / 1000,
      inputTokens: undefined, outputTokens: undefined, costUsd: undefined,
      priceMissing: flags & PRICE_MISSING ? true : undefined, aggregate: flags & AGGREGATE ? true : undefined, hasSource: flags & HAS_SOURCE ? true : undefined,
    };
  }
  const usageAt = list(packed.usageAt), input = list(packed.inputTokens), output = list(packed.outputTokens), cost = list(packed.costUsd);
  let at = 0;
  for (let k = 0; k < usageAt.length; k++) {
    at += num(usageAt[k]);
    const row = rows[at];
    if (!row) break;
    const [i, o, c] = [input[k], output[k], cost[k]];
    if (typeof i === 'number') row.inputTokens = i;
    if (typeof o === 'number') row.outputTokens = o;
    if (typeof c === 'number') row.costUsd = c;
  }
  return rows;
}

/**
 * A row with every field present (undefined when absent), in one order: 100k rows of one shape keep the
 * webview's loops over them (sums, folds, stepping) on V8's fast path; rows of a dozen shapes do not.
 */
export function uniformRow(r: StepRowDto): StepRowDto {
  return {
    id: r.id, parent: r.parent, kind: r.kind, status: r.status, label: r.label, start: r.start, end: r.end,
    inputTokens: r.inputTokens, outputTokens: r.outputTokens, costUsd: r.costUsd, priceMissing: r.priceMissing, aggregate: r.aggregate, hasSource: r.hasSource,
  };
}

/**
 * `next` edges link siblings (the children of one parent, or the roots) in index order, parents in the order
 * of their first child: the core's rule for a snapshot. Derived from the rows' parents, O(n); a parent that is
 * not a row's index is a root, as unpackSteps reads it.
 */
export function siblingEdges(rows: readonly Pick<StepRowDto, 'parent'>[]): EdgeDto[] {
  const n = rows.length;
  // Groups by parent (at parent + 1; the roots, and any parent that is not a row, at 0) in typed arrays: a
  // Map of a list per parent cost a 100k-step first paint ~40 ms in the webview.
  const groupOf = new Int32Array(n);
  const size = new Int32Array(n + 1);
  const groups: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = rows[i].parent;
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
  const derived = siblingEdges(rows);
  const same = derived.length <= edges.length && derived.every(([from, to], i) => edges[i][0] === from && edges[i][1] === to && edges[i][2] === 'next' && edges[i][3] === undefined)
    && edges.every((e, i) => i < derived.length || e[2] !== 'next');
  const sent = same ? edges.slice(derived.length) : edges;
  const p: PackedEdgesDto = { derivedNext: same ? derived.length : 0, from: new Array<number>(sent.length), to: new Array<number>(sent.length), kind: '', labels: [] };
  const kinds = new Array<string>(sent.length);
  let prev = 0;
  let prevLabel = 0;
  sent.forEach(([from, to, kind, label], i) => {
    p.from[i] = from - prev;
    prev = from;
    p.to[i] = to - from;
    kinds[i] = kind === 'dataflow' ? 'd' : 'n';
    if (label !== undefined) {
      p.labels.push([i - prevLabel, label]);
      prevLabel = i;
    }
  });
  p.kind = kinds.join('');
  return p;
}

/** `rows`: the unpacked rows (the derived `next` edges join them). */
export function unpackEdges(p: PackedEdgesDto, rows: readonly StepRowDto[]): EdgeDto[] {
  const froms = list(p.from), tos = list(p.to), kinds = text(p.kind);
  // Labels first, so that each edge is made whole (a fourth element set later regrew its array to 20 slots).
  const labelAt = new Map<number, string>();
  let at = 0;
  for (const entry of list(p.labels)) {
    if (!Array.isArray(entry)) continue;
    at += num(entry[0]);
    if (at < froms.length) labelAt.set(at, String(entry[1]));
  }
  const sent = new Array<EdgeDto>(froms.length);
  let from = 0;
  for (let i = 0; i < froms.length; i++) {
    from += num(froms[i]);
    const kind = kinds[i] === 'd' ? 'dataflow' : 'next';
    const label = labelAt.size > 0 ? labelAt.get(i) : undefined;
    sent[i] = label === undefined ? [from, from + num(tos[i]), kind] : [from, from + num(tos[i]), kind, label];
  }
  return num(p.derivedNext) > 0 ? siblingEdges(rows).concat(sent) : sent;
}

/** `rows`: the rows whose start and end time the start and end events. */
export function packTimeline(t: TimelineDto, rows: readonly StepRowDto[]): PackedTimelineDto {
  const n = t.step.length;
  const p: PackedTimelineDto = { step: new Array<number>(n), type: t.type, times: [], labels: t.labels };
  let prevStep = 0;
  let prevAt = 0;
  for (let i = 0; i < n; i++) {
    const step = t.step[i];
    p.step[i] = step - prevStep;
    prevStep = step;
    const type = t.type[i];
    const own = type === 's' ? rows[step]?.start : type === 'e' ? rows[step]?.end : undefined;
    if (own === undefined || toUs(own) !== toUs(t.time[i])) {
      p.times.push(i - prevAt, toUs(t.time[i]));
      prevAt = i;
    }
  }
  return p;
}

/** The timeline back, start and end events timed by their steps' rows. */
export function unpackTimeline(p: PackedTimelineDto, rows: readonly StepRowDto[]): TimelineColumns {
  const type = text(p.type);
  const steps = list(p.step);
  const n = Math.min(steps.length, type.length);
  const step = new Int32Array(n);
  const time = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += num(steps[i]);
    step[i] = s;
    const row = rows[s];
    time[i] = row === undefined ? 0 : type[i] === 's' ? row.start : type[i] === 'e' ? row.end : 0;
  }
  let at = 0;
  const times = list(p.times);
  for (let k = 0; k + 1 < times.length; k += 2) {
    at += num(p.times[k]);
    if (at >= 0 && at < n) time[at] = num(times[k + 1]) / 1000;
  }
  return { step, type: type.slice(0, n), time, labels: list(p.labels).filter((l) => Array.isArray(l)) };
}
