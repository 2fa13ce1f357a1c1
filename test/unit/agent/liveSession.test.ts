// The incremental model (agent/liveSession.ts): a session fed in many small increments, in the order a live
// exporter sends spans (children before the parent that ends after them, runs arriving backwards, ties),
// must give after EVERY increment exactly the steps a whole build gives; and it must take the cheap path
// (only the traces that grew) unless the gateway merge is involved.
import * as assert from 'node:assert/strict';
import { nanosToMs, normaliseSession, type AgentStep, type SpanInput } from '../../../src/core/agent';
import { mergeInputs, placeOf, readSession, readSessionAdded } from '../../../src/core/agent/fromStore';
import { LiveSession } from '../../../src/core/agent/liveSession';
import type { InputOrder } from '../../../src/core/agent/livePlaces';
import { normaliseSpan } from '../../../src/core/agent/normalise';
import { buildTimeline } from '../../../src/core/agent/timeline';
import { extendedTimeline, type TimelineBase } from '../../../src/core/agent/timelineUpdate';
import { extendedDataflow, extendedParents, type LinksBase } from '../../../src/core/agent/liveLinks';
import { breakdowns } from '../../../src/core/cost/breakdowns';
import { extendedBreakdowns, type BreakdownsBase } from '../../../src/core/cost/liveBreakdowns';
import { descendantsOf } from '../../../src/core/cost/tree';
import { assertSameBreakdowns } from '../cost/sameBreakdowns';
import { dataflowLinks, type DataflowLink } from '../../../src/core/agent/dataflow';
import { parentIndices } from '../../../src/core/agent/tree';
import { GraphFeed } from '../../../src/core/agent/graphDto';
import { sessionOfSteps } from '../../../src/core/agent';
import { packedJson } from '../../../src/protocol/graphPacking';
import { agentShapedSession, underOpenRuns } from './agentShaped';
import { fixtureInputs, sessionText } from './modelInputs';
import { syntheticSession } from './synthetic';
import { newStore, request, str } from '../store/fixtures';
import { seededInts } from '../seeded';

/**
 * Arrival order of a live exporter: each span when it ends (a run's root after its children), and every
 * other export of 7 spans backwards (exporters group by scope, not time).
 */
function byEnd(inputs: SpanInput[]): SpanInput[] {
  const ended = inputs.map((input, i) => ({ input, i })).sort((a, b) => nanosToMs(a.input.span.endTimeUnixNano) - nanosToMs(b.input.span.endTimeUnixNano) || a.i - b.i).map((x) => x.input);
  const out: SpanInput[] = [];
  for (let at = 0; at < ended.length; at += 7) {
    const chunk = ended.slice(at, at + 7);
    out.push(...(at % 14 ? chunk.reverse() : chunk));
  }
  return out;
}

/** Deterministic batch sizes 1..max. */
function* batches<T>(items: readonly T[], max: number): Generator<T[]> {
  const random = seededInts(7);
  for (let at = 0; at < items.length; ) {
    const size = 1 + random(max);
    yield items.slice(at, at + size);
    at += size;
  }
}

const text = (steps: AgentStep[]) => sessionText({ steps });

/** What each update of a feed did: its new spans, the spans it normalised, the steps it related and the timeline events it kept. */
interface Work {
  added: number;
  normalised: number;
  related: number;
  keptEvents: number;
}

/** Feeds `arrival` in batches; after each, the live steps (and their extended timeline and links) must equal a whole build of everything so far. */
function feed(arrival: SpanInput[], maxBatch: number): { updates: number; whole: number; work: Work[] } {
  const place = new Map<SpanInput, InputOrder>();
  arrival.forEach((input, seq) => place.set(input, { startMs: nanosToMs(input.span.startTimeUnixNano), seq }));
  const order = (a: SpanInput, b: SpanInput) => place.get(a)!.startMs - place.get(b)!.startMs || place.get(a)!.seq - place.get(b)!.seq;
  let normalised = 0;
  const live = new LiveSession({}, (input) => place.get(input)!, (input) => (normalised++, normaliseSpan(input)));
  let inputs: SpanInput[] = [];
  let updates = 0;
  let whole = 0;
  const work: Work[] = [];
  let timeline: TimelineBase | undefined;
  let parents: LinksBase<Int32Array> | undefined;
  let dataflow: LinksBase<readonly DataflowLink[]> | undefined;
  let costRows: BreakdownsBase | undefined;
  // The open graph's feed, which copies what it can of the timeline it sent, against one that makes it whole.
  const feeds = [new GraphFeed({ id: 's', name: 's', live: true }), new GraphFeed({ id: 's', name: 's', live: true }, false)];
  for (const batch of batches(arrival, maxBatch)) {
    const added = batch.slice().sort(order);
    inputs = [...inputs, ...added].sort(order);
    normalised = 0;
    const steps = live.update(inputs, added);
    timeline = extendedTimeline(timeline, steps);
    work.push({ added: added.length, normalised, related: live.related, keptEvents: timeline.keptEvents });
    updates++;
    if (live.lastUpdate === 'whole') whole++;
    assert.equal(text(steps), text(normaliseSession(inputs)), `after ${inputs.length} spans (${updates} updates)`);
    assert.deepStrictEqual(timeline.timeline, buildTimeline(steps), `timeline after ${inputs.length} spans (${updates} updates)`);
    parents = extendedParents(parents, steps);
    assert.deepStrictEqual(parents.links, parentIndices(steps), `parents after ${inputs.length} spans`);
    dataflow = extendedDataflow(dataflow, steps);
    assert.deepStrictEqual(dataflow.links, dataflowLinks(steps), `dataflow after ${inputs.length} spans`);
    costRows = extendedBreakdowns(costRows, steps, parents.links, dataflow.links);
    assertSameBreakdowns(costRows.rows, breakdowns(steps, descendantsOf(steps, parents.links), dataflow.links), steps, `the Cost view's breakdowns after ${inputs.length} spans`);
    const session = sessionOfSteps(steps, parents.links, dataflow.links, undefined, timeline.timeline);
    const [copied, made] = feeds.map((f) => {
      const packed = updates === 1 ? f.packedSnapshot(session) : f.packedDelta(session);
      return packed && packedJson(packed);
    });
    assert.equal(copied, made, `the graph's ${updates === 1 ? 'snapshot' : 'delta'} after ${inputs.length} spans`);
  }
  return { updates, whole, work };
}

describe('agent model: a live session extended by its new spans', function () {
  this.timeout(120_000);

  it('agent-shaped runs (late roots, ties, repeated inputs, failures): equal to a whole build after every increment, never rebuilt whole', () => {
    const { updates, whole, work } = feed(byEnd(agentShapedSession(120)), 40);
    assert.ok(updates > 20);
    assert.equal(whole, 0);
    // Runs that are over keep their steps, so their events stay where they were in the timeline.
    const kept = work.slice(1).filter((w) => w.keptEvents > 0).length;
    assert.ok(kept >= (updates - 1) * 0.8, `the timeline was extended in ${kept} of ${updates - 1} updates`);
  });

  it('one long run (every run a child of one agent span that arrives last): equal to a whole build, each update normalising its new spans and relating only the parts they join', () => {
    const arrival = byEnd(underOpenRuns(agentShapedSession(200), true));
    const { whole, work } = feed(arrival, 40);
    assert.equal(whole, 0);
    // The first update saw the trace; every later one normalises its new spans and no more.
    for (const w of work.slice(1)) assert.equal(w.normalised, w.added);
    // Until the agent span comes (last) and joins every part, an update relates its new spans and the runs
    // they complete: a run's spans arrive with it or within a batch or two, never the whole trace.
    const total = arrival.length;
    for (const w of work.slice(1, -1)) assert.ok(w.related < 60 + w.added, `${w.related} steps related for ${w.added} new spans of ${total}`);
    assert.equal(work.at(-1)!.related, total);
  });

  it('long runs of every dialect and of the recorded fixtures (string tool arguments, folded roots, frameworks, repeated span ids): equal to a whole build after every increment', () => {
    feed(byEnd(underOpenRuns(syntheticSession(600), true)), 30);
    // The gateway's fixtures would make the session whole (tested above): left out, the rest grows by parts.
    const fixtures = fixtureInputs().filter((i) => i.span.attributes.every((kv) => !kv.key.startsWith('agent_debugger.')));
    assert.equal(feed(byEnd(underOpenRuns(fixtures)), 3).whole, 0);
    feed(byEnd(underOpenRuns(fixtures, true)), 3);
  });

  it('the synthetic four-dialect session, one span at a time at first, then in batches', () => {
    const arrival = byEnd(syntheticSession(1200));
    feed(arrival.slice(0, 150), 1);
    const { whole } = feed(arrival, 90);
    assert.equal(whole, 0);
  });

  it('every recorded fixture (frameworks, folded roots, gateway twins) as one live session', () => {
    // The gateway's fixtures make it whole from then on; before them, it grows by traces.
    const { updates } = feed(byEnd(fixtureInputs()), 5);
    assert.ok(updates > 10);
  });

  it('through the store: readSessionAdded + mergeInputs give readSession, and the live steps a whole build', async () => {
    const store = await newStore();
    try {
      const arrival = byEnd(agentShapedSession(60));
      const resource = [str('service.name', 'agent'), str('session.id', 'live')];
      const live = new LiveSession({}, placeOf);
      let inputs: SpanInput[] = [];
      for (const batch of batches(arrival, 25)) {
        store.ingestTraces(request(resource, batch.map((i) => i.span)));
        const added = readSessionAdded(store, 'live', inputs, store.getSession('live')!.spanCount);
        assert.ok(added);
        inputs = mergeInputs(inputs, added);
        const whole = readSession(store, 'live');
        assert.deepEqual(inputs.map(placeOf), whole.map(placeOf));
        assert.equal(text(live.update(inputs, added)), text(normaliseSession(whole)));
        assert.equal(live.lastUpdate, 'traces');
      }
    } finally {
      store.dispose();
    }
  });
});
