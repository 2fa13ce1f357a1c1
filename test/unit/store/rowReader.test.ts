import * as assert from 'node:assert/strict';
import type { Database, SqlJsStatic } from 'sql.js';
import { RowReader } from '../../../src/core/store/rowReader';
import { allRows, forEachRow, loadSqlJs, Statements } from '../../../src/core/store/sqlite';

describe('store: rows read through the C API (rowReader)', () => {
  let sql: SqlJsStatic;
  let db: Database;
  before(async () => {
    sql = await loadSqlJs();
    db = new sql.Database();
    db.run('CREATE TABLE t (k INTEGER PRIMARY KEY, a, b, c)');
  });
  after(() => db.close());

  const values: [unknown, unknown, unknown][] = [
    [0, -1, 2 ** 31],
    [2 ** 53 - 1, -(2 ** 40), 1.5],
    ['', 'x', 'héllo wörld · 日本 · 🙂'],
    ['a\u0000b', 'ascii only, a little longer than sixteen bytes', 'x'.repeat(100_000)],
    [new Uint8Array(0), new Uint8Array([0, 1, 2, 255]), new Uint8Array(70_000).map((_, i) => i * 7)],
    [null, 'mixed', new Uint8Array([9])],
    [Number.MAX_VALUE, -0.25, 1e-300],
  ];

  it('gives every row as sql.js get() gives it: numbers, text of any script, blobs, NULL', () => {
    const insert = db.prepare('INSERT INTO t (a, b, c) VALUES (?, ?, ?)');
    for (const row of values) insert.run(row as never);
    insert.free();
    const text = 'SELECT k, a, b, c, typeof(a) FROM t ORDER BY k';
    const stmt = db.prepare(text);
    const reader = RowReader.open(sql, stmt, text);
    assert.ok(reader, 'the store loads sql.js so that rows can be read through the C API');
    const ours: unknown[][] = [];
    const theirs: unknown[][] = [];
    while (stmt.step()) {
      ours.push(reader.row());
      theirs.push(stmt.get());
    }
    stmt.free();
    assert.equal(ours.length, values.length);
    assert.deepStrictEqual(ours, theirs);
    assert.deepStrictEqual(ours.map((r) => r.slice(1, 4)), values);
  });

  it('with `passing`, reads every blob the same into one reused buffer (the next row overwrites it)', () => {
    const stmts = new Statements(db, sql);
    // A row of three blobs (70 KB among them: the buffer grows), then rows of one.
    const text = 'SELECT a, b, c FROM t WHERE typeof(c) = ? ORDER BY k';
    const copies = allRows(stmts, text, ['blob']);
    const passing: unknown[][] = [];
    const views: Uint8Array[] = [];
    forEachRow(stmts, text, ['blob'], (r) => {
      passing.push(r.map((v) => (v instanceof Uint8Array ? new Uint8Array(v) : v)));
      views.push(...r.filter((v): v is Uint8Array => v instanceof Uint8Array));
    }, true);
    assert.deepStrictEqual(passing, copies);
    assert.ok(views.length >= 4 && views.at(-1)!.buffer === views.at(-2)!.buffer, 'one buffer for the rows after');
    stmts.invalidate();
  });

  it('gives each blob its own copy: later steps and writes leave a read row as it was', () => {
    const stmts = new Statements(db, sql);
    const rows = allRows(stmts, 'SELECT c FROM t WHERE typeof(c) = ? ORDER BY k', ['blob']);
    const before = rows.map((r) => Array.from(r[0] as Uint8Array));
    assert.ok(rows.every((r) => Object.getPrototypeOf(r[0]) === Uint8Array.prototype), 'plain Uint8Arrays, as sql.js gives');
    db.run('UPDATE t SET c = zeroblob(length(c)) WHERE typeof(c) = ?', ['blob']);
    // Grow the heap: a row read before keeps its bytes, and rows read after see the new heap.
    db.run('CREATE TABLE big (v)');
    db.run('INSERT INTO big VALUES (zeroblob(64 * 1024 * 1024))');
    assert.deepStrictEqual(rows.map((r) => Array.from(r[0] as Uint8Array)), before);
    const after = allRows(stmts, 'SELECT length(v), substr(v, 1, 4) FROM big');
    assert.deepStrictEqual(after, [[64 * 1024 * 1024, new Uint8Array(4)]]);
    const zeroed = allRows(stmts, 'SELECT c FROM t WHERE typeof(c) = ? ORDER BY k', ['blob']);
    assert.ok(zeroed.every((r) => (r[0] as Uint8Array).every((b) => b === 0)));
    stmts.invalidate();
  });
});
