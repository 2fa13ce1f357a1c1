// The live timeline extended (agent/timelineUpdate.ts) against buildTimeline over random sessions and
// updates: steps kept, changed, gone and new; ties; events stamped before their step's start; steps out of
// start order; a kept LLM step whose conversation shows or stops showing because its trace changed.
import * as assert from 'node:assert/strict';
import type { AgentStep, StepEvent } from '../../../src/core/agent';
import { buildTimeline, stateAt } from '../../../src/core/agent/timeline';
import { extendedTimeline, extendingTimeline, type TimelineBase } from '../../../src/core/agent/timelineUpdate';
import { runSliced, TimeSlices } from '../../../src/core/timeSlices';
import { seededInts } from '../seeded';
import { countTurns } from '../turns';

/** A random step starting at `startMs` (small times: ties are common). */
function stepAt(r: (n: number) => number, id: string, startMs: number): AgentStep {
  const events: StepEvent[] = [];
  for (let e = r(4) - 1; e > 0; e--) events.push({ timeMs: startMs + r(6) - 2, name: `e${r(3)}`, source: r(2) ? 'span' : 'log' });
  const llm = r(3) === 0;
  const step = {
    id, spanId: id, traceId: `t${r(3)}`, kind: llm ? 'llm' : 'tool', name: id, dialects: [], startMs, endMs: startMs + r(5), durationMs: 0,
    status: r(5) === 0 ? 'error' : 'ok', attributes: {}, events: events.length ? events : undefined,
    inputTokens: llm ? r(100) : undefined, costUsd: llm ? r(7) / 100 : undefined, aggregate: llm && r(4) === 0 ? true : undefined,
    inputMessages: llm && r(2) ? [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }] : undefined,
  } as AgentStep;
  // Under another step now and then: whether an LLM step shows its conversation depends on its neighbours.
  if (r(3) === 0) step.parentSpanId = `s${r(40)}`;
  return step;
}

/** The next version of `steps`: a kept prefix, then its tail changed (copies), thinned and grown, in start order mostly. */
function update(r: (n: number) => number, steps: readonly AgentStep[], round: number): AgentStep[] {
  const keep = r(steps.length + 1);
  const next = steps.slice(0, keep);
  let t = steps[keep - 1]?.startMs ?? 0;
  for (const s of steps.slice(keep)) {
    if (r(4) === 0) continue; // gone
    next.push(r(2) ? { ...s, endMs: s.endMs + r(3), status: r(4) === 0 ? 'error' : s.status } : s);
  }
  // Some new steps take the id a kept step names as its parent: that step's conversation may stop showing.
  for (let k = r(6); k > 0; k--) next.push(stepAt(r, r(2) ? `s${r(40)}` : `s${round}-${k}`, (t += r(3))));
  // Sorted by start as a model gives them, except now and then.
  if (r(8) !== 0) next.sort((a, b) => a.startMs - b.startMs);
  return next;
}

describe('the live timeline extended, not rebuilt (timelineUpdate.ts)', () => {
  it('equals buildTimeline after every one of 6 updates of 1,500 random sessions, and keeps the events before what changed', () => {
    let keptSome = 0;
    for (let run = 0; run < 1500; run++) {
      const r = seededInts(run + 1);
      let t = 0;
      let steps: AgentStep[] = [];
      for (let i = 0, n = 1 + r(30); i < n; i++) steps.push(stepAt(r, `s${i}`, (t += r(3))));
      let base: TimelineBase | undefined = extendedTimeline(undefined, steps);
      assert.equal(base.keptEvents, 0);
      for (let round = 0; round < 6; round++) {
        steps = update(r, steps, round);
        base = extendedTimeline(base, steps);
        assert.deepStrictEqual(base.timeline, buildTimeline(steps), `run ${run}, update ${round}`);
        if (base.keptEvents > 0 && base.keptEvents < base.timeline.length) keptSome++;
      }
    }
    assert.ok(keptSome > 3000, `the timeline was extended (some events kept, some made again) in ${keptSome} of 9,000 updates`);
  });

  it('hands back the same timeline when nothing changed, and a whole one when the first step did', () => {
    const r = seededInts(3);
    const steps = Array.from({ length: 50 }, (_, i) => stepAt(r, `s${i}`, i));
    const base = extendedTimeline(undefined, steps);
    const same = extendedTimeline(base, steps.slice());
    assert.equal(same.timeline, base.timeline);
    const first = extendedTimeline(base, [{ ...steps[0]!, endMs: 99 }, ...steps.slice(1)]);
    assert.equal(first.keptEvents, 0);
    assert.deepStrictEqual(first.timeline, buildTimeline(first.steps));
  });

  it('a new step with an event stamped before every kept step (a clock apart) is placed as buildTimeline places it', () => {
    const r = seededInts(5);
    const steps = Array.from({ length: 20 }, (_, i) => ({ ...stepAt(r, `s${i}`, 100 + i), events: undefined }));
    const base = extendedTimeline(undefined, steps);
    const early = { ...stepAt(r, 'late', 130), events: [{ timeMs: 50, name: 'skewed', source: 'log' as const }] };
    const next = extendedTimeline(base, [...steps, early]);
    assert.equal(next.keptEvents, 0);
    assert.deepStrictEqual(next.timeline, buildTimeline([...steps, early]));
  });

  it('a kept LLM call whose parent call arrives later (and talks) stops showing its conversation from its start on', () => {
    const call = (id: string, startMs: number, extra: Partial<AgentStep>) => ({ id, spanId: id, traceId: 't', kind: 'llm', name: id, dialects: [], startMs, endMs: startMs + 1, durationMs: 1, status: 'ok', attributes: {}, ...extra }) as AgentStep;
    const steps = [call('a', 1, {}), call('inner', 2, { parentSpanId: 'wrapper' }), call('b', 5, {})];
    const base = extendedTimeline(undefined, steps);
    assert.equal(base.timeline.lastLlm[base.timeline.startAt[1]!], 1);
    const next = [...steps, call('wrapper', 6, { inputMessages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }] })];
    const extended = extendedTimeline(base, next);
    assert.deepStrictEqual(extended.timeline, buildTimeline(next));
    assert.equal(extended.timeline.lastLlm[extended.timeline.startAt[1]!], 0);
  });

  it("gives at every cursor what adding up the events before it gives (usage and $ summed per step end)", () => {
    for (let run = 0; run < 300; run++) {
      const r = seededInts(run + 7);
      let t = 0;
      let steps: AgentStep[] = [];
      for (let i = 0, n = 1 + r(30); i < n; i++) steps.push(stepAt(r, `s${i}`, (t += r(3))));
      let base = extendedTimeline(undefined, steps);
      for (let round = 0; round < 3; round++) {
        const tl = base.timeline;
        const sums = { started: 0, finished: 0, failed: 0, inputTokens: 0, costUsd: 0 };
        for (let i = 0; i < tl.length; i++) {
          const s = steps[tl.step[i]!]!;
          if (tl.type[i] === 'start') sums.started++;
          if (tl.type[i] === 'end') {
            sums.finished++;
            if (s.status === 'error') sums.failed++;
            if (!s.aggregate) {
              sums.inputTokens += s.inputTokens ?? 0;
              sums.costUsd += s.costUsd ?? 0;
            }
          }
          const state = stateAt(tl, steps, i)!;
          const got = { started: state.started, finished: state.finished, failed: state.failed, inputTokens: state.inputTokens, costUsd: state.costUsd };
          assert.deepStrictEqual(got, sums, `run ${run}, round ${round}, cursor ${i}`);
          assert.equal(state.running, sums.started - sums.finished);
        }
        steps = update(r, steps, round);
        base = extendedTimeline(base, steps);
      }
    }
  });

  it('is made a slice at a time when asked (a 1M-step session took seconds in one go), the same timeline', async () => {
    const r = seededInts(11);
    const steps = Array.from({ length: 60_000 }, (_, i) => stepAt(r, `s${i}`, i));
    const { count, value: sliced } = await countTurns(() => runSliced(extendingTimeline(undefined, steps), new TimeSlices(1)));
    assert.deepStrictEqual(sliced.timeline, buildTimeline(steps));
    assert.ok(count >= 5, `${count} turns of the event loop while it was made`);
    // Extended from it: a live update's part is made a slice at a time too.
    const next = [...steps.slice(0, 30_000), ...steps.slice(30_000).map((s) => ({ ...s, endMs: s.endMs + 1 }))];
    const extended = await runSliced(extendingTimeline(sliced, next), new TimeSlices(1));
    assert.ok(extended.keptEvents > 0);
    assert.deepStrictEqual(extended.timeline, buildTimeline(next));
  });
});
