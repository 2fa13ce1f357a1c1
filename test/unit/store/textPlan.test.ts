// The decode worker cuts and hashes spans' long strings ahead (store/textPlan.ts); the engine thread only
// looks the pieces up. Whatever the plan, the store must hold exactly what it holds without one: the same
// span rows byte for byte and the same texts, for shared, unique and forged content.
import * as assert from 'node:assert/strict';
import { Writer } from 'protobufjs/minimal';
import type { KeyValue, Span } from '../../../src/core/otlp/model';
import { encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import { transferablesOf, type PreparedTraces } from '../../../src/core/store/preparedTraces';
import { prepareTraceBytes } from '../../../src/core/store/protoPrepared';
import type { SpanStore } from '../../../src/core/store/spanStore';
import { planTexts, rewritePlan, splicePlan } from '../../../src/core/store/textPlan';
import { agentPayloads } from '../../bench/agentSpans';
import { FuzzGenerator } from '../otlp/fuzzCases';
import { prng } from '../otlp/helpers';
import { newStore, request, span, spanId, str, traceId } from './fixtures';

type Rows = { values: unknown[][] }[];
const dbOf = (store: SpanStore) => (store as unknown as { ctx: { db: { exec(sql: string): Rows } } }).ctx.db;
const rows = (store: SpanStore, sql: string) => dbOf(store).exec(sql)[0]?.values ?? [];

/** A body whose one attribute value carries the store's private field 100 and an unknown field: a rewrite with nothing shared. */
function forgedBody(): Buffer {
  const w = Writer.create();
  w.uint32((100 << 3) | 2).fork().uint32(1).uint32(2).ldelim();
  w.uint32((9 << 3) | 2).bytes(Buffer.from('AAAAAA'));
  const forged = Buffer.from(w.finish());
  const body = Buffer.from(encodeTraceRequest(request([str('session.id', 'evil')], [span({ traceId: traceId(9), spanId: spanId(9), attributes: [str('x', 'PLACEHOLDER'), str('long', 'y'.repeat(900))] })])));
  forged.copy(body, body.indexOf(Buffer.from('PLACEHOLDER')) - 2);
  return body;
}

/** Long strings in events (two in one event, in both orders) and beside short and non-string values. */
function eventsBody(n: number): Uint8Array {
  const prompt = 'Plan the trip. '.repeat(40);
  const history = (k: number) => JSON.stringify(Array.from({ length: k }, (_, i) => ({ role: 'user', content: `turn ${i} `.repeat(30) })));
  const spans = Array.from({ length: 6 }, (_, i) =>
    span({
      traceId: traceId(100 + n),
      spanId: spanId(1000 * n + i),
      attributes: [str('short', 'x'), { key: 'n', value: { intValue: String(i) } }, str('gen_ai.input.messages', history(i + 2)), str('empty', '')],
      events: [
        { timeUnixNano: '1', name: 'a', attributes: [str('gen_ai.prompt', prompt), str('k', 'v'), str('gen_ai.completion', history(i + 1))], droppedAttributesCount: 0 },
        { timeUnixNano: '2', name: 'b', attributes: [str('k', 'v')], droppedAttributesCount: 0 },
        { timeUnixNano: '3', name: 'c', attributes: [str('gen_ai.completion', history(i + 1)), str('gen_ai.prompt', prompt)], droppedAttributesCount: 0 },
      ],
    }),
  );
  return encodeTraceRequest(request([str('session.id', 'events')], spans));
}

/** A one-span body whose attribute "x" has `bytes` in place of its 15-byte value field (tag, length, AnyValue). */
function patchedValue(bytes: number[]): Buffer {
  assert.equal(bytes.length, 15);
  const body = Buffer.from(encodeTraceRequest(request([], [span({ traceId: traceId(7), spanId: spanId(7), attributes: [str('x', 'PLACEHOLDER'), str('y', 'z')] })])));
  const at = body.indexOf(Buffer.from('PLACEHOLDER')) - 4;
  assert.deepEqual([...body.subarray(at, at + 4)], [0x12, 13, 0x0a, 11]);
  Buffer.from(bytes).copy(body, at);
  return body;
}

const ascii = (text: string) => [...Buffer.from(text)];

/**
 * The plan of `body` with the fast path's plainSpans is the plan a walk of every span makes. Returns how
 * many spans it planned without a walk (undefined: the fast path refused the body).
 */
function assertPlannedAsWalked(body: Uint8Array, what: string): number | undefined {
  const p = prepareTraceBytes(body);
  if (!p) return undefined;
  const plain = p.plainSpans!.reduce((n, x) => n + x, 0);
  planTexts(p);
  assert.equal(p.plainSpans, undefined, 'read, and not handed on');
  const walked = prepareTraceBytes(body)!;
  walked.plainSpans = undefined;
  planTexts(walked);
  assert.deepEqual([...p.textPlan!], [...walked.textPlan!], `${what}: the plan a walk makes`);
  assert.deepEqual([...p.textPlanAt!], [...walked.textPlanAt!], what);
  return plain;
}

/** Prepared and planned as the decode worker does, then handed over as postMessage would. */
function planned(body: Uint8Array): PreparedTraces {
  const p = prepareTraceBytes(body)!;
  planTexts(p);
  return structuredClone(p, { transfer: transferablesOf(p) });
}

describe('store: long strings planned on the decode worker', () => {
  it('stores exactly what compacting on the engine thread stores (shared, unique and forged content)', async () => {
    const bodies = [...agentPayloads(4, 128), ...agentPayloads(2, 128, true), forgedBody(), eventsBody(1), ...agentPayloads(2, 128), eventsBody(2), eventsBody(3)];
    const plain = await newStore();
    const withPlan = await newStore();
    try {
      for (const body of bodies) {
        plain.ingestPrepared(prepareTraceBytes(body)!);
        withPlan.ingestPrepared(planned(body));
      }
      const spans = rows(plain, 'SELECT id, trace_id, span_id, name, data FROM spans ORDER BY id');
      assert.equal(spans.length, 8 * 128 + 1 + 18);
      assert.deepEqual(rows(withPlan, 'SELECT id, trace_id, span_id, name, data FROM spans ORDER BY id'), spans);
      const texts = rows(plain, 'SELECT id, body FROM texts ORDER BY id');
      assert.ok(texts.length > 10, `${texts.length} texts`);
      assert.deepEqual(rows(withPlan, 'SELECT id, body FROM texts ORDER BY id'), texts);
      const evil = withPlan.spansOfSession('evil')[0]!;
      assert.deepEqual(evil.attributes.find((a) => a.key === 'x')?.value, {}, 'the forged reference is dropped');
    } finally {
      plain.dispose();
      withPlan.dispose();
    }
  });

  it('plans a span checked to hold nothing to cut or rewrite without walking it, and walks every other', () => {
    const one = (attributes: KeyValue[], events: Span['events'] = []) => encodeTraceRequest(request([], [span({ traceId: traceId(8), spanId: spanId(8), attributes, events })]));
    const event = (attributes: KeyValue[]) => [{ timeUnixNano: '1', name: 'e', attributes, droppedAttributesCount: 0 }];
    const cases: [string, Uint8Array, number][] = [
      ['short values of every kind, an event', one([str('a', 'x'.repeat(255)), { key: 'n', value: { intValue: '3' } }, { key: 'd', value: { doubleValue: 0.5 } }, { key: 'b', value: { boolValue: true } }], event([str('k', 'v')])), 1],
      ['a string of minSharedBytes', one([str('a', 'x'.repeat(256))]), 0],
      ['a long string in an event', one([str('a', 'b')], event([str('gen_ai.prompt', 'p'.repeat(300))])), 0],
      ['a long string inside a kvlist (counted to be safe)', one([{ key: 'l', value: { kvlistValue: { values: [str('deep', 'd'.repeat(400))] } } }]), 0],
      ['fields decoding ignores', forgedBody(), 0],
      ['a KeyValue of two values', patchedValue([0x12, 3, 0x0a, 1, ...ascii('a'), 0x12, 8, 0x0a, 6, ...ascii('bbbbbb')]), 0],
      ['an AnyValue of two fields', patchedValue([0x12, 13, 0x0a, 9, ...ascii('aaaaaaaaa'), 0x18, 5]), 0],
    ];
    for (const [what, body, plain] of cases) {
      assert.equal(prepareTraceBytes(body)!.plainSpans?.[0], plain, what);
      assertPlannedAsWalked(body, what);
    }
    // Mutated bodies (any bytes the fast path takes), long strings and events among their seeds.
    const gen = new FuzzGenerator(prng(20261204));
    const seeds = [...cases.map(([, body]) => body), eventsBody(5), ...agentPayloads(1, 8, true)].map((b) => Buffer.from(b));
    let fast = 0;
    let plain = 0;
    for (let i = 0; i < 4000; i++) {
      const { body } = gen.mutateBytes(seeds[i % seeds.length]!);
      const n = assertPlannedAsWalked(body, `mutation ${i}`);
      if (n === undefined) continue;
      fast++;
      plain += n;
    }
    assert.ok(fast > 400 && plain > 200, `only ${fast} mutated bodies took the fast path, with ${plain} spans planned without a walk`);
  });

  it('splices the usual shape, walks the rest, and refuses a plan that does not match its data', async () => {
    const kinds = (p: PreparedTraces) => Array.from({ length: p.count }, (_, s) => p.textPlan![p.textPlanAt![s]!]);
    const [body] = agentPayloads(1, 16);
    assert.ok(kinds(planned(body!)).every((k) => k === splicePlan), 'agent spans are spliced');
    assert.ok(kinds(planned(eventsBody(9))).every((k) => k === splicePlan), 'long strings in events are spliced');
    assert.deepEqual(kinds(planned(forgedBody())), [rewritePlan], 'a span with forged fields is walked');
    for (const corrupt of ['span-level field', 'value field'] as const) {
      const store = await newStore();
      try {
        store.ingestPrepared(planned(body!));
        const p = planned(body!);
        // The LLM spans' long strings are kept once on this second sighting: their fields are spliced.
        const llm = Array.from({ length: p.count }, (_, i) => i).find((i) => p.textPlanAt![i + 1]! - p.textPlanAt![i]! > 1)!;
        const at = p.textPlanAt![llm]! + 1;
        p.textPlan![at + (corrupt === 'span-level field' ? 1 : 3)]! += 1;
        assert.throws(() => store.ingestPrepared(p), /text plan does not match/);
        assert.equal(store.stats().spans, 16, 'the failed write left nothing behind');
      } finally {
        store.dispose();
      }
    }
  });
});
