import * as assert from 'node:assert/strict';
import { OtlpDecodeError } from '../../../src/core/otlp/errors';
import { decodeLogsRequestJson, decodeTraceRequestJson } from '../../../src/core/otlp/jsonDecode';
import { makeLogsRequest, makeSpan, makeTraceRequest } from './helpers';

function spanOf(span: Record<string, unknown>): ReturnType<typeof makeSpan> {
  return decodeTraceRequestJson({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }).resourceSpans[0].scopeSpans[0].spans[0];
}

function valueOf(value: unknown): unknown {
  return spanOf({ attributes: [{ key: 'k', value }] }).attributes[0].value;
}

function throwsAt(input: unknown, message: string | RegExp, decode: (i: unknown) => unknown = decodeTraceRequestJson): void {
  assert.throws(() => decode(input), (e: unknown) => {
    assert.ok(e instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe('OTLP/JSON decoding', () => {
  it('round-trips our own model (which is OTLP/JSON) from a string, bytes and an object', () => {
    const req = makeTraceRequest();
    const text = JSON.stringify(req);
    assert.deepEqual(decodeTraceRequestJson(text), req);
    assert.deepEqual(decodeTraceRequestJson(Buffer.from('\ufeff' + text)), req);
    assert.deepEqual(decodeTraceRequestJson(JSON.parse(text)), req);
    const logs = makeLogsRequest();
    assert.deepEqual(decodeLogsRequestJson(JSON.stringify(logs)), logs);
  });

  it('accepts snake_case keys like the Collector does', () => {
    const req = decodeTraceRequestJson({
      resource_spans: [{
        resource: { attributes: [{ key: 'a', value: { string_value: 's' } }], dropped_attributes_count: 1 },
        schema_url: 'r',
        scope_spans: [{
          scope: { name: 'n', dropped_attributes_count: 2 },
          schema_url: 's',
          spans: [{
            trace_id: '5B8EFFF798038103D269B633813FC60C', span_id: 'EEE19B7EC3C1B174', parent_span_id: 'eee19b7ec3c1b175',
            trace_state: 'x', start_time_unix_nano: '1700000000123456789', end_time_unix_nano: 1700000000, kind: 2,
            dropped_attributes_count: '3', dropped_events_count: 4, dropped_links_count: 5,
            attributes: [{ key: 'i', value: { int_value: 5 } }, { key: 'd', value: { double_value: 1.5 } }, { key: 'b', value: { bool_value: true } },
              { key: 'arr', value: { array_value: { values: [{ bytes_value: 'AAE=' }] } } }, { key: 'kv', value: { kvlist_value: { values: [] } } }],
            events: [{ time_unix_nano: 7, name: 'e', dropped_attributes_count: 1 }],
            links: [{ trace_id: 'f'.repeat(32), span_id: '1'.repeat(16), trace_state: 't', flags: 1 }],
            status: { code: 2, message: 'm' },
          }],
        }],
      }],
    });
    const rs = req.resourceSpans[0];
    assert.deepEqual(rs.resource, { attributes: [{ key: 'a', value: { stringValue: 's' } }], droppedAttributesCount: 1 });
    assert.equal(rs.schemaUrl, 'r');
    assert.equal(rs.scopeSpans[0].schemaUrl, 's');
    assert.equal(rs.scopeSpans[0].scope.droppedAttributesCount, 2);
    const span = rs.scopeSpans[0].spans[0];
    assert.equal(span.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(span.spanId, 'eee19b7ec3c1b174');
    assert.equal(span.parentSpanId, 'eee19b7ec3c1b175');
    assert.equal(span.startTimeUnixNano, '1700000000123456789');
    assert.equal(span.endTimeUnixNano, '1700000000');
    assert.deepEqual([span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount], [3, 4, 5]);
    assert.deepEqual(span.attributes.map((a) => a.value), [
      { intValue: '5' }, { doubleValue: 1.5 }, { boolValue: true }, { arrayValue: { values: [{ bytesValue: 'AAE=' }] } }, { kvlistValue: { values: [] } },
    ]);
    assert.deepEqual(span.events[0], { timeUnixNano: '7', name: 'e', attributes: [], droppedAttributesCount: 1 });
    assert.deepEqual(span.links[0], { traceId: 'f'.repeat(32), spanId: '1'.repeat(16), traceState: 't', attributes: [], droppedAttributesCount: 0, flags: 1 });
    assert.deepEqual(span.status, { code: 2, message: 'm' });
  });

  it('takes 64-bit integers as strings or numbers and normalises them', () => {
    assert.equal(spanOf({ startTimeUnixNano: 1700000000000000000 }).startTimeUnixNano, '1700000000000000000');
    assert.equal(spanOf({ startTimeUnixNano: '0001' }).startTimeUnixNano, '1');
    assert.equal(spanOf({ startTimeUnixNano: '18446744073709551615' }).startTimeUnixNano, '18446744073709551615');
    assert.equal(spanOf({ startTimeUnixNano: '1e9' }).startTimeUnixNano, '1000000000');
    assert.deepEqual(valueOf({ intValue: '-9223372036854775808' }), { intValue: '-9223372036854775808' });
    assert.deepEqual(valueOf({ intValue: -3 }), { intValue: '-3' });
    assert.deepEqual(valueOf({ intValue: '42' }), { intValue: '42' });
  });

  it('keeps int and double apart, and reads the proto3 JSON spellings of doubles and bools', () => {
    assert.deepEqual(valueOf({ doubleValue: 3 }), { doubleValue: 3 });
    assert.deepEqual(valueOf({ doubleValue: '2.5' }), { doubleValue: 2.5 });
    assert.deepEqual(valueOf({ doubleValue: 'NaN' }), { doubleValue: NaN });
    assert.deepEqual(valueOf({ doubleValue: '-Infinity' }), { doubleValue: -Infinity });
    assert.deepEqual(valueOf({ boolValue: 'false' }), { boolValue: false });
    assert.deepEqual(valueOf({ stringValue: '' }), { stringValue: '' });
    assert.deepEqual(valueOf({}), {});
    assert.deepEqual(valueOf(null), {});
    assert.deepEqual(valueOf({ futureValue: 1, stringValue: 's' }), { stringValue: 's' });
    assert.deepEqual(valueOf({ bytesValue: 'AP8H' }), { bytesValue: 'AP8H' });
    assert.deepEqual(valueOf({ bytesValue: 'AP8H_w' }), { bytesValue: 'AP8H/w==' }); // URL-safe, unpadded
  });

  it('reads enum integers, numeric strings and (leniently) enum names', () => {
    assert.equal(spanOf({ kind: 'SPAN_KIND_SERVER' }).kind, 2);
    assert.equal(spanOf({ kind: 'consumer' }).kind, 5);
    assert.equal(spanOf({ kind: '3' }).kind, 3);
    assert.equal(spanOf({ status: { code: 'STATUS_CODE_ERROR' } }).status.code, 2);
    const log = decodeLogsRequestJson({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 'SEVERITY_NUMBER_WARN3' }] }] }] });
    assert.equal(log.resourceLogs[0].scopeLogs[0].logRecords[0].severityNumber, 15);
  });

  it('reads ids as case-insensitive hex, tolerates base64 ids, and leaves junk for validation', () => {
    const b64Trace = Buffer.from('5b8efff798038103d269b633813fc60c', 'hex').toString('base64');
    const b64Span = Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64');
    const span = spanOf({ traceId: b64Trace, spanId: b64Span });
    assert.equal(span.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(span.spanId, 'eee19b7ec3c1b174');
    assert.equal(spanOf({ traceId: 'not-an-id' }).traceId, 'not-an-id');
    assert.equal(spanOf({ traceId: null }).traceId, '');
  });

  it('ignores unknown fields at every level', () => {
    const req = decodeTraceRequestJson({ extra: 1, resourceSpans: [{ extra: [], resource: { extra: {} }, scopeSpans: [{ extra: 'x', scope: { extra: 1 }, spans: [{ extra: true, name: 'n', events: [{ extra: 1 }], status: { extra: 1 } }] }] }] });
    assert.equal(req.resourceSpans[0].scopeSpans[0].spans[0].name, 'n');
  });

  describe('structural garbage throws OtlpDecodeError with a JSON path', () => {
    it('names the exact field', () => {
      const spans = [{}, {}, {}, {}, { startTimeUnixNano: 'soon' }];
      throwsAt({ resourceSpans: [{ scopeSpans: [{}, { spans }] }] },
        'resourceSpans[0].scopeSpans[1].spans[4].startTimeUnixNano: expected an integer, got the string "soon"');
    });

    it('wrong container types', () => {
      throwsAt({ resourceSpans: 5 }, 'resourceSpans: expected an array, got number 5');
      throwsAt({ resourceSpans: [{ scopeSpans: [{ spans: [7] }] }] }, 'resourceSpans[0].scopeSpans[0].spans[0]: expected an object, got number 7');
      throwsAt([], /^expected an ExportTraceServiceRequest object, got an array$/);
      throwsAt('{"resourceSpans": [', /^invalid JSON: /);
      throwsAt({ resourceSpans: [{ resource: 'r' }] }, 'resourceSpans[0].resource: expected a Resource object, got the string "r"');
    });

    it('wrong scalar types deep inside attributes', () => {
      throwsAt({ resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 'a', value: { arrayValue: { values: [{ intValue: 'x' }] } } }] }] }] }] },
        'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue.values[0].intValue: expected a 64-bit integer, got the string "x"');
      throwsAt({ resourceSpans: [{ scopeSpans: [{ scope: { attributes: [{ key: 1 }] } }] }] },
        'resourceSpans[0].scopeSpans[0].scope.attributes[0].key: expected a string, got number 1');
      throwsAt({ resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SIDEWAYS' }] }] }] }, /spans\[0\]\.kind: expected an enum integer or a SPAN_KIND_\* name/);
      throwsAt({ resourceSpans: [{ scopeSpans: [{ spans: [{ droppedAttributesCount: -1 }] }] }] }, /droppedAttributesCount: expected an unsigned 32-bit integer/);
      throwsAt({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 12 }] }] }] }, /spans\[0\]\.traceId: expected a hex string, got number 12/);
      throwsAt({ resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: -5 }] }] }] }, /startTimeUnixNano: expected an integer/);
      throwsAt({ resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: '18446744073709551616' }] }] }] }, /startTimeUnixNano: expected an integer/);
      throwsAt({ resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 'b', value: { bytesValue: '***' } }] }] }] }] }, /value\.bytesValue: expected base64/);
    });

    it('log record paths, and hostile nesting', () => {
      throwsAt({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { intValue: 1.5 } }] }] }] },
        'resourceLogs[0].scopeLogs[0].logRecords[0].body.intValue: expected a 64-bit integer, got number 1.5', decodeLogsRequestJson);
      let deep: unknown = { stringValue: 'leaf' };
      for (let i = 0; i < 100; i++) deep = { arrayValue: { values: [deep] } };
      throwsAt({ resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 'd', value: deep }] }] }] }] }, /nested deeper than 64 levels$/);
    });
  });
});
