import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSession } from '../../../src/core/agent';
import { readSession } from '../../../src/core/agent/fromStore';
import { parseOtlpText } from '../../../src/core/sessionFiles';
import { StepSearch } from '../../../src/core/search/stepSearch';
import { SpanStore } from '../../../src/core/store/spanStore';
import { fixture } from '../graph/fixtures';

describe('step search (core/search): what a person remembers of a step finds it', () => {
  const vercel = fixture('vercel-ai-agent');
  const traceloop = fixture('traceloop-openai');
  const search = (f: typeof vercel, q: string) => new StepSearch(f.session.steps, f.inputs).find(q);
  const names = (f: typeof vercel, ids: string[]) => ids.map((id) => f.session.steps.find((s) => s.id === id)!.name);

  it('finds tool args and results, prompt and reply text, any case, in step order', () => {
    const steps = vercel.session.steps;
    const tokyo = search(vercel, 'TOKYO');
    assert.equal(tokyo.total, tokyo.ids.length);
    // The Tokyo tool call (args and result), not the Paris one.
    const tools = steps.filter((s) => s.kind === 'tool');
    assert.ok(tokyo.ids.includes(tools.find((s) => JSON.stringify(s.toolArgs).includes('Tokyo'))!.id));
    assert.ok(!tokyo.ids.includes(tools.find((s) => JSON.stringify(s.toolArgs).includes('Paris'))!.id));
    assert.deepEqual(tokyo.ids, steps.filter((s) => tokyo.ids.includes(s.id)).map((s) => s.id), 'in step order');
    // A word of the final reply only.
    const sunny = search(vercel, 'sunny at 24');
    assert.ok(sunny.total >= 1);
  });

  it('finds attribute values and names; nothing for blank or absent text', () => {
    // traceloop.entity.name is an attribute only (not a field of the step).
    const workflow = search(traceloop, 'weather_workflow');
    assert.ok(names(traceloop, workflow.ids).includes('weather_workflow.workflow'));
    assert.deepEqual(search(traceloop, 'gen_ai.request.model').total > 0, true, 'attribute keys too');
    assert.deepEqual(search(traceloop, '   '), { ids: [], total: 0 });
    assert.deepEqual(search(traceloop, 'no such words in any span'), { ids: [], total: 0 });
  });

  it('finds the same steps in a session read from the store (attributes as plain values)', async () => {
    const text = readFileSync(path.join(__dirname, '../../../../test/fixtures/traceloop-openai.otlp.json'), 'utf8');
    const store = await SpanStore.create();
    try {
      const { traces, logs } = parseOtlpText(text);
      for (const t of traces) store.ingestTraces(t);
      for (const l of logs) store.ingestLogs(l);
      const id = store.listSessions()[0]!.id;
      const inputs = readSession(store, id);
      assert.ok(inputs.every((i) => i.span.plainAttributes && i.span.attributes.length === 0));
      const stored = new StepSearch(buildSession(inputs).steps, inputs);
      for (const q of ['weather_workflow', 'gen_ai.request.model', 'traceloop.entity.name', 'gpt', 'TOKYO', '0.7', 'no such words in any span']) {
        assert.deepEqual(stored.find(q), search(traceloop, q), q);
      }
    } finally {
      store.dispose();
    }
  });
});
