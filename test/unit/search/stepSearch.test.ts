import * as assert from 'node:assert/strict';
import { StepSearch } from '../../../src/core/search/stepSearch';
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
});
