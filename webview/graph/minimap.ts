// The minimap: every laid-out item as a small rectangle coloured by its phase, and the viewport. One canvas
// element whatever the session size; click or drag to pan. Colours are read from --vscode-* variables.
import { boundsOf, type Layout } from './layout';
import type { GraphView } from './render';
import type { CursorView, Phase } from './viewModel';

/** The least height (px) the graph keeps for itself before the minimap may take its strip under it. */
const minGraphHeight = 200;

const WIDTH = 180;
const HEIGHT = 110;

export class Minimap {
  readonly element: HTMLCanvasElement;
  private layout?: Layout;
  private view?: CursorView;
  private frame = 0;
  private scale = 1;
  private origin = { x: 0, y: 0 };

  constructor(private readonly graph: GraphView) {
    this.element = document.createElement('canvas');
    this.element.className = 'minimap';
    this.element.width = WIDTH;
    this.element.height = HEIGHT;
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', 'Minimap of the trace graph (click to pan; the keyboard pans by stepping)');
    graph.onTransform(() => this.schedule());
    const pan = (e: PointerEvent) => {
      const r = this.element.getBoundingClientRect();
      this.graph.centerOn((e.clientX - r.left) / this.scale + this.origin.x, (e.clientY - r.top) / this.scale + this.origin.y);
    };
    this.element.addEventListener('pointerdown', (e) => {
      e.stopPropagation();
      this.element.setPointerCapture(e.pointerId);
      pan(e);
    });
    this.element.addEventListener('pointermove', (e) => this.element.hasPointerCapture(e.pointerId) && pan(e));
    this.element.addEventListener('wheel', (e) => e.stopPropagation());
  }

  setLayout(layout: Layout): void {
    this.layout = layout;
    const b = boundsOf(layout.boxes);
    this.scale = Math.min(WIDTH / Math.max(1, b.w + 40), HEIGHT / Math.max(1, b.h + 40));
    this.origin = { x: b.x - (WIDTH / this.scale - b.w) / 2, y: b.y - (HEIGHT / this.scale - b.h) / 2 };
    this.schedule();
  }

  setCursor(view: CursorView): void {
    this.view = view;
    this.schedule();
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.paint()));
  }

  private paint(): void {
    // Only when part of the graph is out of view: a graph that fits needs no map (nor the strip's height).
    // Nor in a short pane (the replay layout): the map's strip would leave the graph a sliver.
    const fullHeight = this.graph.size().height + (this.element.hidden ? 0 : this.element.offsetHeight + 8);
    this.element.hidden = this.graph.fitsInView() || fullHeight < minGraphHeight + HEIGHT + 8;
    const ctx = this.element.getContext('2d');
    if (!ctx || !this.layout || this.element.hidden) return;
    const css = getComputedStyle(this.element);
    const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const fill: Record<Phase, string> = {
      pending: color('--vscode-disabledForeground', '#888'),
      running: color('--vscode-charts-yellow', '#cca700'),
      done: color('--vscode-charts-blue', '#3794ff'),
      failed: color('--vscode-errorForeground', '#f14c4c'),
    };
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const s = this.scale;
    const o = this.origin;
    this.layout.boxes.forEach((b, i) => {
      const phase = this.view?.phases[i] ?? 'done';
      ctx.fillStyle = i === this.view?.item ? color('--vscode-focusBorder', '#007fd4') : fill[phase];
      ctx.fillRect((b.x - o.x) * s, (b.y - o.y) * s, Math.max(1.5, b.w * s), Math.max(1.5, b.h * s));
    });
    const z = this.graph.zoomState;
    const { width, height } = this.graph.size();
    ctx.strokeStyle = color('--vscode-foreground', '#ccc');
    ctx.lineWidth = 1;
    ctx.strokeRect((-z.x / z.k - o.x) * s, (-z.y / z.k - o.y) * s, (width / z.k) * s, (height / z.k) * s);
  }
}
