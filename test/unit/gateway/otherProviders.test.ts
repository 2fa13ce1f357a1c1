// @anthropic-ai/sdk, the ollama client and Gemini's REST API through the gateway, no OpenTelemetry.
import * as assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import { GatewayHarness, PLANTED_KEY } from './harness';

const model = 'claude-sonnet-4-5-20250929';

describe('gateway: Anthropic, Ollama and Gemini without OpenTelemetry', () => {
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start()));
  afterEach(() => h.stop());

  it('Anthropic Messages: tool_use -> tool_result -> answer, cache tokens counted in input', async () => {
    const client = new Anthropic({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('anthropic'), maxRetries: 0 });
    h.mock.answer(
      { json: { id: 'msg_1', type: 'message', role: 'assistant', model, stop_reason: 'tool_use', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'search', input: { q: 'otel' } }], usage: { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 2000, cache_creation_input_tokens: 50 } } },
      { json: { id: 'msg_2', type: 'message', role: 'assistant', model, stop_reason: 'end_turn', content: [{ type: 'text', text: 'Found it.' }], usage: { input_tokens: 150, output_tokens: 5 } } },
    );
    const tools = [{ name: 'search', description: 'search', input_schema: { type: 'object' as const, properties: { q: { type: 'string' } } } }];
    const first = await client.messages.create({ model, max_tokens: 256, system: 'Be brief.', tools, messages: [{ role: 'user', content: 'find otel' }] });
    const use = first.content.find((b) => b.type === 'tool_use')!;
    await client.messages.create({
      model, max_tokens: 256, tools,
      messages: [{ role: 'user', content: 'find otel' }, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'three results' }] }],
    });
    assert.equal(h.mock.requests[0]!.headers.authorization ?? h.mock.requests[0]!.headers['x-api-key'], h.mock.requests[0]!.headers.authorization ? `Bearer ${PLANTED_KEY}` : PLANTED_KEY);
    const { steps } = await h.session();
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.toolName ?? s.model}`), [`llm:${model}`, 'tool:search', `llm:${model}`]);
    assert.equal(steps[0]!.inputTokens, 2150);
    assert.equal(steps[0]!.cacheReadTokens, 2000);
    assert.equal(steps[0]!.cacheWriteTokens, 50);
    assert.equal(steps[0]!.systemPrompt, 'Be brief.');
    assert.ok(steps[0]!.costUsd! > 0);
    assert.equal(steps[1]!.toolResult, 'three results');
    assert.equal(steps[0]!.provider, 'anthropic');
  });

  it('Anthropic streaming: rebuilt from SSE events with the usage of message_start and message_delta', async () => {
    const client = new Anthropic({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('anthropic'), maxRetries: 0 });
    h.mock.answer({
      sse: [
        { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_s', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 40, output_tokens: 1, cache_read_input_tokens: 0 } } } },
        { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
        { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi ' } } },
        { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'there' } } },
        { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
        { event: 'content_block_start', data: { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_s', name: 'calc', input: {} } } },
        { event: 'content_block_delta', data: { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"x":' } } },
        { event: 'content_block_delta', data: { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '2}' } } },
        { event: 'content_block_stop', data: { type: 'content_block_stop', index: 1 } },
        { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 17 } } },
        { event: 'message_stop', data: { type: 'message_stop' } },
      ],
    });
    const message = await client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    assert.equal(message.content[0]!.type === 'text' && message.content[0]!.text, 'Hi there');
    const [llm] = (await h.session()).steps;
    assert.equal(llm!.inputTokens, 40);
    assert.equal(llm!.outputTokens, 17);
    const parts = llm!.outputMessages![0]!.parts;
    assert.ok(parts.some((p) => p.type === 'text' && p.text === 'Hi there'));
    assert.ok(parts.some((p) => p.type === 'tool_call' && p.name === 'calc'));
    assert.deepEqual(llm!.attributes['gen_ai.response.finish_reasons'], ['tool_use']);
  });

  it('Anthropic: unreachable upstream gives the SDK a 502 in Anthropic\'s error shape', async () => {
    const client = new Anthropic({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('anthropic'), maxRetries: 0 });
    await h.mock.stop();
    const err = await client.messages.create({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.status, 502);
    assert.match(err.message, /could not reach/);
  });

  it('Ollama /api/chat: an NDJSON stream with counts on its last line', async () => {
    const ollama = new Ollama({ host: h.baseUrl('ollama') });
    h.mock.answer({
      gapMs: 20,
      ndjson: [
        { model: 'llama3.2', created_at: 'x', message: { role: 'assistant', content: 'Hel' }, done: false },
        { model: 'llama3.2', created_at: 'x', message: { role: 'assistant', content: 'lo' }, done: false },
        { model: 'llama3.2', created_at: 'x', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 26, eval_count: 4 },
      ],
    });
    let text = '';
    for await (const part of await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: true, options: { temperature: 0 } })) text += part.message.content;
    assert.equal(text, 'Hello');
    assert.equal(h.mock.requests[0]!.url, '/api/chat');
    const [llm] = (await h.session()).steps;
    assert.equal(llm!.provider, 'ollama');
    assert.equal(llm!.inputTokens, 26);
    assert.equal(llm!.outputTokens, 4);
    assert.equal(llm!.attributes['gen_ai.request.temperature'], 0);
  });

  it('Gemini generateContent: a functionCall and its functionResponse (no call ids) become a tool step', async () => {
    const usage = { promptTokenCount: 25, candidatesTokenCount: 6, totalTokenCount: 31 };
    h.mock.answer(
      { json: { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { id: 7 } } }] }, finishReason: 'STOP' }], usageMetadata: usage, modelVersion: 'gemini-2.5-flash' } },
      { json: { candidates: [{ content: { role: 'model', parts: [{ text: 'Item 7 is a lamp.' }] }, finishReason: 'STOP' }], usageMetadata: usage, modelVersion: 'gemini-2.5-flash' } },
    );
    const url = `${h.baseUrl('gemini')}/v1beta/models/gemini-2.5-flash:generateContent`;
    const post = (contents: unknown[]) => fetch(url, { method: 'POST', headers: { 'x-goog-api-key': PLANTED_KEY }, body: JSON.stringify({ contents }) });
    const user = { role: 'user', parts: [{ text: 'What is item 7?' }] };
    const call = { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { id: 7 } } }] };
    assert.equal((await post([user])).status, 200);
    assert.equal((await post([user, call, { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { name: 'lamp' } } }] }])).status, 200);
    assert.equal(h.mock.requests[0]!.headers['x-goog-api-key'], PLANTED_KEY);
    const { steps } = await h.session();
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.toolName ?? s.model}`), ['llm:gemini-2.5-flash', 'tool:lookup', 'llm:gemini-2.5-flash']);
    assert.deepEqual(steps[1]!.toolResult, { name: 'lamp' });
    assert.equal(steps[0]!.inputTokens, 25);
  });

  it('Gemini streamGenerateContent (SSE): function call, usage with thoughts; the ?key= never stored', async () => {
    h.mock.answer({
      sse: [
        { data: { candidates: [{ content: { role: 'model', parts: [{ text: 'Let me ' }] } }], modelVersion: 'gemini-2.5-flash' } },
        { data: { candidates: [{ content: { role: 'model', parts: [{ text: 'check.' }, { functionCall: { name: 'lookup', args: { id: 7 } } }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 9, thoughtsTokenCount: 11, totalTokenCount: 50 }, modelVersion: 'gemini-2.5-flash' } },
      ],
    });
    const url = `${h.baseUrl('gemini')}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${PLANTED_KEY}`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }], generationConfig: { temperature: 0.5, maxOutputTokens: 99 } }) });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /functionCall/);
    assert.equal(h.mock.requests[0]!.url, `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${PLANTED_KEY}`);
    const { steps } = await h.session();
    const llm = steps[0]!;
    assert.equal(llm.model, 'gemini-2.5-flash');
    assert.equal(llm.inputTokens, 30);
    assert.equal(llm.outputTokens, 20);
    assert.equal(llm.reasoningTokens, 11);
    assert.equal(llm.attributes['gen_ai.request.max_tokens'], 99);
    assert.ok(llm.outputMessages![0]!.parts.some((p) => p.type === 'text' && p.text === 'Let me check.'));
    assert.ok(!JSON.stringify(h.engine.store.exportSessionOtlp(h.run.sessionId!)).includes(PLANTED_KEY));
  });
});
