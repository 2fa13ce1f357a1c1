// Round trips through files: export a session (OTLP JSON, SQLite) and import it into a fresh store — the same
// steps, costs and graph. JSONL of OTLP requests (the Collector's file exporter) imports too.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { exportSession } from '../../../src/core/export/sessionExport';
import { importSessionFile } from '../../../src/core/sessionFiles';
import { SpanStore } from '../../../src/core/store/spanStore';
import { fixtureNames, fixturePath, observable, storeWith, tempDir } from './helpers';

describe('sessions: export then import gives the same session', function () {
  this.timeout(60000);
  for (const name of fixtureNames) {
    for (const format of ['otlp-json', 'sqlite'] as const) {
      it(`${name} via ${format}: same steps, costs and graph`, async () => {
        const { store, sessionId } = await storeWith(name);
        const file = path.join(tempDir(), `s.${format === 'sqlite' ? 'sqlite' : 'otlp.json'}`);
        const written = await exportSession(store, sessionId, file, format);
        assert.equal(written.spans, store.getSession(sessionId)!.spanCount);
        const other = await SpanStore.create();
        const imported = await importSessionFile(other, file);
        assert.equal(imported.sessionIds.length, 1);
        assert.equal(imported.spans, written.spans);
        assert.deepEqual(observable(other, imported.sessionIds[0]!), observable(store, sessionId));
        store.dispose();
        other.dispose();
      });
    }
  }

  it('an OTLP JSON export is plain OTLP: it posts and re-imports; its JSONL form (one request per line) imports the same', async () => {
    const { store, sessionId } = await storeWith('vercel-ai-agent');
    const exported = store.exportSessionOtlp(sessionId);
    // The Collector file exporter writes one ExportTraceServiceRequest per line: split per resource.
    const lines = exported.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => JSON.stringify({ resourceSpans: [{ ...rs, scopeSpans: [{ ...ss, spans: [span] }] }] }))));
    if (exported.resourceLogs?.length) lines.push(JSON.stringify({ resourceLogs: exported.resourceLogs }));
    assert.ok(lines.length > 3);
    const file = path.join(tempDir(), 'run.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const other = await SpanStore.create();
    const progress: number[] = [];
    const imported = await importSessionFile(other, file, { report: (n) => progress.push(n) });
    assert.equal(imported.format, 'jsonl');
    assert.deepEqual(observable(other, imported.sessionIds[0]!), observable(store, sessionId));
    assert.equal(progress.at(-1), readFileSync(file).length);
  });

  it('streams a large JSONL file chunk by chunk with progress, and can be cancelled (nothing stored)', async () => {
    const text = readFileSync(fixturePath('genai-semconv'), 'utf8');
    const line = JSON.stringify(JSON.parse(text));
    const file = path.join(tempDir(), 'big.jsonl');
    writeFileSync(file, Array.from({ length: 400 }, () => line).join('\n'));
    const size = readFileSync(file).length;
    assert.ok(size > 3 * 2 ** 20, `file is ${size} bytes`);
    const store = await SpanStore.create();
    const reports: number[] = [];
    const token = { cancelled: false };
    await assert.rejects(
      importSessionFile(store, file, { report: (n) => (reports.push(n), (token.cancelled = reports.length >= 2)), get cancelled() { return token.cancelled; } }),
      /cancelled/,
    );
    assert.ok(reports.length >= 2 && reports[0]! < size, 'progress came in chunks');
    assert.equal(store.listSessions().length, 0);
  });
});
