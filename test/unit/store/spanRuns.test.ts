import * as assert from 'node:assert/strict';
import { encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import type { StoreContext } from '../../../src/core/store/context';
import { prepareTraceBytes } from '../../../src/core/store/protoPrepared';
import { SpanStore } from '../../../src/core/store/spanStore';
import { sweepStep } from '../../../src/core/store/sweeper';
import { asOlderSchema, toSchema3 } from '../../fixtures/olderSchemas';
import { bulkRequest, newStore, request, span, spanId, str, traceId } from './fixtures';

const ctxOf = (store: SpanStore) => (store as unknown as { ctx: StoreContext }).ctx;

/** Every span is in exactly one run, and every run holds only spans of its own trace and session. */
function assertRunsExact(store: SpanStore): number {
  const { db, schema } = ctxOf(store);
  const one = (sql: string) => Number(db.exec(sql)[0]!.values[0]![0]);
  const spans = one(`SELECT count(*) FROM ${schema}.spans`);
  const covered = one(`SELECT count(*) FROM ${schema}.span_runs r JOIN ${schema}.spans s ON s.id BETWEEN r.first_id AND r.last_id`);
  const strangers = one(`SELECT count(*) FROM ${schema}.span_runs r JOIN ${schema}.spans s ON s.id BETWEEN r.first_id AND r.last_id
    WHERE s.trace_id != r.trace_id OR s.session_id != r.session_id`);
  const empty = one(`SELECT count(*) FROM ${schema}.span_runs r WHERE NOT EXISTS (SELECT 1 FROM ${schema}.spans s WHERE s.id BETWEEN r.first_id AND r.last_id)`);
  assert.deepEqual({ covered, strangers, empty }, { covered: spans, strangers: 0, empty: 0 });
  return one(`SELECT count(*) FROM ${schema}.span_runs`);
}

/** `traces` traces of `perTrace` spans, their spans taking turns (as concurrent agents' spans arrive). */
function interleaved(traces: number, perTrace: number, session: string) {
  const spans = [];
  for (let i = 0; i < perTrace; i++) {
    for (let t = 1; t <= traces; t++) {
      spans.push(span({ traceId: traceId(100 + t), spanId: spanId(t * 1000 + i), parentSpanId: i ? spanId(t * 1000) : '', name: `s${i}` }));
    }
  }
  return request([str('session.id', session)], spans);
}

describe('store: span runs (finding spans by trace and session without indexes of spans)', () => {
  let store: SpanStore;
  beforeEach(async () => (store = await newStore({ maxSpans: 1_000_000 })));
  afterEach(() => store.dispose());

  it('writes a run per trace of a batch, also when the spans of traces take turns', () => {
    store.ingestTraces(bulkRequest(1000, 0, [str('session.id', 'A')], 100));
    assert.equal(assertRunsExact(store), 10);
    store.ingestTraces(interleaved(3, 4, 'B'));
    assert.equal(assertRunsExact(store), 10 + 3);
    // Stored a trace at a time (ids), each trace's spans in the order they came.
    const ids = store.spansOfSession('B').map((s) => s.spanId);
    assert.deepEqual(ids, [1, 2, 3].flatMap((t) => [0, 1, 2, 3].map((i) => spanId(t * 1000 + i))));
    for (let t = 1; t <= 3; t++) {
      assert.deepEqual(store.spansOfTrace(traceId(100 + t), 'B').map((s) => s.spanId), [0, 1, 2, 3].map((i) => spanId(t * 1000 + i)));
      assert.deepEqual(store.childrenOf(traceId(100 + t), spanId(t * 1000), 'B').length, 3);
      assert.equal(store.getSpan(traceId(100 + t), spanId(t * 1000 + 2), 'B')?.name, 's2');
    }
    assert.equal(store.spansOfSession('B').length, 12);
    assert.equal(store.spansOfSession('A', { offset: 990 }).length, 10);
    assert.equal(store.findSpans({ sessionId: 'B', attribute: { key: 'missing' } }).length, 0);
    assert.equal(store.findSpans({ sessionId: 'A', statusCode: 2 }).length, 20);
  });

  it('groups the spans of traces that take turns on the protobuf path too, slice by slice', () => {
    const p = prepareTraceBytes(encodeTraceRequest(interleaved(3, 4, 'P')))!;
    store.ingestPrepared(p, undefined, 0, 5); // traces 1 2 3 1 2
    store.ingestPrepared(p, undefined, 5, 12); // 3 1 2 3 1 2 3
    assert.equal(assertRunsExact(store), 3 + 3);
    for (let t = 1; t <= 3; t++) {
      assert.deepEqual(store.spansOfTrace(traceId(100 + t), 'P').map((s) => s.spanId), [0, 1, 2, 3].map((i) => spanId(t * 1000 + i)));
    }
  });

  it('keeps runs exact through trace moves, trims and sweeps of deleted sessions', () => {
    // A trace first grouped by instance, then moved when its root names a session.
    const svc = [str('service.name', 'agent'), str('service.instance.id', 'i-1')];
    store.ingestTraces(request(svc, [span({ traceId: traceId(9), spanId: spanId(2), parentSpanId: spanId(1) })]));
    store.ingestTraces(request(svc, [span({ traceId: traceId(9), spanId: spanId(1), attributes: [str('session.id', 'moved')] })]));
    assert.deepEqual(store.spansOfTrace(traceId(9)).map((s) => s.sessionId), ['moved', 'moved']);
    assertRunsExact(store);
    // Trims drop whole traces of a session over the cap.
    store.configure({ maxSpans: 500 });
    store.ingestTraces(bulkRequest(600, 0, [str('session.id', 'big')]));
    assert.ok(store.spanCount('big') <= 450);
    assertRunsExact(store);
    // A deleted session's spans are swept a few at a time, a run partly when it is longer than a step.
    store.configure({ maxSpans: 1_000_000 });
    store.ingestTraces(bulkRequest(1000, 100_000, [str('session.id', 'gone')], 1000));
    store.deleteSession('gone');
    let steps = 0;
    while (ctxOf(store).tombstones.length) {
      sweepStep(ctxOf(store), 300);
      assertRunsExact(store);
      steps++;
    }
    assert.equal(steps, 1 + 4, 'the emptied instance session, then 1000 spans 300 at a time');
    assert.equal(store.spanCount(), store.listSessions().reduce((n, s) => n + s.spanCount, 0));
    assert.equal(Number(ctxOf(store).db.exec(`SELECT count(*) FROM ${ctxOf(store).schema}.spans`)[0]!.values[0]![0]), store.spanCount());
  });

  it('opens a file of schema version 3 (spans indexed by trace and session), making its runs', async () => {
    store.ingestTraces(bulkRequest(200, 0, [str('session.id', 'one')]));
    store.ingestTraces(interleaved(4, 5, 'two'));
    store.configure({ maxSpans: 215 });
    store.ingestTraces(bulkRequest(10, 300, [str('session.id', 'one')])); // trims: id gaps in 'one'
    const copy = await SpanStore.fromSqlite(await asOlderSchema(store.exportSqlite(), toSchema3));
    try {
      assert.equal(assertRunsExact(copy), assertRunsExact(store));
      for (const s of store.listSessions()) {
        assert.deepStrictEqual(copy.exportSessionOtlp(s.id), store.exportSessionOtlp(s.id), s.id);
        for (const t of store.traceIds(s.id)) assert.deepStrictEqual(copy.spansOfTrace(t, s.id), store.spansOfTrace(t, s.id));
      }
    } finally {
      copy.dispose();
    }
  });
});
