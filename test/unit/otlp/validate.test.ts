import * as assert from 'node:assert/strict';
import { rejectionMessage, validateLogsRequest, validateTraceRequest } from '../../../src/core/otlp/validate';
import { SPAN_ID, TRACE_ID, makeLogRecord, makeLogsRequest, makeSpan, makeTraceRequest } from './helpers';

describe('OTLP validation', () => {
  it('keeps good spans untouched', () => {
    const req = makeTraceRequest([makeSpan(), makeSpan({ spanId: '0000000000000001' })]);
    const before = JSON.stringify(req);
    const result = validateTraceRequest(req);
    assert.deepEqual([result.accepted, result.rejected, result.reasons], [2, 0, []]);
    assert.equal(JSON.stringify(result.request), before);
  });

  it('rejects spans with missing, short, non-hex or all-zero ids and says why', () => {
    const spans = [
      makeSpan({ name: 'ok' }),
      makeSpan({ name: 'no trace', traceId: '' }),
      makeSpan({ name: 'short span', spanId: 'abcd' }),
      makeSpan({ name: 'zero trace', traceId: '0'.repeat(32) }),
      makeSpan({ name: 'zero span', spanId: '0'.repeat(16) }),
      makeSpan({ name: 'junk', traceId: 'z'.repeat(32) }),
      makeSpan({ name: 'bad parent', parentSpanId: 'xyz' }),
    ];
    const result = validateTraceRequest(makeTraceRequest(spans));
    assert.equal(result.accepted, 1);
    assert.equal(result.rejected, 6);
    assert.deepEqual(result.request.resourceSpans[0].scopeSpans[0].spans.map((s) => s.name), ['ok']);
    assert.deepEqual(result.reasons, [
      'span "no trace" (#1 of scope #0 of resource #0): traceId is missing',
      'span "short span" (#2 of scope #0 of resource #0): spanId "abcd" is not 8 bytes of hex',
      'span "zero trace" (#3 of scope #0 of resource #0): traceId is all zeros',
      'span "zero span" (#4 of scope #0 of resource #0): spanId is all zeros',
      `span "junk" (#5 of scope #0 of resource #0): traceId "${'z'.repeat(32)}" is not 16 bytes of hex`,
    ]);
    assert.match(rejectionMessage(result, 'span'), /^6 spans rejected \(first 5 shown\): span "no trace"/);
  });

  it('treats an all-zero parent as a root, and drops unusable links into droppedLinksCount', () => {
    const span = makeSpan({ parentSpanId: '0'.repeat(16), droppedLinksCount: 1 });
    span.links.push({ ...span.links[0], spanId: '' });
    const result = validateTraceRequest(makeTraceRequest([span]));
    const kept = result.request.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(kept.parentSpanId, '');
    assert.equal(kept.links.length, 1);
    assert.equal(kept.droppedLinksCount, 2);
  });

  it('with idsAreHex only checks size and zero', () => {
    const result = validateTraceRequest(makeTraceRequest([makeSpan({ traceId: 'a'.repeat(31) }), makeSpan()]), { idsAreHex: true });
    assert.deepEqual([result.accepted, result.rejected], [1, 1]);
  });

  it('log records may have no ids, zero ids mean none, malformed ids are rejected', () => {
    const records = [
      makeLogRecord({ traceId: '', spanId: '' }),
      makeLogRecord({ traceId: '0'.repeat(32), spanId: '0'.repeat(16) }),
      makeLogRecord(),
      makeLogRecord({ traceId: TRACE_ID.slice(2) }),
      makeLogRecord({ spanId: SPAN_ID + '00' }),
    ];
    const result = validateLogsRequest(makeLogsRequest(records));
    assert.deepEqual([result.accepted, result.rejected], [3, 2]);
    const kept = result.request.resourceLogs[0].scopeLogs[0].logRecords;
    assert.deepEqual(kept.map((l) => [l.traceId, l.spanId]), [['', ''], ['', ''], [TRACE_ID, SPAN_ID]]);
    assert.match(result.reasons[0], /^log record #3 of scope #0 of resource #0: traceId "[0-9a-f]{30}" is not 16 bytes of hex$/);
    assert.equal(rejectionMessage(result, 'log record'), `2 log records rejected: ${result.reasons.join('; ')}`);
  });
});
