// The decode worker's fast path (protobuf bytes straight to a prepared request) must give exactly what the
// general path gives (decode, validate, prepareTraces) whenever it answers, and leave to the general path
// everything it does not take: malformed, rejected or unusually laid out input.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writer } from 'protobufjs/minimal';
import { decodeTraceRequestJson } from '../../../src/core/otlp/jsonDecode';
import type { AnyValue, KeyValue, TraceRequest } from '../../../src/core/otlp/model';
import { decodeTraceRequest } from '../../../src/core/otlp/protoDecode';
import { encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import { validateTraceRequest } from '../../../src/core/otlp/validate';
import { preparedTexts, prepareTraces, type PreparedTraces } from '../../../src/core/store/preparedTraces';
import { parseSpanData } from '../../../src/core/store/spanData';
import { prepareTraceBytes } from '../../../src/core/store/protoPrepared';
import { makePayloads } from '../../bench/payloads';
import { FuzzGenerator } from '../otlp/fuzzCases';
import { prng } from '../otlp/helpers';
import { bulkRequest, ns, span, spanId, str, traceId } from './fixtures';

const fixturesDir = join(__dirname, '../../../../test/fixtures');

/** What the general path prepares from the bytes, or undefined when it rejects any of them. */
function general(bytes: Uint8Array): PreparedTraces | undefined {
  let req: TraceRequest;
  try {
    req = decodeTraceRequest(bytes);
  } catch {
    return undefined;
  }
  const checked = validateTraceRequest(req, { idsAreHex: true });
  return checked.rejected ? undefined : prepareTraces(checked.request);
}

/**
 * A prepared request readable, for comparing and for messages: each span's text columns as strings and
 * its data decoded (the fast path keeps the bytes exporters sent, which may spell out defaults that
 * encoding leaves out: the same span in other bytes).
 */
function plain(p: PreparedTraces): object {
  const text = Buffer.from(p.text);
  const spans = Array.from({ length: p.count }, (_, i) => {
    const ends = [...p.textEnd.subarray(preparedTexts * i, preparedTexts * (i + 1))];
    const starts = [i === 0 ? 0 : p.textEnd[preparedTexts * i - 1]!, ...ends.slice(0, -1)];
    const columns = ends.slice(0, -1).map((end, k) => text.toString('utf8', starts[k], end));
    return { columns, data: parseSpanData(text.subarray(starts[preparedTexts - 1], ends[preparedTexts - 1])) };
  });
  // plainSpans: the fast path's hint for planning (textPlan.test.ts checks it).
  return { ...p, text: spans, textEnd: undefined, plainSpans: undefined, traceIndex: [...p.traceIndex], times: [...p.times], statusCodes: [...p.statusCodes] };
}

function assertSame(bytes: Uint8Array, what: string): void {
  const fast = prepareTraceBytes(bytes);
  assert.ok(fast, `${what}: the fast path gave up`);
  const slow = general(bytes);
  assert.ok(slow, `${what}: the general path rejected it`);
  assert.deepEqual(plain(fast), plain(slow), what);
}

const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });

/** A request of one span whose bytes are `inner` (written by hand). */
const wrap = (inner: Uint8Array) => Writer.create().uint32(10).fork().uint32(18).fork().uint32(18).bytes(inner).ldelim().ldelim().finish();
/** A span's trace and span ids, to write the rest of it by hand after. */
const ids = () => Writer.create().uint32(10).bytes(Buffer.alloc(16, 1)).uint32(18).bytes(Buffer.alloc(8, 2));

/** Every kind of value, text needing escapes, non-ASCII, every optional span field. */
function everything(): TraceRequest {
  const values: KeyValue[] = [
    kv('s', { stringValue: 'plain' }),
    kv('escapes', { stringValue: 'quote " backslash \\ nl \n tab \t cr \r bs \b ff \f nul \u0000 us \u001f del \u007f' }),
    kv('unicode', { stringValue: 'ünïcödé ✓ 😀 \u2028 中文' }),
    kv('json', { stringValue: '{"city":"Paris","day":3}' }),
    kv('empty', { stringValue: '' }),
    kv('t', { boolValue: true }),
    kv('f', { boolValue: false }),
    kv('i', { intValue: '42' }),
    kv('neg', { intValue: '-9223372036854775808' }),
    kv('big', { intValue: '9223372036854775807' }),
    kv('d', { doubleValue: 0.2 }),
    kv('tiny', { doubleValue: 5e-324 }),
    kv('nan', { doubleValue: NaN }),
    kv('inf', { doubleValue: -Infinity }),
    kv('bytes', { bytesValue: Buffer.from([0, 1, 2, 250, 255]).toString('base64') }),
    kv('arr', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { arrayValue: { values: [] } }, {}] } }),
    kv('kvl', { kvlistValue: { values: [kv('inner', { kvlistValue: { values: [kv('deep', { boolValue: true })] } }), kv('', {})] } }),
    kv('none', {}),
    kv('', { stringValue: 'empty key' }),
  ];
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'agent'), str('service.instance.id', 'i-1')], droppedAttributesCount: 2 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
        scopeSpans: [
          {
            scope: { name: 'scope "a"', version: '1', attributes: [str('s', 'x')], droppedAttributesCount: 0 },
            schemaUrl: 'https://scope',
            spans: [
              span({
                traceId: traceId(1), spanId: spanId(2), parentSpanId: spanId(1), name: 'chat "quoted" ünï ✓', traceState: 'k=v,"x"', flags: 0x301,
                kind: 3, attributes: values, droppedAttributesCount: 7, droppedEventsCount: 1, droppedLinksCount: 2,
                events: [
                  { timeUnixNano: ns(1), name: 'gen_ai.choice', attributes: values.slice(0, 4), droppedAttributesCount: 3 },
                  { timeUnixNano: '0', name: '', attributes: [], droppedAttributesCount: 0 },
                ],
                links: [
                  { traceId: traceId(9), spanId: spanId(9), traceState: 'a=b', attributes: [str('l', 'v')], droppedAttributesCount: 1, flags: 1 },
                  { traceId: traceId(8), spanId: spanId(8), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 },
                ],
                status: { code: 2, message: 'boom "bad"\n' },
              }),
              span({ traceId: traceId(2), spanId: spanId(9), name: '', kind: 0, flags: 0, startTimeUnixNano: '0', endTimeUnixNano: '0' }),
              span({ traceId: traceId(1), spanId: spanId(1), name: 'invoke_agent', attributes: [str('session.id', 'conv-7'), str('x', 'y'), str('gen_ai.conversation.id', 'c')] }),
            ],
          },
          { scope: { name: 'empty', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [] },
        ],
      },
      { resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [] },
      {
        resource: { attributes: [str('agent_debugger.session.id', 'run-1')], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope: { name: 'c', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [span({ traceId: traceId(1), spanId: spanId(5), parentSpanId: spanId(2), name: 'child' })] }],
      },
    ],
  };
}

describe('store: protobuf straight to a prepared request (decode worker fast path)', () => {
  it('prepares every field and value kind exactly as decode + validate + prepareTraces', () => {
    assertSame(encodeTraceRequest(everything()), 'everything');
    assertSame(encodeTraceRequest({ resourceSpans: [] }), 'an empty request');
  });

  it('prepares the recorded agent fixtures, bulk requests and the benchmark payloads the same way', () => {
    for (const f of ['genai-semconv', 'langchain-openinference', 'traceloop-openai', 'vercel-ai-agent']) {
      const req = decodeTraceRequestJson(JSON.parse(readFileSync(join(fixturesDir, `${f}.otlp.json`), 'utf8')));
      assertSame(encodeTraceRequest(req), f);
    }
    assertSame(encodeTraceRequest(bulkRequest(500, 0, [str('service.name', 'bulk')])), 'bulk');
    makePayloads(3, 200).forEach((p, i) => assertSame(p, `benchmark payload ${i} (official OTel JS serializer)`));
  });

  it('reads an all-zero or empty parent as a root, as validation does', () => {
    const zeroParent = encodeTraceRequest({ resourceSpans: [{ ...everything().resourceSpans[2]!, scopeSpans: [{ scope: { name: 'z', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [span({ traceId: traceId(3), spanId: spanId(3), parentSpanId: '0000000000000000' })] }] }] });
    assertSame(zeroParent, 'zero parent');
    const p = prepareTraceBytes(zeroParent)!;
    assert.equal(p.textEnd[2], p.textEnd[1]); // empty parent column
  });

  it('re-encodes invalid UTF-8 with U+FFFD, like decoding does', () => {
    const req = everything();
    req.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name = 'name-@@';
    req.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.push(str('bad', 'value-@@'));
    const bytes = Buffer.from(encodeTraceRequest(req));
    // Same length: lengths stay right, the bytes become invalid UTF-8.
    for (let at = bytes.indexOf('-@@'); at >= 0; at = bytes.indexOf('-@@', at + 1)) bytes.set([0x2d, 0xff, 0xc3], at);
    assertSame(bytes, 'invalid UTF-8');
    assert.match(Buffer.from(prepareTraceBytes(bytes)!.text).toString('utf8'), /name-\ufffd\ufffd/);
  });

  it('leaves rejected, out-of-order and unknown layouts to the general path', () => {
    const one = (overrides: Parameters<typeof span>[0]) => encodeTraceRequest({ resourceSpans: [{ ...everything().resourceSpans[2]!, scopeSpans: [{ scope: { name: 'z', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [span(overrides)] }] }] });
    assert.equal(prepareTraceBytes(one({ traceId: '0'.repeat(32), spanId: spanId(1) })), undefined, 'zero trace id');
    assert.equal(prepareTraceBytes(one({ traceId: 'abcd', spanId: spanId(1) })), undefined, 'short trace id');
    assert.equal(prepareTraceBytes(one({ traceId: traceId(1), spanId: '' })), undefined, 'missing span id');
    assert.equal(prepareTraceBytes(one({ traceId: traceId(1), spanId: spanId(1), parentSpanId: 'abcd' })), undefined, 'short parent');
    const badLink = { traceId: '0'.repeat(32), spanId: spanId(1), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
    assert.equal(prepareTraceBytes(one({ traceId: traceId(1), spanId: spanId(1), links: [badLink] })), undefined, 'link to a zero trace');

    // A span written by hand: name (5) after kind (6), which encoders never do but the wire allows.
    const spanBytes = (w: Writer) => w.uint32(10).bytes(Buffer.alloc(16, 1)).uint32(18).bytes(Buffer.alloc(8, 2)).uint32(48).int32(1).uint32(42).string('late name');
    const outOfOrder = wrap(spanBytes(Writer.create()).finish());
    assert.equal(prepareTraceBytes(outOfOrder), undefined, 'out of order');
    assert.equal(general(outOfOrder)?.count, 1); // the general path takes it
  });

  it('keeps odd but valid layouts inside a span as they came, which read back as decoding reads them', () => {
    // An AnyValue with two kinds set (the last wins), a KeyValue with its value before its key, fields out of order.
    const twoKinds = Writer.create().uint32(10).string('k').uint32(18).fork().uint32(10).string('a').uint32(24).int64(5).ldelim().finish();
    const valueFirst = Writer.create().uint32(18).fork().uint32(10).string('v').ldelim().uint32(10).string('session.id').finish();
    // Two statuses: the second (a message) merges into the first (a code).
    const statuses = (w: Writer) => w.uint32(122).fork().uint32(24).int32(2).ldelim().uint32(122).fork().uint32(18).string('boom').ldelim();
    const odd = wrap(statuses(ids().uint32(74).bytes(twoKinds).uint32(74).bytes(valueFirst).uint32(65).fixed64(9).uint32(57).fixed64(3).uint32(48).int32(2)).finish());
    assertSame(odd, 'odd layout');
    assert.deepEqual(prepareTraceBytes(odd)!.routedAttributes, [[{ key: 'session.id', value: { stringValue: 'v' } }]]);
    assert.deepEqual([...prepareTraceBytes(odd)!.statusCodes], [2]);
  });

  it('writes well-known keys as their number, and leaves a request carrying that field to the general path, which drops it', () => {
    const request = (keys: string[]) => ({ resourceSpans: [{ resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [span({ traceId: traceId(1), spanId: spanId(1), name: 'chat', attributes: keys.map((k) => str(k, 'v')) })] }] }] });
    const dataBytes = (p: PreparedTraces) => p.textEnd[preparedTexts - 1]! - p.textEnd[preparedTexts - 2]!;
    const known = ['gen_ai.request.model', 'gen_ai.operation.name', 'gen_ai.provider.name'];
    const own = known.map((k) => `x${k.slice(1)}`);
    const [fastKnown, fastOwn] = [known, own].map((keys) => prepareTraceBytes(encodeTraceRequest(request(keys)))!);
    // Same lengths of key: each well-known one costs its number (3 bytes) instead of its text.
    assert.equal(dataBytes(fastOwn!) - dataBytes(fastKnown!), known.reduce((n, k) => n + k.length + 2 - 3, 0));
    assertSame(encodeTraceRequest(request(known)), 'well-known keys');
    assert.deepEqual(plain(fastKnown!), plain(general(encodeTraceRequest(request(known)))!));
    // A KeyValue with field 102 (the store's) and no key: only the general path may take it, and stores the key empty.
    const kv102 = new Writer().uint32((102 << 3) | 0).uint32(4).uint32(18).fork().uint32(10).string('v').ldelim().finish();
    const hostile = wrap(ids().uint32(74).bytes(kv102).finish());
    assert.equal(prepareTraceBytes(hostile), undefined);
    const slow = general(hostile)!;
    assert.deepEqual((plain(slow) as { text: { data: { attributes: KeyValue[] } }[] }).text[0]!.data.attributes, [{ key: '', value: { stringValue: 'v' } }]);
  });

  it('numbers each span\'s keys by their own bytes when the span before had other keys in those places, and a reused body buffer by its new bytes', () => {
    const spanOf = (n: number, keys: string[]) => span({ traceId: traceId(1), spanId: spanId(n), name: 'chat', attributes: keys.map((k) => str(k, 'v')) });
    const request = (...spans: ReturnType<typeof spanOf>[]) => ({ resourceSpans: [{ resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans }] }] });
    const keysOf = (p: PreparedTraces) => (plain(p) as { text: { data: { attributes: KeyValue[] } }[] }).text.map((t) => t.data.attributes.map((a) => a.key));
    // The second span's keys: one byte off a well-known one (same length), another well-known one, one
    // more than the first span had, and the first span's third in first place.
    const first = ['gen_ai.request.model', 'gen_ai.operation.name', 'gen_ai.provider.name'];
    const second = ['gen_ai.request.modex', 'gen_ai.usage.input_tokens', 'gen_ai.provider.name', 'gen_ai.request.model'];
    const third = ['gen_ai.provider.name', 'gen_ai.operation.name'];
    const body = encodeTraceRequest(request(spanOf(1, first), spanOf(2, second), spanOf(3, third), spanOf(4, first)));
    assertSame(body, 'keys that change between spans');
    assert.deepEqual(keysOf(prepareTraceBytes(body)!), [first, second, third, first]);
    // The worker copies each body into a buffer an earlier body had: the keys are read from the new bytes.
    const one = Buffer.from(encodeTraceRequest(request(spanOf(1, first))));
    const other = Buffer.from(encodeTraceRequest(request(spanOf(1, first.map((k) => `x${k.slice(1)}`)))));
    assert.equal(one.length, other.length);
    const reused = Buffer.from(one);
    assert.deepEqual(keysOf(prepareTraceBytes(reused)!), [first]);
    other.copy(reused);
    assert.deepEqual(keysOf(prepareTraceBytes(reused)!), [first.map((k) => `x${k.slice(1)}`)]);
    assertSame(reused, 'a reused buffer');
  });

  it('on 20,000 mutated payloads: answers exactly like the general path, or leaves them to it; never throws', () => {
    const gen = new FuzzGenerator(prng(20261121));
    const seeds = [encodeTraceRequest(everything()), ...makePayloads(1, 20)].map((b) => Buffer.from(b));
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      const { body } = gen.mutateBytes(seeds[i % seeds.length]!);
      const p = prepareTraceBytes(body);
      if (!p) continue;
      fast++;
      const slow = general(body);
      assert.ok(slow, `case ${i}: the fast path took what the general path rejects`);
      assert.deepEqual(plain(p), plain(slow), `case ${i}`);
    }
    assert.ok(fast > 1000, `only ${fast} mutated payloads took the fast path`);
  });
});
