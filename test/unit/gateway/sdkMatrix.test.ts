// The rest of the official-SDK matrix, each SDK against the mock provider with NO OpenTelemetry: the
// cases its own test file does not drive (streaming, the SDK's own retry after a provider error, an error
// it gives up on, cached tokens). Every call is a step with exact tokens; a retried call shows both attempts.
import * as assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { HumanMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText } from 'ai';
import { type Message, Ollama } from 'ollama';
import { GatewayHarness, PLANTED_KEY } from './harness';

const chunk = (delta: unknown, finish: string | null = null) => ({ data: { id: 'cs', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta, finish_reason: finish }] } });
const serverError = { status: 500, json: { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } } };

function responsesBody(id: string, text: string, usage: { input: number; output: number; cached: number }): Record<string, unknown> {
  return {
    id, object: 'response', created_at: 1767225600, status: 'completed', model: 'gpt-4o-mini-2024-07-18', incomplete_details: null, error: null,
    output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }],
    usage: { input_tokens: usage.input, output_tokens: usage.output, total_tokens: usage.input + usage.output, input_tokens_details: { cached_tokens: usage.cached }, output_tokens_details: { reasoning_tokens: 0 } },
  };
}

describe('gateway: the official SDKs without OpenTelemetry (streams, retries, errors)', function () {
  this.timeout(30000);
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start()));
  afterEach(() => h.stop());

  it('@anthropic-ai/sdk: an overloaded (529) call the SDK retries shows both attempts; tokens of the one that answered', async () => {
    h.mock.answer(
      { status: 529, json: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
      { json: { id: 'msg_r', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'Fine.' }], stop_reason: 'end_turn', usage: { input_tokens: 30, output_tokens: 3, cache_read_input_tokens: 20, cache_creation_input_tokens: 0 } } },
    );
    const client = new Anthropic({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('anthropic'), maxRetries: 1 });
    const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'How are you?' }] });
    assert.equal(message.content[0]!.type === 'text' && message.content[0]!.text, 'Fine.');
    const { steps, totals } = await h.session();
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.status}`), ['llm:error', 'llm:unset']);
    assert.equal(steps[0]!.attributes['http.response.status_code'], 529);
    assert.match(steps[0]!.error ?? '', /Overloaded/);
    assert.equal(steps[1]!.inputTokens, 50, 'input includes the cached tokens');
    assert.equal(steps[1]!.cacheReadTokens, 20);
    assert.equal(totals.llmCalls, 2);
    assert.equal(totals.errors, 1);
    assert.equal(totals.outputTokens, 3);
  });

  it('AI SDK streamText over the Responses API: one streamed step with exact and cached tokens', async () => {
    const final = responsesBody('resp_s', 'Hello there', { input: 70, output: 4, cached: 32 });
    h.mock.answer({ sse: [
      { event: 'response.created', data: { type: 'response.created', sequence_number: 0, response: { ...final, status: 'in_progress', output: [], usage: null } } },
      { event: 'response.output_item.added', data: { type: 'response.output_item.added', sequence_number: 1, output_index: 0, item: { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] } } },
      { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', sequence_number: 2, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hello ', logprobs: [] } },
      { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', sequence_number: 3, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'there', logprobs: [] } },
      { event: 'response.output_item.done', data: { type: 'response.output_item.done', sequence_number: 4, output_index: 0, item: (final.output as unknown[])[0] } },
      { event: 'response.completed', data: { type: 'response.completed', sequence_number: 5, response: final } },
    ], gapMs: 5 });
    const openai = createOpenAI({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('openai') });
    const result = streamText({ model: openai('gpt-4o-mini'), prompt: 'Say hello' });
    let text = '';
    for await (const part of result.textStream) text += part;
    assert.equal(text, 'Hello there');
    const { steps } = await h.session();
    assert.equal(steps.length, 1);
    assert.equal(steps[0]!.attributes['gen_ai.request.stream'], true);
    assert.equal(steps[0]!.inputTokens, 70);
    assert.equal(steps[0]!.cacheReadTokens, 32);
    assert.equal(steps[0]!.outputTokens, 4);
    assert.ok(steps[0]!.outputMessages?.[0]?.parts.some((p) => p.type === 'text' && p.text === 'Hello there'));
  });

  it('AI SDK generateText retrying a 500 (maxRetries 1): both attempts are steps', async () => {
    h.mock.answer(serverError, { json: responsesBody('resp_r', 'ok', { input: 12, output: 1, cached: 0 }) });
    const openai = createOpenAI({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('openai') });
    const result = await generateText({ model: openai('gpt-4o-mini'), prompt: 'hi', maxRetries: 1 });
    assert.equal(result.text, 'ok');
    const { steps, totals } = await h.session();
    assert.deepEqual(steps.map((s) => `${s.status}:${s.attributes['http.response.status_code']}`), ['error:500', 'unset:200']);
    assert.equal(totals.llmCalls, 2);
    assert.equal(totals.inputTokens, 12);
  });

  it('LangChain.js ChatOpenAI .stream(): one streamed step with the usage of the last chunk, cached tokens included', async () => {
    h.mock.answer({ sse: [
      chunk({ role: 'assistant', content: '' }), chunk({ content: 'Bon' }), chunk({ content: 'jour' }), chunk({}, 'stop'),
      { data: { id: 'cs', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [], usage: { prompt_tokens: 300, completion_tokens: 2, total_tokens: 302, prompt_tokens_details: { cached_tokens: 256 } } } },
    ], done: true, gapMs: 5 });
    const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: PLANTED_KEY, maxRetries: 0, configuration: { baseURL: h.baseUrl('openai') } });
    let text = '';
    for await (const c of await model.stream([new HumanMessage('Say hello in French')])) text += String(c.content);
    assert.equal(text, 'Bonjour');
    const { steps } = await h.session();
    assert.equal(steps.length, 1);
    assert.equal(steps[0]!.attributes['gen_ai.request.stream'], true);
    assert.equal(steps[0]!.inputTokens, 300);
    assert.equal(steps[0]!.cacheReadTokens, 256);
    assert.equal(steps[0]!.outputTokens, 2);
    assert.ok(steps[0]!.costUsd! > 0);
  });

  it('LangChain.js retrying a 500 (its own retry): both attempts are steps', async () => {
    h.mock.answer(serverError, { json: { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }], usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 } } });
    const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: PLANTED_KEY, maxRetries: 1, configuration: { baseURL: h.baseUrl('openai') } });
    const answer = await model.invoke([new HumanMessage('hi')]);
    assert.equal(answer.content, 'ok');
    const { steps, totals } = await h.session();
    assert.deepEqual(steps.map((s) => s.status), ['error', 'unset']);
    assert.equal(totals.llmCalls, 2);
    assert.equal(totals.inputTokens, 9);
  });

  it('@google/genai generateContentStream: one streamed step with exact and cached tokens', async () => {
    h.mock.answer({ sse: [
      { data: { candidates: [{ content: { role: 'model', parts: [{ text: 'Ciao ' }] } }], modelVersion: 'gemini-2.5-flash' } },
      { data: { candidates: [{ content: { role: 'model', parts: [{ text: 'mondo' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 210, candidatesTokenCount: 3, cachedContentTokenCount: 128, totalTokenCount: 213 }, modelVersion: 'gemini-2.5-flash' } },
    ], gapMs: 5 });
    const { GoogleGenAI } = await import('@google/genai');
    const ai = new GoogleGenAI({ apiKey: PLANTED_KEY, httpOptions: { baseUrl: h.baseUrl('gemini') } });
    let text = '';
    for await (const c of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Hello world in Italian' })) text += c.text ?? '';
    assert.equal(text, 'Ciao mondo');
    assert.match(h.mock.requests[0]!.url, /:streamGenerateContent\?alt=sse/);
    const { steps } = await h.session();
    assert.equal(steps.length, 1);
    assert.equal(steps[0]!.attributes['gen_ai.request.stream'], true);
    assert.equal(steps[0]!.inputTokens, 210);
    assert.equal(steps[0]!.cacheReadTokens, 128);
    assert.equal(steps[0]!.outputTokens, 3);
  });

  it('@google/genai: a provider error reaches the SDK as it was sent, and the step is an error', async () => {
    h.mock.answer({ status: 429, json: { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } } });
    const { GoogleGenAI } = await import('@google/genai');
    const ai = new GoogleGenAI({ apiKey: PLANTED_KEY, httpOptions: { baseUrl: h.baseUrl('gemini') } });
    await assert.rejects(ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }), /RESOURCE_EXHAUSTED|exhausted/);
    const { steps } = await h.session();
    assert.equal(steps.length, 1);
    assert.equal(steps[0]!.status, 'error');
    assert.equal(steps[0]!.attributes['http.response.status_code'], 429);
    assert.match(steps[0]!.error ?? '', /exhausted/);
  });

  it('ollama: a non-streamed tool call, the tool step, the answer; and a missing model as an error step', async () => {
    h.mock.answer(
      { json: { model: 'llama3.2', created_at: 't', message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'add', arguments: { a: 2, b: 3 } } }] }, done: true, done_reason: 'stop', prompt_eval_count: 80, eval_count: 12 } },
      { json: { model: 'llama3.2', created_at: 't', message: { role: 'assistant', content: '5' }, done: true, done_reason: 'stop', prompt_eval_count: 95, eval_count: 1 } },
      { status: 404, json: { error: "model 'nope' not found" } },
    );
    const ollama = new Ollama({ host: h.baseUrl('ollama') });
    const messages: Message[] = [{ role: 'user', content: 'Add 2 and 3' }];
    const first = await ollama.chat({ model: 'llama3.2', messages, stream: false, tools: [{ type: 'function', function: { name: 'add', description: 'add', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } } }] });
    assert.equal(first.message.tool_calls![0]!.function.name, 'add');
    messages.push(first.message, { role: 'tool', content: '5', tool_name: 'add' });
    const second = await ollama.chat({ model: 'llama3.2', messages, stream: false });
    assert.equal(second.message.content, '5');
    await assert.rejects(ollama.chat({ model: 'nope', messages: [{ role: 'user', content: 'hi' }], stream: false }), /not found/);
    const { steps, totals } = await h.session();
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.status}`), ['llm:unset', 'tool:unset', 'llm:unset', 'llm:error']);
    assert.equal(steps[1]!.toolName, 'add');
    assert.equal(steps[1]!.toolResult, '5');
    assert.equal(totals.inputTokens, 80 + 95);
    assert.equal(totals.outputTokens, 13);
    assert.match(steps[3]!.error ?? '', /not found/);
  });
});
