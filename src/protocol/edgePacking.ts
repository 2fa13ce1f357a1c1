// The graph's edges on the wire (part of graphPacking.ts's codec): the `next` edges a snapshot's rows imply are
// derived again on arrival rather than sent, the rest go as integer columns (intText.ts). Pure: no vscode, node
// or DOM. Unpacking trusts no length or value.
import type { EdgeDto, PackedEdgesDto, StepRowDto, TimelineDto } from './graph';
import type { TimelineColumns } from './graphPacking';
import { intColumn, intsText, joinedText, splitText } from './intText';
import { runWhole, yieldsAt } from './work';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const text = (v: string | undefined) => (typeof v === 'string' ? v : '');

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
  return runWhole(splittingEdges(edges, rows, timeline));
}

/** splitEdges' work, yielding between its passes (work.ts). */
export function* splittingEdges(edges: readonly EdgeDto[], rows: readonly StepRowDto[], timeline?: TimelineDto): Generator<void, SentEdges> {
  const parents = rows.map((r) => r.parent);
  yield;
  const order = timeline && startEventOrder(timeline.step, (i) => timeline.type.charCodeAt(i) === 115 /* s */, rows.length);
  for (const startOrder of order ? [true, false] : [false]) {
    yield;
    const derived = siblingEdges(parents, startOrder ? order : undefined);
    yield;
    const same = derived.length <= edges.length && derived.every(([from, to], i) => edges[i][0] === from && edges[i][1] === to && edges[i][2] === 'next' && edges[i][3] === undefined)
      && edges.every((e, i) => i < derived.length || e[2] !== 'next');
    if (same) return { derivedNext: derived.length, startOrder, sent: edges.slice(derived.length) };
  }
  return { derivedNext: 0, startOrder: false, sent: edges };
}

/** `keep`: the first `keep` of `split.sent` are the base version's, which the webview holds: only the rest is written. */
export function packEdgeList(split: SentEdges, keep = 0): PackedEdgesDto {
  return runWhole(packingEdgeList(split, keep));
}

/** packEdgeList's work, yielding every few thousand edges and between its columns (work.ts). */
export function* packingEdgeList(split: SentEdges, keep = 0): Generator<void, PackedEdgesDto> {
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
  for (let i = 0; i < sent.length; i++) {
    const [from, to, kind, label] = sent[i]!;
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
    if (yieldsAt(i)) yield;
  }
  p.kind = kinds.join('');
  p.labelled = intsText(labelled);
  p.labels = joinedText(labels);
  yield;
  p.from = intsText(froms);
  yield;
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
