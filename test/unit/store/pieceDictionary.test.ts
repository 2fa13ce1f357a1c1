// The piece dictionary (store/pieceDictionary.ts) finds pieces by their bytes within its budget; past the
// budget it forgets the oldest and refills their memory, which must never change a piece it still finds.
import * as assert from 'node:assert/strict';
import { bytesOf, PieceDictionary, type Seen } from '../../../src/core/store/pieceDictionary';

describe('store: piece dictionary', () => {
  it('finds what it keeps byte for byte, forgets the oldest past its budget, and reuses their memory safely', () => {
    const dictionary = new PieceDictionary(3 * 2 ** 20);
    const piece = (i: number) => Buffer.from(`piece ${i} `.padEnd(300 + (i % 200), String.fromCharCode(97 + (i % 26))));
    const kept: Seen[] = [];
    const total = 20_000; // ~8 MB of pieces: the budget is passed several times over
    for (let i = 0; i < total; i++) {
      const b = piece(i);
      assert.equal(dictionary.find(b, 0, b.length), undefined, `piece ${i} is new`);
      kept.push(dictionary.add(b, 0, b.length));
    }
    let found = 0;
    for (let i = 0; i < total; i++) {
      const b = piece(i);
      const seen = dictionary.find(b, 0, b.length);
      if (!seen) {
        assert.ok(kept[i]!.forgotten, `piece ${i} was forgotten`);
        continue;
      }
      found++;
      assert.equal(seen, kept[i]);
      assert.deepEqual(bytesOf(seen), b, `piece ${i} is intact`);
    }
    assert.ok(found > 4000 && found < total, `${found} of ${total} still found`);
    assert.ok(kept.slice(-1000).every((s) => !s.forgotten), 'the newest are kept');
  });
});
