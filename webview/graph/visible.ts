// Which items the graph draws: steps, folded loops (a run of siblings repeating the same pattern of kind +
// label, shown once with a count) and chunks (a long sibling list cut into groups), with collapse/expand.
// The number of items stays near `budget` whatever the session size: 100k spans never become 100k nodes.
// Pure (no DOM): unit-tested in Node.
import { AGGREGATE, PRICE_MISSING, STATUS_ERROR, STEP_KINDS } from '../../src/protocol/stepTable';
import { orZero, stepKeyOf, type GraphModel } from './model';

export type ItemType = 'step' | 'fold' | 'chunk';
export type EdgeKind = 'contains' | 'next' | 'dataflow';

export interface Item {
  key: string;
  type: ItemType;
  /** A step item's step; a group's first member. */
  step: number;
  /** A step item: [step]; a fold: the repeated siblings; a chunk: every sibling it spans. */
  members: number[];
  depth: number;
  /** Has something to show or hide (a step with children; every group). */
  expandable: boolean;
  expanded: boolean;
  /** Fold: the pattern length and its repeat count. */
  pattern?: number;
  repeats?: number;
  /** Steps the item stands for (itself or its members, plus hidden descendants). */
  covered: number;
  /** Cursor of the first start / last end / first failed end among the covered steps. */
  firstStart: number;
  lastEnd: number;
  firstFail: number;
  /** Usage of the covered steps (aggregates skipped). */
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  priceMissing: boolean;
  errors: number;
}

export interface VisibleEdge {
  from: number;
  to: number;
  kind: EdgeKind;
  label?: string;
}

export interface VisibleGraph {
  items: Item[];
  byKey: Map<string, number>;
  /** Per step: the index of the item that stands for it. */
  rep: Int32Array;
  edges: VisibleEdge[];
}

export interface VisibleOptions {
  /** Steps are expanded breadth-first while the item count stays within this. */
  budget: number;
  /** A longer sibling list is cut into chunks. */
  maxSiblings: number;
  /** A pattern must repeat this often to fold. */
  minRepeats: number;
  /** Longest pattern (in siblings) looked for. */
  maxPattern: number;
}

export const defaultVisibleOptions: VisibleOptions = { budget: 200, maxSiblings: 100, minRepeats: 3, maxPattern: 4 };

/** User choices by item key: true = expanded (steps, chunks) or unfolded (folds). */
export type Toggles = ReadonlyMap<string, boolean>;

type Entry = { type: 'step'; step: number } | { type: 'fold'; members: number[]; pattern: number; repeats: number } | { type: 'chunk'; key: string; members: number[]; entries: Entry[] };

export function buildVisible(m: GraphModel, toggles: Toggles, options: Partial<VisibleOptions> = {}): VisibleGraph {
  const o = { ...defaultVisibleOptions, ...options };
  const sigOf = signatures(m);
  const items: Item[] = [];
  const byKey = new Map<string, number>();
  const queue: number[] = [];

  const group = (siblings: Int32Array | number[]): Entry[] => {
    const entries: Entry[] = [];
    const sigs = Int32Array.from(siblings, (i) => sigOf[i]);
    for (const [start, pattern, repeats] of foldRuns(sigs, o.minRepeats, o.maxPattern)) {
      // A step that repeats nothing (most of a long list of distinct steps) is an entry, and nothing more.
      if (repeats === 1) {
        for (let k = 0; k < pattern; k++) entries.push({ type: 'step', step: siblings[start + k] });
        continue;
      }
      const members = Array.from(siblings.slice(start, start + pattern * repeats));
      if (toggles.get(foldKey(m, members[0])) !== true) entries.push({ type: 'fold', members, pattern, repeats });
      else for (const step of members) entries.push({ type: 'step', step });
    }
    return chunk(entries);
  };

  const chunk = (entries: Entry[]): Entry[] => {
    if (entries.length <= o.maxSiblings) return entries;
    let size = o.maxSiblings;
    while (Math.ceil(entries.length / size) > o.maxSiblings) size *= o.maxSiblings;
    const out: Entry[] = [];
    for (let from = 0; from < entries.length; from += size) {
      const piece = entries.slice(from, from + size);
      const members: number[] = [];
      for (const e of piece) {
        if (e.type === 'step') members.push(e.step);
        else for (const s of e.members) members.push(s);
      }
      const key = `chunk:${stepKeyOf(m, members[0])}:${size}`;
      if (toggles.get(key) === true) out.push(...chunk(piece));
      else out.push({ type: 'chunk', key, members, entries: piece });
    }
    return out;
  };

  const place = (entries: Entry[], depth: number) => {
    for (const e of entries) {
      const item = newItem(m, e, depth);
      byKey.set(item.key, items.push(item) - 1);
      if (e.type === 'step' && m.childStart[e.step + 1] > m.childStart[e.step]) queue.push(items.length - 1);
    }
  };

  place(group(m.roots), 0);
  for (let q = 0; q < queue.length; q++) {
    const item = items[queue[q]];
    item.expandable = true;
    const toggled = toggles.get(item.key);
    if (toggled === false) continue;
    const entries = group(m.childList.subarray(m.childStart[item.step], m.childStart[item.step + 1]));
    if (toggled === undefined && items.length + entries.length > o.budget) continue;
    item.expanded = true;
    place(entries, item.depth + 1);
  }

  const rep = representatives(m, items);
  tally(m, items, rep);
  return { items, byKey, rep, edges: visibleEdges(m, rep, items.length) };
}

/** The toggles that make `step` an item of its own (expanding its ancestors and the groups holding it). */
export function reveal(m: GraphModel, toggles: Map<string, boolean>, step: number, options: Partial<VisibleOptions> = {}): VisibleGraph {
  let v = buildVisible(m, toggles, options);
  for (let guard = 0; guard <= m.n; guard++) {
    const item = v.items[v.rep[step]];
    if (!item || (item.type === 'step' && item.step === step)) break;
    toggles.set(item.key, true);
    v = buildVisible(m, toggles, options);
  }
  return v;
}

export function foldKey(m: GraphModel, firstStep: number): string {
  return `fold:${stepKeyOf(m, firstStep)}`;
}

/**
 * Runs of a repeating pattern: [start, pattern length, repeats]; a step on its own is [i, 1, 1]. Greedy,
 * left to right, the run covering most siblings wins (the shorter pattern on ties).
 */
export function foldRuns(sigs: ArrayLike<number>, minRepeats: number, maxPattern: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const m = sigs.length;
  const same = (a: number, b: number, len: number) => {
    for (let k = 0; k < len; k++) if (sigs[a + k] !== sigs[b + k]) return false;
    return true;
  };
  for (let p = 0; p < m; ) {
    let best: [number, number] | undefined;
    for (let len = 1; len <= maxPattern && p + len * minRepeats <= m; len++) {
      let k = 1;
      while (p + (k + 1) * len <= m && same(p, p + k * len, len)) k++;
      if (k >= minRepeats && (!best || len * k > best[0] * best[1])) best = [len, k];
    }
    if (best) {
      out.push([p, best[0], best[1]]);
      p += best[0] * best[1];
    } else {
      out.push([p, 1, 1]);
      p++;
    }
  }
  return out;
}

/**
 * Kind + label as a number: what "the same step" means for folding. A table lists each label once (the
 * packer and withRows keep it so): a hostile one listing a text twice only folds less.
 */
function signatures(m: GraphModel): Int32Array {
  const { kind, label } = m.steps;
  const sigs = new Int32Array(m.n);
  for (let i = 0; i < m.n; i++) sigs[i] = (label[i] + 1) * STEP_KINDS.length + kind[i];
  return sigs;
}

function newItem(m: GraphModel, e: Entry, depth: number): Item {
  const base = { depth, expandable: e.type !== 'step', expanded: false, covered: 0, firstStart: Infinity, lastEnd: -1, firstFail: Infinity, inputTokens: 0, outputTokens: 0, costUsd: 0, priceMissing: false, errors: 0 };
  if (e.type === 'step') return { ...base, key: stepKeyOf(m, e.step), type: 'step', step: e.step, members: [e.step] };
  if (e.type === 'fold') return { ...base, key: foldKey(m, e.members[0]), type: 'fold', step: e.members[0], members: e.members, pattern: e.pattern, repeats: e.repeats };
  return { ...base, key: e.key, type: 'chunk', step: e.members[0], members: e.members };
}

/** Every step -> the item that stands for it: itself, its collapsed ancestor, or the group holding it. */
function representatives(m: GraphModel, items: Item[]): Int32Array {
  const rep = new Int32Array(m.n).fill(-1);
  const stack: number[] = [];
  items.forEach((item, idx) => {
    const hideBelow = item.type !== 'step' || !item.expanded;
    for (const s of item.members) {
      rep[s] = idx;
      if (!hideBelow) continue;
      stack.push(s);
      while (stack.length > 0) {
        const x = stack.pop()!;
        for (let c = m.childStart[x]; c < m.childStart[x + 1]; c++) {
          const child = m.childList[c];
          if (rep[child] >= 0) continue;
          rep[child] = idx;
          stack.push(child);
        }
      }
    }
  });
  return rep;
}

function tally(m: GraphModel, items: Item[], rep: Int32Array): void {
  for (let s = 0; s < m.n; s++) {
    const item = items[rep[s]];
    if (!item) continue;
    const t = m.steps;
    item.covered++;
    if (m.startAt[s] >= 0) item.firstStart = Math.min(item.firstStart, m.startAt[s]);
    if (m.endAt[s] >= 0) item.lastEnd = Math.max(item.lastEnd, m.endAt[s]);
    if (t.status[s] === STATUS_ERROR) {
      item.errors++;
      if (m.endAt[s] >= 0) item.firstFail = Math.min(item.firstFail, m.endAt[s]);
    }
    // A step item shows its own usage (aggregate or not); a group or hidden subtree sums the real calls.
    const own = item.type === 'step' && item.step === s;
    if (own || !(t.flags[s] & AGGREGATE)) {
      item.inputTokens += orZero(t.inputTokens[s]);
      item.outputTokens += orZero(t.outputTokens[s]);
      item.costUsd += orZero(t.costUsd[s]);
      item.priceMissing ||= (t.flags[s] & PRICE_MISSING) !== 0;
    }
  }
  // A collapsed aggregate counted both itself and its calls: keep the aggregate's own numbers.
  for (const item of items) {
    const s = item.step;
    if (item.type === 'step' && m.steps.flags[s] & AGGREGATE) {
      item.inputTokens = orZero(m.steps.inputTokens[s]);
      item.outputTokens = orZero(m.steps.outputTokens[s]);
      item.costUsd = orZero(m.steps.costUsd[s]);
    }
  }
}

const EDGE_KINDS: readonly EdgeKind[] = ['contains', 'next', 'dataflow'];

/** `count`: the number of items. Every step's edges, as the items that stand for their ends, once each. */
function visibleEdges(m: GraphModel, rep: Int32Array, count: number): VisibleEdge[] {
  const edges: VisibleEdge[] = [];
  // A number per (from, to, kind): a 100k-step session has ~200k edges to fold, and a string key each was
  // most of this walk.
  const seen = new Set<number>();
  const add = (a: number, b: number, kind: EdgeKind, label?: string) => {
    if (a < 0 || b < 0 || a === b) return;
    const key = (a * count + b) * 3 + EDGE_KINDS.indexOf(kind);
    if (seen.has(key)) return;
    seen.add(key);
    edges.push(label !== undefined ? { from: a, to: b, kind, label } : { from: a, to: b, kind });
  };
  for (let s = 0; s < m.n; s++) if (m.parent[s] >= 0) add(rep[m.parent[s]], rep[s], 'contains');
  for (const [from, to, kind, label] of m.edges) if (from < m.n && to < m.n) add(rep[from], rep[to], kind, label);
  return edges;
}
