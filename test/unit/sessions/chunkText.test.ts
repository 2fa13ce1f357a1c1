// The import's chunk decoder (import/chunkText.ts): ASCII chunks take the Latin-1 copy, others the
// streaming UTF-8 decoder; wherever a file is cut, even inside a character, the text is the whole file's.
import * as assert from 'node:assert/strict';
import { ChunkText } from '../../../src/core/import/chunkText';

function decoded(bytes: Buffer, cuts: number[]): string {
  const d = new ChunkText();
  let out = '';
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    out += d.text(bytes.subarray(at, cut));
    at = cut;
  }
  return out + d.end();
}

describe('import: a file\'s chunks as text', () => {
  it('gives the whole file\'s text for every cut, ASCII runs before and after multi-byte characters', () => {
    const text = `{"a":"plain ascii"} é ✓ 😀 {"b":"more ascii, then"} ü€ end`;
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= Math.min(bytes.length, i + 5); j++) assert.equal(decoded(bytes, [i, j]), text, `cut at ${i} and ${j}`);
    }
  });

  it('reads bytes that are not UTF-8 as U+FFFD, also when the file ends inside a character', () => {
    assert.equal(decoded(Buffer.from([0x61, 0xff, 0x62]), [1, 2]), 'a\ufffdb');
    assert.equal(decoded(Buffer.from([0x61, 0xe2, 0x9c]), [2]), 'a\ufffd');
    // A cut character followed by ASCII in the next chunk: replaced, and the ASCII after it read as it is.
    assert.equal(decoded(Buffer.from([0x61, 0xe2, 0x62, 0x63]), [2]), 'a\ufffdbc');
  });
});
