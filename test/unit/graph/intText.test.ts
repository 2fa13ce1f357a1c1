import * as assert from 'node:assert/strict';
import { intColumn, intsText, joinedText, splitText, textInts } from '../../../src/protocol/intText';
import { seededUnit } from '../seeded';

describe('integer columns as text (protocol/intText)', () => {
  it('round-trips integers of every size and sign exactly', () => {
    const random = seededUnit(11);
    const values = [0, 1, -1, 15, -16, 16, 31, 32, 1023, 1024, -1024, 2 ** 31, -(2 ** 31), 2 ** 52 - 1, -(2 ** 52 - 1)];
    for (let i = 0; i < 20_000; i++) values.push(Math.round((random() - 0.5) * 2 ** Math.floor(random() * 53)));
    const text = intsText(values);
    assert.match(text, /^[A-Za-z0-9_-]*$/, 'JSON-safe characters only: no quote or backslash to escape');
    assert.deepEqual(Array.from(textInts(text)), values.map((v) => v + 0)); // -0 comes back as 0
    assert.deepEqual(Array.from(intColumn(text)), Array.from(textInts(text)));
  });

  it('a small delta is one character', () => {
    assert.equal(intsText([0, 1, -1, 15, -16]).length, 5);
    assert.equal(intsText([16, -17, 511]).length, 6);
    assert.equal(intsText([]), '');
  });

  it('what is not a whole number within 2^52 is written as 0 (fractions rounded)', () => {
    assert.deepEqual(Array.from(textInts(intsText([NaN, Infinity, -Infinity, 2 ** 53, 2.4, -2.6, 7]))), [0, 0, 0, 0, 2, -3, 7]);
  });

  it('hostile text: foreign characters end an integer, an unfinished one is dropped, an endless one is 0, in linear time', () => {
    assert.deepEqual(Array.from(textInts('C*E')), [1, 0, 2], "'*' ends an integer as a last digit 0");
    assert.deepEqual(Array.from(textInts('Cg')), [1], "'g' (32: more follows) never finishes");
    const endless = `${'_'.repeat(1_000_000)}A`;
    const started = Date.now();
    assert.deepEqual(Array.from(textInts(endless)), [0]);
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(Array.from(textInts('\u{1F600}\uFFFF')), [0, 0, 0]);
  });

  it('a column may also come as an array (rounded; anything else 0) and as nothing at all', () => {
    assert.deepEqual(Array.from(intColumn([1, 2.5, 'x', null, 1e300, -3])), [1, 3, 0, 0, 0, -3]);
    assert.deepEqual(Array.from(intColumn(undefined)), []);
    assert.deepEqual(Array.from(intColumn({ length: 5 })), []);
  });

  it('strings travel as one text and their lengths, and come back exactly', () => {
    const strings = ['', 'search_flights', 'say "hi" \\ back', '\u{1F600} emoji', '\u0000\n\t', 'x'.repeat(5000), ''];
    const sent = JSON.parse(JSON.stringify(joinedText(strings))) as unknown;
    assert.deepEqual(splitText(sent), strings);
    assert.deepEqual(splitText(joinedText([])), []);
  });

  it('hostile joined text: lengths past the end take what is left, negative ones are empty, other shapes are no strings', () => {
    assert.deepEqual(splitText({ text: 'abcdef', lengths: intsText([2, -5, 100, 3]) }), ['ab', '', 'cdef', '']);
    assert.deepEqual(splitText({ text: 'abc', lengths: [1, 1.6] }), ['a', 'bc']);
    assert.deepEqual(splitText(['a', 7]), ['a', '7'], 'a plain list of strings is taken as it is');
    for (const v of [undefined, null, 'abc', { lengths: 'C' }, { text: 5 }]) assert.deepEqual(splitText(v), []);
  });
});
