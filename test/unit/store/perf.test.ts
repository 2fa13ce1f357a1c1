// Measurements, printed for the record. The only timing bound in the store tests is the ingest-queue
// slice bound (ingestQueue.test.ts); these numbers depend on the machine.
import * as assert from 'node:assert/strict';
import type { SpanStore } from '../../../src/core/store/spanStore';
import { bulkRequest, newStore, str } from './fixtures';

describe('store: measurements (printed, not asserted)', () => {
  let store: SpanStore;
  before(async () => (store = await newStore({ maxSpans: 1_000_000 })));
  after(() => store.dispose());

  it('ingest rate and memory for 100k spans', function () {
    this.timeout(300_000);
    const res = [str('service.name', 'agent'), str('service.instance.id', 'i-1')];
    const rssBefore = process.memoryUsage().rss;
    let ingestMs = 0;
    for (let i = 0; i < 100; i++) {
      // Built outside the timed part: the receiver hands requests over already decoded.
      const req = bulkRequest(1000, i * 1000, res);
      const t = performance.now();
      store.ingestTraces(req);
      ingestMs += performance.now() - t;
    }
    const stats = store.stats();
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const sample = JSON.stringify(bulkRequest(1000, 0, res)).length * 100;
    const session = store.listSessions()[0]!.id;
    let t = performance.now();
    const page = store.spansOfSession(session, { offset: 50_000, limit: 1000 });
    const pageMs = performance.now() - t;
    t = performance.now();
    const exported = store.exportSessionOtlp(session);
    const exportMs = performance.now() - t;
    t = performance.now();
    const sqlite = store.exportSqlite();
    const sqliteMs = performance.now() - t;
    t = performance.now();
    store.deleteSession(session);
    const deleteMs = performance.now() - t;
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
    console.log(
      [
        `      100k spans (8 attributes each, 10 per trace): ingest ${Math.round(100_000 / (ingestMs / 1000))} spans/s (${ingestMs.toFixed(0)} ms)`,
        `      held: ${mb(stats.bytes)} of database pages (${Math.round(stats.bytes / 100_000)} B/span; the OTLP/JSON of the same spans is ${mb(sample)}),`,
        `            process RSS grew ${mb(rssGrowth)} (the wasm heap never shrinks: run alone for a clean figure)`,
        `      read 1000 spans at offset 50k: ${pageMs.toFixed(0)} ms; export 100k as OTLP: ${exportMs.toFixed(0)} ms;` +
          ` as SQLite (${mb(sqlite.length)}): ${sqliteMs.toFixed(0)} ms; delete the session: ${deleteMs.toFixed(0)} ms`,
      ].join('\n'),
    );
    assert.equal(stats.spans, 100_000);
    assert.equal(page.length, 1000);
    assert.equal(exported.resourceSpans[0]!.scopeSpans[0]!.spans.length, 100_000);
    assert.equal(store.stats().spans, 0);
  });
});
