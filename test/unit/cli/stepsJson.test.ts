// `steps --json` is written a step at a time (src/cli/jsonOut.ts): the same text JSON.stringify(out, null, 2)
// gave, never the whole output as one string, and a slow reader holds the writer back ('drain').
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { JsonArrayOf, writeJsonObject } from '../../../src/cli/jsonOut';
import { syntheticSession } from '../agent/synthetic';

const root = resolve(__dirname, '../../../..');

describe('CLI: steps --json streamed', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'agent-steps-json-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const fixture of ['vercel-ai-agent', 'anthropic-traceloop', 'langgraph-openinference']) {
    it(`prints exactly JSON.stringify(out, null, 2) for ${fixture} (the built CLI)`, () => {
      const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'steps', join(root, `test/fixtures/${fixture}.otlp.json`), '--json', '--attributes'], { encoding: 'utf8', maxBuffer: 1 << 28 });
      assert.equal(r.status, 0, r.stderr);
      const parsed = JSON.parse(r.stdout) as Record<string, unknown[]>;
      assert.deepEqual(Object.keys(parsed), ['steps', 'totals', 'findings', 'sessions', 'safety']);
      assert.ok(parsed.steps!.length > 0);
      assert.equal(r.stdout, `${JSON.stringify(parsed, null, 2)}\n`);
    });
  }

  it('a 20k-step session: written in pieces of ~64 KB, waiting for a slow reader, same JSON', async () => {
    const file = join(dir, 'big.otlp.json');
    const spans = syntheticSession(20_000).map((i) => i.span);
    writeFileSync(file, JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'big' } }] }, scopeSpans: [{ scope: { name: 'synthetic' }, spans }] }] }));
    const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'steps', file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    assert.equal(r.status, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { steps: unknown[] };
    assert.equal(parsed.steps.length, 20_000);

    // The same document through a reader that takes 16 KB at a time, a turn later each.
    const writes: number[] = [];
    let drains = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        writes.push(chunk.length);
        setImmediate(done);
      },
    });
    slow.on('drain', () => drains++);
    await writeJsonObject(slow, [['steps', new JsonArrayOf(parsed.steps)], ['empty', new JsonArrayOf([])], ['gone', undefined], ['n', 1]]);
    const text = `${JSON.stringify({ steps: parsed.steps, empty: [], n: 1 }, null, 2)}\n`;
    assert.equal(writes.reduce((a, b) => a + b, 0), Buffer.byteLength(text));
    assert.ok(writes.length > 100 && Math.max(...writes) < 80 * 1024, `${writes.length} writes, the largest ${Math.max(...writes)} bytes`);
    assert.ok(drains > 10, 'the writer waited for the reader');
  });
});
