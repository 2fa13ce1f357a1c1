// Exports written a piece at a time (exportSession): the same files the whole-string writers gave.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSession } from '../../../src/core/agent';
import { readSession } from '../../../src/core/agent/fromStore';
import { evalJsonl } from '../../../src/core/export/evalJsonl';
import { exportSession } from '../../../src/core/export/sessionExport';
import { importSessionFile } from '../../../src/core/sessionFiles';
import { SpanStore } from '../../../src/core/store/spanStore';

const root = resolve(__dirname, '../../../..');

describe('exports written a piece at a time', function () {
  this.timeout(60_000);
  let dir: string;
  let store: SpanStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-debugger-export-'));
    store = await SpanStore.create();
  });
  afterEach(() => {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const fixture of ['vercel-ai-agent', 'anthropic-traceloop', 'langgraph-openinference']) {
    it(`eval JSONL of ${fixture}: the lines evalJsonl gives, and the OTLP JSON imports to the same spans`, async () => {
      const { sessionIds } = await importSessionFile(store, join(root, `test/fixtures/${fixture}.otlp.json`));
      const id = sessionIds[0]!;
      const info = { id, name: store.getSession(id)!.name };
      const evalFile = join(dir, 'run.eval.jsonl');
      const result = await exportSession(store, id, evalFile, 'eval-jsonl');
      const text = readFileSync(evalFile, 'utf8');
      assert.equal(text, evalJsonl(buildSession(readSession(store, id)), info));
      assert.equal(result.records, text.split('\n').filter(Boolean).length);
      assert.equal(result.bytes, Buffer.byteLength(text));

      const otlpFile = join(dir, 'run.otlp.json');
      const otlp = await exportSession(store, id, otlpFile, 'otlp-json');
      const again = await SpanStore.create();
      try {
        const imported = await importSessionFile(again, otlpFile);
        assert.equal(imported.spans, otlp.spans);
        assert.equal(again.spanCount(), store.spanCount(id));
      } finally {
        again.dispose();
      }
    });
  }
});
