// Importing the single-line OTLP JSON that `serve` and exports write takes time linear in its size: the
// line splitter used to search the whole pending text on every 1 MB chunk (100k spans: 99 s, 4 GB).
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { importSessionFile } from '../../../src/core/sessionFiles';
import { SpanStore } from '../../../src/core/store/spanStore';
import { toJson } from '../../../src/core/store/values';
import { bulkRequest, str } from '../store/fixtures';
import { tempDir } from './helpers';

async function oneLineFile(spans: number): Promise<string> {
  const source = await SpanStore.create();
  try {
    for (let i = 0; i < spans; i += 10_000) source.ingestTraces(bulkRequest(Math.min(10_000, spans - i), i, [str('session.id', 'big')]));
    const file = path.join(tempDir(), `${spans}.otlp.json`);
    writeFileSync(file, toJson(source.exportSessionOtlp('big')));
    return file;
  } finally {
    source.dispose();
  }
}

async function importSeconds(file: string): Promise<number> {
  const store = await SpanStore.create();
  try {
    const started = performance.now();
    await importSessionFile(store, file);
    return (performance.now() - started) / 1000;
  } finally {
    store.dispose();
  }
}

describe('sessions: importing a large single-line OTLP JSON file', function () {
  this.timeout(120_000);

  it('takes time linear in its size (4x the spans: well under 16x the time)', async () => {
    const small = await importSeconds(await oneLineFile(10_000));
    const large = await importSeconds(await oneLineFile(40_000));
    assert.ok(large / small < 8, `10k spans: ${small.toFixed(2)} s, 40k: ${large.toFixed(2)} s`);
    // 40k bench spans (~37 MB on one line): 100k took 8 s here (99 s before).
    assert.ok(large < 10, `40k spans took ${large.toFixed(1)} s`);
  });
});
