// Python agents without an SDK or OpenTelemetry (urllib, httpx sync and async, requests) reading
// OPENAI_BASE_URL, as the launcher sets it: their calls and the tool step between them are recorded.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { GatewayHarness, PLANTED_KEY } from './harness';
import { type PythonClient, pythonAdderAgent, pythonWith } from './pythonAgent';

describe('gateway: Python agents without OpenTelemetry (base URL from the env)', function () {
  this.timeout(30000);
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start()));
  afterEach(() => h.stop());

  for (const client of ['urllib', 'httpx', 'httpx-async', 'requests'] as PythonClient[]) {
    it(`records LLM -> tool -> LLM with tokens (${client})`, async function () {
      const python = pythonWith(client);
      // Said, not hidden: a machine without the library cannot run this client's case.
      if (!python) return this.skip();
      h.mock.answer(
        { json: { id: 'a', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_add', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":3}' } }] } }], usage: { prompt_tokens: 40, completion_tokens: 10, total_tokens: 50 } } },
        { json: { id: 'b', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'It is 5.' } }], usage: { prompt_tokens: 60, completion_tokens: 4, total_tokens: 64 } } },
      );
      const agent = pythonAdderAgent({ client, url: 'os.environ["OPENAI_BASE_URL"].rstrip("/") + "/chat/completions"', authorization: '"Bearer " + os.environ["OPENAI_API_KEY"]' });
      const child = spawn(python, ['-c', agent], { env: { ...process.env, OPENAI_BASE_URL: h.baseUrl('openai'), OPENAI_API_KEY: PLANTED_KEY }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      assert.equal(await new Promise((r) => child.on('exit', r)), 0);
      assert.equal(out.trim(), 'It is 5.');
      const { steps, totals } = await h.session();
      assert.deepEqual(steps.map((s) => `${s.kind}:${s.toolName ?? s.model}`), ['llm:gpt-4o-mini', 'tool:add', 'llm:gpt-4o-mini']);
      assert.equal(steps[1]!.toolResult, '5');
      assert.equal(totals.inputTokens, 100);
      assert.equal(totals.outputTokens, 14);
    });
  }
});
