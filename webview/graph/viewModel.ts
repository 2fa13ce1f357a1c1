// What each visible item looks like at a cursor: not started / running / finished / failed, which item is
// current, and its texts (label, badges, aria label). Pure (no DOM): unit-tested in Node.
import type { StepKindDto } from '../../src/protocol/graph';
import type { GraphModel } from './model';
import { clampCursor, cumulativeAt, rowOf } from './model';
import type { Item, VisibleGraph } from './visible';

export type Phase = 'pending' | 'running' | 'done' | 'failed';

export const phaseText: Record<Phase, string> = { pending: 'not started', running: 'running', done: 'finished', failed: 'failed' };

export const kindIcon: Record<StepKindDto, string> = {
  agent: 'hubot', llm: 'sparkle', tool: 'tools', retrieval: 'search', embedding: 'symbol-array', chain: 'link', guardrail: 'shield', other: 'circle-outline',
};

/** O(1): from the cursors precomputed per item. */
export function itemPhase(item: Item, cursor: number): Phase {
  if (cursor < item.firstStart) return 'pending';
  if (cursor >= item.firstFail) return 'failed';
  if (cursor >= item.lastEnd) return 'done';
  return 'running';
}

export interface CursorView {
  cursor: number;
  /** The step of the event at the cursor, and the item standing for it. */
  step: number;
  item: number;
  phases: Phase[];
}

/** Phases of every visible item at the cursor: O(visible items), independent of the session size. */
export function viewAt(m: GraphModel, v: VisibleGraph, cursor: number): CursorView {
  const c = clampCursor(m, cursor);
  const step = m.length > 0 ? m.evStep[c] : -1;
  return { cursor: c, step, item: step >= 0 ? v.rep[step] : -1, phases: v.items.map((it) => itemPhase(it, c)) };
}

export interface ItemText {
  icon: string;
  title: string;
  subtitle: string;
  duration: string;
  tokens: string;
  cost: string;
  /** "×3" for a fold, "+12" for hidden steps, "" otherwise. */
  count: string;
}

export function itemText(m: GraphModel, item: Item): ItemText {
  const row = rowOf(m, item.step);
  const t0 = item.firstStart < Infinity ? m.evTime[item.firstStart] : row.start;
  const t1 = item.lastEnd >= 0 ? m.evTime[item.lastEnd] : row.end;
  const usage = {
    duration: formatDuration(item.type === 'step' ? row.end - row.start : t1 - t0),
    tokens: item.inputTokens + item.outputTokens > 0 ? formatTokens(item.inputTokens + item.outputTokens) : '',
    cost: item.costUsd > 0 ? formatUsd(item.costUsd) : item.priceMissing ? 'no price' : '',
  };
  if (item.type === 'fold') {
    const pattern = item.members.slice(0, item.pattern ?? 1).map((s) => rowOf(m, s).label);
    return { icon: 'sync', title: pattern.join(' → '), subtitle: `loop of ${item.pattern} step${item.pattern === 1 ? '' : 's'}`, count: `×${item.repeats}`, ...usage };
  }
  if (item.type === 'chunk') {
    const first = rowOf(m, item.members[0]).label;
    const last = rowOf(m, item.members[item.members.length - 1]).label;
    return { icon: 'list-flat', title: `${formatCount(item.members.length)} steps`, subtitle: `${first} … ${last}`, count: `+${formatCount(item.covered - 1)}`, ...usage };
  }
  const hidden = item.covered - 1;
  return { icon: kindIcon[row.kind] ?? 'circle-outline', title: row.label, subtitle: row.kind, count: hidden > 0 ? `+${formatCount(hidden)}` : '', ...usage };
}

export function ariaLabel(text: ItemText, item: Item, phase: Phase, current: boolean): string {
  const what = item.type === 'fold' ? `loop ${text.title}, repeated ${item.repeats} times` : item.type === 'chunk' ? `group of ${text.title}` : `${text.subtitle} ${text.title}`;
  const parts = [what, phaseText[phase], text.duration, text.tokens, text.cost];
  if (item.errors > 0 && item.type !== 'step') parts.push(`${item.errors} failed`);
  if (item.expandable) parts.push(item.expanded ? 'expanded' : `collapsed, ${item.covered - 1} hidden`);
  if (current) parts.push('current step');
  return parts.filter(Boolean).join(', ');
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${s % 60}s`;
}

/** "1 step", "2 steps": the report and the view never say "1 errors". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * "12,345", as toLocaleString('en-US') writes it; whole numbers without Intl, whose first use costs a first
 * paint ~25 ms.
 */
export function formatCount(n: number | undefined): string {
  if (n === undefined) return '';
  return Number.isSafeInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : n.toLocaleString('en-US');
}

export function formatTokens(n: number): string {
  if (n < 1000) return `${n} tok`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k tok`;
  return `${(n / 1_000_000).toFixed(1)}M tok`;
}

export function formatUsd(n: number): string {
  if (n === 0) return '$0';
  if (n >= 1) return `$${n.toFixed(2)}`;
  if (n >= 0.01) return `$${n.toFixed(4)}`;
  if (n < 0.000001) return '<$0.000001';
  return `$${Number(n.toPrecision(2)).toFixed(Math.min(8, Math.max(2, 1 - Math.floor(Math.log10(n)))))}`;
}

export function formatTime(ms: number): string {
  return `${ms < 0 ? '-' : ''}${formatDuration(Math.abs(ms))}`;
}

/** The status line: "event 3 / 16 · 0.84 s · started gpt-4o-mini · 150 tok · $0.000036". */
export function statusLine(m: GraphModel, cursor: number): string {
  if (m.length === 0) return 'No events yet';
  const c = clampCursor(m, cursor);
  const row = m.evStep[c] < m.n ? rowOf(m, m.evStep[c]) : undefined;
  const type = m.evType[c] === 0 ? 'started' : m.evType[c] === 2 ? (row?.status === 'error' ? 'failed' : 'finished') : (m.evLabel.get(c) ?? 'event');
  const cum = cumulativeAt(m, c);
  const parts = [`event ${c + 1} / ${m.length}`, formatTime(m.evTime[c]), `${row?.kind ?? ''} ${row?.label ?? ''} ${type}`.trim()];
  parts.push(formatTokens(cum.inputTokens + cum.outputTokens), formatUsd(cum.costUsd));
  return parts.join(' · ');
}

/** A label as head and tail: the tail (from the last separator, at least 3 characters; else the last 4) always
 *  shows and the head is cut with an ellipsis in CSS, so names that differ only at the end (model dates,
 *  versions) stay apart: `gpt-4o-mini-20…07-18`. The DOM keeps the whole name. */
export function splitTail(text: string): [string, string] {
  const chars = [...text];
  if (chars.length <= 8) return [text, ''];
  for (let i = chars.length - 4; i > 0; i--) {
    if (/[-_.:/ @]/.test(chars[i])) return [chars.slice(0, i + 1).join(''), chars.slice(i + 1).join('')];
  }
  return [chars.slice(0, -4).join(''), chars.slice(-4).join('')];
}
