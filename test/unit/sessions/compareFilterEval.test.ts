// Pure session helpers on recorded fixtures: step alignment for compare, the Sessions view filter, eval JSONL.
import * as assert from 'node:assert/strict';
import { alignSteps, compareTexts, signature } from '../../../src/core/compare/align';
import { evalJsonl, evalRecords } from '../../../src/core/export/evalJsonl';
import { matchesSession, parseFilter } from '../../../src/core/sessions/filter';
import { sessionOf, storeWith } from './helpers';

describe('sessions: compare, filter, eval JSONL', function () {
  this.timeout(30000);

  it('aligns a session with itself minus one tool call: one gap, everything else paired', async () => {
    const { store, sessionId } = await storeWith('vercel-ai-agent');
    const s = sessionOf(store, sessionId);
    const tools = s.steps.filter((x) => x.kind === 'tool');
    const fewer = s.steps.filter((x) => x !== tools[1]);
    const pairs = alignSteps(s.steps, fewer);
    assert.equal(pairs.length, s.steps.length);
    assert.deepEqual(pairs.filter(([, r]) => !r).map(([l]) => l), [tools[1]]);
    for (const [l, r] of pairs) if (l && r) assert.equal(signature(l), signature(r));
    const texts = compareTexts({ name: 'a', session: s }, { name: 'b', session: { ...s, steps: fewer } });
    assert.equal(texts.pairs, s.steps.length);
    assert.match(texts.right, /\(no matching step on this side\)/);
    assert.match(texts.left, /tool getWeather[\s\S]*tool args:[\s\S]*"city": "Paris"[\s\S]*tool result:/);
    assert.match(texts.left, /llm gpt-4o-mini-2024-07-18\nlatency: [\d.]+ ms\ntokens: 120 in \/ 30 out\ncost: \$0\.0000\d+/);
  });

  it('filters by prompt text, tool args, model and errors', async () => {
    const { store, sessionId } = await storeWith('vercel-ai-agent');
    const summary = store.getSession(sessionId)!;
    const steps = sessionOf(store, sessionId).steps;
    const m = (q: string) => matchesSession(parseFilter(q), summary, steps);
    assert.equal(m('Tokyo'), true); // prompt
    assert.equal(m('cloudy'), true); // tool result
    assert.equal(m('model:gpt-4o-mini'), true);
    assert.equal(m('model:claude'), false);
    assert.equal(m('no-such-text-anywhere'), false);
    assert.equal(m('is:error'), summary.errorCount > 0 || steps.some((s) => s.status === 'error'));
    assert.deepEqual(parseFilter('weather model:gpt is:error'), { text: 'weather', model: 'gpt', errorsOnly: true });
  });

  it('eval JSONL: one line per LLM call (aggregates skipped) with inputs, output, tool calls, metadata', async () => {
    const { store, sessionId } = await storeWith('vercel-ai-agent');
    const s = sessionOf(store, sessionId);
    const records = evalRecords(s, { id: sessionId, name: 'run' });
    const calls = s.steps.filter((x) => x.kind === 'llm' && !x.aggregate);
    assert.equal(records.filter((r) => r.type === 'llm_call').length, calls.length);
    const text = evalJsonl(s, { id: sessionId, name: 'run' });
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, records.length);
    const first = lines[0];
    assert.equal(first.metadata.input_tokens, 120);
    assert.ok(first.input.messages.some((m: { role: string; content: string }) => m.role === 'user' && /Paris and in Tokyo/.test(m.content)));
    assert.deepEqual(first.tool_calls.map((c: { name: string }) => c.name), ['getWeather', 'getWeather']);
    assert.ok(lines.at(-1).output.text.length > 0);
  });

  it('eval JSONL: failed steps get a line with their error', async () => {
    for (const name of ['langchain-openinference', 'traceloop-openai', 'genai-semconv']) {
      const { store, sessionId } = await storeWith(name);
      const s = sessionOf(store, sessionId);
      const failed = s.steps.filter((x) => x.status === 'error' && !(x.kind === 'llm' && !x.aggregate));
      const records = evalRecords(s, { id: sessionId, name });
      assert.equal(records.filter((r) => r.type === 'failed_step').length, failed.length, name);
      for (const r of records.filter((x) => x.metadata.status === 'error')) assert.ok(r.error !== undefined, `${name}: error text`);
    }
  });
});
