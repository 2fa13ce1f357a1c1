// The streaming scanner behind imports: each ResourceSpans / ResourceLogs of a document (or of each JSONL
// line) comes out whole and exact wherever the file's chunks happen to be cut, and a batch already stored
// is taken back when the file fails later on.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OtlpDocumentScanner, type OtlpElement } from '../../../src/core/import/otlpDocuments';
import { importSessionFile } from '../../../src/core/sessionFiles';
import { SpanStore } from '../../../src/core/store/spanStore';
import { toJson } from '../../../src/core/store/values';
import { bulkRequest, str } from '../store/fixtures';
import { tempDir } from './helpers';

function scan(chunks: string[], maxElementChars?: number): OtlpElement[] {
  const out: OtlpElement[] = [];
  const scanner = new OtlpDocumentScanner((e) => out.push(e), maxElementChars);
  for (const c of chunks) scanner.push(c);
  scanner.finish();
  return out;
}

// Keys and values that look like structure: escaped quotes and backslashes, brackets inside strings, a
// non-OTLP key holding arrays, snake_case and camelCase arrays, unicode.
const doc = JSON.stringify({
  note: { resourceSpans: ['not this one'], text: 'a "quoted" ] } [ { value \\' },
  resourceSpans: [
    { resource: { attributes: [{ key: 'k\\"}', value: { stringValue: 'é ✓ \\\\ \n "x"' } }] }, scopeSpans: [] },
    { scopeSpans: [{ spans: [{ name: '[{]}' }] }] },
  ],
  resource_logs: [{ scopeLogs: [] }],
}, null, 1);

describe('import: the streaming OTLP document scanner', () => {
  it('hands over each element exactly, for every place a chunk can be cut', () => {
    const whole = JSON.parse(doc) as { resourceSpans: unknown[]; resource_logs: unknown[] };
    const expected = [...whole.resourceSpans.map((v) => ['resourceSpans', v]), ...whole.resource_logs.map((v) => ['resource_logs', v])];
    for (let cut = 0; cut <= doc.length; cut++) {
      for (const second of [cut, Math.min(doc.length, cut + 1), Math.min(doc.length, cut + 7)]) {
        const got = scan([doc.slice(0, cut), doc.slice(cut, second), doc.slice(second)]);
        assert.deepEqual(got.map((e) => [e.key, JSON.parse(e.text)]), expected, `cut at ${cut} and ${second}`);
      }
    }
  });

  it('reads JSONL (one document a line) with each element\'s line and index', () => {
    const line = JSON.stringify({ resourceSpans: [{ scopeSpans: [] }, { scopeSpans: [] }] });
    const got = scan([`${line}\n${line}\n`]);
    assert.deepEqual(got.map((e) => [e.line, e.index, e.kind]), [[1, 0, 'spans'], [1, 1, 'spans'], [2, 0, 'spans'], [2, 1, 'spans']]);
  });

  it('gives each element its byte offset in the file, with multi-byte text before it, wherever chunks are cut', () => {
    // Many small documents a chunk (what a JSONL file of one-span lines is): each offset counted on from the last.
    const lines = Array.from({ length: 40 }, (_, k) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: `é✓😀 ${k}`.repeat(k % 5) }] }] }, { scopeSpans: [] }] }));
    const text = `${lines.join('\n')}\n`;
    const expected: number[] = [];
    let lineStart = 0;
    for (const line of lines) {
      for (const at of ['{"resourceSpans":['.length, line.lastIndexOf(',{"scopeSpans":[]}') + 1]) expected.push(Buffer.byteLength(text.slice(0, lineStart + at)));
      lineStart += line.length + 1;
    }
    for (const size of [text.length, 997, 64, 7]) {
      // Cut as the file's reader cuts (TextDecoder never ends a chunk inside a character): not inside a surrogate pair.
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        let end = Math.min(text.length, at + size);
        if (end < text.length && /[\ud800-\udbff]/.test(text[end - 1]!)) end++;
        chunks.push(text.slice(at, end));
        at = end;
      }
      assert.deepEqual(scan(chunks).map((e) => e.byte), expected, `chunks of ${size} characters`);
    }
    assert.throws(() => scan([`${text}x`]), new RegExp(`line 41 \\(byte ${Buffer.byteLength(text)}\\) is not JSON`));
  });

  it('refuses an element over its size limit, with its place, whether it ends in the chunk or goes on', () => {
    const small = JSON.stringify({ scopeSpans: [{ spans: [{ name: 'x'.repeat(100) }] }] });
    const line = JSON.stringify({ resourceSpans: [{ scopeSpans: [] }, JSON.parse(small)] });
    assert.equal(scan([line], small.length).length, 2, 'an element of exactly the limit is read');
    const refused = /line 1 \(byte 36\): resourceSpans\[1\] is over 0 MB of text, more than one string can hold, and each element is read whole: split its spans/;
    assert.throws(() => scan([line], small.length - 1), refused);
    assert.throws(() => scan([line.slice(0, 60), line.slice(60)], 50), refused);
  });

  it('keeps only the start of a huge top-level key, and still finds the spans after it', () => {
    const key = 'k'.repeat(3_000_000);
    const text = `{"${key}":1,"resourceSpans":[{"scopeSpans":[]}]}`;
    const chunks = Array.from({ length: Math.ceil(text.length / 65_536) }, (_, k) => text.slice(k * 65_536, (k + 1) * 65_536));
    assert.deepEqual(scan(chunks).map((e) => e.text), ['{"scopeSpans":[]}']);
  });

  const bad: [string, string, RegExp][] = [
    ['an array at the top', '[{"resourceSpans":[]}]', /expected an OTLP JSON object, found an array/],
    ['text after the object', '{"resourceSpans":[]} x', /line 1 \(byte 21\) is not JSON: unexpected text after a JSON object/],
    ['a stray closing bracket', '{"resourceSpans":[]}}', /unexpected "}"/],
    ['not OTLP', '{"spans":[{"a":1}]}', /not an OTLP export/],
    ['cut inside a string', '{"resourceSpans":[{"a":"b', /ends early at line 1, column 26 \(byte 25\)/],
    ['only whitespace', ' \n ', /empty/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what}: ${message}`, () => assert.throws(() => scan([text]), message));
  }
});

describe('import: a file that fails after a batch was stored', function () {
  this.timeout(60_000);

  it('takes the stored batches back: the store is as before', async () => {
    const source = await SpanStore.create();
    source.ingestTraces(bulkRequest(6_000, 0, [str('session.id', 'first')]));
    const line = toJson({ resourceSpans: source.exportSessionOtlp('first').resourceSpans });
    source.dispose();
    const file = path.join(tempDir(), 'half.otlp.jsonl');
    // 12k good spans (more than one batch), then a line cut short.
    writeFileSync(file, `${line}\n${line}\n${line.slice(0, 1000)}`);
    const store = await SpanStore.create();
    store.ingestTraces(bulkRequest(10, 0, [str('session.id', 'kept')]));
    const before = store.listSessions().map((s) => [s.id, s.spanCount]);
    const changes: number[] = [];
    store.onDidChange(() => changes.push(store.stats().spans));
    await assert.rejects(importSessionFile(store, file), /line 3 \(byte \d+\) is cut short/);
    assert.ok(Math.max(...changes) > 10, 'a batch was stored before the failure');
    store.finishDeletes();
    assert.deepEqual(store.listSessions().map((s) => [s.id, s.spanCount]), before);
    assert.equal(store.stats().spans, 10);
    store.dispose();
  });
});
