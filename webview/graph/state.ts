// What the webview keeps across reloads (getState/setState), and putting the cursor back after a reload.
import type { GraphSavedStateDto } from '../../src/protocol/graph';
import { clampCursor, EV_END, EV_START, findStep, type GraphModel } from './model';

export type Tab = 'graph' | 'timeline';

/** The inspector's size in px per orientation (splitter.ts): beside the graph (w) or under it (h). */
export interface SplitSizes {
  w?: number;
  h?: number;
}

export interface SavedState extends GraphSavedStateDto {
  v: 1;
  /** The event at the cursor, by step id and event type: survives a timeline that grew in between. */
  cursorStepId?: string;
  cursorType?: number;
  tab?: Tab;
  /** Expanded / collapsed / unfolded items by key. */
  toggles?: [string, boolean][];
  speed?: number;
  zoom?: { k: number; x: number; y: number };
  /** The cursor follows new events of a live session. */
  follow?: boolean;
  /** The inspector's size per orientation (splitter.ts). */
  split?: SplitSizes;
}

export function readState(raw: unknown): SavedState | undefined {
  if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== 1) return undefined;
  return raw as SavedState;
}

/** The cursor to show for `model` given what was saved (same session) — else the last event. */
export function restoreCursor(m: GraphModel, saved: SavedState | undefined): number {
  const last = Math.max(0, m.length - 1);
  if (!saved || saved.sessionId !== m.session.id) return last;
  if (saved.follow) return last;
  const step = saved.cursorStepId !== undefined ? findStep(m, saved.cursorStepId) : undefined;
  if (step !== undefined && saved.cursorType === EV_START && m.startAt[step] >= 0) return m.startAt[step];
  if (step !== undefined && saved.cursorType === EV_END && m.endAt[step] >= 0) return m.endAt[step];
  return saved.cursor !== undefined ? clampCursor(m, saved.cursor) : last;
}

/** The saved form of a cursor. */
export function cursorState(m: GraphModel, cursor: number): Pick<SavedState, 'cursor' | 'cursorStepId' | 'cursorType'> {
  if (m.length === 0) return { cursor: 0 };
  const c = clampCursor(m, cursor);
  return { cursor: c, cursorStepId: (m.evStep[c] < m.n ? m.steps.id[m.evStep[c]] : '') || undefined, cursorType: m.evType[c] };
}
