// The Sessions view's rows under a session, made in the worker: the top-level steps in order, each LLM
// step with its place among all the session's LLM calls, and only the fields a row shows.
import * as assert from 'node:assert/strict';
import { parentIndices } from '../../../src/core/agent';
import { sessionOutline } from '../../../src/core/agent/outline';
import { fixtureSteps } from '../debug/dapServer';

describe('agent: the Sessions view outline', () => {
  for (const name of ['genai-semconv', 'langgraph-openinference', 'vercel-ai-agent', 'openai-agents-openinference']) {
    it(`${name}: the top-level steps, LLM steps numbered among all LLM calls, as the host made them`, () => {
      const steps = fixtureSteps(name);
      const parents = parentIndices(steps);
      const llm = steps.filter((s) => s.kind === 'llm');
      const expected = steps.filter((_, i) => parents[i]! < 0).map((s) => [s.id, s.kind === 'llm' ? llm.indexOf(s) + 1 : undefined]);
      const rows = sessionOutline(steps);
      assert.deepEqual(rows.map((r) => [r.step.id, r.llmStep]), expected);
      assert.ok(rows.length > 0);
    });
  }

  it('a row carries what it shows, and of the attributes only a fork\'s replay marks', () => {
    const [first, ...rest] = fixtureSteps('genai-semconv');
    const marked = { ...first!, attributes: { ...first!.attributes, 'agent_debugger.replay': 'forked', 'gen_ai.prompt': 'x'.repeat(10_000) } };
    const [row] = sessionOutline([marked, ...rest]);
    assert.deepEqual(row!.step.attributes, { 'agent_debugger.replay': 'forked' });
    assert.deepEqual(Object.keys(row!.step).sort(), ['attributes', 'costUsd', 'durationMs', 'id', 'kind', 'model', 'name', 'priceMissing', 'status', 'toolName', 'traceId']);
  });
});
