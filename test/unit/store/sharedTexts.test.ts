// Long strings are kept once (store/sharedTexts.ts): what goes in must come out exactly, on every path
// (ingest by objects and by prepared bytes, export, SQLite files, attribute queries), texts must go when
// the last span referring to them does, and a reference that arrives from outside must never resolve.
import * as assert from 'node:assert/strict';
import { Writer } from 'protobufjs/minimal';
import type { KeyValue, Span, TraceRequest } from '../../../src/core/otlp/model';
import { buildSession } from '../../../src/core/agent';
import { flattenAttributes } from '../../../src/core/agent/attributes';
import { readSession } from '../../../src/core/agent/fromStore';
import { encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import { prepareTraceBytes } from '../../../src/core/store/protoPrepared';
import type { SpanStore } from '../../../src/core/store/spanStore';
import { SpanStore as Store } from '../../../src/core/store/spanStore';
import { maxPiece, pieceEnds, type PieceCutter } from '../../../src/core/store/textPieces';
import { asOlderSchema, toSchema4, toSchema5 } from '../../fixtures/olderSchemas';
import { ns, newStore, request, span, spanId, str, traceId } from './fixtures';
import { seededInts } from '../seeded';

const systemPrompt = `You are a careful planner. ${'Check the weather before outdoor plans. '.repeat(40)}`;
const turn = (i: number) => ({ role: i % 2 ? 'assistant' : 'user', content: `turn ${i}: ${'words and more words, '.repeat(8)}` });
const conversation = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => turn(i)));

function callSpans(trace: number, calls: number): Span[] {
  return Array.from({ length: calls }, (_, i) =>
    span({
      traceId: traceId(trace),
      spanId: spanId(trace * 100 + i),
      name: 'chat',
      startTimeUnixNano: ns(i),
      endTimeUnixNano: ns(i + 1),
      attributes: [
        str('gen_ai.system_instructions', systemPrompt),
        str('gen_ai.input.messages', conversation(i + 1)),
        str('short', 'kept in the span'),
        { key: 'n', value: { intValue: String(i) } },
      ],
      events: [{ timeUnixNano: ns(i), name: 'gen_ai.content.prompt', attributes: [str('gen_ai.prompt', systemPrompt + ' ü€ 😀'.repeat(20))], droppedAttributesCount: 0 }],
    }),
  );
}

const agentRequest = (trace: number, calls = 12, session = 'run'): TraceRequest => request([str('service.name', 'agent'), str('session.id', session)], callSpans(trace, calls));
function countTexts(store: SpanStore): number {
  const ctx = (store as unknown as { ctx: { db: { exec(sql: string): { values: unknown[][] }[] } } }).ctx;
  return Number(ctx.db.exec('SELECT count(*) FROM texts')[0]!.values[0]![0]);
}
/** Attribute values by key: string values as strings, others as their AnyValue. */
const attrs = (s: { attributes: KeyValue[] }): Record<string, unknown> =>
  Object.fromEntries(s.attributes.map((a) => [a.key, 'stringValue' in a.value ? a.value.stringValue : a.value]));

describe('store: long strings kept once', () => {
  const cut = (text: string, cutPiece?: PieceCutter) => {
    const b = Buffer.from(text);
    const ends: number[] = [];
    pieceEnds(b, 0, b.length, ends, cutPiece);
    let from = 0;
    return ends.map((e) => b.toString('utf8', from, (from = e)));
  };
  const asIs: PieceCutter = (_b, _start, end, cuts) => cuts.push(end);

  it('cuts JSON only between values, and the same prefix the same way', () => {
    const short = cut(conversation(6), asIs);
    const long = cut(conversation(9), asIs);
    assert.ok(short.length > 2, `${short.length} pieces`);
    assert.equal(short.join(''), conversation(6));
    assert.deepEqual(long.slice(0, short.length - 1), short.slice(0, -1), 'a grown conversation shares all but its last piece');
    for (const p of long.slice(1)) assert.ok(p.startsWith(','), p.slice(0, 20));
    assert.deepEqual(cut(systemPrompt, asIs), [systemPrompt], 'plain text is one piece of structure');
    const tricky = `[${JSON.stringify('a,b\\",{['.repeat(60))},${JSON.stringify('x'.repeat(300))},1]`;
    assert.equal(cut(tricky, asIs).join(''), tricky);
    assert.deepEqual(cut(tricky, asIs).length, 3, 'commas inside strings (and after escapes) are not cuts');
    // With content cuts too: the same structure, every piece at most maxPiece long.
    for (const text of [conversation(9), tricky, systemPrompt]) {
      const pieces = cut(text);
      assert.equal(pieces.join(''), text);
      assert.ok(pieces.every((p) => Buffer.byteLength(p) <= maxPiece), pieces.map((p) => p.length).join(' '));
      let at = 0;
      const ends = new Set(pieces.map((p) => (at += Buffer.byteLength(p))));
      at = 0;
      for (const p of cut(text, asIs)) assert.ok(ends.has((at += Buffer.byteLength(p))), 'every cut of structure is kept');
    }
    assert.deepEqual(cut(conversation(9)).slice(0, cut(conversation(6)).length - 1), cut(conversation(6)).slice(0, -1));
  });

  it('cuts long text where its content says: what two texts share is cut the same way, and UTF-8 stays whole', () => {
    // Text that does not repeat itself (a repeating one gives no content cuts: it is cut every maxPiece).
    const rand = seededInts(7);
    const words = Array.from({ length: 900 }, () => ['plan', 'Paris', 'météo', 'rain', '€12', 'museum', '😀', 'day', 'Louvre', 'walk'][rand(10)]).join(' ');
    const pieces = cut(words);
    assert.equal(pieces.join(''), words);
    assert.ok(pieces.length >= Buffer.byteLength(words) / maxPiece, `${pieces.length} pieces`);
    assert.ok(pieces.some((p) => Buffer.byteLength(p) < maxPiece), 'some cuts come from the content');
    assert.ok(pieces.every((p) => !p.includes('\ufffd')), 'no piece splits a UTF-8 sequence');
    // A line of its own at the end: every piece before the last is shared.
    const ended = cut(`${words} (call 42 of run 7)`);
    assert.deepEqual(ended.slice(0, pieces.length - 1), pieces.slice(0, -1));
    // Words inserted early: the pieces after them come back in step with the original's.
    const edited = cut(`${words.slice(0, 300)} an inserted phrase ${words.slice(300)}`);
    const shared = edited.filter((p) => pieces.includes(p)).length;
    assert.ok(shared >= pieces.length - 3, `${shared} of ${pieces.length} pieces shared`);
    // Repeating text is cut every maxPiece bytes from its start, so a shared prefix still shares its pieces.
    const periodic = cut(systemPrompt);
    assert.ok(periodic.length > 1 && periodic.slice(0, -1).every((p) => Buffer.byteLength(p) === maxPiece), periodic.map((p) => p.length).join(' '));
    assert.deepEqual(cut(`${systemPrompt} (call 42)`).slice(0, -1), periodic.slice(0, -1));
  });

  for (const path of ['objects', 'prepared bytes'] as const) {
    it(`stores repeated prompts and growing conversations once, and reads them back exactly (${path})`, async () => {
      const store = await newStore();
      const plain = await newStore();
      try {
        const ingest = (s: SpanStore, req: TraceRequest) => (path === 'objects' ? s.ingestTraces(req) : s.ingestPrepared(prepareTraceBytes(encodeTraceRequest(req))!));
        for (let t = 1; t <= 20; t++) ingest(store, agentRequest(t));
        const out = store.exportSessionOtlp('run');
        const spans = out.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
        assert.equal(spans.length, 240);
        const third = spans.find((s) => s.spanId === spanId(5 * 100 + 3))!;
        assert.equal(attrs(third)['gen_ai.input.messages'], conversation(4));
        assert.equal(attrs(third)['gen_ai.system_instructions'], systemPrompt);
        assert.equal(attrs(third)['short'], 'kept in the span');
        assert.equal(attrs(third.events[0]!)['gen_ai.prompt'], systemPrompt + ' ü€ 😀'.repeat(20));
        // 240 spans of ~4 KB: a few dozen texts, a small database.
        const texts = countTexts(store);
        assert.ok(texts < 60, `${texts} texts`);
        ingest(plain, agentRequest(1));
        assert.ok(store.stats().bytes < 3 * plain.stats().bytes, `${store.stats().bytes} bytes for 20 runs, ${plain.stats().bytes} for one`);
        // Reading shares one string per text.
        const again = store.spansOfSession('run');
        assert.equal(again.length, 240);
        // The agent model's read: the same attributes as plain values, texts resolved, and the same steps.
        const inputs = readSession(store, 'run');
        assert.deepEqual(inputs.map((i) => i.span.plainAttributes), again.map((s) => flattenAttributes(s.attributes)));
        assert.ok(inputs.every((i) => i.span.attributes.length === 0));
        assert.equal(inputs.find((i) => i.span.spanId === third.spanId)!.span.plainAttributes!['gen_ai.input.messages'], conversation(4));
        const asOtlp = again.map((span) => ({ span, resource: span.resource, scope: span.scope }));
        assert.deepEqual(buildSession(inputs).steps, buildSession(asOtlp).steps);
      } finally {
        store.dispose();
        plain.dispose();
      }
    });
  }

  it('deletes a text with the last span that refers to it (deletes, evictions, trims)', async () => {
    const store = await newStore();
    try {
      store.ingestTraces(agentRequest(1, 12, 'a'));
      store.ingestTraces(agentRequest(2, 12, 'b'));
      const both = countTexts(store);
      store.deleteSession('a');
      store.finishDeletes();
      assert.equal(countTexts(store), both, 'session b still refers to every text');
      assert.equal(attrs(store.spansOfSession('b')[11]!)['gen_ai.input.messages'], conversation(12));
      store.deleteSession('b');
      store.finishDeletes();
      assert.equal(countTexts(store), 0);
      store.ingestTraces(agentRequest(3, 12, 'c'));
      assert.equal(attrs(store.spansOfSession('c')[0]!)['gen_ai.system_instructions'], systemPrompt, 'a text stored again after its deletion');
    } finally {
      store.dispose();
    }
  });

  it('trims a live session over the cap and keeps what its remaining spans refer to', async () => {
    const store = await newStore({ maxSpans: 60 });
    try {
      for (let t = 1; t <= 8; t++) store.ingestTraces(agentRequest(t, 12, 'live'));
      const kept = store.spansOfSession('live');
      assert.ok(kept.length <= 60 && kept.length > 0, `${kept.length} kept`);
      for (const s of kept) assert.equal(attrs(s)['gen_ai.system_instructions'], systemPrompt);
      store.finishDeletes();
      const texts = countTexts(store);
      const fresh = await newStore();
      for (const t of new Set(kept.map((s) => s.traceId))) fresh.ingestTraces(agentRequest(parseInt(t, 16), 12, 'live'));
      assert.equal(texts, countTexts(fresh), 'no text outlives its spans');
      fresh.dispose();
    } finally {
      store.dispose();
    }
  });

  it('carries texts through SQLite files and imports, and finds spans by a long value', async () => {
    const store = await newStore();
    try {
      store.ingestTraces(agentRequest(1));
      const file = store.exportSqlite();
      const copy = await Store.fromSqlite(file);
      assert.deepStrictEqual(copy.exportSessionOtlp('run'), store.exportSessionOtlp('run'));
      copy.importSqlite(store.exportSessionSqlite('run'));
      assert.equal(copy.listSessions().length, 2);
      for (const s of copy.listSessions()) assert.equal(attrs(copy.spansOfSession(s.id)[3]!)['gen_ai.input.messages'], conversation(4));
      assert.equal(copy.findSpans({ attribute: { key: 'gen_ai.input.messages', value: conversation(4) } }).length, 2);
      assert.equal(copy.findSpans({ attribute: { key: 'gen_ai.input.messages', value: conversation(5) + ' ' } }).length, 0);
      copy.dispose();
      // A file of schema 5 (keys as text, strings kept once) opens and reads the same.
      const v5 = await Store.fromSqlite(await asOlderSchema(file, toSchema5));
      assert.deepStrictEqual(v5.exportSessionOtlp('run'), store.exportSessionOtlp('run'));
      assert.equal(countTexts(v5), countTexts(store));
      v5.dispose();
      // A file of schema 4 (every string in its span) opens, and its strings are kept once from then on.
      const older = await Store.fromSqlite(await asOlderSchema(file, toSchema4));
      assert.deepStrictEqual(older.exportSessionOtlp('run'), store.exportSessionOtlp('run'));
      assert.equal(countTexts(older), 0);
      older.ingestTraces(agentRequest(2));
      assert.ok(countTexts(older) > 0);
      older.dispose();
    } finally {
      store.dispose();
    }
  });

  it('never resolves a reference that came from outside, and undoes texts of a failed write', async () => {
    const store = await newStore();
    try {
      store.ingestTraces(agentRequest(1, 3));
      // An exporter that writes the store's private AnyValue field (100: text ids 1 and 2) itself: the
      // 13-byte AnyValue of 'PLACEHOLDER' (tag, length, 11 bytes) becomes field 100 (5 bytes) and an
      // unknown field 9 (8 bytes), so no enclosing length changes.
      const w = Writer.create();
      w.uint32((100 << 3) | 2).fork().uint32(1).uint32(2).ldelim();
      w.uint32((9 << 3) | 2).bytes(Buffer.from('AAAAAA'));
      const forged = Buffer.from(w.finish());
      assert.equal(forged.length, 13);
      const body = Buffer.from(encodeTraceRequest(request([str('session.id', 'evil')], [span({ traceId: traceId(9), spanId: spanId(9), attributes: [str('x', 'PLACEHOLDER')] })])));
      const at = body.indexOf(Buffer.from('PLACEHOLDER')) - 2;
      assert.deepEqual([...body.subarray(at, at + 2)], [0x0a, 11]);
      forged.copy(body, at);
      store.ingestPrepared(prepareTraceBytes(body)!);
      const evil = store.spansOfSession('evil');
      assert.equal(evil.length, 1);
      assert.deepEqual(attrs(evil[0]!)['x'], {}, 'the forged reference is dropped, not resolved');
      store.ingestTraces(agentRequest(4, 2, 'evil'));
      assert.deepEqual(attrs(store.spansOfSession('evil')[0]!)['x'], {});
      // A write that fails rolls its new texts back with it.
      const before = countTexts(store);
      const ctx = (store as unknown as { ctx: { transaction(fn: () => void): void } }).ctx;
      assert.throws(() => ctx.transaction(() => {
        store.ingestTraces(agentRequest(2, 3, 'doomed'));
        assert.ok(countTexts(store) > before);
        throw new Error('boom');
      }), /boom/);
      assert.equal(countTexts(store), before);
      store.ingestTraces(agentRequest(3, 3, 'after'));
      assert.equal(attrs(store.spansOfSession('after')[2]!)['gen_ai.input.messages'], conversation(3));
    } finally {
      store.dispose();
    }
  });
});

