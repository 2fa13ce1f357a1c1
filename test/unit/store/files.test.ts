import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../src/core/store/files';
import { schemaName, schemaVersion } from '../../../src/core/store/schema';
import { loadSqlJs } from '../../../src/core/store/sqlite';
import { SpanStore } from '../../../src/core/store/spanStore';
import { asOlderSchema, toSchema2 } from '../../fixtures/olderSchemas';
import { bulkRequest, logRecord, logsRequest, newStore, str, traceId } from './fixtures';

describe('store: SQLite files and atomic writes', () => {
  let store: SpanStore;
  beforeEach(async () => {
    store = await newStore();
    store.ingestTraces(bulkRequest(200, 0, [str('service.name', 'agent'), str('session.id', 'one')]));
    store.ingestTraces(bulkRequest(50, 200, [str('service.name', 'agent'), str('agent_debugger.session.id', 'two')]));
    store.ingestLogs(logsRequest([str('session.id', 'one')], [logRecord({ traceId: traceId(1), spanId: '0000000000000002' })]));
    store.renameSession('one', 'First run');
  });
  afterEach(() => store.dispose());

  it('exports the database and opens it again, sessions and data intact', async () => {
    const bytes = store.exportSqlite();
    assert.equal(Buffer.from(bytes.subarray(0, 16)).toString('latin1'), 'SQLite format 3\0');
    // The store still works after export (statements are prepared again).
    store.ingestTraces(bulkRequest(10, 1000, [str('session.id', 'one')]));
    const copy = await SpanStore.fromSqlite(bytes);
    try {
      assert.deepEqual(copy.listSessions().map((s) => [s.id, s.name, s.spanCount, s.logCount]).sort(), [
        ['one', 'First run', 200, 1],
        ['two', store.getSession('two')!.name, 50, 0],
      ]);
      store.deleteSession('one');
      store.ingestTraces(bulkRequest(200, 0, [str('service.name', 'agent'), str('session.id', 'one')]));
      store.renameSession('one', 'First run');
      store.ingestLogs(logsRequest([str('session.id', 'one')], [logRecord({ traceId: traceId(1), spanId: '0000000000000002' })]));
      assert.deepStrictEqual(copy.exportSessionOtlp('one'), store.exportSessionOtlp('one'));
      assert.equal(copy.logsOfSpan(traceId(1), '0000000000000002').length, 1);
    } finally {
      copy.dispose();
    }
  });

  it('merges the sessions of an export into a store, renaming ids that are taken', async () => {
    const other = await newStore();
    try {
      other.ingestTraces(bulkRequest(5, 0, [str('session.id', 'one')]));
      const result = other.importSqlite(store.exportSqlite());
      assert.equal(result.spans, 250);
      assert.equal(result.records, 1);
      assert.equal(result.sessionIds.length, 2);
      assert.ok(result.sessionIds.includes('two'));
      const renamed = result.sessionIds.find((id) => id.startsWith('one~'))!;
      assert.equal(other.getSession(renamed)!.name, 'First run');
      assert.equal(other.getSession(renamed)!.source, 'import');
      assert.equal(other.spanCount('one'), 5, 'the existing session is untouched');
      assert.equal(other.stats().spans, 255);
    } finally {
      other.dispose();
    }
  });

  it('exports one session as a database of its own', async () => {
    const copy = await SpanStore.fromSqlite(store.exportSessionSqlite('two'));
    try {
      assert.deepEqual(copy.listSessions().map((s) => s.id), ['two']);
      assert.deepStrictEqual(copy.exportSessionOtlp('two'), store.exportSessionOtlp('two'));
    } finally {
      copy.dispose();
    }
  });

  it('refuses a corrupt or foreign file clearly and changes nothing', async () => {
    const before = store.listSessions();
    const good = store.exportSqlite();
    const corrupt = Uint8Array.from(good);
    corrupt.fill(0x5a, 100, 4096 * 3);
    const other = await newStore();
    const foreign = new Uint8Array(other.exportSqlite());
    other.dispose();
    const cases: [Uint8Array, RegExp][] = [
      [Buffer.from('not a database at all, just text that is long enough to look like a header'), /not an Agent Debugger session database/],
      [corrupt, /not an Agent Debugger session database|malformed|corrupt/i],
      [good.subarray(0, 2048), /not an Agent Debugger session database|malformed|disk image/i],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(() => store.importSqlite(bytes), message);
      await assert.rejects(SpanStore.fromSqlite(bytes), message);
    }
    // A valid store export with no sessions imports as nothing; a non-store SQLite file is refused.
    assert.deepEqual(store.importSqlite(foreign).sessionIds, []);
    assert.deepEqual(store.listSessions(), before);
    assert.equal(store.stats().spans, 250);
  });

  it('refuses a file of another schema version, saying which', async () => {
    const sql = await loadSqlJs();
    const fileOf = (version: number) => {
      const db = new sql.Database();
      db.run('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
      db.run('INSERT INTO meta VALUES (?, ?), (?, ?)', ['schema', schemaName, 'version', String(version)]);
      const bytes = db.export();
      db.close();
      return bytes;
    };
    await assert.rejects(SpanStore.fromSqlite(fileOf(1)), /schema version 1, written by an older development build/);
    assert.throws(() => store.importSqlite(fileOf(schemaVersion + 1)), new RegExp(`schema version ${schemaVersion + 1}; this version reads up to ${schemaVersion}`));
    assert.equal(store.stats().spans, 250);
  });

  it('opens a file of schema version 2 (span data as JSON), upgrading it', async () => {
    const odd = { key: 'odd', value: { arrayValue: { values: [{ doubleValue: NaN }, { kvlistValue: { values: [{ key: 'inf', value: { doubleValue: -Infinity } }] } }] } } };
    const req = bulkRequest(3, 500, [str('session.id', 'three')]);
    const first = req.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    Object.assign(first, { traceState: 'k=v', flags: 257, droppedLinksCount: 2, status: { code: 2, message: 'boom' } });
    first.attributes.push(odd);
    first.events.push({ timeUnixNano: '5', name: 'e', attributes: [odd], droppedAttributesCount: 1 });
    store.ingestTraces(req);
    const copy = await SpanStore.fromSqlite(await asOlderSchema(store.exportSqlite(), toSchema2));
    try {
      for (const id of ['one', 'two', 'three']) assert.deepStrictEqual(copy.exportSessionOtlp(id), store.exportSessionOtlp(id), id);
      assert.equal(copy.findSpans({ attribute: { key: 'odd' } }).length, 1);
    } finally {
      copy.dispose();
    }
  });

  it('writes files atomically and leaves no temp file behind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'agent-debugger-store-'));
    try {
      const file = path.join(dir, 'run.sqlite');
      await writeFile(file, 'old content');
      const bytes = store.exportSqlite();
      await writeFileAtomic(file, bytes);
      assert.deepEqual(new Uint8Array(await readFile(file)), bytes);
      await writeFileAtomic(path.join(dir, 'run.otlp.json'), JSON.stringify(store.exportSessionOtlp('one')));
      assert.deepEqual((await readdir(dir)).sort(), ['run.otlp.json', 'run.sqlite']);
      await assert.rejects(writeFileAtomic(path.join(dir, 'missing-dir', 'x.json'), 'x'));
      assert.deepEqual((await readdir(dir)).sort(), ['run.otlp.json', 'run.sqlite']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
