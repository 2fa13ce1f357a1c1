// The Vercel AI SDK (ai + @ai-sdk/openai, which speaks the Responses API) with a tool loop, no OpenTelemetry.
import * as assert from 'node:assert/strict';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, tool } from 'ai';
import { z } from 'zod';
import { GatewayHarness, PLANTED_KEY } from './harness';

function response(id: string, output: unknown[], usage: { input: number; output: number; cached: number }): unknown {
  return {
    id, object: 'response', created_at: 1767225600, status: 'completed', model: 'gpt-4o-mini-2024-07-18', output, incomplete_details: null, error: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output, total_tokens: usage.input + usage.output, input_tokens_details: { cached_tokens: usage.cached }, output_tokens_details: { reasoning_tokens: 0 } },
  };
}

describe('gateway: the Vercel AI SDK without OpenTelemetry', () => {
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start()));
  afterEach(() => h.stop());

  it('a generateText tool loop over the Responses API: LLM -> tool -> LLM with exact tokens', async () => {
    h.mock.answer(
      { json: response('resp_1', [{ type: 'function_call', id: 'fc_1', call_id: 'call_oslo', name: 'weather', arguments: '{"city":"Oslo"}', status: 'completed' }], { input: 90, output: 15, cached: 64 }) },
      { json: response('resp_2', [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Oslo: 4 °C.', annotations: [] }] }], { input: 130, output: 8, cached: 0 }) },
    );
    const openai = createOpenAI({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('openai') });
    const result = await generateText({
      model: openai('gpt-4o-mini'),
      prompt: 'Weather in Oslo?',
      tools: { weather: tool({ description: 'weather', inputSchema: z.object({ city: z.string() }), execute: ({ city }) => Promise.resolve({ city, temperatureC: 4 }) }) },
      stopWhen: stepCountIs(3),
    });
    assert.equal(result.text, 'Oslo: 4 °C.');
    assert.equal(h.mock.requests[0]!.url, '/v1/responses');
    const { steps, totals } = await h.session();
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.toolName ?? s.model}`), ['llm:gpt-4o-mini-2024-07-18', 'tool:weather', 'llm:gpt-4o-mini-2024-07-18']);
    assert.deepEqual(steps[1]!.toolArgs, { city: 'Oslo' });
    assert.equal(totals.inputTokens, 220);
    assert.equal(totals.cacheReadTokens, 64);
    assert.equal(totals.outputTokens, 23);
    assert.ok(totals.costUsd > 0);
  });
});
