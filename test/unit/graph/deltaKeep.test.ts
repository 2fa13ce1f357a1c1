import * as assert from 'node:assert/strict';
import { buildSession } from '../../../src/core/agent';
import { GraphFeed } from '../../../src/core/agent/graphDto';
import type { SpanInput } from '../../../src/core/agent/types';
import type { EdgeDto, PackedDeltaDto, PackedSnapshotDto, StepRowDto, TimelineDto } from '../../../src/protocol/graph';
import { packedJson, parsePacked, TIMELINE_TYPES } from '../../../src/protocol/graphPacking';
import { tableRows } from '../../../src/protocol/stepTable';
import { applyDelta, buildModel, type GraphModel } from '../../../webview/graph/model';
import { agentShapedSession, underOpenRuns } from '../agent/agentShaped';
import { syntheticSession } from '../agent/synthetic';

/** What the panel shows, as plain values: its rows, its timeline and its edges. */
function shown(m: GraphModel): { rows: StepRowDto[]; timeline: TimelineDto; edges: EdgeDto[] } {
  return {
    rows: JSON.parse(JSON.stringify(tableRows(m.steps))) as StepRowDto[],
    timeline: { step: Array.from(m.evStep), type: Array.from(m.evType, (c) => TIMELINE_TYPES[c]).join(''), time: Array.from(m.evTime), labels: [...m.evLabel] },
    edges: m.edges,
  };
}

/**
 * A live session growing by `parts` (each a list of the spans that arrive next): one feed's packed deltas,
 * through JSON, applied by the webview's model; a second feed's deltas as they are (every row, edge and
 * event), applied by hand. After each, both panels show the same; returns how much of each delta was kept.
 */
function grow(parts: SpanInput[][]): { kept: number[]; keptEdges: number[]; startOrder: boolean[]; bytes: number[]; whole: number[] } {
  const packedFeed = new GraphFeed({ id: 's', name: 's', live: true });
  const plainFeed = new GraphFeed({ id: 's', name: 's', live: true });
  let inputs = parts[0]!;
  const first = buildSession(inputs);
  let model = buildModel(parsePacked(packedJson(packedFeed.packedSnapshot(first))) as PackedSnapshotDto);
  const plain = plainFeed.snapshot(first);
  let rows = plain.steps.slice();
  const out = { kept: [] as number[], keptEdges: [] as number[], startOrder: [] as boolean[], bytes: [] as number[], whole: [] as number[] };
  for (const part of parts.slice(1)) {
    inputs = [...inputs, ...part];
    const session = buildSession(inputs);
    const json = packedJson(packedFeed.packedDelta(session)!);
    const delta = plainFeed.delta(session)!;
    const applied = applyDelta(model, parsePacked(json) as PackedDeltaDto);
    assert.ok(applied, 'the delta applies on the panel it was made for');
    model = applied;
    for (const { index, ...row } of delta.changed) rows[index] = row;
    rows = JSON.parse(JSON.stringify(rows)) as StepRowDto[];
    assert.deepEqual(shown(model), { rows, timeline: delta.timeline, edges: delta.edges }, `after ${inputs.length} spans`);
    const packed = JSON.parse(json) as PackedDeltaDto;
    out.kept.push(packed.timeline.keep ?? 0);
    out.keptEdges.push(packed.edges.keep ?? 0);
    out.startOrder.push(packed.edges.startOrder === true && packed.edges.derivedNext > 0);
    out.bytes.push(json.length);
    out.whole.push(JSON.stringify(new GraphFeed({ id: 's', name: 's' }).packedSnapshot(session)).length);
  }
  return out;
}

/** `inputs` in `n` parts of about the same size, in the order given. */
function inParts(inputs: SpanInput[], n: number): SpanInput[][] {
  const size = Math.ceil(inputs.length / n);
  return Array.from({ length: n }, (_, k) => inputs.slice(k * size, (k + 1) * size)).filter((p) => p.length > 0);
}

describe('graph deltas keep what the panel has (core/agent/deltaKeep, graphPacking)', () => {
  it('a session of many runs: each delta sends what follows the events and edges the panel has, and the panel shows what a whole delta would', () => {
    const r = grow(inParts(syntheticSession(3000), 12));
    assert.ok(r.kept.every((k) => k > 0), `kept ${r.kept.join(', ')}`);
    // 250 new spans a delta: what it sends stays the same as the session grows (a snapshot grows with it).
    assert.ok(Math.max(...r.bytes) < Math.min(...r.bytes) * 1.25 && r.whole.at(-1)! > 4 * r.whole[0]!, `${r.bytes.join(', ')} bytes; snapshots ${r.whole.join(', ')}`);
  });

  it('one long run whose agent span comes last, spans arriving in reverse, late parents: the panel still shows what a whole delta would', () => {
    const long = underOpenRuns(agentShapedSession(40), true);
    const run = long[0]!;
    const parts = inParts(long.slice(1), 8);
    // The agent span last; every other part in reverse (spans that start before ones the panel has).
    const reversed = grow([...parts.map((p, k) => (k % 2 ? p.slice().reverse() : p)), [run]]);
    // Indices out of time order: the `next` edges are derived all the same (in start order), and kept edges stay.
    assert.ok(reversed.startOrder.every(Boolean) && reversed.keptEdges.every((k) => k > 0), `${reversed.keptEdges.join(', ')}`);
    // Children before their parents: each part's spans without the runs' roots, which come in the next part.
    const runs = underOpenRuns(agentShapedSession(12));
    const roots = runs.filter((i) => !i.span.parentSpanId);
    const children = runs.filter((i) => i.span.parentSpanId);
    grow([...inParts(children, 4), roots]);
    // Earlier runs than any shown (the session's start moves back: rows and times change, nothing is kept).
    const synthetic = syntheticSession(400);
    const r = grow([synthetic.slice(200), synthetic.slice(0, 200)]);
    assert.equal(r.kept[0], 0);
  });

  it('hostile keep counts and start orders are refused or ignored, never an exception', () => {
    const inputs = syntheticSession(120);
    const feed = new GraphFeed({ id: 's', name: 's', live: true });
    const model = buildModel(feed.packedSnapshot(buildSession(inputs.slice(0, 60))));
    const delta = feed.packedDelta(buildSession(inputs))!;
    for (const keep of [-1, 1.5, 'x', 1e9, Number.NaN, null]) {
      const timeline = { ...delta.timeline, keep } as unknown as PackedDeltaDto['timeline'];
      assert.equal(applyDelta(model, { ...delta, timeline }), undefined, `events kept: ${String(keep)}`);
      const edges = { ...delta.edges, keep } as unknown as PackedDeltaDto['edges'];
      assert.equal(applyDelta(model, { ...delta, edges }), undefined, `edges kept: ${String(keep)}`);
    }
    // A start order over events that name no step, or steps out of range: the edges still come back.
    const odd = { ...delta, edges: { ...delta.edges, startOrder: true }, timeline: { ...delta.timeline, events: 'zz', times: '' } } as PackedDeltaDto;
    assert.ok(applyDelta(model, odd), 'applied, whatever it draws');
  });

  it('a delta made on top of a version the panel does not have keeps nothing', () => {
    const inputs = syntheticSession(200);
    const feed = new GraphFeed({ id: 's', name: 's', live: true });
    feed.packedSnapshot(buildSession(inputs.slice(0, 100)));
    // An unpacked delta moves the feed on without the panel: the next packed one cannot build on it.
    feed.delta(buildSession(inputs.slice(0, 150)));
    const d = feed.packedDelta(buildSession(inputs))!;
    assert.equal(d.timeline.keep, undefined);
    assert.equal(d.edges.keep, undefined);
  });
});
