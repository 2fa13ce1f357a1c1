import * as assert from 'node:assert/strict';
import { TextMemo } from '../../../src/core/agent/textMemo';

/** A ~2 KB text: `head` first, then a long middle all texts share, then the same ending. */
const longText = (head: string) => `${head} ${'The same long middle of every conversation. '.repeat(48)} and the same last message of them all.`;

describe('TextMemo: a long text keyed by its end, checked whole', () => {
  it('a text equal to one seen (another string object) is computed once', () => {
    const memo = new TextMemo<string>();
    let computed = 0;
    const compute = (t: string) => (computed++, `value of ${t.slice(0, 5)}`);
    const a = longText('first');
    const again = `fi${longText('rst')}`; // built apart: equal content, another string
    assert.equal(again, a);
    assert.equal(memo.get(a, compute), 'value of first');
    assert.equal(memo.get(again, compute), 'value of first');
    assert.equal(computed, 1);
  });

  it('texts that end alike but differ elsewhere each get their own value, however they alternate', () => {
    const memo = new TextMemo<string>();
    const texts = ['run 1', 'run 2', 'run 3'].map(longText);
    const seen: string[] = [];
    for (let round = 0; round < 4; round++) for (const t of texts) seen.push(memo.get(t, (x) => x.slice(0, 5)));
    assert.deepEqual(seen, Array.from({ length: 4 }, () => ['run 1', 'run 2', 'run 3']).flat());
  });

  it('short texts are their own keys; an undefined value is computed again', () => {
    const memo = new TextMemo<number | undefined>();
    let computed = 0;
    assert.equal(memo.get('{"a":1}', () => (computed++, 1)), 1);
    assert.equal(memo.get('{"a":1}', () => (computed++, 2)), 1);
    assert.equal(memo.get('{"b":1}', () => (computed++, undefined)), undefined);
    assert.equal(memo.get('{"b":1}', () => (computed++, 3)), 3);
    assert.equal(computed, 3);
  });

  it('stays right past its bound (the older generation is forgotten, values never mixed up)', () => {
    const memo = new TextMemo<number>();
    // ~2 KB each: 6,000 of them is three generations of 4 MB.
    for (let i = 0; i < 6000; i++) assert.equal(memo.get(longText(`text ${i}`), () => i), i);
    assert.equal(memo.get(longText('text 5999'), () => -1), 5999, 'a recent text is still kept');
    assert.equal(memo.get(longText('text 0'), () => -1), -1, 'the oldest was forgotten and is computed again');
  });
});
