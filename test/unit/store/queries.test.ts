import * as assert from 'node:assert/strict';
import type { StoreContext } from '../../../src/core/store/context';
import type { SpanStore } from '../../../src/core/store/spanStore';
import { bulkRequest, FakeClock, logRecord, logsRequest, newStore, ns, request, span, spanId, str, traceId } from './fixtures';

describe('store: queries', () => {
  let clock: FakeClock;
  let store: SpanStore;
  const res = [str('service.name', 'agent'), str('session.id', 'S')];
  beforeEach(async () => {
    clock = new FakeClock();
    store = await newStore({ now: clock.now });
    const t = traceId(1);
    // Arrive out of order (children first, as exporters send them).
    store.ingestTraces(
      request(res, [
        span({ traceId: t, spanId: spanId(3), parentSpanId: spanId(1), name: 'tool', startTimeUnixNano: ns(30), endTimeUnixNano: ns(40), status: { code: 2, message: 'boom' }, attributes: [str('gen_ai.tool.name', 'search'), { key: 'attempt', value: { intValue: '2' } }] }),
        span({ traceId: t, spanId: spanId(2), parentSpanId: spanId(1), name: 'chat', startTimeUnixNano: ns(10), endTimeUnixNano: ns(20), attributes: [{ key: 'temperature', value: { doubleValue: 0.5 } }, { key: 'stream', value: { boolValue: true } }] }),
        span({ traceId: t, spanId: spanId(4), parentSpanId: spanId(2), name: 'http', startTimeUnixNano: ns(11), endTimeUnixNano: ns(12) }),
      ]),
    );
    clock.advance(1000);
    store.ingestTraces(request(res, [span({ traceId: t, spanId: spanId(1), name: 'agent', startTimeUnixNano: ns(0), endTimeUnixNano: ns(50) })]));
    store.ingestTraces(request(res, [span({ traceId: traceId(2), spanId: spanId(9), name: 'agent', startTimeUnixNano: ns(100), endTimeUnixNano: ns(150) })]));
    store.ingestLogs(logsRequest(res, [logRecord({ traceId: t, spanId: spanId(2), timeUnixNano: ns(15) }), logRecord({ traceId: t, spanId: spanId(2), timeUnixNano: ns(13) })]));
  });
  afterEach(() => store.dispose());

  it('lists sessions with counts and times', () => {
    const [s] = store.listSessions();
    assert.equal(s!.id, 'S');
    assert.deepEqual([s!.spanCount, s!.errorCount, s!.traceCount, s!.logCount, s!.serviceName], [5, 1, 2, 2, 'agent']);
    assert.equal(s!.firstSpanMs, Date.UTC(2026, 0, 1));
    assert.equal(s!.lastSpanMs, Date.UTC(2026, 0, 1) + 150);
    assert.equal(s!.lastActivityMs, clock.ms);
  });

  it('lists sessions newest first', async () => {
    clock.advance(5000);
    store.ingestTraces(request([str('session.id', 'newer')], [span({ traceId: traceId(7), spanId: spanId(7) })]));
    assert.deepEqual(store.listSessions().map((s) => s.id), ['newer', 'S']);
  });

  it('returns a trace in start order, and a session page by page', () => {
    assert.deepEqual(store.spansOfTrace(traceId(1)).map((s) => s.name), ['agent', 'chat', 'http', 'tool']);
    assert.deepEqual(store.traceIds('S'), [traceId(1), traceId(2)]);
    assert.deepEqual(store.spansOfSession('S', { offset: 1, limit: 3 }).map((s) => s.spanId), [spanId(2), spanId(4), spanId(3)]);
    assert.equal(store.spansOfSession('S').length, 5);
    assert.equal(store.spanCount('S'), 5);
  });

  it('reads a whole session in the order its pages have (start, then arrival), ties and late spans included', () => {
    // Equal starts across requests, and a span that starts first arriving last.
    for (let r = 0; r < 4; r++) {
      store.ingestTraces(request([str('session.id', 'S')], [0, 1, 2].map((k) => span({ traceId: traceId(3 + (k % 2)), spanId: spanId(100 + r * 3 + k), startTimeUnixNano: ns(r === 3 ? 1 : 40 + k), endTimeUnixNano: ns(200) }))));
    }
    const whole = store.spansOfSession('S').map((s) => s.spanId);
    const paged = [0, 4, 8, 12, 16].flatMap((offset) => store.spansOfSession('S', { offset, limit: 4 }).map((s) => s.spanId));
    assert.equal(whole.length, 17);
    assert.deepEqual(whole, paged);
    assert.deepEqual(new Set(whole).size, 17);
  });

  it('makes the index of spans by name with the first query by name, and uses it', () => {
    const { db, schema } = (store as unknown as { ctx: StoreContext }).ctx;
    const indexes = () => db.exec(`PRAGMA ${schema}.index_list(spans)`)[0]!.values.map((r) => r[1]).sort();
    const plan = () => db.exec("EXPLAIN QUERY PLAN SELECT data FROM spans WHERE name = 'agent' ORDER BY start_ms")[0]!.values.map((r) => r[3]).join(' ');
    assert.deepEqual(indexes(), ['spans_errors']);
    assert.equal(store.findSpans({ name: 'agent' }).length, 2);
    assert.deepEqual(indexes(), ['spans_by_name', 'spans_errors']);
    assert.match(plan(), /USING (COVERING )?INDEX spans_by_name/);
    store.ingestTraces(bulkRequest(3, 100, []));
    assert.equal(store.findSpans({ name: 'invoke_agent' }).length, 1, 'spans stored after it are in it');
  });

  it('finds children, and spans by name, status and attribute', () => {
    assert.deepEqual(store.childrenOf(traceId(1), spanId(1)).map((s) => s.name), ['chat', 'tool']);
    assert.deepEqual(store.childrenOf(traceId(1), '').map((s) => s.name), ['agent']);
    assert.equal(store.findSpans({ name: 'agent' }).length, 2);
    assert.deepEqual(store.findSpans({ statusCode: 2 }).map((s) => s.status.message), ['boom']);
    assert.deepEqual(store.findSpans({ attribute: { key: 'gen_ai.tool.name' } }).map((s) => s.name), ['tool']);
    assert.equal(store.findSpans({ attribute: { key: 'gen_ai.tool.name', value: 'search' } }).length, 1);
    assert.equal(store.findSpans({ attribute: { key: 'gen_ai.tool.name', value: 'other' } }).length, 0);
    assert.equal(store.findSpans({ attribute: { key: 'attempt', value: 2 } }).length, 1);
    assert.equal(store.findSpans({ attribute: { key: 'temperature', value: 0.5 } }).length, 1);
    assert.equal(store.findSpans({ attribute: { key: 'stream', value: true } }).length, 1);
    assert.equal(store.findSpans({ attribute: { key: 'stream', value: false } }).length, 0);
    assert.equal(store.findSpans({ sessionId: 'S', name: 'agent', limit: 1 }).length, 1);
    assert.equal(store.findSpans({ sessionId: 'nope' }).length, 0);
  });

  it('joins log records to spans, in time order', () => {
    const logs = store.logsOfSpan(traceId(1), spanId(2));
    assert.deepEqual(logs.map((l) => l.timeUnixNano), [ns(13), ns(15)]);
    assert.equal(logs[0]!.resource.attributes[0]!.key, 'service.name');
    assert.equal(store.logsOfSession('S', { limit: 1 }).length, 1);
  });

  it('summarises traces and reports stats', () => {
    const [first] = store.tracesOfSession('S');
    assert.deepEqual({ ...first }, { traceId: traceId(1), sessionId: 'S', spanCount: 4, errorCount: 1, startMs: Date.UTC(2026, 0, 1), endMs: Date.UTC(2026, 0, 1) + 50, rootName: 'agent' });
    const stats = store.stats();
    assert.deepEqual([stats.spans, stats.sessions, stats.traces, stats.logs], [5, 1, 2, 2]);
    assert.ok(stats.bytes > 0 && stats.bytes <= stats.allocatedBytes);
  });

  it('gives events and links of one span', () => {
    store.ingestTraces(
      request(res, [
        span({
          traceId: traceId(3), spanId: spanId(1),
          events: [{ timeUnixNano: ns(1), name: 'e', attributes: [], droppedAttributesCount: 0 }],
          links: [{ traceId: traceId(1), spanId: spanId(1), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }],
        }),
      ]),
    );
    assert.deepEqual(store.eventsOf(traceId(3), spanId(1)).map((e) => e.name), ['e']);
    assert.deepEqual(store.linksOf(traceId(3), spanId(1)).map((l) => l.spanId), [spanId(1)]);
    assert.deepEqual(store.eventsOf(traceId(1), spanId(1)), []);
  });
});
