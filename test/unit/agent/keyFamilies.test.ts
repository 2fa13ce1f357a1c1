// scanKeys: which dialects' keys a span carries, each distinct key judged once and remembered (a bounded map).
import * as assert from 'node:assert/strict';
import { scanKeys, type KeyFamilies } from '../../../src/core/agent/dialects/dialect';

const none: KeyFamilies = { genai: false, ai: false, openinference: false, traceloop: false };
const only = (f: Partial<KeyFamilies>): KeyFamilies => ({ ...none, ...f });
const scan = (...keys: string[]) => ({ ...scanKeys(Object.fromEntries(keys.map((k) => [k, 1]))) });

/** Keys and the families each one alone gives. */
const table: [string, KeyFamilies][] = [
  ['gen_ai.request.model', only({ genai: true })],
  ['gen_ai.prompt.0.content', only({ genai: true, traceloop: true })],
  ['gen_ai.completion.0.role', only({ genai: true, traceloop: true })],
  ['gen_ai', none],
  ['ai.model.id', only({ ai: true })],
  ['aix', none],
  ['llm.usage.total_tokens', only({ traceloop: true })],
  ['llm.request.type', only({ traceloop: true })],
  ['llm.prompts.0.content', only({ traceloop: true })],
  ['llm.completions.0.content', only({ traceloop: true })],
  ['llm.vendor', only({ traceloop: true })],
  ['llm.model_name', only({ openinference: true })],
  ['llm.token_count.prompt', only({ openinference: true })],
  ['traceloop.span.kind', only({ traceloop: true })],
  ['tool.name', only({ openinference: true })],
  ['tool.names', none],
  ['openinference.span.kind', only({ openinference: true })],
  ['input.value', only({ openinference: true })],
  ['input.mime_type', none],
  ['embedding.model_name', only({ openinference: true })],
  ['retrieval.documents.0.document.content', only({ openinference: true })],
  ['http.method', none],
  ['', none],
];

describe('agent: the key families of a span (scanKeys)', () => {
  it('judges each key as the dialects define their keys, and a span has the families of all its keys', () => {
    for (const [key, want] of table) {
      assert.deepEqual(scan(key), want, key);
      assert.deepEqual(scan(key), want, `${key}, asked again (remembered)`);
    }
    assert.deepEqual(scan('gen_ai.request.model', 'ai.model.id', 'tool.name'), only({ genai: true, ai: true, openinference: true }));
    assert.deepEqual(scan('http.method', 'llm.vendor'), only({ traceloop: true }));
    assert.deepEqual(scan(), none);
  });

  it('stays right past the keys it remembers (thousands of numbered keys) and for very long keys', () => {
    const numbered = Array.from({ length: 5000 }, (_, i) => `llm.prompts.${i}.content`);
    assert.deepEqual(scan(...numbered), only({ traceloop: true }));
    for (const [key, want] of table) assert.deepEqual(scan(key), want, `${key} after 5,000 other keys`);
    const long = `gen_ai.${'x'.repeat(5000)}`;
    assert.deepEqual(scan(long), only({ genai: true }));
    assert.deepEqual(scan(long, 'ai.x'), only({ genai: true, ai: true }));
    assert.deepEqual(scan(`openinference.${'y'.repeat(300)}`), none);
  });

  it('gives answers nobody can change for the next span', () => {
    const f = scanKeys({ 'gen_ai.request.model': 'm' });
    // Modules run strict: writing to a frozen object throws.
    assert.throws(() => ((f as { genai: boolean }).genai = false), TypeError);
    assert.equal(scanKeys({ 'gen_ai.request.model': 'm' }).genai, true);
  });
});
