import * as assert from 'node:assert/strict';
import { Writer } from 'protobufjs/minimal';
import { OtlpDecodeError } from '../../../src/core/otlp/errors';
import type { AnyValue } from '../../../src/core/otlp/model';
import { decodeLogsRequest, decodeTraceRequest } from '../../../src/core/otlp/protoDecode';
import { encodeLogsRequest, encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import { makeLogsRequest, makeSpan, makeTraceRequest } from './helpers';

const LEN = 2;
const tag = (field: number, wire: number): number => (field << 3) | wire;

/** ExportTraceServiceRequest > ResourceSpans > ScopeSpans > the given spans (raw bytes). */
function wrapSpans(...spans: Uint8Array[]): Uint8Array {
  const w = Writer.create();
  w.uint32(tag(1, LEN)).fork().uint32(tag(2, LEN)).fork();
  for (const s of spans) w.uint32(tag(2, LEN)).bytes(s);
  return w.ldelim().ldelim().finish();
}

function spanBytes(build: (w: Writer) => void): Uint8Array {
  const w = Writer.create();
  w.uint32(tag(1, LEN)).bytes(Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'));
  w.uint32(tag(2, LEN)).bytes(Buffer.from('eee19b7ec3c1b174', 'hex'));
  build(w);
  return w.finish();
}

/** The value of a single attribute whose AnyValue body is written by `build`. */
function decodeValue(build: (w: Writer) => void): AnyValue {
  const span = spanBytes((w) => {
    w.uint32(tag(9, LEN)).fork().uint32(tag(1, LEN)).string('k').uint32(tag(2, LEN)).fork();
    build(w);
    w.ldelim().ldelim();
  });
  return decodeTraceRequest(wrapSpans(span)).resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value;
}

function throwsDecode(bytes: Uint8Array, pattern: RegExp, decode: (b: Uint8Array) => unknown = decodeTraceRequest): void {
  assert.throws(() => decode(bytes), (e: unknown) => {
    assert.ok(e instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('OTLP protobuf decoding', () => {
  it('round-trips a span with every field and value kind', () => {
    const req = makeTraceRequest([makeSpan(), makeSpan({ spanId: '00000000000000ff', parentSpanId: '', kind: 1, status: { code: 0, message: '' } })]);
    assert.deepEqual(decodeTraceRequest(encodeTraceRequest(req)), req);
  });

  it('decodes an empty body as an empty request', () => {
    assert.deepEqual(decodeTraceRequest(new Uint8Array(0)), { resourceSpans: [] });
    assert.deepEqual(decodeLogsRequest(new Uint8Array(0)), { resourceLogs: [] });
  });

  it('fills defaults for absent fields (proto3)', () => {
    const span = decodeTraceRequest(wrapSpans(new Uint8Array(0))).resourceSpans[0].scopeSpans[0].spans[0];
    assert.deepEqual(span, {
      traceId: '', spanId: '', parentSpanId: '', traceState: '', flags: 0, name: '', kind: 0, startTimeUnixNano: '0',
      endTimeUnixNano: '0', attributes: [], droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [],
      droppedLinksCount: 0, status: { code: 0, message: '' },
    });
  });

  describe('AnyValue kinds', () => {
    it('string (UTF-8), bool, double, bytes', () => {
      assert.deepEqual(decodeValue((w) => w.uint32(tag(1, LEN)).string('héllo ✓ 😀')), { stringValue: 'héllo ✓ 😀' });
      assert.deepEqual(decodeValue((w) => w.uint32(tag(2, 0)).bool(true)), { boolValue: true });
      assert.deepEqual(decodeValue((w) => w.uint32(tag(2, 0)).bool(false)), { boolValue: false });
      assert.deepEqual(decodeValue((w) => w.uint32(tag(4, 1)).double(-1.5e300)), { doubleValue: -1.5e300 });
      assert.deepEqual(decodeValue((w) => w.uint32(tag(4, 1)).double(3)), { doubleValue: 3 }); // still a double
      assert.deepEqual(decodeValue((w) => w.uint32(tag(7, LEN)).bytes(Buffer.from([0, 255, 7]))), { bytesValue: 'AP8H' });
    });

    it('int64 exactly, including negatives (10-byte varints) and the extremes', () => {
      for (const n of ['0', '1', '127', '128', '4294967295', '4294967296', '9007199254740993', '9223372036854775807',
        '-1', '-2', '-4294967296', '-9007199254740993', '-9223372036854775808']) {
        assert.deepEqual(decodeValue((w) => w.uint32(tag(3, 0)).int64(n)), { intValue: n }, n);
      }
    });

    it('arrays and kvlists, nested', () => {
      const value = decodeValue((w) => {
        w.uint32(tag(5, LEN)).fork();
        w.uint32(tag(1, LEN)).fork().uint32(tag(1, LEN)).string('a').ldelim();
        w.uint32(tag(1, LEN)).fork().uint32(tag(6, LEN)).fork()
          .uint32(tag(1, LEN)).fork().uint32(tag(1, LEN)).string('x').uint32(tag(2, LEN)).fork().uint32(tag(3, 0)).int64(5).ldelim().ldelim()
          .ldelim().ldelim();
        w.uint32(tag(1, LEN)).fork().ldelim(); // an empty AnyValue element
        w.ldelim();
      });
      assert.deepEqual(value, { arrayValue: { values: [{ stringValue: 'a' }, { kvlistValue: { values: [{ key: 'x', value: { intValue: '5' } }] } }, {}] } });
    });

    it('ignores string_value_strindex (profiles only) and unknown members', () => {
      assert.deepEqual(decodeValue((w) => w.uint32(tag(8, 0)).int32(3)), {});
      assert.deepEqual(decodeValue((w) => w.uint32(tag(99, LEN)).string('future').uint32(tag(1, LEN)).string('s')), { stringValue: 's' });
    });
  });

  it('reads fixed64 times exactly across the 2^32 / 2^53 / 2^64 boundaries', () => {
    for (const t of ['0', '1', '4294967295', '4294967296', '9007199254740993', '1700000000123456789', '18446744073709551615']) {
      const span = spanBytes((w) => w.uint32(tag(7, 1)).fixed64(t).uint32(tag(8, 1)).fixed64(t));
      const got = decodeTraceRequest(wrapSpans(span)).resourceSpans[0].scopeSpans[0].spans[0];
      assert.equal(got.startTimeUnixNano, BigInt.asUintN(64, BigInt(t)).toString());
      assert.equal(got.endTimeUnixNano, got.startTimeUnixNano);
    }
  });

  it('skips unknown fields of every wire type, including groups', () => {
    const span = spanBytes((w) => {
      w.uint32(tag(100, 0)).uint64(123456789012);
      w.uint32(tag(101, 1)).fixed64(1);
      w.uint32(tag(102, LEN)).string('x');
      w.uint32(tag(103, 5)).fixed32(1);
      w.uint32(tag(104, 3)).uint32(tag(1, 0)).uint32(1).uint32(tag(104, 4)); // group start, a field, group end
      w.uint32(tag(5, LEN)).string('after');
    });
    assert.equal(decodeTraceRequest(wrapSpans(span)).resourceSpans[0].scopeSpans[0].spans[0].name, 'after');
  });

  it('merges a repeated status message and keeps the last scalar', () => {
    const span = spanBytes((w) => {
      w.uint32(tag(15, LEN)).fork().uint32(tag(2, LEN)).string('first').ldelim();
      w.uint32(tag(15, LEN)).fork().uint32(tag(3, 0)).int32(2).ldelim();
      w.uint32(tag(5, LEN)).string('a').uint32(tag(5, LEN)).string('b');
    });
    const got = decodeTraceRequest(wrapSpans(span)).resourceSpans[0].scopeSpans[0].spans[0];
    assert.deepEqual(got.status, { code: 2, message: 'first' });
    assert.equal(got.name, 'b');
  });

  it('decodes logs, including observed time (11), body and event_name (12)', () => {
    const req = makeLogsRequest();
    assert.deepEqual(decodeLogsRequest(encodeLogsRequest(req)), req);
    const w = Writer.create();
    w.uint32(tag(1, LEN)).fork().uint32(tag(2, LEN)).fork().uint32(tag(2, LEN)).fork()
      .uint32(tag(11, 1)).fixed64('5').uint32(tag(12, LEN)).string('evt').uint32(tag(5, LEN)).fork().uint32(tag(1, LEN)).string('b').ldelim()
      .ldelim().ldelim().ldelim();
    const log = decodeLogsRequest(w.finish()).resourceLogs[0].scopeLogs[0].logRecords[0];
    assert.equal(log.observedTimeUnixNano, '5');
    assert.equal(log.eventName, 'evt');
    assert.deepEqual(log.body, { stringValue: 'b' });
  });

  describe('malformed input throws OtlpDecodeError saying where', () => {
    it('wrong wire type names the span, scope, field and the expected type', () => {
      const bad = spanBytes((w) => w.uint32(tag(7, LEN)).string('not a time'));
      throwsDecode(wrapSpans(spanBytes(() => undefined), bad), /^span #1 of scope #0 of resource #0: field 7 has wire type 2, expected 1 \(fixed64\)$/);
    });

    it('wrong wire types in attributes, events, links, status, resource and scope', () => {
      throwsDecode(decodeValueBytes((w) => w.uint32(tag(3, LEN)).string('x')), /attribute #0 "k" of span #0 .*field 3 has wire type 2, expected 0 \(varint\)/);
      throwsDecode(wrapSpans(spanBytes((w) => w.uint32(tag(11, LEN)).fork().uint32(tag(1, 0)).uint32(1).ldelim())), /event #0 of span #0.*field 1 has wire type 0, expected 1/);
      throwsDecode(wrapSpans(spanBytes((w) => w.uint32(tag(13, LEN)).fork().uint32(tag(6, 0)).uint32(1).ldelim())), /link #0 of span #0.*field 6 has wire type 0, expected 5 \(fixed32\)/);
      throwsDecode(wrapSpans(spanBytes((w) => w.uint32(tag(15, LEN)).fork().uint32(tag(3, LEN)).string('x').ldelim())), /status of span #0/);
      throwsDecode(wrapSpans(spanBytes((w) => w.uint32(tag(16, 1)).fixed64(1))), /field 16 has wire type 1, expected 5/);
      const resource = Writer.create().uint32(tag(1, LEN)).fork().uint32(tag(1, LEN)).fork().uint32(tag(2, LEN)).string('x').ldelim().ldelim().finish();
      throwsDecode(resource, /^resource of resource #0: field 2 has wire type 2, expected 0/);
      const scope = Writer.create().uint32(tag(1, LEN)).fork().uint32(tag(2, LEN)).fork().uint32(tag(1, LEN)).fork().uint32(tag(1, 0)).uint32(1).ldelim().ldelim().ldelim().finish();
      throwsDecode(scope, /^instrumentation scope of scope #0 of resource #0: field 1 has wire type 0/);
      throwsDecode(Writer.create().uint32(tag(1, 0)).uint32(1).finish(), /^field 1 has wire type 0, expected 2/);
    });

    it('a length that runs past the enclosing message', () => {
      const span = Buffer.from(spanBytes((w) => w.uint32(tag(5, LEN)).string('abc')));
      span[span.length - 4] = 50; // the name's length byte now claims 50 bytes
      throwsDecode(wrapSpans(span), /^span #0 of scope #0 of resource #0: string of length 50 at offset \d+ runs past the end of the message$/);
      throwsDecode(Uint8Array.from([0x0a, 0x05, 0x01]), /^resource #0: length 5 .*runs past the end/);
    });

    it('truncation at every byte of a real request', () => {
      const full = encodeTraceRequest(makeTraceRequest());
      for (let cut = 1; cut < full.length; cut++) {
        try {
          decodeTraceRequest(full.subarray(0, cut));
        } catch (e) {
          assert.ok(e instanceof OtlpDecodeError, `cut at ${cut}: ${String(e)}`);
          continue;
        }
        // Some cuts land on a field boundary of the outermost message and are valid (fewer resources).
      }
    });

    it('invalid wire types, field number 0, over-long varints, hostile nesting', () => {
      throwsDecode(Uint8Array.from([0x97, 0x03, 0x00]), /^field 50 has invalid wire type 7/);
      throwsDecode(Uint8Array.from([0x94, 0x03]), /^field 50 has invalid wire type 4/);
      throwsDecode(Uint8Array.from([0x0f, 0x00]), /^field 1 has wire type 7, expected 2 \(length-delimited\)/);
      throwsDecode(Uint8Array.from([0x02, 0x00]), /field number 0/);
      // An int64 attribute whose varint runs to 11 bytes.
      const v = spanBytes((w) => w.uint32(tag(9, LEN)).bytes(Uint8Array.from([0x12, 12, 0x18, ...new Array(10).fill(0xff), 0x01])));
      throwsDecode(wrapSpans(v), /attribute #0 of span #0 .*longer than 10 bytes/);
      let nested = Writer.create().uint32(tag(1, LEN)).string('leaf').finish();
      for (let i = 0; i < 80; i++) nested = Writer.create().uint32(tag(5, LEN)).fork().uint32(tag(1, LEN)).bytes(nested).ldelim().finish();
      const deep = spanBytes((w) => w.uint32(tag(9, LEN)).fork().uint32(tag(1, LEN)).string('k').uint32(tag(2, LEN)).bytes(nested).ldelim());
      throwsDecode(wrapSpans(deep), /nested deeper than 64 levels$/);
    });

    it('log records name their position', () => {
      const w = Writer.create();
      w.uint32(tag(1, LEN)).fork().uint32(tag(2, LEN)).fork().uint32(tag(2, LEN)).fork().ldelim().uint32(tag(2, LEN)).fork()
        .uint32(tag(9, 0)).uint32(1).ldelim().ldelim().ldelim();
      throwsDecode(w.finish(), /^log record #1 of scope #0 of resource #0: field 9 has wire type 0, expected 2/, decodeLogsRequest);
    });
  });
});

/** Like decodeValue, but returns the request bytes (for error cases). */
function decodeValueBytes(build: (w: Writer) => void): Uint8Array {
  const span = spanBytes((w) => {
    w.uint32(tag(9, LEN)).fork().uint32(tag(1, LEN)).string('k').uint32(tag(2, LEN)).fork();
    build(w);
    w.ldelim().ldelim();
  });
  return wrapSpans(span);
}
