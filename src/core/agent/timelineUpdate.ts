// A live session's timeline extended rather than rebuilt. A live update keeps the step objects of the traces
// that did not grow (liveSession.ts) and those come first (a run's new spans start late), so the events
// before the earliest time a changed step touches stay where they were, with their cursors and prefix sums:
// only the events from that time on are sorted and summed again, and the rest is a copy of typed arrays.
// Whatever it reuses, the answer is exactly buildTimeline's (test/unit/agent/timelineUpdate.test.ts).
import { conversationSteps, endSumKeys, fillingTimeline, timelineWork, typeRank, type EndSumKey, type Timeline, type TimelineEventType } from './timeline';
import { runWhole } from '../../protocol/work';
import type { AgentStep } from './types';

/** A timeline with what extending it needs: the steps it was made of, and which of them show a conversation. */
export interface TimelineBase {
  steps: readonly AgentStep[];
  conversational: Uint8Array;
  timeline: Timeline;
  /** How many of its events were kept from the timeline it extended (0: made whole). */
  keptEvents: number;
}

/** One event of the part made again. */
interface TailEvent {
  type: TimelineEventType;
  timeMs: number;
  step: number;
  label: string | undefined;
}

/** buildTimeline(steps), reusing what `base` (the same session's last timeline) has of it. */
export function extendedTimeline(base: TimelineBase | undefined, steps: readonly AgentStep[]): TimelineBase {
  return runWhole(extendingTimeline(base, steps));
}

/** extendedTimeline as work that yields every few thousand events (timeSlices.ts). */
export function* extendingTimeline(base: TimelineBase | undefined, steps: readonly AgentStep[]): Generator<void, TimelineBase> {
  const conversational = conversationSteps(steps);
  yield;
  function* whole(): Generator<void, TimelineBase> {
    return { steps, conversational, timeline: yield* timelineWork(steps, conversational), keptEvents: 0 };
  }
  if (!base) return yield* whole();
  const before = base.steps;
  const common = Math.min(before.length, steps.length);
  // Steps kept are the same objects (a step is never changed once made); whether one shows a conversation
  // depends on its trace's other steps, so that is compared too.
  let kept = 0;
  while (kept < common && before[kept] === steps[kept] && base.conversational[kept] === conversational[kept]) kept++;
  if (kept === before.length && kept === steps.length) return { steps, conversational, timeline: base.timeline, keptEvents: base.timeline.length };
  if (kept === 0) return yield* whole();
  // Events before `cut` are all of kept steps: the earliest event of any step past them, gone or new.
  const cut = Math.min(earliest(before, kept), earliest(steps, kept));
  if (Number.isNaN(cut)) return yield* whole();
  const old = base.timeline;
  let from = old.length;
  while (from > 0 && old.timeMs[from - 1]! >= cut) from--;
  if (from === 0) return yield* whole();
  const tail: TailEvent[] = [];
  for (let i = from; i < old.length; i++) if (old.step[i]! < kept) tail.push({ type: old.type[i]!, timeMs: old.timeMs[i]!, step: old.step[i]!, label: old.label[i] });
  for (let i = kept; i < steps.length; i++) {
    const s = steps[i]!;
    tail.push({ type: 'start', timeMs: s.startMs, step: i, label: undefined });
    for (const e of s.events ?? []) tail.push({ type: 'log', timeMs: e.timeMs, step: i, label: e.name });
    tail.push({ type: 'end', timeMs: s.endMs, step: i, label: undefined });
  }
  // buildTimeline's order: by time; starts, then events, then ends; starts in step order, a step's events
  // in their order (a stable sort keeps it: they come in it), ends in reverse step order.
  tail.sort((a, b) => a.timeMs - b.timeMs || typeRank[a.type] - typeRank[b.type] || (a.type === 'end' ? b.step - a.step : a.step - b.step));
  yield;
  return { steps, conversational, timeline: yield* joined(old, from, kept, tail, steps, conversational), keptEvents: from };
}

/** The earliest time of any event of `steps` from `from` on (Infinity for none). */
function earliest(steps: readonly AgentStep[], from: number): number {
  let min = Infinity;
  for (let i = from; i < steps.length; i++) {
    const s = steps[i]!;
    min = Math.min(min, s.startMs, s.endMs);
    for (const e of s.events ?? []) min = Math.min(min, e.timeMs);
  }
  return min;
}

/** `old`'s first `from` events (from > 0), with their sums and the cursors of the first `kept` steps, then `tail`, summed. */
function* joined(old: Timeline, from: number, kept: number, tail: readonly TailEvent[], steps: readonly AgentStep[], conversational: Uint8Array): Generator<void, Timeline> {
  const n = from + tail.length;
  const t: Timeline = {
    length: n,
    type: old.type.slice(0, from),
    timeMs: new Float64Array(n),
    step: new Int32Array(n),
    label: old.label.slice(0, from),
    startAt: new Int32Array(steps.length),
    endAt: new Int32Array(steps.length),
    started: new Int32Array(n),
    finished: new Int32Array(n),
    endSums: {} as Record<EndSumKey, Float64Array>,
    lastLlm: new Int32Array(n),
  };
  t.timeMs.set(old.timeMs.subarray(0, from));
  t.step.set(old.step.subarray(0, from));
  t.lastLlm.set(old.lastLlm.subarray(0, from));
  t.started.set(old.started.subarray(0, from));
  t.finished.set(old.finished.subarray(0, from));
  // Steps whose events all came before `from` keep their cursors; every other one is set as its events are summed.
  t.startAt.set(old.startAt.subarray(0, kept));
  t.endAt.set(old.endAt.subarray(0, kept));
  // The sums of the ends among the events kept (from > 0 here).
  const ends = old.finished[from - 1]!;
  for (const key of endSumKeys) {
    const sums = new Float64Array(steps.length + 1);
    sums.set(old.endSums[key].subarray(0, ends + 1));
    t.endSums[key] = sums;
  }
  for (let k = 0; k < tail.length; k++) {
    const e = tail[k]!;
    t.type.push(e.type);
    t.timeMs[from + k] = e.timeMs;
    t.step[from + k] = e.step;
    t.label.push(e.label);
  }
  yield* fillingTimeline(t, steps, conversational, from);
  return t;
}
