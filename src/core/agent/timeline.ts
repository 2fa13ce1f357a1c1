// The time-travel timeline: every step start, step end and step event (span event or joined log) in
// time order. A cursor is an index into it. Everything a cursor shows is derived from prefix sums built
// once, so moving the cursor costs O(1) and finding it by time O(log n).
import type { AgentStep, Message } from './types';

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
  /** Prefix sums: the value after event i is at [i + 1]; [0] is before the first event. */
  sums: Record<SumKey, Float64Array>;
  /** Per event: the latest LLM step (whose conversation is shown) started at or before it, -1 if none. */
  lastLlm: Int32Array;
}

export type SumKey = 'started' | 'finished' | 'failed' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'reasoningTokens' | 'costUsd';
const sumKeys: SumKey[] = ['started', 'finished', 'failed', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'costUsd'];
const typeRank: Record<TimelineEventType, number> = { start: 0, log: 1, end: 2 };

export function buildTimeline(steps: readonly AgentStep[]): Timeline {
  const raw: { type: TimelineEventType; timeMs: number; step: number; label?: string; seq: number }[] = [];
  steps.forEach((s, i) => {
    raw.push({ type: 'start', timeMs: s.startMs, step: i, seq: i });
    for (const e of s.events ?? []) raw.push({ type: 'log', timeMs: e.timeMs, step: i, label: e.name, seq: raw.length });
    raw.push({ type: 'end', timeMs: s.endMs, step: i, seq: -i });
  });
  // Same time: starts before events before ends; parents start first and end last (steps are parent-first).
  raw.sort((a, b) => a.timeMs - b.timeMs || typeRank[a.type] - typeRank[b.type] || a.seq - b.seq);

  const conversational = conversationSteps(steps);
  const n = raw.length;
  const t: Timeline = {
    length: n,
    type: raw.map((e) => e.type),
    timeMs: Float64Array.from(raw, (e) => e.timeMs),
    step: Int32Array.from(raw, (e) => e.step),
    label: raw.map((e) => e.label),
    startAt: new Int32Array(steps.length),
    endAt: new Int32Array(steps.length),
    sums: Object.fromEntries(sumKeys.map((k) => [k, new Float64Array(n + 1)])) as Record<SumKey, Float64Array>,
    lastLlm: new Int32Array(n),
  };
  let lastLlm = -1;
  for (let i = 0; i < n; i++) {
    const e = raw[i];
    const s = steps[e.step];
    for (const k of sumKeys) t.sums[k][i + 1] = t.sums[k][i];
    if (e.type === 'start') {
      t.startAt[e.step] = i;
      t.sums.started[i + 1]++;
      if (conversational[e.step]) lastLlm = e.step;
    } else if (e.type === 'end') {
      t.endAt[e.step] = i;
      t.sums.finished[i + 1]++;
      if (s.status === 'error') t.sums.failed[i + 1]++;
      // Usage is known when the call returns; aggregates would count their children twice.
      if (!s.aggregate) {
        t.sums.inputTokens[i + 1] += s.inputTokens ?? 0;
        t.sums.outputTokens[i + 1] += s.outputTokens ?? 0;
        t.sums.cacheReadTokens[i + 1] += s.cacheReadTokens ?? 0;
        t.sums.cacheWriteTokens[i + 1] += s.cacheWriteTokens ?? 0;
        t.sums.reasoningTokens[i + 1] += s.reasoningTokens ?? 0;
        t.sums.costUsd[i + 1] += s.costUsd ?? 0;
      }
    }
    t.lastLlm[i] = lastLlm;
  }
  return t;
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
  const sum = (k: SumKey) => t.sums[k][i + 1];
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
    started: sum('started'),
    finished: sum('finished'),
    failed: sum('failed'),
    running: sum('started') - sum('finished'),
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
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.timeMs[mid] <= timeMs) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
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
function conversationSteps(steps: readonly AgentStep[]): Uint8Array {
  const hasMessages = (s: AgentStep) => (s.inputMessages?.length ?? 0) + (s.outputMessages?.length ?? 0) > 0;
  const talking = new Set<string>();
  const talkingChildOf = new Set<string>();
  for (const s of steps) {
    if (s.kind !== 'llm' || !hasMessages(s)) continue;
    talking.add(`${s.traceId}/${s.spanId}`);
    if (s.parentSpanId !== undefined) talkingChildOf.add(`${s.traceId}/${s.parentSpanId}`);
  }
  return Uint8Array.from(steps, (s) => {
    if (s.kind !== 'llm') return 0;
    if (!s.aggregate) return hasMessages(s) || s.parentSpanId === undefined || !talking.has(`${s.traceId}/${s.parentSpanId}`) ? 1 : 0;
    return hasMessages(s) && !talkingChildOf.has(`${s.traceId}/${s.spanId}`) ? 1 : 0;
  });
}
