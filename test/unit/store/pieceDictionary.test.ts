// The piece dictionary (store/pieceDictionary.ts) finds pieces by their bytes within its budget; past the
// budget it forgets the oldest and refills their memory, which must never change a piece it still finds.
import * as assert from 'node:assert/strict';
import { PieceDictionary, type Piece } from '../../../src/core/store/pieceDictionary';
import { PrintTable } from '../../../src/core/store/printTable';
import { prng } from '../otlp/helpers';

describe('store: piece dictionary', () => {
  // The store's sizes, and the warm-up's scratch ones (store/warmUp.ts): tiny slabs and columns that grow.
  const sizes = [
    { what: 'the store\'s sizes', sizes: { budget: 3 * 2 ** 20 }, total: 20_000, minFound: 4000, newest: 1000 },
    { what: 'tiny slabs and columns', sizes: { budget: 3 * 2 ** 14, slabBytes: 2 ** 14, columns: 64 }, total: 3000, minFound: 60, newest: 60 },
  ];
  for (const { what, sizes: s, total, minFound, newest } of sizes) {
    it(`finds what it keeps byte for byte, forgets the oldest past its budget, and reuses their memory safely (${what})`, () => {
      const dictionary = new PieceDictionary(s);
      const piece = (i: number) => Buffer.from(`piece ${i} `.padEnd(300 + (i % 200), String.fromCharCode(97 + (i % 26))));
      const kept: Piece[] = [];
      // ~400 bytes a piece: the budget is passed several times over.
      for (let i = 0; i < total; i++) {
        const b = piece(i);
        assert.equal(dictionary.find(b, 0, b.length), -1, `piece ${i} is new`);
        kept.push(dictionary.add(b, 0, b.length));
      }
      let found = 0;
      for (let i = 0; i < total; i++) {
        const b = piece(i);
        const at = dictionary.find(b, 0, b.length);
        if (at < 0) {
          assert.ok(!dictionary.has(kept[i]!), `piece ${i} was forgotten`);
          continue;
        }
        found++;
        assert.equal(at, kept[i]);
        assert.deepEqual(dictionary.bytesOf(at), b, `piece ${i} is intact`);
      }
      assert.ok(found > minFound && found < total, `${found} of ${total} still found`);
      assert.ok(kept.slice(-newest).every((p) => dictionary.has(p)), 'the newest are kept');
    });
  }

  it('its fingerprint table answers as a Map through 200,000 random sets and deletes, growing and shifting runs back', () => {
    const random = prng(20261204);
    const table = new PrintTable();
    const model = new Map<number, number>();
    // Few distinct prints, some differing only in high bits: long probe runs, and deletes in their middle.
    const prints = Array.from({ length: 5000 }, (_, i) => (i % 2 ? i * 0x10000 : i * 2654435761) >>> 0);
    for (let op = 0; op < 200_000; op++) {
      const print = prints[Math.floor(random() * prints.length)]!;
      if (random() < 0.55) {
        table.set(print, op);
        model.set(print | 0, op);
      } else {
        table.delete(print);
        model.delete(print | 0);
      }
      if (op % 20_000 === 0 || op === 199_999) for (const p of prints) assert.equal(table.get(p), model.get(p | 0) ?? -1, `op ${op}, print ${p}`);
    }
  });
});
