// The exports that model a session (eval JSONL, the HTML report, a cassette rebuilt from spans) take the
// engine's model, built a slice at a time with its findings, instead of building their own in one go on the
// worker's thread: what they write must be what the export built alone writes.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineClient } from '../../../src/core/engineClient';
import { exportSession } from '../../../src/core/export/sessionExport';
import { readReportAssets } from '../../../src/core/export/reportAssets';
import { importSessionFile } from '../../../src/core/sessionFiles';
import { withStore } from '../store/fixtures';

const root = resolve(__dirname, '../../../..');
const fixtures = ['test/fixtures/safety/poisoned-agent.otlp.json', 'test/fixtures/vercel-ai-agent.otlp.json', 'test/fixtures/traceloop-openai.otlp.json'];
/** A file's text without the moment it was made (a report's, a cassette's) and a report's script nonce (new per report). */
const comparable = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'now').replace(/nonce(-|=")[A-Za-z0-9+/=]+/g, 'nonce');

/** Where two texts first differ, with a little of each (a report is megabytes: no whole diff). */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i} of ${a.length}/${b.length}: ${JSON.stringify(a.slice(i - 40, i + 80))} vs ${JSON.stringify(b.slice(i - 40, i + 80))}`;
}

describe('engine: exports that model a session take its model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-exports-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('eval JSONL, the HTML report and a rebuilt cassette: what the export built alone writes', async function () {
    this.timeout(60_000);
    const engine = await EngineClient.start();
    try {
      await withStore({}, async (store) => {
        const compared = new Set<string>();
        for (const fixture of fixtures) {
          const file = join(root, fixture);
          const viaEngine = await engine.importFile(file);
          const alone = await importSessionFile(store, file);
          assert.deepEqual(viaEngine.sessionIds, alone.sessionIds, fixture);
          for (const id of alone.sessionIds) {
            for (const [format, ext] of [['eval-jsonl', 'jsonl'], ['html', 'html'], ['cassette', 'json']] as const) {
              const a = join(dir, `engine.${ext}`);
              const b = join(dir, `alone.${ext}`);
              const failed = (e: Error) => e.message;
              const written = await engine.exportSession(id, a, format, { assetsRoot: root }).catch(failed);
              const wrote = await exportSession(store, id, b, format, { assets: () => readReportAssets(root) }).catch(failed);
              // A cassette cannot be rebuilt from every run's spans: then both say why.
              assert.equal(typeof written === 'string' && written, typeof wrote === 'string' && wrote, `${fixture} ${format}`);
              if (typeof written === 'string') continue;
              const [got, want] = [comparable(readFileSync(a, 'utf8')), comparable(readFileSync(b, 'utf8'))];
              assert.ok(got === want, `${fixture} ${format}: ${firstDifference(got, want)}`);
              assert.ok(written.records > 0, `${fixture} ${format}: ${written.records} records`);
              compared.add(format);
            }
          }
        }
        assert.deepEqual([...compared].sort(), ['cassette', 'eval-jsonl', 'html']);
      });
    } finally {
      await engine.dispose();
    }
  });
});
