import * as assert from 'node:assert';
import { lowerBound } from '../../../src/core/lowerBound';

/** The first index in [from, to) at which `before` is false, by walking. */
function walked(to: number, before: (i: number) => boolean, from: number): number {
  let i = from;
  while (i < to && before(i)) i++;
  return i;
}

describe('lowerBound', () => {
  it('finds where a sorted list stops sorting before a value, as a walk does, from any start', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let run = 0; run < 500; run++) {
      // Sorted with repeats (equal starts are common): each value sought, and values between and beyond.
      const list = Array.from({ length: random(40) }, () => random(20)).sort((a, b) => a - b);
      for (let value = -1; value <= 21; value++) {
        const from = random(list.length + 1);
        for (const before of [(i: number) => list[i]! < value, (i: number) => list[i]! <= value]) {
          assert.equal(lowerBound(list.length, before, from), walked(list.length, before, from), `${JSON.stringify(list)} from ${from}, value ${value}`);
        }
      }
    }
  });

  it('answers the range\'s end when the condition holds everywhere, and its start for an empty range', () => {
    assert.equal(lowerBound(5, () => true), 5);
    assert.equal(lowerBound(5, () => false), 0);
    assert.equal(lowerBound(0, () => true), 0);
    assert.equal(lowerBound(3, () => true, 3), 3);
  });
});
