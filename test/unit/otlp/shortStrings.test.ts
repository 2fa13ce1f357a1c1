import * as assert from 'node:assert/strict';
import { utf8String, type Utf8Bytes } from '../../../src/core/otlp/shortStrings';

const bytes = (b: Buffer) => b as Buffer & Utf8Bytes;

describe('utf8String (short strings decoded once)', () => {
  it('gives back the same string for the same bytes, wherever they are', () => {
    const a = bytes(Buffer.from('xx gpt-4o-mini yy'));
    const b = bytes(Buffer.from('gpt-4o-mini'));
    const first = utf8String(a, 3, 14);
    assert.equal(first, 'gpt-4o-mini');
    assert.equal(utf8String(b, 0, b.length), 'gpt-4o-mini');
    // One copy: a changed buffer does not change a string given before.
    b.write('GPT');
    assert.equal(first, 'gpt-4o-mini');
    assert.equal(utf8String(b, 0, b.length), 'GPT-4o-mini');
  });

  it('equals a plain UTF-8 decode for many values that share table slots, long values, empty and invalid UTF-8', () => {
    const values = Array.from({ length: 50_000 }, (_, i) => `v${i}-${'é'.repeat(i % 5)}${i % 7 === 0 ? '🙂' : ''}`);
    values.push('', 'x'.repeat(48), 'y'.repeat(49), 'z'.repeat(5000));
    for (let round = 0; round < 2; round++) {
      for (const v of values) {
        const b = bytes(Buffer.from(`..${v}..`));
        assert.equal(utf8String(b, 2, b.length - 2), v);
      }
    }
    const invalid = bytes(Buffer.from([0x61, 0xc3, 0x28, 0xff, 0x62]));
    assert.equal(utf8String(invalid, 0, 5), invalid.toString('utf8'));
    assert.equal(utf8String(invalid, 0, 5), invalid.toString('utf8'));
    const truncated = bytes(Buffer.from('aé', 'utf8'));
    assert.equal(utf8String(truncated, 0, 2), truncated.toString('utf8', 0, 2));
  });
});
