// The graph canvas: d3 joins of laid-out items (HTML nodes) and edges (SVG paths) under one d3-zoom
// transform. Only items inside the viewport are in the DOM (culled on every zoom/pan frame, capped), so the
// node count stays bounded whatever the session size. Every span string goes in as text.
import { curveBasis, line, select, zoom, zoomIdentity, type Selection, type ZoomBehavior, type ZoomTransform } from 'd3';
import { h } from '../shared/dom';
import { bentPoints, boundsOf, type Box, type LaidOutEdge, type Layout } from './layout';
import { STEP_KINDS } from '../../src/protocol/stepTable';
import type { GraphModel } from './model';
import { ariaLabel, itemText, splitTail, type CursorView, type ItemText, type Phase } from './viewModel';
import type { Item, VisibleGraph } from './visible';

/** Upper bound on node elements in the DOM, whatever the zoom. */
export const MAX_RENDERED = 400;
const MARGIN = 120;
/** Below this scale a whole graph is too small to read: a fit starts at its beginning instead. */
const minFitScale = 0.4;
const phaseIcon: Record<Phase, string> = { pending: 'circle-outline', running: 'loading', done: 'pass', failed: 'error' };

export interface ZoomState {
  k: number;
  x: number;
  y: number;
}

export interface GraphViewEvents {
  select(item: number): void;
  toggle(item: number): void;
  /** `user`: the person zoomed or panned (then a resize keeps their view); else the view was fitted or moved for them. */
  zoomed(z: ZoomState, user: boolean): void;
}

interface Drawn {
  el: HTMLElement;
  text: ItemText;
  sig: string;
}

export class GraphView {
  readonly element: HTMLElement;
  private readonly svg: Selection<SVGGElement, unknown, null, undefined>;
  private readonly nodesLayer: HTMLElement;
  private readonly zoomer: ZoomBehavior<HTMLElement, unknown>;
  private transform: ZoomTransform = zoomIdentity;
  private model?: GraphModel;
  private visible?: VisibleGraph;
  private layout?: Layout;
  private view?: CursorView;
  private selected = -1;
  /** Items standing for a highlighted step set (a Cost view row). */
  private highlighted = new Set<number>();
  private matches = new Set<number>();
  private focusKey?: string;
  private drawn = new Map<string, Drawn>();
  private edgeBoxes: Box[] = [];
  private frame = 0;
  private readonly listeners: (() => void)[] = [];
  /** The person has zoomed or panned since the last fit: a resize keeps their view instead of fitting again. */
  private userZoomed = false;
  private lastSize = { width: 0, height: 0 };

  constructor(private readonly events: GraphViewEvents) {
    const svgEl = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svgEl.setAttribute('class', 'edges');
    svgEl.setAttribute('aria-hidden', 'true');
    this.nodesLayer = h('div', { class: 'nodes', role: 'tree', 'aria-label': 'Trace graph steps' });
    this.element = h('div', { class: 'graph-canvas' });
    this.element.append(svgEl, this.nodesLayer);
    const svg = select(svgEl);
    const defs = svg.append('defs');
    for (const kind of ['next', 'dataflow', 'contains']) {
      defs.append('marker').attr('id', `arrow-${kind}`).attr('class', `arrow ${kind}`).attr('viewBox', '0 0 10 10').attr('refX', 9).attr('refY', 5)
        .attr('markerWidth', 7).attr('markerHeight', 7).attr('orient', 'auto-start-reverse').append('path').attr('d', 'M0,0 L10,5 L0,10 z');
    }
    this.svg = svg.append('g').attr('class', 'viewport');
    this.zoomer = zoom<HTMLElement, unknown>().scaleExtent([0.05, 2.5]).on('zoom', (e: { transform: ZoomTransform; sourceEvent: unknown }) => {
      if (e.sourceEvent) this.userZoomed = true;
      this.applyTransform(e.transform);
    });
    select<HTMLElement, unknown>(this.element).call(this.zoomer).on('dblclick.zoom', null);
    this.nodesLayer.addEventListener('click', (e) => this.onPointer(e, 'select'));
    this.nodesLayer.addEventListener('dblclick', (e) => this.onPointer(e, 'toggle'));
    this.nodesLayer.addEventListener('keydown', (e) => this.onKey(e));
    this.nodesLayer.addEventListener('focusin', (e) => {
      const item = this.itemOf(e.target);
      if (item !== undefined) this.focusKey = this.visible?.items[item].key;
    });
    // The editor opening beside the graph narrows it: fit again, unless the person chose their own view.
    // Only a change of width refits: the minimap docked under the canvas changes its height as it comes and
    // goes, and refitting on that undid every reveal of a step in a graph too big to fit.
    new ResizeObserver(() => {
      const now = this.size();
      if (now.width === this.lastSize.width && now.height === this.lastSize.height) return;
      const narrowed = now.width !== this.lastSize.width;
      this.lastSize = now;
      if (this.layout && !this.userZoomed && narrowed) this.fit();
      else this.notify();
    }).observe(this.element);
  }

  onTransform(listener: () => void): void {
    this.listeners.push(listener);
  }

  get zoomState(): ZoomState {
    return { k: this.transform.k, x: this.transform.x, y: this.transform.y };
  }

  /** New items or positions. `zoom`: keep the current transform (live updates), restore one, or fit. */
  setData(model: GraphModel, visible: VisibleGraph, layout: Layout, zoomTo: 'keep' | 'fit' | ZoomState): void {
    this.model = model;
    this.visible = visible;
    this.layout = layout;
    this.edgeBoxes = layout.edges.map((e) => boundsOf(e.points.map((p) => ({ x: p.x, y: p.y, w: 0, h: 0 }))));
    const hadFocus = this.nodesLayer.contains(document.activeElement);
    for (const d of this.drawn.values()) d.el.remove();
    this.drawn.clear();
    if (this.focusKey !== undefined && !visible.byKey.has(this.focusKey)) this.focusKey = undefined;
    // A live update keeps the view, unless the person never chose one and the grown graph still fits readably:
    // then it fits again, as on a resize (new steps were drawn under the legend or off the canvas).
    if (zoomTo === 'fit' || (zoomTo === 'keep' && !this.userZoomed && this.fitScale() >= minFitScale)) this.fit();
    else if (zoomTo !== 'keep') {
      this.setTransform(zoomIdentity.translate(zoomTo.x, zoomTo.y).scale(zoomTo.k), false);
      this.userZoomed = true;
    }
    this.draw();
    if (hadFocus && this.focusKey !== undefined) this.drawn.get(this.focusKey)?.el.focus();
  }

  setCursor(view: CursorView, selectedItem: number): void {
    this.view = view;
    this.selected = selectedItem;
    for (const [key, d] of this.drawn) this.paint(key, d);
  }

  /** Marks the items holding search matches (empty: none). */
  setMatches(items: Set<number>): void {
    this.matches = items;
    for (const [key, d] of this.drawn) this.paint(key, d);
  }

  /** Marks the items of a step set (empty: none). */
  setHighlighted(items: Set<number>): void {
    this.highlighted = items;
    for (const [key, d] of this.drawn) this.paint(key, d);
  }

  zoomBy(direction: 1 | -1 | 0): void {
    if (direction === 0) return this.fit(true);
    this.userZoomed = true;
    select<HTMLElement, unknown>(this.element).transition().duration(120).call(this.zoomer.scaleBy, direction > 0 ? 1.25 : 0.8);
  }

  /** Pans (never zooms) so that the item is on screen. */
  ensureVisible(item: number, animate = true): void {
    const box = this.layout?.boxes[item];
    if (!box) return;
    const t = this.transform;
    const { width, height } = this.size();
    const x0 = t.applyX(box.x), y0 = t.applyY(box.y), x1 = t.applyX(box.x + box.w), y1 = t.applyY(box.y + box.h);
    if (x0 >= 8 && y0 >= 8 && x1 <= width - 8 && y1 <= height - 8) return;
    const next = zoomIdentity.translate(width / 2 - (box.x + box.w / 2) * t.k, height / 2 - (box.y + box.h / 2) * t.k).scale(t.k);
    this.setTransform(next, animate);
  }

  /** Centers the view on a layout point (minimap clicks). */
  centerOn(x: number, y: number): void {
    const { width, height } = this.size();
    this.setTransform(zoomIdentity.translate(width / 2 - x * this.transform.k, height / 2 - y * this.transform.k).scale(this.transform.k), false);
  }

  focusItem(item: number): void {
    const key = this.visible?.items[item]?.key;
    if (key === undefined) return;
    this.focusKey = key;
    this.ensureVisible(item, false);
    this.draw();
    this.drawn.get(key)?.el.focus();
  }

  renderedCount(): number {
    return this.drawn.size;
  }

  size(): { width: number; height: number } {
    return { width: this.element.clientWidth || 800, height: this.element.clientHeight || 500 };
  }

  /** Whether the whole layout is inside the canvas now (then a minimap has nothing to add). */
  fitsInView(): boolean {
    if (!this.layout) return true;
    const t = this.transform;
    const { width, height } = this.size();
    const b = boundsOf(this.layout.boxes);
    return t.applyX(b.x) >= -1 && t.applyY(b.y) >= -1 && t.applyX(b.x + b.w) <= width + 1 && t.applyY(b.y + b.h) <= height + 1;
  }

  /** The scale at which the whole layout fits the canvas (at most 1.2). */
  private fitScale(): number {
    if (!this.layout) return 0;
    const { width, height } = this.size();
    return Math.min(width / Math.max(1, this.layout.width), height / Math.max(1, this.layout.height), 1.2);
  }

  private fit(animate = false): void {
    if (!this.layout) return;
    this.userZoomed = false;
    const { width, height } = this.size();
    const b = { w: Math.max(1, this.layout.width), h: Math.max(1, this.layout.height) };
    let k = this.fitScale();
    if (k >= minFitScale) return this.setTransform(zoomIdentity.translate((width - b.w * k) / 2, (height - b.h * k) / 2).scale(k), animate);
    // Too big to read whole: start readable, at the beginning (top), on the first item.
    k = 0.75;
    const first = this.layout.boxes[0] ?? { x: 0, y: 0, w: 0, h: 0 };
    this.setTransform(zoomIdentity.translate(Math.max(24, width / 3) - first.x * k, 24 - first.y * k).scale(k), animate);
  }

  private setTransform(t: ZoomTransform, animate: boolean): void {
    const sel = select<HTMLElement, unknown>(this.element);
    if (animate) sel.transition().duration(150).call(this.zoomer.transform, t);
    else sel.call(this.zoomer.transform, t);
  }

  private applyTransform(t: ZoomTransform): void {
    this.transform = t;
    this.svg.attr('transform', t.toString());
    this.nodesLayer.style.transform = `translate(${t.x}px, ${t.y}px) scale(${t.k})`;
    this.element.classList.toggle('far', t.k < 0.45);
    this.events.zoomed(this.zoomState, this.userZoomed);
    this.notify();
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.draw()));
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  /** Joins what is in the viewport (plus a margin) and drops the rest. */
  private draw(): void {
    const { model, visible, layout } = this;
    if (!model || !visible || !layout) return;
    const t = this.transform;
    const { width, height } = this.size();
    const view = { x0: t.invertX(-MARGIN), y0: t.invertY(-MARGIN), x1: t.invertX(width + MARGIN), y1: t.invertY(height + MARGIN) };
    const inView = (b: Box) => b.x + b.w >= view.x0 && b.x <= view.x1 && b.y + b.h >= view.y0 && b.y <= view.y1;
    const shown: number[] = [];
    layout.boxes.forEach((b, i) => shown.length < MAX_RENDERED && (inView(b) || visible.items[i].key === this.focusKey) && shown.push(i));
    const keep = new Set(shown.map((i) => visible.items[i].key));
    for (const [key, d] of this.drawn) {
      if (keep.has(key)) continue;
      d.el.remove();
      this.drawn.delete(key);
    }
    for (const i of shown) this.drawNode(model, visible.items[i], layout.boxes[i]);

    const edges = layout.edges
      .filter((_, i) => inView(this.edgeBoxes[i]))
      .slice(0, MAX_RENDERED * 3)
      .map((e) => ({ e, key: `${visible.items[e.from].key}>${visible.items[e.to].key}>${e.kind}` }));
    const path = line<{ x: number; y: number }>().x((p) => p.x).y((p) => p.y).curve(curveBasis);
    this.svg.selectAll<SVGPathElement, { e: LaidOutEdge; key: string }>('path.edge').data(edges, (d) => d.key)
      .join((enter) => {
        const p = enter.append('path');
        p.append('title').text(({ e }) => (e.label !== undefined ? `${e.kind} ${e.label}` : e.kind));
        return p;
      })
      .attr('class', ({ e }) => `edge ${e.kind}${e.kind === 'dataflow' && model.taintPairs.has(`${visible.items[e.from].step}>${visible.items[e.to].step}`) ? ' taint' : ''}`)
      .attr('marker-end', ({ e }) => `url(#arrow-${e.kind})`)
      .attr('d', ({ e }) => path(bentPoints(e)) ?? '');
  }

  private drawNode(model: GraphModel, item: Item, box: Box): void {
    const text = itemText(model, item);
    const safety = model.safetyAt.get(item.step);
    const sig = JSON.stringify([text, item.expandable, item.expanded, item.depth, safety]);
    let d = this.drawn.get(item.key);
    if (!d || d.sig !== sig) {
      d?.el.remove();
      const el = h(
        'div',
        { class: `node type-${item.type} kind-${STEP_KINDS[model.steps.kind[item.step]]}${safety ? ' safety' : ''}`, role: 'treeitem', tabindex: '-1', 'aria-level': String(item.depth + 1), 'data-key': item.key },
        h('div', { class: 'line1' }, h('span', { class: `codicon codicon-${text.icon} kind-icon`, 'aria-hidden': 'true' }), titleOf(text.title),
          text.count ? h('span', { class: 'count' }, text.count) : null, h('span', { class: 'codicon state-icon', 'aria-hidden': 'true' })),
        h('div', { class: 'line2' }, h('span', { class: 'spacer' }), text.duration ? h('span', { class: 'badge dur' }, text.duration) : null,
          text.tokens ? h('span', { class: 'badge tok' }, text.tokens) : null, text.cost ? h('span', { class: 'badge cost' }, text.cost) : null,
          safety ? h('span', { class: 'badge safety', title: `Safety findings (heuristic): ${safety.join(', ')}` }, h('span', { class: 'codicon codicon-shield', 'aria-hidden': 'true' }), ` ${safety.join(' ')}`) : null),
      );
      el.title = text.subtitle ? `${text.title} (${text.subtitle})` : text.title;
      if (item.expandable) el.setAttribute('aria-expanded', String(item.expanded));
      d = { el, text, sig };
      this.drawn.set(item.key, d);
      this.nodesLayer.append(el);
    }
    const s = d.el.style;
    s.left = `${box.x}px`;
    s.top = `${box.y}px`;
    s.width = `${box.w}px`;
    s.height = `${box.h}px`;
    this.paint(item.key, d);
  }

  /** Cursor-dependent looks: phase, current, selected, roving tabindex, aria label. */
  private paint(key: string, d: Drawn): void {
    const idx = this.visible?.byKey.get(key);
    if (idx === undefined || !this.visible) return;
    const item = this.visible.items[idx];
    const phase = this.view?.phases[idx] ?? 'done';
    const current = this.view?.item === idx;
    const el = d.el;
    el.dataset.phase = phase;
    el.classList.toggle('current', current);
    el.classList.toggle('selected', this.selected === idx);
    el.classList.toggle('highlighted', this.highlighted.has(idx));
    el.classList.toggle('match', this.matches.has(idx));
    el.setAttribute('aria-selected', String(this.selected === idx));
    if (current) el.setAttribute('aria-current', 'step');
    else el.removeAttribute('aria-current');
    const focusable = this.focusKey !== undefined ? this.focusKey === key : this.selected >= 0 ? this.selected === idx : current;
    el.tabIndex = focusable ? 0 : -1;
    const icon = el.querySelector('.state-icon');
    if (icon) icon.className = `codicon codicon-${phaseIcon[phase]} state-icon`;
    el.setAttribute('aria-label', ariaLabel(d.text, item, phase, current));
  }

  private itemOf(target: EventTarget | null): number | undefined {
    const key = (target as HTMLElement | null)?.closest?.<HTMLElement>('.node')?.dataset.key;
    return key !== undefined ? this.visible?.byKey.get(key) : undefined;
  }

  private onPointer(e: MouseEvent, what: 'select' | 'toggle'): void {
    const item = this.itemOf(e.target);
    if (item === undefined) return;
    this.focusKey = this.visible?.items[item].key;
    if (what === 'select') this.events.select(item);
    else if (this.visible?.items[item].expandable) this.events.toggle(item);
  }

  /** On a focused node: Enter selects, +/- expand/collapse, Up/Down move between nodes (left to right). */
  private onKey(e: KeyboardEvent): void {
    const item = this.itemOf(e.target);
    if (item === undefined || !this.visible || !this.layout) return;
    const it = this.visible.items[item];
    if (e.key === 'Enter') this.events.select(item);
    else if (e.key === '+' || e.key === '=' || e.key === '-') {
      if (it.expandable && it.expanded === (e.key === '-')) this.events.toggle(item);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const boxes = this.layout.boxes;
      const order = boxes.map((_, i) => i).sort((a, b) => boxes[a].x - boxes[b].x || boxes[a].y - boxes[b].y);
      const at = order.indexOf(item) + (e.key === 'ArrowDown' ? 1 : -1);
      if (at >= 0 && at < order.length) this.focusItem(order[at]);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }
}

/** A node's title: its head shrinks with an ellipsis, its tail stays (viewModel.splitTail); hover shows it whole. */
function titleOf(title: string): HTMLElement {
  const [head, tail] = splitTail(title);
  const headEl = h('span', { class: 't-head' }, head);
  // Inline blocks, not flex items: the title's text stays one line for innerText, copy and screen readers.
  if (tail) headEl.style.maxWidth = `calc(100% - ${[...tail].length + 1}ch)`;
  return h('span', { class: 'title' }, headEl, tail ? h('span', { class: 't-tail' }, tail) : null);
}
