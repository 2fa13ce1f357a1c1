import * as assert from 'node:assert/strict';
import { normaliseSession } from '../../../src/core/agent/session';
import { normaliseSpan } from '../../../src/core/agent/normalise';
import { spanInput } from './synthetic';

const step = (attrs: Record<string, unknown>, extra: Parameters<typeof spanInput>[0] = {}) => normaliseSpan(spanInput({ ...extra, attrs }));

describe('agent: dialect readers', () => {
  describe('OTel GenAI semconv', () => {
    it('reads the old convention (gen_ai.system, prompt/completion token names, no operation name)', () => {
      const s = step({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.prompt_tokens': 10, 'gen_ai.usage.completion_tokens': 5 });
      assert.deepEqual([s.kind, s.provider, s.model, s.inputTokens, s.outputTokens], ['llm', 'openai', 'gpt-4o', 10, 5]);
    });

    it('reads the new convention with structured (non-string) message attributes and cache/reasoning usage', () => {
      const s = step({
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-x', 'gen_ai.response.model': 'claude-x-1',
        'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 20, 'gen_ai.usage.cache_read.input_tokens': 60, 'gen_ai.usage.cache_creation.input_tokens': 10, 'gen_ai.usage.reasoning.output_tokens': 5,
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', finish_reason: 'stop', parts: [{ type: 'text', content: 'yo' }] }],
        'gen_ai.system_instructions': [{ type: 'text', content: 'be kind' }],
      });
      assert.deepEqual([s.model, s.provider, s.inputTokens, s.cacheReadTokens, s.cacheWriteTokens, s.reasoningTokens], ['claude-x-1', 'anthropic', 100, 60, 10, 5]);
      assert.deepEqual(s.inputMessages, [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }]);
      assert.deepEqual(s.outputMessages, [{ role: 'assistant', parts: [{ type: 'text', text: 'yo' }], finishReason: 'stop' }]);
      assert.equal(s.systemPrompt, 'be kind');
    });

    it('reads messages from span events: operation details, per-message events, and the oldest content events', () => {
      const details = step({ 'gen_ai.operation.name': 'chat' }, {
        events: [{ name: 'gen_ai.client.inference.operation.details', attrs: { 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"q"}]}]', 'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"text","content":"a"}]}]' } }],
      });
      assert.deepEqual([details.inputMessages?.[0].parts, details.outputMessages?.[0].parts], [[{ type: 'text', text: 'q' }], [{ type: 'text', text: 'a' }]]);
      const perMessage = step({ 'gen_ai.operation.name': 'chat' }, {
        events: [
          { name: 'gen_ai.system.message', attrs: { content: 'sys' } },
          { name: 'gen_ai.assistant.message', attrs: { tool_calls: '[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]' } },
          { name: 'gen_ai.tool.message', attrs: { id: 'c', content: '42' } },
          { name: 'gen_ai.choice', attrs: { index: 0, finish_reason: 'stop', message: '{"content":"done"}' } },
        ],
      });
      assert.deepEqual(perMessage.inputMessages?.map((m) => [m.role, m.parts[0].type]), [['system', 'text'], ['assistant', 'tool_call'], ['tool', 'tool_result']]);
      assert.deepEqual(perMessage.outputMessages, [{ role: 'assistant', parts: [{ type: 'text', text: 'done' }], finishReason: 'stop' }]);
      assert.equal(perMessage.systemPrompt, 'sys');
      const oldest = step({ 'gen_ai.system': 'openai' }, { events: [{ name: 'gen_ai.content.prompt', attrs: { 'gen_ai.prompt': '[{"role":"user","content":"old"}]' } }] });
      assert.deepEqual(oldest.inputMessages, [{ role: 'user', parts: [{ type: 'text', text: 'old' }] }]);
    });

    it('takes the input from the attribute and still the system prompt and the answer from events (a per-message event re-roled as system included)', () => {
      const s = step({ 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': '[{"role":"system","parts":[{"type":"text","content":"from the attribute"}]},{"role":"user","parts":[{"type":"text","content":"q"}]}]' }, {
        events: [
          { name: 'gen_ai.user.message', attrs: { content: 'ignored: the attribute has the input' } },
          { name: 'gen_ai.user.message', attrs: { role: 'system', content: 'from an event' } },
          { name: 'gen_ai.choice', attrs: { index: 0, finish_reason: 'stop', message: '{"content":"done"}' } },
        ],
      });
      assert.deepEqual(s.inputMessages?.map((m) => [m.role, m.parts]), [['system', [{ type: 'text', text: 'from the attribute' }]], ['user', [{ type: 'text', text: 'q' }]]]);
      assert.equal(s.systemPrompt, 'from an event');
      assert.deepEqual(s.outputMessages, [{ role: 'assistant', parts: [{ type: 'text', text: 'done' }], finishReason: 'stop' }]);
      // Without a system event, the attribute's system message is the prompt.
      const plain = step({ 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': '[{"role":"system","parts":[{"type":"text","content":"from the attribute"}]}]' }, {
        events: [{ name: 'gen_ai.user.message', attrs: { content: 'q' } }],
      });
      assert.equal(plain.systemPrompt, 'from the attribute');
    });

    it('reads messages from OTLP log records joined to the span (eventName or event.name attribute, body)', () => {
      const s = step({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' }, {
        logs: [
          { eventName: 'gen_ai.user.message', body: { content: 'from a log' } },
          { eventName: '', attrs: { 'event.name': 'gen_ai.choice' }, body: { index: 0, message: { content: 'answer' }, finish_reason: 'stop' } },
        ],
      });
      assert.deepEqual(s.inputMessages, [{ role: 'user', parts: [{ type: 'text', text: 'from a log' }] }]);
      assert.deepEqual(s.outputMessages, [{ role: 'assistant', parts: [{ type: 'text', text: 'answer' }], finishReason: 'stop' }]);
      assert.deepEqual(s.events?.map((e) => e.source), ['log', 'log']);
    });

    it('reads execute_tool / invoke_agent spans (Vercel AI SDK v7 GenAI spans too), errors and code.* sources', () => {
      const tool = step({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'weather', 'gen_ai.tool.call.id': 'c1', 'gen_ai.tool.call.arguments': '{"city":"Oslo"}', 'gen_ai.tool.call.result': '{"t":3}', 'error.type': 'TimeoutError', 'code.filepath': 'src/tools.ts', 'code.lineno': 12 });
      assert.deepEqual([tool.kind, tool.toolName, tool.toolCallId, tool.toolArgs, tool.toolResult], ['tool', 'weather', 'c1', { city: 'Oslo' }, { t: 3 }]);
      assert.deepEqual([tool.status, tool.error], ['error', 'TimeoutError']);
      assert.deepEqual(tool.source, { path: 'src/tools.ts', line: 12, how: 'attribute', confidence: 1 });
      const agent = step({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather-agent', 'gen_ai.provider.name': 'openai' }, { name: 'invoke_agent gpt-4o' });
      assert.deepEqual([agent.kind, agent.agentName], ['agent', 'weather-agent']);
      const failed = step({ 'gen_ai.operation.name': 'chat' }, { status: { code: 2 }, events: [{ name: 'exception', attrs: { 'exception.type': 'APIError', 'exception.message': '429' } }] });
      assert.equal(failed.error, 'APIError: 429');
      assert.equal(step({}, { name: 'embeddings text-embedding-3-small' }).kind, 'embedding');
    });
  });

  describe('Vercel AI SDK ai.* spans', () => {
    const base = { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'gpt-4o', 'ai.model.provider': 'openai.chat' };
    it('reads every usage-key variant (v4 promptTokens, v5 inputTokens + cachedInputTokens, v6/v7 token details)', () => {
      const v4 = step({ ...base, 'ai.usage.promptTokens': 11, 'ai.usage.completionTokens': 3 });
      const v5 = step({ ...base, 'ai.operationId': 'ai.streamText.doStream', 'ai.usage.inputTokens': 12, 'ai.usage.outputTokens': 4, 'ai.usage.reasoningTokens': 2, 'ai.usage.cachedInputTokens': 5 });
      const v6 = step({ ...base, 'ai.usage.inputTokens': 13, 'ai.usage.outputTokens': 6, 'ai.usage.inputTokenDetails.cacheReadTokens': 7, 'ai.usage.inputTokenDetails.cacheWriteTokens': 1, 'ai.usage.outputTokenDetails.reasoningTokens': 3 });
      const embed = step({ 'ai.operationId': 'ai.embed.doEmbed', 'ai.model.id': 'text-embedding-3-small', 'ai.usage.tokens': 9 });
      assert.deepEqual([v4.kind, v4.inputTokens, v4.outputTokens], ['llm', 11, 3]);
      assert.deepEqual([v5.kind, v5.inputTokens, v5.outputTokens, v5.reasoningTokens, v5.cacheReadTokens], ['llm', 12, 4, 2, 5]);
      assert.deepEqual([v6.inputTokens, v6.cacheReadTokens, v6.cacheWriteTokens, v6.reasoningTokens], [13, 7, 1, 3]);
      assert.deepEqual([embed.kind, embed.inputTokens], ['embedding', 9]);
    });

    it('reads prompts, responses, tool calls (args or input) and the agent root', () => {
      const root = step({ 'ai.operationId': 'ai.generateText', 'ai.telemetry.functionId': 'planner', 'ai.prompt': '{"system":"S","prompt":"P"}', 'ai.response.text': 'R' });
      assert.deepEqual([root.kind, root.agentName, root.systemPrompt], ['agent', 'planner', 'S']);
      assert.deepEqual(root.inputMessages?.map((m) => m.role), ['system', 'user']);
      const call = step({ ...base, 'ai.prompt.messages': '[{"role":"user","content":"hi"}]', 'ai.response.toolCalls': '[{"toolCallType":"function","toolCallId":"x","toolName":"t","args":"{\\"a\\":1}"}]', 'ai.response.finishReason': 'tool-calls' });
      assert.deepEqual(call.outputMessages, [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'x', name: 't', arguments: { a: 1 } }], finishReason: 'tool-calls' }]);
      const tool = step({ 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 't', 'ai.toolCall.id': 'x', 'ai.toolCall.input': '{"a":1}', 'ai.toolCall.output': '"ok"' });
      assert.deepEqual([tool.kind, tool.toolName, tool.toolCallId, tool.toolArgs, tool.toolResult], ['tool', 't', 'x', { a: 1 }, 'ok']);
      assert.equal(step({ 'ai.operationId': 'ai.generateObject' }).kind, 'chain');
    });
  });

  describe('OpenInference', () => {
    it('reads span kinds, flattened messages with contents and tool calls, token counts and the LangChain provider', () => {
      const s = step({
        'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', 'llm.provider': 'openai',
        'llm.token_count.prompt': 50, 'llm.token_count.completion': 7, 'llm.token_count.prompt_details.cache_read': 20, 'llm.token_count.prompt_details.cache_write': 4, 'llm.token_count.completion_details.reasoning': 2,
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.contents.0.message_content.type': 'text',
        'llm.input_messages.0.message.contents.0.message_content.text': 'look',
        'llm.input_messages.0.message.contents.1.message_content.type': 'image',
        'llm.input_messages.0.message.contents.1.message_content.image.image.url': 'https://img',
        'llm.input_messages.1.message.role': 'tool', 'llm.input_messages.1.message.tool_call_id': 'k1', 'llm.input_messages.1.message.content': '5',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'k2',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'calc',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"x":2}',
      });
      assert.deepEqual([s.kind, s.model, s.provider, s.inputTokens, s.outputTokens, s.cacheReadTokens, s.cacheWriteTokens, s.reasoningTokens], ['llm', 'gpt-4o-mini', 'openai', 50, 7, 20, 4, 2]);
      assert.deepEqual(s.inputMessages, [
        { role: 'user', parts: [{ type: 'text', text: 'look' }, { type: 'media', modality: 'image', uri: 'https://img' }] },
        { role: 'tool', parts: [{ type: 'tool_result', id: 'k1', result: '5' }] },
      ]);
      assert.deepEqual(s.outputMessages?.[0].parts, [{ type: 'tool_call', id: 'k2', name: 'calc', arguments: { x: 2 } }]);
      const kinds = ['AGENT', 'CHAIN', 'RETRIEVER', 'RERANKER', 'EMBEDDING', 'GUARDRAIL', 'EVALUATOR', 'TOOL'].map((k) => step({ 'openinference.span.kind': k }).kind);
      assert.deepEqual(kinds, ['agent', 'chain', 'retrieval', 'retrieval', 'embedding', 'guardrail', 'other', 'tool']);
      assert.equal(step({ 'openinference.span.kind': 'LLM', metadata: '{"ls_provider":"anthropic"}' }).provider, 'anthropic');
    });

    it('takes a cost recorded on the span (llm.cost.total) as the cost', () => {
      const [s] = normaliseSession([spanInput({ attrs: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 1000, 'llm.cost.total': 0.5 } })]);
      assert.deepEqual([s.costUsd, s.costSource], [0.5, 'span']);
    });
  });

  describe('Traceloop / OpenLLMetry', () => {
    it('reads legacy gen_ai.prompt.N / gen_ai.completion.N with tool calls, llm.usage.* and llm.request.type', () => {
      const s = step({
        'llm.request.type': 'chat', 'gen_ai.system': 'OpenAI', 'gen_ai.request.model': 'gpt-4o', 'llm.usage.prompt_tokens': 30, 'llm.usage.completion_tokens': 9, 'llm.usage.total_tokens': 39,
        'gen_ai.prompt.0.role': 'system', 'gen_ai.prompt.0.content': 'S',
        'gen_ai.prompt.1.role': 'user', 'gen_ai.prompt.1.content': '[{"type":"text","text":"Q"}]',
        'gen_ai.completion.0.role': 'assistant', 'gen_ai.completion.0.finish_reason': 'tool_calls',
        'gen_ai.completion.0.tool_calls.0.id': 'c9', 'gen_ai.completion.0.tool_calls.0.name': 'lookup', 'gen_ai.completion.0.tool_calls.0.arguments': '{"q":1}',
      });
      assert.deepEqual([s.kind, s.model, s.inputTokens, s.outputTokens, s.systemPrompt], ['llm', 'gpt-4o', 30, 9, 'S']);
      assert.deepEqual(s.inputMessages?.[1], { role: 'user', parts: [{ type: 'text', text: 'Q' }] });
      assert.deepEqual(s.outputMessages, [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c9', name: 'lookup', arguments: { q: 1 } }], finishReason: 'tool_calls' }]);
      assert.ok(s.dialects.includes('traceloop') && s.dialects.includes('genai'));
    });

    it('reads SDK entity spans (workflow, agent, tool with {args, kwargs} input)', () => {
      const tool = step({ 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'search', 'traceloop.entity.input': '{"args":[],"kwargs":{"q":"x"}}', 'traceloop.entity.output': '[1,2]' });
      assert.deepEqual([tool.kind, tool.toolName, tool.toolArgs, tool.toolResult], ['tool', 'search', { q: 'x' }, [1, 2]]);
      const agent = step({ 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' });
      assert.deepEqual([agent.kind, agent.agentName], ['agent', 'planner']);
      assert.equal(step({ 'traceloop.span.kind': 'workflow', 'traceloop.entity.name': 'w' }).kind, 'chain');
    });
  });

  it('gives kind other (and keeps the raw attributes) for spans no dialect knows', () => {
    const s = step({ 'http.method': 'GET', 'db.system': 'postgres' }, { name: 'SELECT users' });
    assert.deepEqual([s.kind, s.dialects, s.attributes['db.system']], ['other', [], 'postgres']);
  });
});
