// Opening the graph of a large session runs in the engine worker, whose thread also serves the receiver: the
// graph's parts (its loops, its timeline) and its snapshot are made a slice at a time, each pass yielding
// every few thousand steps or events (protocol/work.ts). At 1M realistic steps a pass in one go held the
// thread for seconds (the timeline 7.9 s, the snapshot's rows and columns 6-7 s); its links and the Cost
// view's breakdowns likewise.
import * as assert from 'node:assert/strict';
import { buildGraph, buildSession, findingLoops, findLoops, parentIndices, type AgentSession } from '../../../src/core/agent';
import { graphWork } from '../../../src/core/agent/graph';
import { findSafety } from '../../../src/core/safety';
import { GraphFeed } from '../../../src/core/agent/graphDto';
import type { PackedSnapshotDto } from '../../../src/protocol/graph';
import { packingJson } from '../../../src/protocol/graphPacking';
import { runWhole, YIELD_EVERY } from '../../../src/protocol/work';
import { syntheticSession } from '../agent/synthetic';
import { dataflowLinks } from '../../../src/core/agent/dataflow';
import { extendingDataflow, extendingParents } from '../../../src/core/agent/liveLinks';
import { breakdowns } from '../../../src/core/cost/breakdowns';
import { extendingBreakdowns } from '../../../src/core/cost/liveBreakdowns';
import { descendantsOf } from '../../../src/core/cost/tree';
import { assertSameBreakdowns } from '../cost/sameBreakdowns';

/** Runs `work` one yield at a time: its result, how long it took in all and the longest stretch between two yields. */
function timed<T>(work: Generator<void, T>): { value: T; totalMs: number; longestMs: number; yields: number } {
  let longestMs = 0;
  let yields = 0;
  const started = performance.now();
  for (;;) {
    const at = performance.now();
    const step = work.next();
    longestMs = Math.max(longestMs, performance.now() - at);
    if (step.done) return { value: step.value, totalMs: performance.now() - started, longestMs, yields };
    yields++;
  }
}

describe('graph: a large session opened a slice at a time', function () {
  this.timeout(120_000);
  let session: AgentSession;
  before(() => {
    session = buildSession(syntheticSession(100_000));
  });

  it('packs the snapshot yielding every few thousand rows, edges or events, the same snapshot', () => {
    const info = { id: 's', name: 's' };
    // As the engine asks it: the parents and the safety findings are parts of their own (sliced apart).
    const given = { parents: parentIndices(session.steps), safety: findSafety(session.steps, {}, session.graph) };
    // Warm: the first run compiles what the second measures.
    runWhole(new GraphFeed(info).packingSnapshot(session, given));
    const sliced = timed(new GraphFeed(info).packingSnapshot(session, given));
    const text = JSON.stringify(sliced.value);
    assert.equal(text, JSON.stringify(new GraphFeed(info).packedSnapshot(session)));
    // Its JSON text likewise, a member (and a long list's few thousand items) at a time: the same text.
    const json = timed(packingJson(sliced.value));
    assert.equal(json.value, text);
    assert.ok(json.yields > 20, `${json.yields} yields`);
    console.log(`      snapshot of ${session.steps.length} steps: ${sliced.yields} yields, the longest stretch ${sliced.longestMs.toFixed(0)} ms of ${sliced.totalMs.toFixed(0)} ms`);
    // Every pass over the steps (rows, columns), the flow edges and the timeline's events (the DTO, its
    // packing) yields every YIELD_EVERY + 1 items, and the passes yield between them (5 at least): counted,
    // not timed (a pass left whole drops 6 or more).
    const every = (items: number) => Math.floor(items / (YIELD_EVERY + 1));
    const least = 2 * every(session.steps.length) + every(session.graph.flowEdges.length) + 2 * every(session.timeline.length);
    assert.ok(least >= 30, `${least}`);
    // Besides: the columns are written one a turn (7 yields), the edges' and the timeline's too (3).
    assert.ok(sliced.yields >= least + 5 + 10, `${sliced.yields} yields, where its passes over ${session.steps.length} steps and ${session.timeline.length} events give ${least + 15} at least`);
  });

  it('finds the loops likewise, the same findings', () => {
    const steps = session.steps;
    runWhole(findingLoops(steps));
    const sliced = timed(findingLoops(steps));
    assert.deepStrictEqual(sliced.value, findLoops(steps));
    assert.ok(sliced.value.length > 0, 'the synthetic session repeats itself');
    console.log(`      loops: ${sliced.yields} yields, the longest stretch ${sliced.longestMs.toFixed(0)} ms of ${sliced.totalMs.toFixed(0)} ms`);
    assert.ok(sliced.yields >= Math.floor(steps.length / (YIELD_EVERY + 1)), `${sliced.yields} yields over ${steps.length} steps`);
  });

  it('finds the loops among long conversations that share their shape a thousand keys at a time (each ~20-30 µs for 2 KB)', () => {
    // #19's realistic calls: one shape (a system prompt and a question of the same length), each text its own.
    const steps = session.steps.slice(0, 6000).map((s, i) => ({
      ...s, kind: 'llm' as const, aggregate: undefined, model: 'm',
      inputMessages: [{ role: 'system', parts: [{ type: 'text' as const, text: `${'You plan trips. '.repeat(120)}${String(i % 5000).padStart(6, '0')}${'Answer briefly. '.repeat(4)}` }] }],
    }));
    const sliced = timed(findingLoops(steps));
    assert.deepStrictEqual(sliced.value, findLoops(steps));
    // 1,000 inputs sent twice (i and i + 5000): found, and the 6,000 texts keyed yield 5 times at least.
    assert.equal(sliced.value.length, 1000);
    assert.ok(sliced.yields >= 5, `${sliced.yields} yields over 6,000 conversations keyed`);
  });

  it('builds the graph likewise, the same graph', () => {
    const { steps } = session;
    const parents = parentIndices(steps);
    const sliced = timed(graphWork(steps, parents));
    assert.deepStrictEqual(sliced.value.flowEdges, buildGraph(steps, parents).flowEdges);
    // A pass over the steps (their siblings), then one over the `next` edges it makes.
    const least = Math.floor(steps.length / (YIELD_EVERY + 1)) + Math.floor(sliced.value.flowEdges.filter((e) => e.kind === 'next').length / (YIELD_EVERY + 1));
    assert.ok(least >= 8 && sliced.yields >= least, `${sliced.yields} yields over ${steps.length} steps, ${least} at least`);
  });

  it('finds the parent and dataflow links and sums the Cost view\'s breakdowns likewise, the same (1M steps held the thread ~0.45 s each, ~0.85 s)', () => {
    const { steps } = session;
    const every = (items: number) => Math.floor(items / (YIELD_EVERY + 1));
    const parents = timed(extendingParents(undefined, steps));
    assert.deepStrictEqual(parents.value.links, parentIndices(steps));
    // Two passes over the steps: their ids, then their parents.
    assert.ok(every(steps.length) >= 6 && parents.yields >= 2 * every(steps.length), `${parents.yields} yields over ${steps.length} steps`);
    const dataflow = timed(extendingDataflow(undefined, steps));
    assert.deepStrictEqual(dataflow.value.links, dataflowLinks(steps));
    assert.ok(dataflow.value.links.length > 0 && dataflow.yields >= 2 * every(steps.length), `${dataflow.yields} yields over ${steps.length} steps`);
    const sums = timed(extendingBreakdowns(undefined, steps, parents.value.links, dataflow.value.links));
    assertSameBreakdowns(sums.value.rows, breakdowns(steps, descendantsOf(steps), dataflow.value.links), steps, 'sliced');
    // The steps gathered by trace, the links, the traces summed (cut between traces) and their shares added.
    const sizes = new Map<string, number>();
    for (const s of steps) sizes.set(s.traceId, (sizes.get(s.traceId) ?? 0) + 1);
    const traces = sizes.size;
    // The traces' sums yield past every 2k steps or so (a few µs a step): a trace overshoots by its size at most.
    const summing = Math.floor(steps.length / ((YIELD_EVERY >> 3) + 1 + Math.max(...sizes.values())));
    const least = every(steps.length) + every(dataflow.value.links.length) + summing + every(traces);
    assert.ok(sums.yields >= least, `${sums.yields} yields over ${steps.length} steps, ${dataflow.value.links.length} links and ${traces} traces: ${least} at least`);
    console.log(`      parents ${parents.yields}, dataflow ${dataflow.yields}, breakdowns ${sums.yields} yields; the longest stretches ${[parents, dataflow, sums].map((w) => w.longestMs.toFixed(0)).join(", ")} ms`);
  });

  it('writes the JSON text JSON.stringify writes: members left undefined, empty and long lists, nested values, escapes', () => {
    const odd = {
      version: 3, gone: undefined, session: { id: 'a"b\\c', name: 'é\u2028', live: undefined }, steps: [], findings: [{ kind: 'k', steps: [1, 2], message: '\n' }],
      timeline: { labels: Array.from({ length: 40_000 }, (_, i) => [i, `l${i % 7}`]), events: '', nested: { deep: { deeper: [null, { x: undefined }] } } },
    };
    const packed = odd as unknown as PackedSnapshotDto;
    assert.equal(runWhole(packingJson(packed)), JSON.stringify(odd));
    assert.equal(runWhole(packingJson({} as PackedSnapshotDto)), '{}');
  });
});
