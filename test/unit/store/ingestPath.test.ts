// The pieces the ingest path was made fast with: each must give exactly what the plain way gives.
import * as assert from 'node:assert/strict';
import type { SqlJsStatic } from 'sql.js';
import { ByteBuffer } from '../../../src/core/store/byteBuffer';
import { StoreContext } from '../../../src/core/store/context';
import { newStoreDatabase } from '../../../src/core/store/exportImport';
import { loadSqlJs, Statements } from '../../../src/core/store/sqlite';
import { durationMs, nsToMs } from '../../../src/core/otlp/nanos';
import { HeapReserve } from '../../../src/core/store/wasmHeap';
import { bulkRequest, dumpStore, mixedRequest, newStore, str } from './fixtures';

const MB = 2 ** 20;

describe('store: ingest path helpers', () => {
  it('binds span rows through SQLite\'s C API with this sql.js build, and stores them as sql.js binding does', async () => {
    const sql = await loadSqlJs();
    const ctx = new StoreContext(sql, newStoreDatabase(sql), { maxSpans: 1e6, maxBytes: 2 ** 30, sessionGapMs: 60_000 }, Date.now, 'live');
    assert.ok(ctx.stmts.raw('INSERT INTO spans (id) VALUES (?)'), 'the fast binding is not available: span inserts fall back to sql.js');
    ctx.stmts.invalidate();
    ctx.db.close();

    const requests = [mixedRequest(), bulkRequest(300, 0, [str('service.name', 'bulk')])];
    const store = async () => {
      const s = await newStore({ now: () => Date.UTC(2026, 0, 1) });
      for (const req of requests) s.ingestTraces(structuredClone(req));
      const dump = dumpStore(s);
      s.dispose();
      return dump;
    };
    const raw = await store();
    const original = Statements.prototype.raw;
    Statements.prototype.raw = () => undefined; // as with a sql.js build that hides the statement pointer
    try {
      assert.equal(await store(), raw);
    } finally {
      Statements.prototype.raw = original;
    }
  });

  it('reports SQLite\'s own message when a statement bound through the C API fails', async () => {
    const sql = await loadSqlJs();
    const db = new sql.Database();
    const stmts = new Statements(db, sql);
    try {
      db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
      const raw = stmts.raw('INSERT INTO t (id, v) VALUES (?, ?)')!;
      raw.copyText(new Int8Array(Buffer.from('héllo')));
      raw.number(1, 3_000_000_000); // past 32 bits: bound as a double, stored as an integer
      raw.text(2, 0, 6);
      raw.run();
      assert.deepEqual(db.exec('SELECT id, typeof(id), v FROM t')[0]!.values, [[3_000_000_000, 'integer', 'héllo']]);
      raw.number(1, 3_000_000_000);
      raw.text(2, 0, 1);
      assert.throws(() => raw.run(), /UNIQUE constraint failed: t\.id/);
      raw.number(1, 7);
      raw.text(2, 0, 1);
      raw.run(); // still usable after a failure
      assert.equal(db.exec('SELECT count(*) FROM t')[0]!.values[0]![0], 2);
    } finally {
      stmts.invalidate();
      db.close();
    }
  });

  it('nsToMs reads digits by hand with the result of Number() on the two halves', () => {
    const reference = (ns: string) => (ns.length <= 6 ? Number(ns) / 1e6 : Number(ns.slice(0, -6)) + Number(ns.slice(-6)) / 1e6);
    const cases = ['0', '', '999999', '1000000', '1767225600000000001', '18446744073709551615', '0001767225600000000001', '9'.repeat(21), '9'.repeat(22), '12a4567', '-1767225600000000000', ' 1767225600000000000', '1e21'];
    let seed = 3;
    for (let i = 0; i < 500; i++) {
      let digits = '';
      for (let j = 1 + (i % 22); j > 0; j--) digits += String((seed = (seed * 48271) % 2147483647) % 10);
      cases.push(digits);
    }
    for (const ns of cases) assert.ok(Object.is(nsToMs(ns), reference(ns)), ns);
    // durationMs likewise: the result of Number() on the halves of both ends.
    const duration = (s: string, e: string) =>
      s.length <= 6 || e.length <= 6 ? (Number(e) - Number(s)) / 1e6 : Number(e.slice(0, -6)) - Number(s.slice(0, -6)) + (Number(e.slice(-6)) - Number(s.slice(-6))) / 1e6;
    for (let i = 0; i + 1 < cases.length; i++) {
      const [s, e] = [cases[i]!, cases[cases.length - 1 - i]!];
      if (s.length > 6 && e.length > 6) assert.ok(Object.is(durationMs(s, e), duration(s, e)), `${s} .. ${e}`);
    }
    assert.ok(Math.abs(durationMs('1767225600000000000', '1767225600001500250') - 1.50025) < 1e-9);
    assert.ok(Number.isNaN(durationMs('1767225600000000000', '17672256000015x0250')));
  });

  it('ByteBuffer hands out UTF-8 views that stay valid until reset, growing for large text', () => {
    const scratch = new ByteBuffer();
    const a = scratch.stringView('plain');
    const b = scratch.stringView('ünïcode ✓ 😀');
    const big = 'x'.repeat(200_000);
    const c = scratch.stringView(big);
    const text = (v: Int8Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
    assert.deepEqual([text(a), text(b), text(c).length], ['plain', 'ünïcode ✓ 😀', big.length]);
    scratch.length = 0;
    assert.equal(text(scratch.stringView('again')), 'again');
  });

  it('HeapReserve reserves in doubling steps ahead of the database, and copes with a refused malloc', () => {
    const calls: number[] = [];
    let limit = Infinity;
    const sql = {
      _malloc: (n: number) => (n <= limit ? (calls.push(n), 8) : 0),
      _free: () => undefined,
    } as unknown as SqlJsStatic;
    const heap = new HeapReserve(sql);
    heap.ensure(1 * MB);
    heap.ensure(50 * MB); // still inside the first reservation
    assert.deepEqual(calls, [128 * MB]);
    heap.ensure(100 * MB);
    heap.ensure(300 * MB);
    assert.deepEqual(calls, [128 * MB, 128 * MB, 300 * MB]);
    limit = 100 * MB;
    heap.ensure(600 * MB); // 600 and 300 refused: 150 too, then 75 MB fits
    assert.deepEqual(calls.slice(3), [75 * MB]);
    assert.doesNotThrow(() => new HeapReserve({} as SqlJsStatic).ensure(10 * MB));
  });

  it('a real reservation grows the wasm heap without touching its pages', async function () {
    this.timeout(20_000);
    const sql = await loadSqlJs();
    const rss = process.memoryUsage().rss;
    new HeapReserve(sql).ensure(400 * MB);
    assert.ok(process.memoryUsage().rss - rss < 64 * MB, 'reserved pages stay untouched');
  });
});
