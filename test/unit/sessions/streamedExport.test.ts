// OTLP JSON and JSONL files are written a page at a time (bounded memory whatever the session's size):
// what a paged file holds imports back to the same spans and log records as the whole-session export.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { importSessionFile, writeOtlpFile } from '../../../src/core/sessionFiles';
import { SpanStore } from '../../../src/core/store/spanStore';
import { bulkRequest, logRecord, logsRequest, str, traceId } from '../store/fixtures';
import { tempDir } from './helpers';

describe('sessions: streamed OTLP JSON / JSONL export', function () {
  this.timeout(60_000);

  it('pages by span count and by bytes, and every page imports back to the same session', async () => {
    const store = await SpanStore.create();
    try {
      store.ingestTraces(bulkRequest(2500, 0, [str('session.id', 'paged')]));
      store.ingestLogs(logsRequest([str('session.id', 'paged')], [logRecord({ traceId: traceId(1), spanId: '0000000000000002' })]));
      const pages = [...store.exportSpanPages('paged', 1000)];
      assert.equal(pages.length, 3);
      assert.deepEqual(pages.map((p) => p[0]!.scopeSpans[0]!.spans.length), [1000, 1000, 500]);
      // A page also ends at its byte budget (large spans: prompts), read a few hundred rows at a time.
      const small = [...store.exportSpanPages('paged', 1000, 100_000)].map((p) => p.flatMap((r) => r.scopeSpans).reduce((n, s) => n + s.spans.length, 0));
      // (~180 bytes of data a span: each page but the last well under the 1000 spans it may hold)
      assert.ok(small.length > 3 && small.slice(0, -1).every((n) => n > 300 && n < 700), small.join(' '));
      assert.equal(small.reduce((a, b) => a + b, 0), 2500);
      const whole = store.exportSessionOtlp('paged');
      for (const jsonl of [false, true]) {
        const file = path.join(tempDir(), jsonl ? 'paged.jsonl' : 'paged.otlp.json');
        await writeOtlpFile(store, ['paged'], file, jsonl);
        const text = readFileSync(file, 'utf8');
        if (jsonl) assert.ok(text.split('\n').filter(Boolean).every((line) => JSON.parse(line) as unknown), 'one request a line');
        const again = await SpanStore.create();
        try {
          const imported = await importSessionFile(again, file);
          assert.equal(imported.spans, 2500);
          assert.equal(imported.records, 1);
          const back = again.exportSessionOtlp(imported.sessionIds[0]!);
          assert.deepEqual(back.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)), whole.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
          assert.deepEqual(back.resourceLogs, whole.resourceLogs);
        } finally {
          again.dispose();
        }
      }
    } finally {
      store.dispose();
    }
  });
});
