// Well-known attribute keys as numbers (wellKnownKeys.ts): the byte lookup the decode worker uses agrees
// with the string one, and nothing else is taken for a well-known key.
import * as assert from 'node:assert/strict';
import { idOfKey, keyOfId } from '../../../src/core/otlp/wellKnownKeys';
import { idOfKeyBytes } from '../../../src/core/store/keyNumbers';

const bytesId = (key: string) => {
  const b = Buffer.from(`xx${key}yy`, 'utf8');
  return idOfKeyBytes(b, 2, b.length - 2);
};

describe('otlp: well-known attribute keys', () => {
  it('numbers every listed key once, and finds each by its bytes as by its string', () => {
    const seen = new Set<string>();
    for (let id = 1; keyOfId(id) !== undefined; id++) {
      const key = keyOfId(id)!;
      assert.ok(!seen.has(key), `"${key}" listed twice`);
      seen.add(key);
      assert.equal(idOfKey(key), id, key);
      assert.equal(bytesId(key), id, key);
    }
    assert.ok(seen.size > 150 && seen.has('gen_ai.request.model') && seen.has('llm.token_count.prompt') && seen.has('ai.model.id'));
  });

  it('keeps the numbers files hold: the first keys never move', () => {
    assert.deepEqual([1, 2, 4, 20, 29].map(keyOfId), ['gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.request.model', 'gen_ai.usage.input_tokens', 'gen_ai.input.messages']);
  });

  it('answers 0 for any other key: prefixes, extensions, case, empty, long and non-ASCII keys', () => {
    for (const key of ['', 'gen_ai', 'gen_ai.request.mode', 'gen_ai.request.model.x', 'GEN_AI.REQUEST.MODEL', 'x'.repeat(500), 'gen_ai.request.modèl', 'my.own.key']) {
      assert.equal(idOfKey(key), 0, key);
      assert.equal(bytesId(key), 0, key);
    }
    assert.equal(keyOfId(1_000_000), undefined);
  });
});
