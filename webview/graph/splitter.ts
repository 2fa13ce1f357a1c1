// The handle between the graph and the inspector: side by side when the panel is wide, stacked when narrow
// (the same breakpoint as graph.css). Dragging or the arrow keys set the inspector's width (wide) or height
// (narrow) in px, kept per orientation; CSS clamps both so neither pane can leave the panel.
import { h } from '../shared/dom';
import type { SplitSizes } from './state';

/** Below this panel width the inspector sits under the graph (graph.css has the same number). */
export const NARROW_PX = 720;


export class Splitter {
  readonly element = h('div', { class: 'splitter', id: 'splitter', role: 'separator', tabindex: '0', 'aria-label': 'Resize the inspector (arrow keys)', 'aria-controls': 'inspector' });
  private readonly narrow = matchMedia(`(max-width: ${NARROW_PX - 0.02}px)`);

  constructor(private readonly container: HTMLElement, private sizes: SplitSizes, private readonly changed: (s: SplitSizes) => void) {
    this.apply();
    this.narrow.addEventListener('change', () => this.apply());
    this.element.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      this.element.setPointerCapture(e.pointerId);
    });
    this.element.addEventListener('pointermove', (e) => {
      if (!this.element.hasPointerCapture(e.pointerId)) return;
      const box = this.container.getBoundingClientRect();
      this.set(this.narrow.matches ? box.bottom - e.clientY : box.right - e.clientX);
    });
    this.element.addEventListener('keydown', (e) => {
      const grow = this.narrow.matches ? { ArrowUp: 1, ArrowDown: -1 } : { ArrowLeft: 1, ArrowRight: -1 };
      const d = grow[e.key as keyof typeof grow];
      if (d === undefined) return;
      e.preventDefault();
      e.stopPropagation();
      this.set(this.current() + d * 24);
    });
  }

  /** The inspector's size now (px) along the split. */
  private current(): number {
    const insp = this.container.querySelector<HTMLElement>('#inspector');
    return (this.narrow.matches ? insp?.offsetHeight : insp?.offsetWidth) ?? 0;
  }

  private set(px: number): void {
    const box = this.container.getBoundingClientRect();
    const room = this.narrow.matches ? box.height : box.width;
    const v = Math.round(Math.max(120, Math.min(room - 120, px)));
    this.sizes = this.narrow.matches ? { ...this.sizes, h: v } : { ...this.sizes, w: v };
    this.apply();
    this.changed(this.sizes);
  }

  private apply(): void {
    const s = this.container.style;
    if (this.sizes.w !== undefined) s.setProperty('--insp-w', `${this.sizes.w}px`);
    if (this.sizes.h !== undefined) s.setProperty('--insp-h', `${this.sizes.h}px`);
    this.element.setAttribute('aria-orientation', this.narrow.matches ? 'horizontal' : 'vertical');
    const now = this.current();
    if (now) this.element.setAttribute('aria-valuenow', String(now));
  }
}
