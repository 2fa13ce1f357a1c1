import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { buildSession } from '../../../src/core/agent';
import { GraphFeed } from '../../../src/core/agent/graphDto';
import type { EdgeDto, GraphSnapshotDto, PackedEdgesDto, PackedSnapshotDto, PackedTimelineDto, StepColumnsDto } from '../../../src/protocol/graph';
import { TIMELINE_TYPES, packEdgeList, packSnapshot, packSteps, shownFindings, siblingEdges, splitEdges, unpackEdgeParts, unpackTable, unpackTimeline, unpackTimelineAfter, type TimelineColumns } from '../../../src/protocol/graphPacking';
import { tableRows, withRows } from '../../../src/protocol/stepTable';
import { syntheticSession } from '../agent/synthetic';
import { fixture, stepRows } from './fixtures';
import { seededUnit } from '../seeded';

const fixtures = readdirSync(path.resolve(__dirname, '../../../../test/fixtures')).filter((f) => f.endsWith('.otlp.json')).map((f) => f.replace('.otlp.json', ''));

/** Timeline types as TimelineDto writes them. */
const typeText = (codes: Uint8Array) => Array.from(codes, (c) => TIMELINE_TYPES[c]).join('');

/** Rows as JSON has them: a field the webview keeps as undefined is one the host left out. */
const asSent = <T>(rows: T): T => JSON.parse(JSON.stringify(rows)) as T;

/** Edges as they cross, and back as the webview's model reads them (with the steps' events, when there are any). */
const packEdges = (edges: EdgeDto[], rows: GraphSnapshotDto['steps']) => packEdgeList(splitEdges(edges, rows));
const unpackEdges = (p: PackedEdgesDto, parents: ArrayLike<number>, timeline?: TimelineColumns) => unpackEdgeParts(p, parents, [], timeline)!.edges;

/** The snapshot the webview rebuilds from the packed one, sent as JSON. */
function roundTrip(s: GraphSnapshotDto): { rows: GraphSnapshotDto['steps']; edges: GraphSnapshotDto['edges']; timeline: GraphSnapshotDto['timeline'] } {
  const p = JSON.parse(JSON.stringify(packSnapshot(s))) as PackedSnapshotDto;
  const table = unpackTable(p.steps);
  const t = unpackTimeline(p.timeline, table);
  return { rows: asSent(tableRows(table)), edges: unpackEdges(p.edges, table.parent, t), timeline: { step: Array.from(t.step), type: typeText(t.type), time: Array.from(t.time), labels: t.labels } };
}

describe('graph wire packing (protocol/graphPacking)', () => {
  for (const name of fixtures) {
    it(`${name}: rows, edges and timeline come back exactly`, () => {
      const s = fixture(name).snapshot;
      const back = roundTrip(s);
      assert.deepEqual(back.rows, s.steps);
      assert.deepEqual(back.edges, s.edges);
      assert.deepEqual(back.timeline, s.timeline);
    });
  }

  it('ids: 16 hex digits each travel as one string; any other id as it is', () => {
    const row = (id: string) => ({ id, parent: -1, kind: 'tool' as const, status: 'ok' as const, label: 't', start: 0, end: 1 });
    const hex = packSteps([row('00000000000000a1'), row('00000000000000b2')]);
    assert.deepEqual([hex.id, hex.hexIds], [[], '00000000000000a100000000000000b2']);
    const mixed = [row('00000000000000a1'), row('not-hex "quoted"')];
    assert.deepEqual(asSent(stepRows(JSON.parse(JSON.stringify(packSteps(mixed))) as StepColumnsDto)), mixed);
  });

  it('next edges: derived from the parents when they are the siblings in order, else sent as they are', () => {
    const row = (parent: number) => ({ id: `s${parent}`, parent, kind: 'tool' as const, status: 'ok' as const, label: 't', start: 0, end: 1 });
    const rows = [row(-1), row(0), row(0), row(-1), row(0)];
    const next: EdgeDto[] = [[0, 3, 'next'], [1, 2, 'next'], [2, 4, 'next']];
    const dataflow: EdgeDto[] = [[1, 2, 'dataflow', 'call_1'], [2, 4, 'dataflow', 'call_1']];
    const derived = packEdges([...next, ...dataflow], rows);
    assert.deepEqual([derived.derivedNext, derived.kind], [3, 'dd']);
    const parents = rows.map((r) => r.parent);
    assert.deepEqual(unpackEdges(JSON.parse(JSON.stringify(derived)) as PackedEdgesDto, parents), [...next, ...dataflow]);
    for (const edges of [[next[1], next[0], next[2], ...dataflow], [...next.slice(0, 2), ...dataflow], [...dataflow, ...next]] as EdgeDto[][]) {
      const sent = packEdges(edges, rows);
      assert.equal(sent.derivedNext, 0);
      assert.deepEqual(unpackEdges(JSON.parse(JSON.stringify(sent)) as PackedEdgesDto, parents), edges);
    }
  });

  it('a live delta, packed against the rows after it and on top of what its base sent, unpacks to the same timeline and edges', () => {
    const inputs = syntheticSession(60);
    const feed = new GraphFeed({ id: 's', name: 's', live: true });
    const first = feed.packedSnapshot(buildSession(inputs.slice(0, 30)));
    const grown = buildSession(inputs);
    const delta = asSent(feed.packedDelta(grown)!);
    const base = unpackTable(first.steps);
    const table = withRows(base, delta.changed)!;
    const whole = new GraphFeed({ id: 's', name: 's' }).snapshot(grown);
    // The first feed's origin is the first 30 spans' start, the same as the grown session's here.
    assert.deepEqual(asSent(tableRows(table)), whole.steps);
    // New turns come after the ones the panel has: their events and edges are all that is sent.
    const held = unpackTimeline(first.timeline, base);
    assert.ok(delta.timeline.keep! >= held.step.length - 2 && delta.timeline.keep! <= held.step.length, `${delta.timeline.keep} of ${held.step.length} events kept`);
    assert.ok(delta.edges.keep! > 0, 'the dataflow edges sent before are kept');
    const t = unpackTimelineAfter(held, delta.timeline, table)!;
    assert.deepEqual({ step: Array.from(t.step), type: typeText(t.type), time: Array.from(t.time), labels: t.labels }, whole.timeline);
    const heldEdges = unpackEdgeParts(first.edges, base.parent, [], held)!;
    assert.deepEqual(unpackEdgeParts(delta.edges, table.parent, heldEdges.edges.slice(heldEdges.derived), t)!.edges, whole.edges);
    assert.equal(unpackTimelineAfter({ ...held, step: held.step.subarray(0, 3) }, delta.timeline, table), undefined, 'keeps more than the panel has');
    assert.equal(unpackEdgeParts(delta.edges, table.parent, []), undefined, 'keeps edges the panel was not sent');
  });

  it('100k spans: a fraction of the unpacked JSON (prints both)', () => {
    const s = new GraphFeed({ id: 'b', name: 'b' }).snapshot(buildSession(syntheticSession(100_000)));
    const plain = JSON.stringify(s).length;
    const packed = JSON.stringify(packSnapshot(s)).length;
    console.log(`      ${s.steps.length.toLocaleString('en-US')} steps: ${(plain / 2 ** 20).toFixed(1)} MB as rows, ${(packed / 2 ** 20).toFixed(1)} MB packed`);
    assert.ok(packed < plain / 3, `${packed} of ${plain}`);
    // Sized to the view: from ID_FREE_FROM steps on the span ids stay behind; every other field comes back.
    const back = roundTrip(s);
    assert.deepEqual(back.rows, s.steps.map((r) => ({ ...r, id: '' })));
    assert.deepEqual(back.timeline, s.timeline);
    const withIds = stepRows((JSON.parse(JSON.stringify(packSnapshot(s, true))) as PackedSnapshotDto).steps);
    assert.deepEqual(asSent(withIds), s.steps, 'asked for, the ids come too (the HTML report)');
  });

  it('findings: the first few messages the top bar shows, and every safety finding with its steps', () => {
    const safety = { kind: 'safety:taint', message: 'secret reaches a tool', steps: [4, 2] };
    const loops = [1, 2, 3, 4].map((i) => ({ kind: 'repeated-tool-call', message: `loop ${i}`, steps: [i, i + 10, i + 20] }));
    assert.deepEqual(shownFindings([...loops, safety]), [...loops.slice(0, 3).map((f) => ({ ...f, steps: [] })), safety]);
    assert.deepEqual(shownFindings([safety, ...loops]).map((f) => f.message), ['secret reaches a tool', 'loop 1', 'loop 2']);
  });

  it('malformed columns unpack to defaults, never an exception', () => {
    // shape 31 = 'other' (7) + 24 * price missing (1); the second step has none.
    const steps = { id: ['a', 'b'], parent: [5, 'x'], shape: [31], label: [9], labels: [], start: [NaN], duration: [], usageAt: [7], inputTokens: [1], outputTokens: 'x', costUsd: [] } as unknown as StepColumnsDto;
    const rows = unpackTable(steps);
    assert.deepEqual(asSent(tableRows(rows)), [
      { id: 'a', parent: -1, kind: 'other', status: 'unset', label: '', start: 0, end: 0, priceMissing: true },
      { id: 'b', parent: -1, kind: 'other', status: 'unset', label: '', start: 0, end: 0 },
    ]);
    // Steps 0, 40, -50 (deltas 0, 40, -90) as start, end, log; times pairs cut short and out of range.
    const t = unpackTimeline({ events: [0, 40 * 3 + 2, -90 * 3 + 1], times: [1e9, 5, 'x'], labels: [] } as unknown as PackedTimelineDto, rows);
    assert.deepEqual(Array.from(t.step), [0, 40, -50]);
    assert.equal(typeText(t.type), 'sel');
    assert.deepEqual(Array.from(t.time), [0, 0, 0]);
    assert.deepEqual(typeText(unpackTimeline({ events: '*!"', times: {} } as unknown as PackedTimelineDto, rows).type), 'sss', 'a character outside the alphabet ends an integer (0: a start at step 0)');
    assert.deepEqual(typeText(unpackTimeline({} as PackedTimelineDto, rows).type), '');
    assert.deepEqual(stepRows({} as StepColumnsDto), []);
    assert.deepEqual(stepRows({ hexIds: `${'a'.repeat(16)}${'b'.repeat(16)}xyz` } as StepColumnsDto).map((r) => r.id), ['a'.repeat(16), 'b'.repeat(16)]);
  });
});

describe('sibling edges', () => {
  /**
   * The rule as written: consecutive members of each parent's group, the groups in the order of their first
   * member; a parent that is not a row's index is a root.
   */
  function reference(rows: { parent: number }[]): EdgeDto[] {
    const groups = new Map<number, number[]>();
    const groupOf = (p: number) => (Number.isInteger(p) && p >= 0 && p < rows.length ? p : -1);
    rows.forEach((r, i) => (groups.get(groupOf(r.parent)) ?? groups.set(groupOf(r.parent), []).get(groupOf(r.parent))!).push(i));
    return [...groups.values()].flatMap((g) => g.slice(1).map((to, k): EdgeDto => [g[k]!, to, 'next']));
  }

  it('links consecutive children of each parent and of the roots, groups in the order of their first member; parents that are not rows are roots', () => {
    const random = seededUnit(7);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(random() * 200);
      const hostile = t % 5 === 0;
      const rows = Array.from({ length: n }, (_, i) => ({
        parent: hostile && random() < 0.1 ? [Number.NaN, 1e9, -5, 2.5, n][i % 5]! : i === 0 || random() < 0.2 ? -1 : Math.floor(random() * n),
      }));
      assert.deepEqual(siblingEdges(rows.map((r) => r.parent)), reference(rows));
    }
    assert.deepEqual(siblingEdges([]), []);
  });

  it('unpacked edges carry a label only where one was sent', () => {
    const rows = stepRows(packSteps(syntheticSession(200).map((s, i) => ({ id: s.span.spanId as string, parent: i === 0 ? -1 : 0, kind: 'tool', status: 'ok', label: 'x', start: i, end: i + 1 }))));
    const parents = rows.map((r) => r.parent);
    const edges: EdgeDto[] = [...siblingEdges(parents), [0, 3, 'dataflow', 'call_1'], [0, 4, 'dataflow']];
    const back = unpackEdges(packEdges(edges, rows), parents);
    assert.deepEqual(back, edges);
    assert.deepEqual(back.map((e) => e.length).slice(-2), [4, 3]);
  });
});
