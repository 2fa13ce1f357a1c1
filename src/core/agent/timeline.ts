// The time-travel timeline: every step start, step end and step event (span event or joined log) in
// time order. A cursor is an index into it. Everything a cursor shows is derived from prefix sums built
// once, so moving the cursor costs O(1) and finding it by time O(log n). Usage and $ only change where a
// step ends, so they are summed per end (a step each) rather than per event: at 1M steps of two events each
// the sums per event came to ~290 MB outside V8's heap by their sizes, and at 300k their growth was seen to
// set off a whole-heap collection ("external memory pressure").
import { SpanSet } from './tree';
import type { AgentStep, Message } from './types';
import { lowerBound } from '../lowerBound';
import { runWhole, yieldsAt } from '../../protocol/work';

export type TimelineEventType = 'start' | 'log' | 'end';

export interface Timeline {
  length: number;
  /** Per event: its type, time (epoch ms), step index, and for 'log' the event's name. */
  type: TimelineEventType[];
  timeMs: Float64Array;
  step: Int32Array;
  label: (string | undefined)[];
  /** Per step: the cursor of its start and of its end. */
  startAt: Int32Array;
  endAt: Int32Array;
  /** Per event: how many steps had started, and how many had ended, after it. */
  started: Int32Array;
  finished: Int32Array;
  /** Per step end in time order: the sums after the k-th end at [k]; [0] is before the first. */
  endSums: Record<EndSumKey, Float64Array>;
  /** Per event: the latest LLM step (whose conversation is shown) started at or before it, -1 if none. */
  lastLlm: Int32Array;
}

export type EndSumKey = 'failed' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'reasoningTokens' | 'costUsd';
export const endSumKeys: readonly EndSumKey[] = ['failed', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'costUsd'];
export const typeRank: Record<TimelineEventType, number> = { start: 0, log: 1, end: 2 };

/** `conversational`: conversationSteps(steps), when the caller has it. */
export function buildTimeline(steps: readonly AgentStep[], conversational = conversationSteps(steps)): Timeline {
  return runWhole(timelineWork(steps, conversational));
}

/** buildTimeline as work that yields every few thousand events (timeSlices.ts): a 1M-step timeline takes seconds. */
export function* timelineWork(steps: readonly AgentStep[], conversational: Uint8Array): Generator<void, Timeline> {
  const order = yield* eventOrder(steps);
  const n = order.type.length;
  const t: Timeline = {
    length: n,
    type: order.type,
    timeMs: order.timeMs,
    step: order.step,
    label: order.label,
    startAt: new Int32Array(steps.length),
    endAt: new Int32Array(steps.length),
    started: new Int32Array(n),
    finished: new Int32Array(n),
    endSums: Object.fromEntries(endSumKeys.map((k) => [k, new Float64Array(steps.length + 1)])) as Record<EndSumKey, Float64Array>,
    lastLlm: new Int32Array(n),
  };
  yield* fillingTimeline(t, steps, conversational, 0);
  return t;
}

/**
 * The cursors, prefix sums and conversation steps of `t`'s events from `from` on (its events, in order,
 * are all there; what comes before `from` is filled already). `conversational`: conversationSteps(steps).
 */
export function* fillingTimeline(t: Timeline, steps: readonly AgentStep[], conversational: Uint8Array, from: number): Generator<void, void> {
  const { failed, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, costUsd } = t.endSums;
  let lastLlm = from > 0 ? t.lastLlm[from - 1] : -1;
  let started = from > 0 ? t.started[from - 1] : 0;
  let finished = from > 0 ? t.finished[from - 1] : 0;
  for (let i = from; i < t.length; i++) {
    const type = t.type[i];
    const at = t.step[i];
    if (type === 'start') {
      t.startAt[at] = i;
      started++;
      if (conversational[at]) lastLlm = at;
    } else if (type === 'end') {
      const s = steps[at];
      t.endAt[at] = i;
      const k = ++finished;
      failed[k] = failed[k - 1] + (s.status === 'error' ? 1 : 0);
      // Usage is known when the call returns; aggregates would count their children twice.
      const own = !s.aggregate;
      inputTokens[k] = inputTokens[k - 1] + (own ? (s.inputTokens ?? 0) : 0);
      outputTokens[k] = outputTokens[k - 1] + (own ? (s.outputTokens ?? 0) : 0);
      cacheReadTokens[k] = cacheReadTokens[k - 1] + (own ? (s.cacheReadTokens ?? 0) : 0);
      cacheWriteTokens[k] = cacheWriteTokens[k - 1] + (own ? (s.cacheWriteTokens ?? 0) : 0);
      reasoningTokens[k] = reasoningTokens[k - 1] + (own ? (s.reasoningTokens ?? 0) : 0);
      costUsd[k] = costUsd[k - 1] + (own ? (s.costUsd ?? 0) : 0);
    }
    t.started[i] = started;
    t.finished[i] = finished;
    t.lastLlm[i] = lastLlm;
    if (yieldsAt(i)) yield;
  }
}

interface EventOrder {
  type: TimelineEventType[];
  timeMs: Float64Array;
  step: Int32Array;
  label: (string | undefined)[];
}

/**
 * Every start, event and end in time order. Same time: starts before events before ends; starts in step
 * order, events in the order they were listed, ends in reverse step order (steps are parent-first, so
 * parents start first and end last). Steps come sorted by start, so the starts are in order already: only
 * the ends and the events are sorted, then the three lists are merged.
 */
function* eventOrder(steps: readonly AgentStep[]): Generator<void, EventOrder> {
  const n = steps.length;
  // Each step's fields read once, in step order (the order they were made in memory): read at random in
  // the passes below they were most of the timeline's time, waiting on memory.
  const startMs = new Float64Array(n);
  const endMs = new Float64Array(n);
  const ends = new Array<number>(n);
  let logs = 0;
  for (let i = 0; i < n; i++) {
    const s = steps[i];
    startMs[i] = s.startMs;
    endMs[i] = s.endMs;
    ends[i] = i;
    logs += s.events?.length ?? 0;
    if (i > 0 && startMs[i] < startMs[i - 1]) return sortedEvents(steps);
    if (yieldsAt(i)) yield;
  }
  // Ends as numbers: the comparator reads no step (nearly sorted already, the sort is short).
  ends.sort((a, b) => endMs[a]! - endMs[b]! || b - a);
  yield;
  // Each event as its step, time and name, its order in a plain array (a typed array's sort with a
  // comparator cost ~15% of the timeline, profiled).
  const logStep = new Int32Array(logs);
  const logMs = new Float64Array(logs);
  const logName = new Array<string>(logs);
  const logOrder = new Array<number>(logs);
  for (let i = 0, k = 0; i < n; i++) {
    const events = steps[i].events;
    if (events) {
      for (let j = 0; j < events.length; j++, k++) {
        const e = events[j];
        logStep[k] = i;
        logMs[k] = e.timeMs;
        logName[k] = e.name;
        logOrder[k] = k;
      }
    }
    if (yieldsAt(i)) yield;
  }
  logOrder.sort((a, b) => logMs[a]! - logMs[b]! || a - b);
  yield;
  const total = 2 * n + logs;
  const out: EventOrder = { type: new Array<TimelineEventType>(total), timeMs: new Float64Array(total), step: new Int32Array(total), label: new Array<string | undefined>(total).fill(undefined) };
  let si = 0;
  let li = 0;
  let ei = 0;
  for (let k = 0; k < total; k++) {
    const st = si < n ? startMs[si]! : Infinity;
    const lt = li < logs ? logMs[logOrder[li]!]! : Infinity;
    const et = ei < n ? endMs[ends[ei]!]! : Infinity;
    if (si < n && st <= lt && st <= et) {
      out.type[k] = 'start';
      out.timeMs[k] = st;
      out.step[k] = si++;
    } else if (li < logs && lt <= et) {
      const at = logOrder[li++]!;
      out.type[k] = 'log';
      out.timeMs[k] = lt;
      out.step[k] = logStep[at];
      out.label[k] = logName[at];
    } else {
      out.type[k] = 'end';
      out.timeMs[k] = et;
      out.step[k] = ends[ei++];
    }
    if (yieldsAt(k)) yield;
  }
  return out;
}

/** The same order by one sort, for steps that do not come sorted by start. */
function sortedEvents(steps: readonly AgentStep[]): EventOrder {
  const raw: { type: TimelineEventType; timeMs: number; step: number; label?: string; seq: number }[] = [];
  steps.forEach((s, i) => {
    raw.push({ type: 'start', timeMs: s.startMs, step: i, seq: i });
    for (const e of s.events ?? []) raw.push({ type: 'log', timeMs: e.timeMs, step: i, label: e.name, seq: raw.length });
    raw.push({ type: 'end', timeMs: s.endMs, step: i, seq: -i });
  });
  raw.sort((a, b) => a.timeMs - b.timeMs || typeRank[a.type] - typeRank[b.type] || a.seq - b.seq);
  return { type: raw.map((e) => e.type), timeMs: Float64Array.from(raw, (e) => e.timeMs), step: Int32Array.from(raw, (e) => e.step), label: raw.map((e) => e.label) };
}

export interface CursorState {
  cursor: number;
  timeMs: number;
  type: TimelineEventType;
  /** The step the event at the cursor belongs to. */
  step: number;
  label?: string;
  started: number;
  finished: number;
  failed: number;
  running: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number;
  /** The LLM call whose conversation is shown, -1 if none has started yet. */
  conversationStep: number;
  /** Its input, plus its output once it has returned. */
  conversation: Message[];
}

/** The state after the event at `cursor` (clamped into range). O(1). */
export function stateAt(t: Timeline, steps: readonly AgentStep[], cursor: number): CursorState | undefined {
  if (t.length === 0) return undefined;
  const i = Math.min(Math.max(0, Math.trunc(cursor)), t.length - 1);
  const finished = t.finished[i];
  const sum = (k: EndSumKey) => t.endSums[k][finished];
  const llm = t.lastLlm[i];
  let conversation: Message[] = [];
  if (llm >= 0) {
    const s = steps[llm];
    conversation = t.endAt[llm] <= i ? [...(s.inputMessages ?? []), ...(s.outputMessages ?? [])] : (s.inputMessages ?? []);
  }
  const state: CursorState = {
    cursor: i,
    timeMs: t.timeMs[i],
    type: t.type[i],
    step: t.step[i],
    started: t.started[i],
    finished,
    failed: sum('failed'),
    running: t.started[i] - finished,
    inputTokens: sum('inputTokens'),
    outputTokens: sum('outputTokens'),
    cacheReadTokens: sum('cacheReadTokens'),
    cacheWriteTokens: sum('cacheWriteTokens'),
    reasoningTokens: sum('reasoningTokens'),
    costUsd: sum('costUsd'),
    conversationStep: llm,
    conversation,
  };
  const label = t.label[i];
  if (label !== undefined) state.label = label;
  return state;
}

export type StepPhase = 'pending' | 'running' | 'done' | 'failed';

/** Where one step stands at a cursor. O(1). */
export function stepPhaseAt(t: Timeline, steps: readonly AgentStep[], step: number, cursor: number): StepPhase {
  if (cursor < t.startAt[step]) return 'pending';
  if (cursor < t.endAt[step]) return 'running';
  return steps[step].status === 'error' ? 'failed' : 'done';
}

/** The last cursor at or before `timeMs` (0 if the time is before everything). O(log n). */
export function cursorAtTime(t: Timeline, timeMs: number): number {
  return Math.max(0, lowerBound(t.length, (i) => t.timeMs[i] <= timeMs) - 1);
}

/** The cursor of the next / previous event of a given type (e.g. step over LLM ends). O(distance). */
export function seek(t: Timeline, from: number, direction: 1 | -1, match: (type: TimelineEventType, step: number) => boolean): number | undefined {
  for (let i = from + direction; i >= 0 && i < t.length; i += direction) if (match(t.type[i], t.step[i])) return i;
  return undefined;
}

/**
 * The LLM steps whose conversation the inspector shows: not an aggregate, except a wrapper LLM span over
 * the client's own span (one call traced twice) when only the wrapper recorded the messages.
 */
export function conversationSteps(steps: readonly AgentStep[]): Uint8Array {
  const hasMessages = (s: AgentStep) => (s.inputMessages?.length ?? 0) + (s.outputMessages?.length ?? 0) > 0;
  // Asked only for a step without messages under a parent, or an aggregate: most sessions have neither, and
  // need no key per LLM step (~50 ms per 100k steps).
  let sets: { talking: SpanSet; talkingChildOf: SpanSet } | undefined;
  const talkers = () => {
    if (sets) return sets;
    sets = { talking: new SpanSet(), talkingChildOf: new SpanSet() };
    for (const s of steps) {
      if (s.kind !== 'llm' || !hasMessages(s)) continue;
      sets.talking.add(s.spanId, s.traceId);
      if (s.parentSpanId !== undefined) sets.talkingChildOf.add(s.parentSpanId, s.traceId);
    }
    return sets;
  };
  const out = new Uint8Array(steps.length);
  steps.forEach((s, i) => {
    if (s.kind !== 'llm') return;
    if (!s.aggregate) out[i] = hasMessages(s) || s.parentSpanId === undefined || !talkers().talking.has(s.parentSpanId, s.traceId) ? 1 : 0;
    else out[i] = hasMessages(s) && !talkers().talkingChildOf.has(s.spanId, s.traceId) ? 1 : 0;
  });
  return out;
}
