// The time-travel cursor: an index into the timeline. Moves are O(1) (one event) or O(log n) (the next or
// previous LLM call, tool call or error, found by binary search in per-category event lists built once).
import { AGGREGATE, KIND_LLM, KIND_TOOL, STATUS_ERROR } from '../../src/protocol/stepTable';
import { clampCursor, EV_END, EV_START, type GraphModel } from './model';

export type StepCommand = 'forward' | 'back' | 'nextLlm' | 'prevLlm' | 'nextTool' | 'prevTool' | 'nextError' | 'prevError' | 'first' | 'last';

export interface Stepper {
  /** The cursor after `command` from `cursor`; `cursor` itself when there is nowhere to go. */
  move(cursor: number, command: StepCommand): number;
  /** The last cursor at or before `time` (ms relative to the session start); 0 before everything. */
  atTime(time: number): number;
  /** Scrubber: fraction 0..1 of the event list <-> cursor. */
  atFraction(fraction: number): number;
  fraction(cursor: number): number;
  /** Events of each category (for tests and the scrubber's tick marks). */
  readonly llmStarts: Int32Array;
  readonly toolStarts: Int32Array;
  readonly errorEnds: Int32Array;
}

export function createStepper(m: GraphModel): Stepper {
  const llm: number[] = [];
  const tool: number[] = [];
  const errors: number[] = [];
  for (let i = 0; i < m.length; i++) {
    const s = m.evStep[i];
    if (s >= m.n) continue;
    const kind = m.steps.kind[s];
    if (m.evType[i] === EV_START && kind === KIND_LLM && !(m.steps.flags[s] & AGGREGATE)) llm.push(i);
    else if (m.evType[i] === EV_START && kind === KIND_TOOL) tool.push(i);
    else if (m.evType[i] === EV_END && m.steps.status[s] === STATUS_ERROR) errors.push(i);
  }
  const llmStarts = Int32Array.from(llm);
  const toolStarts = Int32Array.from(tool);
  const errorEnds = Int32Array.from(errors);
  const last = Math.max(0, m.length - 1);
  const clamp = (c: number) => clampCursor(m, c);

  return {
    llmStarts,
    toolStarts,
    errorEnds,
    move(cursor, command) {
      const c = clamp(cursor);
      switch (command) {
        case 'forward':
          return Math.min(last, c + 1);
        case 'back':
          return Math.max(0, c - 1);
        case 'first':
          return 0;
        case 'last':
          return last;
        case 'nextLlm':
          return after(llmStarts, c) ?? c;
        case 'prevLlm':
          return before(llmStarts, c) ?? c;
        case 'nextTool':
          return after(toolStarts, c) ?? c;
        case 'prevTool':
          return before(toolStarts, c) ?? c;
        case 'nextError':
          return after(errorEnds, c) ?? c;
        case 'prevError':
          return before(errorEnds, c) ?? c;
      }
    },
    atTime(time) {
      let lo = 0;
      let hi = m.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (m.evTime[mid] <= time) lo = mid + 1;
        else hi = mid;
      }
      return Math.max(0, lo - 1);
    },
    atFraction(fraction) {
      return clamp(Math.round(Math.min(1, Math.max(0, fraction)) * last));
    },
    fraction(cursor) {
      return last === 0 ? 0 : clamp(cursor) / last;
    },
  };
}

/** The first entry of the sorted list greater than `c`. O(log n). */
export function after(list: Int32Array, c: number): number | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] <= c) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo] : undefined;
}

/** The last entry of the sorted list smaller than `c`. O(log n). */
export function before(list: Int32Array, c: number): number | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < c) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? list[lo - 1] : undefined;
}

/** Where an event is after a delta rebuilt the timeline: same step and event type; else the same time. */
export function relocate(prev: GraphModel, next: GraphModel, cursor: number, stepper: Stepper): number {
  if (prev.length === 0) return Math.max(0, next.length - 1);
  const c = clampCursor(prev, cursor);
  // Indices are stable across a feed's deltas: without ids, the step keeps its index.
  const id = prev.evStep[c] < prev.n ? prev.steps.id[prev.evStep[c]] : undefined;
  const step = prev.noIds ? (prev.evStep[c] < next.n ? prev.evStep[c] : undefined) : id !== undefined ? next.byId.get(id) : undefined;
  if (step !== undefined && prev.evType[c] === EV_START && next.startAt[step] >= 0) return next.startAt[step];
  if (step !== undefined && prev.evType[c] === EV_END && next.endAt[step] >= 0) return next.endAt[step];
  return stepper.atTime(prev.evTime[c]);
}

const nothing: Record<StepCommand, string> = {
  forward: 'at the last event', last: 'at the last event', back: 'at the first event', first: 'at the first event',
  nextLlm: 'no later LLM call', prevLlm: 'no earlier LLM call', nextTool: 'no later tool call', prevTool: 'no earlier tool call',
  nextError: 'no later error', prevError: 'no earlier error',
};

/** What to say when `command` has nowhere to go from the cursor. */
export function noTarget(stepper: Stepper, command: StepCommand): string {
  if ((command === 'nextError' || command === 'prevError') && stepper.errorEnds.length === 0) return 'no errors in this session';
  if ((command === 'nextTool' || command === 'prevTool') && stepper.toolStarts.length === 0) return 'no tool calls in this session';
  if ((command === 'nextLlm' || command === 'prevLlm') && stepper.llmStarts.length === 0) return 'no LLM calls in this session';
  return nothing[command];
}
