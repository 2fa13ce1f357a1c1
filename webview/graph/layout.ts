// A layered DAG layout (dagre) of the visible items: top to bottom in time, parents above children.
// Items are laid out by index; the renderer joins them by key, so zoom and selection survive a relayout.
// Pure (no DOM): unit-tested in Node. dagre is passed in (the bundle imports it; Node tests load it with
// import(), as the package is ESM-only for TypeScript's CommonJS build of the tests).
import type * as Dagre from '@dagrejs/dagre' with { 'resolution-mode': 'import' };
import type { EdgeKind, VisibleGraph } from './visible';

export type DagreModule = Pick<typeof Dagre, 'Graph' | 'layout'>;

export const NODE_WIDTH = 196;
export const NODE_HEIGHT = 56;

export interface Box {
  /** Top-left corner, in layout coordinates. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface LaidOutEdge {
  from: number;
  to: number;
  kind: EdgeKind;
  label?: string;
  points: Point[];
  /** 0 for the first kind drawn between a pair, then 1, 2: the renderer bends later ones apart. */
  lane: number;
}

export interface Layout {
  boxes: Box[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

/** `next` keeps sibling chains straight; `contains` and `dataflow` only pull. */
const weight: Record<EdgeKind, number> = { next: 4, contains: 1, dataflow: 1 };

export function layoutVisible(dagre: DagreModule, v: VisibleGraph, options: { rankdir?: 'LR' | 'TB' } = {}): Layout {
  const g = new dagre.Graph({ directed: true, multigraph: false, compound: false });
  g.setGraph({ rankdir: options.rankdir ?? 'TB', nodesep: 28, ranksep: 44, edgesep: 12, marginx: 24, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));
  v.items.forEach((_, i) => g.setNode(String(i), { width: NODE_WIDTH, height: NODE_HEIGHT }));
  // One dagre edge per ordered pair; its weight is the sum of the kinds drawn along it. A parent's `contains`
  // edge to a child that follows a sibling (`next`) is left out: it would span the whole sibling chain and
  // cost dagre a dummy node per rank. It is drawn along a bus on the left instead.
  const follows = new Set(v.edges.filter((e) => e.kind === 'next').map((e) => e.to));
  const bus = (e: VisibleGraph['edges'][number]) => e.kind === 'contains' && follows.has(e.to);
  const pairWeight = new Map<string, number>();
  for (const e of v.edges) {
    if (bus(e)) continue;
    const key = `${e.from}>${e.to}`;
    pairWeight.set(key, (pairWeight.get(key) ?? 0) + weight[e.kind]);
  }
  for (const [key, w] of pairWeight) {
    const [a, b] = key.split('>');
    g.setEdge(a, b, { weight: w, minlen: 1 });
  }
  dagre.layout(g);

  const boxes: Box[] = v.items.map((_, i) => {
    const n = g.node(String(i)) as { x: number; y: number; width: number; height: number };
    return { x: n.x - n.width / 2, y: n.y - n.height / 2, w: n.width, h: n.height };
  });
  const lanes = new Map<string, number>();
  const edges: LaidOutEdge[] = v.edges.map((e) => {
    const key = `${Math.min(e.from, e.to)}-${Math.max(e.from, e.to)}`;
    const lane = lanes.get(key) ?? 0;
    lanes.set(key, lane + 1);
    const dagreEdge = g.hasEdge(String(e.from), String(e.to)) ? (g.edge(String(e.from), String(e.to)) as { points?: Point[] }) : undefined;
    const points = dagreEdge?.points?.map((p) => ({ x: p.x, y: p.y })) ?? (bus(e) ? busRoute(boxes[e.from], boxes[e.to]) : straight(boxes[e.from], boxes[e.to]));
    const out: LaidOutEdge = { from: e.from, to: e.to, kind: e.kind, points, lane };
    if (e.label !== undefined) out.label = e.label;
    return out;
  });
  const graph = g.graph() as { width?: number; height?: number };
  return { boxes, edges, width: graph.width ?? 0, height: graph.height ?? 0 };
}

/** Out of the parent's bottom, down a guide line just left of the child's column, into the child's left side. */
function busRoute(p: Box, c: Box): Point[] {
  const x = c.x - 12;
  const y0 = p.y + p.h + 10;
  const y1 = c.y + c.h / 2;
  const px = p.x + p.w / 2;
  return [{ x: px, y: p.y + p.h }, { x: px, y: y0 }, { x, y: y0 }, { x, y: y0 + 1 }, { x, y: y1 - 1 }, { x, y: y1 }, { x: c.x, y: y1 }];
}

function straight(a: Box, b: Box): Point[] {
  return [
    { x: a.x + a.w / 2, y: a.y + a.h / 2 },
    { x: b.x + b.w / 2, y: b.y + b.h / 2 },
  ];
}

/** The edge's points with later lanes bent sideways, so two kinds between one pair stay distinguishable. */
export function bentPoints(e: LaidOutEdge): Point[] {
  if (e.lane === 0 || e.points.length < 2) return e.points;
  const a = e.points[0];
  const b = e.points[e.points.length - 1];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const offset = (e.lane % 2 === 1 ? 1 : -1) * 14 * Math.ceil(e.lane / 2);
  const mid = { x: (a.x + b.x) / 2 - (dy / len) * offset, y: (a.y + b.y) / 2 + (dx / len) * offset };
  return [a, mid, b];
}

/** Bounds of a set of boxes (for fit-to-view and the minimap). */
export function boundsOf(boxes: readonly Box[]): Box {
  if (boxes.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.w);
    y1 = Math.max(y1, b.y + b.h);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
