// The pieces the ingest path was made fast with: each must give exactly what the plain way gives.
import * as assert from 'node:assert/strict';
import type { SqlJsStatic } from 'sql.js';
import { loadSqlJs } from '../../../src/core/store/sqlite';
import { Utf8Scratch } from '../../../src/core/store/spanData';
import { nsToMs } from '../../../src/core/store/values';
import { HeapReserve } from '../../../src/core/store/wasmHeap';

const MB = 2 ** 20;

describe('store: ingest path helpers', () => {
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
  });

  it('Utf8Scratch hands out UTF-8 views that stay valid until reset, growing for large text', () => {
    const scratch = new Utf8Scratch();
    const a = scratch.bytes('plain');
    const b = scratch.bytes('ünïcode ✓ 😀');
    const big = 'x'.repeat(200_000);
    const c = scratch.bytes(big);
    const text = (v: Int8Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
    assert.deepEqual([text(a), text(b), text(c).length], ['plain', 'ünïcode ✓ 😀', big.length]);
    scratch.reset();
    assert.equal(text(scratch.bytes('again')), 'again');
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
