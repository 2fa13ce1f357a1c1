// Questions about what a person sees in the trace graph, asked the same way of a test page, the HTML report
// and a VS Code webview frame: where things are drawn in the viewport, not what the DOM holds.
import type { Frame, Page } from 'playwright-core';

type Scope = Page | Frame;

interface Rect { left: number; top: number; right: number; bottom: number; width: number; height: number }
// The browser globals the page-side functions use (the tests compile without the DOM library).
interface El { getBoundingClientRect(): Rect; contains(other: unknown): boolean; closest(s: string): El | null; dataset: Record<string, string | undefined>; checkVisibility?(): boolean }
interface Doc { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El>; elementFromPoint(x: number, y: number): El | null }
declare const document: Doc;
declare const window: { innerWidth: number; innerHeight: number };
declare function getComputedStyle(el: El): { outlineStyle: string; outlineWidth: string; opacity: string; display: string; visibility: string };

export interface InspectorView {
  /** Inspector height inside the viewport (px). */
  inspectorHeight: number;
  /** The conversation's (or tool call's) height as laid out, and how much of it shows in the viewport and inspector. */
  sectionHeight: number;
  sectionVisible: number;
  /** The point in the middle of the visible part belongs to the section (nothing is drawn over it). */
  onTop: boolean;
}

/** How much of the inspector section `#id` a person sees now. */
export function inspectorView(scope: Scope, id = 'insp-conversation'): Promise<InspectorView> {
  return scope.evaluate((sel) => {
    const clip = (r: Rect, c: { left: number; top: number; right: number; bottom: number }) => ({
      left: Math.max(r.left, c.left), top: Math.max(r.top, c.top), right: Math.min(r.right, c.right), bottom: Math.min(r.bottom, c.bottom),
    });
    const vp = { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
    const insp = document.querySelector('#inspector')!;
    const ir = clip(insp.getBoundingClientRect(), vp);
    const section = document.querySelector(sel);
    if (!section) return { inspectorHeight: Math.max(0, ir.bottom - ir.top), sectionHeight: 0, sectionVisible: 0, onTop: false };
    const r = section.getBoundingClientRect();
    const v = clip(r, ir);
    const visible = Math.max(0, v.bottom - v.top);
    const hit = visible > 0 ? document.elementFromPoint((v.left + v.right) / 2, (v.top + v.bottom) / 2) : null;
    return { inspectorHeight: Math.max(0, ir.bottom - ir.top), sectionHeight: r.height, sectionVisible: visible, onTop: !!hit && section.contains(hit) };
  }, `#${id}`);
}

export interface Overlap {
  /** Graph nodes whose box meets the box of a drawn overlay (minimap, legend), as "key under overlay". */
  under: string[];
  /** Nodes (at least partly) outside the graph canvas. */
  outside: string[];
  nodes: number;
  minimapShown: boolean;
  legendShown: boolean;
}

/** Which nodes lie under the minimap or the legend, and which are cut off by the canvas' edges. */
export function nodeOverlap(scope: Scope): Promise<Overlap> {
  return scope.evaluate(() => {
    const shown = (el: El | null) => !!el && getComputedStyle(el).display !== 'none' && getComputedStyle(el).visibility !== 'hidden' && el.getBoundingClientRect().width > 0;
    const overlays = [['minimap', document.querySelector('.minimap')], ['legend', document.querySelector('.legend')]] as const;
    const canvas = document.querySelector('.graph-canvas')!.getBoundingClientRect();
    const meets = (a: Rect, b: Rect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const under: string[] = [];
    const outside: string[] = [];
    const nodes = Array.from(document.querySelectorAll('.node'));
    for (const n of nodes) {
      const r = n.getBoundingClientRect();
      for (const [name, o] of overlays) if (shown(o) && meets(r, o!.getBoundingClientRect())) under.push(`${n.dataset.key} under ${name}`);
      if (r.left < canvas.left - 0.5 || r.top < canvas.top - 0.5 || r.right > canvas.right + 0.5 || r.bottom > canvas.bottom + 0.5) outside.push(n.dataset.key ?? '?');
    }
    return { under, outside, nodes: nodes.length, minimapShown: shown(overlays[0][1]), legendShown: shown(overlays[1][1]) };
  });
}

export interface NodeLook {
  key: string;
  current: boolean;
  outline: string;
  opacity: string;
}

/** The looks of every drawn node: which one is drawn as current (a solid outline) and how faded each is. */
export function nodeLooks(scope: Scope): Promise<NodeLook[]> {
  return scope.evaluate(() => Array.from(document.querySelectorAll('.node')).map((n) => {
    const s = getComputedStyle(n);
    const cls = (n as unknown as { classList: { contains(c: string): boolean } }).classList;
    return { key: n.dataset.key ?? '?', current: cls.contains('current'), outline: `${s.outlineStyle} ${s.outlineWidth}`, opacity: s.opacity };
  }));
}

type Box = Pick<Rect, 'left' | 'top' | 'right' | 'bottom'>;

/** The drawn part of each node (its box clipped by the canvas, which hides what overflows) that meets the minimap. */
export function visibleUnderMinimap(scope: Scope): Promise<{ under: string[]; nodes: number; shown: boolean; canvasMeetsMap: boolean }> {
  return scope.evaluate(() => {
    const map = document.querySelector('canvas.minimap')!;
    const m = map.getBoundingClientRect();
    const c = document.querySelector('.graph-canvas')!.getBoundingClientRect();
    const meets = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const nodes = Array.from(document.querySelectorAll('.node'));
    const under = nodes.filter((n) => {
      const r = n.getBoundingClientRect();
      const drawn = { left: Math.max(r.left, c.left), top: Math.max(r.top, c.top), right: Math.min(r.right, c.right), bottom: Math.min(r.bottom, c.bottom) };
      return drawn.left < drawn.right && drawn.top < drawn.bottom && meets(drawn, m);
    }).map((n) => n.dataset.key ?? '?');
    return { under, nodes: nodes.length, shown: getComputedStyle(map).display !== 'none' && m.width > 0, canvasMeetsMap: meets(c, m) };
  });
}
