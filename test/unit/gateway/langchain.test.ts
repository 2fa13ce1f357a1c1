// LangChain.js (@langchain/openai) with NO OpenTelemetry, pointed at the gateway's OpenAI base URL: each
// model call is an LLM step with exact tokens and $, and the tool it asked for is a step between them.
import * as assert from 'node:assert/strict';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { GatewayHarness, PLANTED_KEY } from './harness';

function completion(id: string, message: unknown, finish: string, prompt: number, completionTokens: number): unknown {
  return { id, object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, finish_reason: finish, message }], usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens } };
}

describe('gateway: LangChain.js ChatOpenAI without OpenTelemetry', () => {
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start()));
  afterEach(() => h.stop());

  it('records LLM -> tool -> LLM with exact tokens and $', async () => {
    h.mock.answer(
      { json: completion('c1', { role: 'assistant', content: null, tool_calls: [{ id: 'call_lc1', type: 'function', function: { name: 'get_time', arguments: '{"zone":"UTC"}' } }] }, 'tool_calls', 410, 22) },
      { json: completion('c2', { role: 'assistant', content: 'It is noon.' }, 'stop', 455, 6) },
    );
    const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: PLANTED_KEY, maxRetries: 0, configuration: { baseURL: h.baseUrl('openai') } })
      .bindTools([{ type: 'function', function: { name: 'get_time', description: 'Current time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } }]);
    const messages: BaseMessage[] = [new HumanMessage('What time is it?')];
    const first = await model.invoke(messages);
    const call = first.tool_calls![0]!;
    assert.equal(call.name, 'get_time');
    messages.push(first as AIMessage, new ToolMessage({ tool_call_id: call.id!, content: '12:00' }));
    const second = await model.invoke(messages);
    assert.equal(second.content, 'It is noon.');

    assert.equal(h.mock.requests[0]!.url, '/v1/chat/completions');
    const { steps, totals } = await h.session();
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.name}`), ['llm:chat gpt-4o-mini', 'tool:execute_tool get_time', 'llm:chat gpt-4o-mini']);
    assert.equal(steps[0]!.inputTokens, 410);
    assert.equal(steps[0]!.outputTokens, 22);
    assert.equal(steps[2]!.inputTokens, 455);
    assert.equal(steps[2]!.outputTokens, 6);
    assert.ok(steps[0]!.costUsd! > 0 && steps[2]!.costUsd! > 0, 'priced');
    assert.equal(totals.costUsd, steps[0]!.costUsd! + steps[2]!.costUsd!);
  });
});
