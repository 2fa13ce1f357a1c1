// The agent model on 100k synthetic spans (four dialects, agent turns of chat -> tool -> chat): prints
// steps/s for each stage. The bound is loose on purpose (shared CI machines); the printed numbers are
// what to watch.
import * as assert from 'node:assert/strict';
import { buildGraph, buildTimeline, findLoops, normaliseSession, stateAt, totalsOf } from '../../../src/core/agent';
import { syntheticSession } from './synthetic';

describe('agent: performance', function () {
  this.timeout(120_000);

  it('normalises, links and times 100k spans in seconds (prints steps/s)', () => {
    const n = 100_000;
    const inputs = syntheticSession(n);
    const lap = (label: string, f: () => unknown) => {
      const t = performance.now();
      const result = f();
      const ms = performance.now() - t;
      console.log(`      ${label.padEnd(12)} ${ms.toFixed(0).padStart(6)} ms  ${Math.round((n / ms) * 1000).toLocaleString('en-US').padStart(10)} steps/s`);
      return { result, ms };
    };
    const normalised = lap('normalise', () => normaliseSession(inputs));
    const steps = normalised.result as ReturnType<typeof normaliseSession>;
    const graph = lap('graph', () => buildGraph(steps));
    const timeline = lap('timeline', () => buildTimeline(steps));
    const loops = lap('loops', () => findLoops(steps));
    const totals = lap('totals', () => totalsOf(steps));
    const all = normalised.ms + graph.ms + timeline.ms + loops.ms + totals.ms;
    console.log(`      ${'all'.padEnd(12)} ${all.toFixed(0).padStart(6)} ms  ${Math.round((n / all) * 1000).toLocaleString('en-US').padStart(10)} steps/s`);

    const t = timeline.result as ReturnType<typeof buildTimeline>;
    const start = performance.now();
    for (let i = 0; i < t.length; i++) stateAt(t, steps, i);
    const perStep = ((performance.now() - start) / t.length) * 1000;
    console.log(`      stepping through all ${t.length} timeline events: ${perStep.toFixed(2)} us per step`);

    assert.equal(steps.length, n);
    assert.ok(all < 30_000, `100k spans took ${all.toFixed(0)} ms`);
    assert.ok(perStep < 50, `a step took ${perStep} us`);
  });
});
