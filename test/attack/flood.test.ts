// Attack: `serve` flooded past its caps. The file is written as spans arrive, so every span answered 200 is
// in it, evicted from memory or not; every eviction is still said on stderr, with the cap.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flood, serve } from './cliServe';

interface OtlpFile {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: unknown[] }[] }[];
}

const fileOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as OtlpFile;
const spansIn = (file: string) => fileOf(file).resourceSpans.reduce((n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0), 0);

/** The spans every stderr eviction line names, summed, and the running total the last line gives. */
function reported(stderr: string): { lines: number; summed: number; total: number } {
  const lines = stderr.split('\n').filter((l) => /^agent-debugger: (Evicted session|Dropped the oldest)/.test(l));
  const summed = lines.reduce((n, l) => n + Number(/\(([\d ]+) spans\)/.exec(l)![1]!.replace(/ /g, '')), 0);
  const total = lines.length ? Number(/\((\d+) spans evicted so far\)/.exec(lines[lines.length - 1]!)![1]) : 0;
  return { lines: lines.length, summed, total };
}

describe('attack: a flood past the caps loses no span from the file, and says what memory let go', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'agent-debugger-flood-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const { title, caps, senders, batches, perBatch, padding, cap } of [
    { title: 'the span cap (--max-spans 20000), 4 senders, 6x the cap', caps: ['--max-spans', '20000'], senders: 4, batches: 60, perBatch: 500, padding: 0, cap: /20 000 spans/ },
    { title: 'the memory cap (--max-memory-mb 8), 3 senders of 1 KB spans', caps: ['--max-memory-mb', '8'], senders: 3, batches: 20, perBatch: 500, padding: 1024, cap: /8 MB of memory/ },
  ]) {
    it(`${title}: answered = written; evictions reported`, async () => {
      const out = join(dir, `${caps[0]}.otlp.json`);
      const server = await serve([...caps, '--out', out]);
      const answered = await flood(server.endpoint, senders, batches, perBatch, padding);
      assert.equal(await server.stop(), 0, server.stderr());
      const written = spansIn(out);
      const evicted = reported(server.stderr());
      assert.ok(evicted.lines > 0, 'the caps evicted something and said so');
      assert.match(server.stderr(), cap);
      assert.equal(evicted.summed, evicted.total, 'the running total adds up the lines');
      assert.equal(answered, written, `answered ${answered}, written ${written} (${evicted.total} evicted from memory)`);
      assert.match(server.stdout(), new RegExp(`wrote ${written} spans .*; the caps evicted ${evicted.total} of them from memory, not from the file`));
      // Every sender's session is in the file, each with its own id on the resource (an import keeps them apart).
      const sessions = new Set(fileOf(out).resourceSpans.map((rs) => rs.resource.attributes.find((a) => a.key === 'agent_debugger.session.id')?.value.stringValue));
      assert.equal(sessions.size, senders);
    });
  }
});
