// Attack: hostile SQLite files through the import path the CLI (`steps FILE`) and the extension (Import,
// drag-and-drop) take. Each is refused within a second, says why, and changes nothing.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importSessionFile } from '../../src/core/sessionFiles';
import { loadSqlJs } from '../../src/core/store/sqlite';
import { guardSqliteFile } from '../../src/core/store/sqliteGuard';
import { SpanStore } from '../../src/core/store/spanStore';
import { asOlderSchema, toSchema2, toSchema3, toSchema4, toSchema5 } from '../fixtures/olderSchemas';
import { bulkRequest, str } from '../unit/store/fixtures';
import { evilCorpus, hugeSpansTable, type EvilFile } from './sqliteCorpus';

const root = resolve(__dirname, '../../..');

describe('attack: hostile SQLite files are refused within a second', () => {
  let dir: string;
  let store: SpanStore;
  let good: Uint8Array;
  let corpus: EvilFile[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-debugger-attack-'));
    const sql = await loadSqlJs();
    const source = await SpanStore.create();
    source.ingestTraces(bulkRequest(300, 0, [str('service.name', 'agent'), str('session.id', 'good')]));
    good = source.exportSqlite();
    source.dispose();
    corpus = evilCorpus(sql, good);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    store = await SpanStore.create();
    store.ingestTraces(bulkRequest(20, 10_000, [str('session.id', 'mine')]));
  });
  afterEach(() => store.dispose());

  const write = (name: string, bytes: Uint8Array) => {
    const file = join(dir, `${name}.sqlite`);
    writeFileSync(file, bytes);
    return file;
  };

  it('refuses each file of the corpus (views, triggers, recursive queries, foreign objects) naming what was wrong', async () => {
    for (const evil of corpus) {
      const started = performance.now();
      await assert.rejects(importSessionFile(store, write(evil.name, evil.bytes)), evil.reason, evil.name);
      const ms = performance.now() - started;
      assert.ok(ms < 1000, `${evil.name}: refused after ${ms.toFixed(0)} ms`);
      assert.deepEqual(store.listSessions().map((s) => [s.id, s.spanCount]), [['mine', 20]], evil.name);
    }
  });

  it('refuses a table larger than the store keeps, within a second', async () => {
    const file = write('huge', hugeSpansTable(await loadSqlJs(), 600_000));
    store.configure({ maxSpans: 500_000 });
    const started = performance.now();
    await assert.rejects(importSessionFile(store, file), /holds 600,000 spans; the store keeps at most 500,000/);
    assert.ok(performance.now() - started < 1000, `refused after ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(store.stats().spans, 20);
  });

  it('refuses a file larger than the memory cap before reading it', async () => {
    const small = await SpanStore.create({ maxBytes: 2 ** 16 });
    try {
      await assert.rejects(importSessionFile(small, write('big', good)), /the SQLite file is \d+ MB; the store holds at most 0 MB/);
    } finally {
      small.dispose();
    }
  });

  it('terminates a check that outlives its deadline (what bounds anything no check foresaw)', async () => {
    const bytes = hugeSpansTable(await loadSqlJs(), 200_000);
    const started = performance.now();
    await assert.rejects(guardSqliteFile(bytes, { maxSpans: 1e9 }, { deadlineMs: 1 }), /did not finish within 0\.0 s/);
    assert.ok(performance.now() - started < 1000);
  });

  it('still imports our own files: today\'s schema and the older schemas 2 to 5', async () => {
    const older = [['v5', toSchema5], ['v4', toSchema4], ['v3', toSchema3], ['v2', toSchema2]] as const;
    for (const [name, bytes] of [['v6', good], ...(await Promise.all(older.map(async ([n, to]) => [n, await asOlderSchema(good, to)] as const)))] as const) {
      const result = await importSessionFile(store, write(name, bytes));
      assert.equal(result.spans, 300, name);
    }
    assert.equal(store.stats().spans, 1520);
  });

  it('the CLI (`steps evil.sqlite`) exits with the reason instead of spinning', async () => {
    const evil = corpus.find((e) => e.name === 'meta-view-recursive')!;
    const file = write('cli-evil', evil.bytes);
    const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'steps', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    clearTimeout(killer);
    assert.equal(code, 1, stderr);
    assert.match(stderr, /agent-debugger: refused: 'meta' is a view, not the plain table Agent Debugger writes/);
  });
});
