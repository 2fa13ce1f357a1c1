// The timeline tab: every step as a bar on one time axis, in start order, with the cursor as a vertical
// line. Rows are virtualised (only those scrolled into view exist), so the DOM stays small for 100k steps;
// names beyond the row's label come from the host in windows (requestWindow).
import type { StepSummaryDto } from '../../src/protocol/graph';
import { h } from '../shared/dom';
import { STATUS_ERROR } from '../../src/protocol/stepTable';
import { depthOf, rowOf, type GraphModel } from './model';
import { formatDuration, formatTime, kindIcon, phaseText, type Phase } from './viewModel';

const ROW = 24;
const OVERSCAN = 8;
const MAX_SUMMARIES = 5000;

export interface WaterfallEvents {
  select(step: number): void;
  seekStep(step: number): void;
  seekTime(time: number): void;
  /** Summaries of steps [from, to) are wanted. */
  need(from: number, to: number): void;
}

export class Waterfall {
  readonly element: HTMLElement;
  private readonly axis: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly cursorLine: HTMLElement;
  private model?: GraphModel;
  private cursor = 0;
  private selected = -1;
  private matches = new Set<number>();
  private t0 = 0;
  private span = 1;
  private rows = new Map<number, HTMLElement>();
  private summaries = new Map<number, StepSummaryDto>();
  /** Asked for once per model: a step the host has no summary for is not asked for again. */
  private requested = new Set<number>();
  private frame = 0;

  constructor(private readonly events: WaterfallEvents) {
    this.axis = h('div', { class: 'wf-axis', title: 'Click to move the cursor to this time' });
    this.cursorLine = h('div', { class: 'wf-cursor', 'aria-hidden': 'true' });
    this.spacer = h('div', { class: 'wf-spacer' }, this.cursorLine);
    this.scroller = h('div', { class: 'wf-scroll', role: 'listbox', tabindex: '0', 'aria-label': 'Steps on a time axis (Up/Down select, Enter moves the cursor to the step)' }, this.spacer);
    this.element = h('div', { class: 'waterfall' }, this.axis, this.scroller);
    this.scroller.addEventListener('scroll', () => this.schedule());
    this.scroller.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.wf-row');
      if (row?.dataset.pos !== undefined && this.model) this.events.select(this.model.order[Number(row.dataset.pos)]);
    });
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.axis.addEventListener('click', (e) => {
      const r = this.axis.getBoundingClientRect();
      const track = r.width * 0.6;
      const x = e.clientX - r.left - (r.width - track);
      if (x >= 0) this.events.seekTime(this.t0 + (x / track) * this.span);
    });
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
  }

  setModel(m: GraphModel): void {
    this.model = m;
    let t0 = Infinity;
    let t1 = -Infinity;
    for (let i = 0; i < m.n; i++) {
      t0 = Math.min(t0, m.steps.start[i]);
      t1 = Math.max(t1, m.steps.end[i]);
    }
    this.t0 = Number.isFinite(t0) ? t0 : 0;
    this.span = Math.max(1e-3, (Number.isFinite(t1) ? t1 : 0) - this.t0);
    this.spacer.style.height = `${m.n * ROW}px`;
    this.axis.replaceChildren(
      ...[0, 0.25, 0.5, 0.75, 1].map((f) => h('span', { class: 'wf-tick', style: `left: calc(40% + ${f * 60}%)` }, formatTime(this.t0 + f * this.span))),
    );
    for (const el of this.rows.values()) el.remove();
    this.rows.clear();
    this.requested.clear();
    this.schedule();
  }

  addSummaries(list: StepSummaryDto[]): void {
    if (list.length === 0) return;
    for (const s of list) {
      this.summaries.delete(s.index);
      this.summaries.set(s.index, s);
      if (this.summaries.size > MAX_SUMMARIES) {
        const oldest = this.summaries.keys().next().value!;
        this.summaries.delete(oldest);
        this.requested.delete(oldest);
      }
    }
    for (const el of this.rows.values()) el.remove();
    this.rows.clear();
    this.schedule();
  }

  setCursor(cursor: number): void {
    this.cursor = cursor;
    if (this.model && this.model.length > 0) this.cursorLine.style.left = `calc(40% + ${((this.model.evTime[cursor] - this.t0) / this.span) * 60}%)`;
    for (const [pos, el] of this.rows) this.paint(pos, el);
  }

  /** Marks the rows of search matches (empty: none). */
  setMatches(steps: Set<number>): void {
    this.matches = steps;
    for (const [pos, el] of this.rows) this.paint(pos, el);
  }

  setSelected(step: number, reveal: boolean): void {
    this.selected = step;
    if (reveal && this.model && step >= 0) {
      const pos = this.model.order.indexOf(step);
      const top = pos * ROW;
      if (top < this.scroller.scrollTop || top + ROW > this.scroller.scrollTop + this.scroller.clientHeight) this.scroller.scrollTop = top - this.scroller.clientHeight / 2;
    }
    for (const [pos, el] of this.rows) this.paint(pos, el);
  }

  renderedRows(): number {
    return this.rows.size;
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.draw()));
  }

  private draw(): void {
    const m = this.model;
    if (!m) return;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(m.n, Math.ceil((this.scroller.scrollTop + (this.scroller.clientHeight || 600)) / ROW) + OVERSCAN);
    for (const [pos, el] of this.rows) {
      if (pos >= first && pos < last) continue;
      el.remove();
      this.rows.delete(pos);
    }
    let lo = Infinity;
    let hi = -1;
    for (let pos = first; pos < last; pos++) {
      const step = m.order[pos];
      if (!this.summaries.has(step) && !this.requested.has(step)) {
        this.requested.add(step);
        lo = Math.min(lo, step);
        hi = Math.max(hi, step);
      }
      if (this.rows.has(pos)) continue;
      const el = this.row(m, pos, step);
      this.rows.set(pos, el);
      this.spacer.append(el);
      this.paint(pos, el);
    }
    if (hi >= 0) this.events.need(lo, Math.min(hi + 1, lo + 500));
  }

  private row(m: GraphModel, pos: number, step: number): HTMLElement {
    const r = rowOf(m, step);
    const s = this.summaries.get(step);
    const left = ((r.start - this.t0) / this.span) * 100;
    const width = Math.max(0.2, ((r.end - r.start) / this.span) * 100);
    const el = h('div', { class: `wf-row kind-${r.kind}`, role: 'option', id: `wf-row-${pos}`, style: `top: ${pos * ROW}px` },
      h('div', { class: 'wf-label', style: `padding-left: ${4 + Math.min(12, depthOf(m, step)) * 12}px` },
        h('span', { class: `codicon codicon-${kindIcon[r.kind] ?? 'circle-outline'}`, 'aria-hidden': 'true' }), h('span', { class: 'wf-name' }, r.label),
        s && s.name !== r.label ? h('span', { class: 'muted wf-sub' }, s.name) : null),
      h('div', { class: 'wf-track' }, h('div', { class: 'wf-bar', style: `left: ${left}%; width: ${width}%` }), h('span', { class: 'wf-dur' }, formatDuration(r.end - r.start))));
    el.dataset.pos = String(pos);
    el.title = [r.label, s?.name, s?.model, s?.agentName && `agent ${s.agentName}`, s?.error && `error: ${s.error}`].filter(Boolean).join(' · ');
    return el;
  }

  private paint(pos: number, el: HTMLElement): void {
    const m = this.model!;
    const step = m.order[pos];
    const phase: Phase = this.cursor < m.startAt[step] ? 'pending' : this.cursor < m.endAt[step] ? 'running' : m.steps.status[step] === STATUS_ERROR ? 'failed' : 'done';
    el.dataset.phase = phase;
    const current = m.evStep[this.cursor] === step;
    el.classList.toggle('current', current);
    el.classList.toggle('match', this.matches.has(step));
    el.setAttribute('aria-selected', String(step === this.selected));
    const r = rowOf(m, step);
    el.setAttribute('aria-label', `${r.kind} ${r.label}, ${phaseText[phase]}${current ? ', current step' : ''}`);
    if (step === this.selected) this.scroller.setAttribute('aria-activedescendant', el.id);
  }

  private onKey(e: KeyboardEvent): void {
    const m = this.model;
    if (!m || m.n === 0) return;
    const pos = this.selected >= 0 ? m.order.indexOf(this.selected) : -1;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const next = Math.min(m.n - 1, Math.max(0, pos + (e.key === 'ArrowDown' ? 1 : -1)));
      this.events.select(m.order[next]);
    } else if (e.key === 'Enter' && this.selected >= 0) {
      this.events.seekStep(this.selected);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }
}

