// The official openai SDK, with no OpenTelemetry anywhere, talking to a mock provider through the gateway.
import * as assert from 'node:assert/strict';
import OpenAI from 'openai';
import { GatewayHarness, PLANTED_KEY } from './harness';

const usage = { prompt_tokens: 1200, completion_tokens: 30, total_tokens: 1230, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 0 } };

function toolCallAnswer(): unknown {
  return {
    id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] } }],
    usage,
  };
}

function textAnswer(text: string): unknown {
  return {
    id: 'chatcmpl-2', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: text } }],
    usage: { prompt_tokens: 1300, completion_tokens: 12, total_tokens: 1312 },
  };
}

function chunk(delta: unknown, finish: string | null = null, extra: Record<string, unknown> = {}): { data: unknown } {
  return { data: { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta, finish_reason: finish }], ...extra } };
}

describe('gateway: openai SDK without OpenTelemetry', () => {
  let h: GatewayHarness;
  let client: OpenAI;

  beforeEach(async () => {
    h = await new GatewayHarness().start();
    client = new OpenAI({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('openai'), maxRetries: 0 });
  });
  afterEach(() => h.stop());

  it('records LLM -> inferred tool -> LLM with exact tokens, cached tokens and $', async () => {
    h.mock.answer({ json: toolCallAnswer() }, { json: textAnswer('It is sunny in Paris.') });
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Weather in Paris?' }];
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, temperature: 0.2 });
    const call = first.choices[0]!.message.tool_calls![0]!;
    assert.equal(call.type === 'function' && call.function.name, 'get_weather');
    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '{"temp":21,"sky":"sunny"}' });
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
    assert.equal(second.choices[0]!.message.content, 'It is sunny in Paris.');

    // The provider got the agent's key; the session never does.
    assert.equal(h.mock.requests[0]!.headers.authorization, `Bearer ${PLANTED_KEY}`);
    assert.equal(h.mock.requests[0]!.url, '/v1/chat/completions');
    const { steps, totals } = await h.session();
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.name}`), ['llm:chat gpt-4o-mini', 'tool:execute_tool get_weather', 'llm:chat gpt-4o-mini']);
    const [llm1, tool, llm2] = steps;
    assert.equal(llm1!.inputTokens, 1200);
    assert.equal(llm1!.outputTokens, 30);
    assert.equal(llm1!.cacheReadTokens, 1024);
    assert.equal(llm1!.model, 'gpt-4o-mini-2024-07-18');
    assert.ok(llm1!.costUsd! > 0, 'priced');
    assert.equal(llm1!.systemPrompt, 'You are terse.');
    assert.equal(llm1!.attributes['gen_ai.request.temperature'], 0.2);
    assert.equal(tool!.toolName, 'get_weather');
    assert.equal(tool!.toolCallId, 'call_w1');
    assert.deepEqual(tool!.toolArgs, { city: 'Paris' });
    assert.deepEqual(tool!.toolResult, { temp: 21, sky: 'sunny' });
    assert.equal(tool!.attributes['agent_debugger.inferred'], 'conversation');
    assert.ok(tool!.startMs >= llm1!.endMs - 1 && tool!.endMs <= llm2!.startMs + 1, 'between the two LLM steps');
    assert.equal(totals.llmCalls, 2);
    assert.equal(totals.toolCalls, 1);
    assert.equal(totals.inputTokens, 2500);
    assert.ok(steps[2]!.outputMessages?.[0]?.parts.some((p) => p.type === 'text' && p.text === 'It is sunny in Paris.'));
  });

  it('passes a stream through chunk by chunk and rebuilds text, tool calls, usage and time to first chunk', async () => {
    h.mock.answer({
      gapMs: 120, done: true,
      sse: [
        chunk({ role: 'assistant', content: 'Hel' }), chunk({ content: 'lo' }),
        chunk({ tool_calls: [{ index: 0, id: 'call_s1', type: 'function', function: { name: 'lookup', arguments: '{"q":' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }, 'tool_calls'),
        { data: { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [], usage: { prompt_tokens: 50, completion_tokens: 7, total_tokens: 57 } } },
      ],
    });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    const arrivals: number[] = [];
    let text = '';
    for await (const c of stream) {
      arrivals.push(Date.now());
      text += c.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, 'Hello');
    // Unbuffered: the first chunk reached the agent before the provider had even written the third.
    const written = h.mock.requests[0]!.writtenAt;
    assert.ok(arrivals[0]! <= written[2]!, `first chunk at +${arrivals[0]! - written[0]!} ms, third written at +${written[2]! - written[0]!} ms`);
    const [llm] = (await h.session()).steps;
    assert.equal(llm!.inputTokens, 50);
    assert.equal(llm!.outputTokens, 7);
    const parts = llm!.outputMessages![0]!.parts;
    assert.ok(parts.some((p) => p.type === 'text' && p.text === 'Hello'));
    assert.ok(parts.some((p) => p.type === 'tool_call' && p.name === 'lookup' && p.id === 'call_s1'));
    assert.equal(llm!.attributes['gen_ai.request.stream'], true);
    const ttft = llm!.attributes['agent_debugger.gateway.time_to_first_chunk_ms'] as number;
    assert.ok(ttft > 0 && ttft < written[2]! - written[0]! + 100, `ttft ${ttft}`);
  });

  it('leaves tokens unknown (absent, never 0) when a stream carries no usage', async () => {
    h.mock.answer({ done: true, sse: [chunk({ content: 'no usage here' }, 'stop')] });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const _ of stream) { /* drain */ }
    const [llm] = (await h.session()).steps;
    assert.equal(llm!.inputTokens, undefined);
    assert.equal(llm!.outputTokens, undefined);
    assert.equal('gen_ai.usage.input_tokens' in llm!.attributes, false);
    assert.equal(llm!.costUsd, undefined);
  });

  it('shows a failed-then-retried call as both attempts', async () => {
    const retrying = new OpenAI({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('openai'), maxRetries: 1 });
    h.mock.answer({ status: 500, json: { error: { message: 'The server had an error', type: 'server_error' } } }, { json: textAnswer('ok') });
    const answer = await retrying.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(answer.choices[0]!.message.content, 'ok');
    const { steps, totals } = await h.session();
    assert.deepEqual(steps.map((s) => s.status), ['error', 'unset']);
    assert.equal(steps[0]!.attributes['http.response.status_code'], 500);
    assert.match(steps[0]!.error ?? '', /The server had an error/);
    assert.equal(totals.llmCalls, 2);
    assert.equal(totals.errors, 1);
  });

  it('answers 502 with an OpenAI-shaped error when the upstream is unreachable', async () => {
    await h.mock.stop();
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.match(err.message, /could not reach http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: ECONNREFUSED/);
    const [llm] = (await h.session()).steps;
    assert.equal(llm!.status, 'error');
    assert.equal(llm!.attributes['error.type'], 'ECONNREFUSED');
  });

  it('passes provider errors through untouched', async () => {
    h.mock.answer({ status: 429, json: { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' } } });
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.RateLimitError);
    assert.equal(err.code, 'rate_limit_exceeded');
    const [llm] = (await h.session()).steps;
    assert.equal(llm!.attributes['http.response.status_code'], 429);
    assert.match(llm!.error ?? '', /Rate limit reached/);
  });

  it('aborts the upstream call when the agent aborts', async () => {
    h.mock.answer({ hang: true });
    const controller = new AbortController();
    const pending = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 150));
    controller.abort();
    await assert.rejects(pending);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(h.mock.requests[0]!.aborted, true, 'upstream request aborted');
    const [llm] = (await h.session()).steps;
    assert.equal(llm!.attributes['error.type'], 'client_aborted');
  });

  it('records the Responses API and embeddings', async () => {
    h.mock.answer(
      { json: { id: 'resp_1', object: 'response', model: 'gpt-4o-mini', status: 'completed', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Bonjour' }] }], usage: { input_tokens: 20, output_tokens: 3, total_tokens: 23, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } } } },
      { json: { object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], usage: { prompt_tokens: 8, total_tokens: 8 } } },
    );
    const r = await client.responses.create({ model: 'gpt-4o-mini', instructions: 'Speak French.', input: 'Hello' });
    assert.equal(r.output_text, 'Bonjour');
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
    const { steps } = await h.session();
    assert.deepEqual(steps.map((s) => s.kind), ['llm', 'embedding']);
    assert.equal(steps[0]!.inputTokens, 20);
    assert.equal(steps[0]!.systemPrompt, 'Speak French.');
    assert.equal(steps[1]!.inputTokens, 8);
  });

  it('puts a step carrying traceparent under the calling span', async () => {
    h.mock.answer({ json: textAnswer('ok') });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    const [llm] = (await h.session()).steps;
    assert.equal(llm!.traceId, traceId);
    assert.equal(llm!.parentSpanId, 'b7ad6b7169203331');
  });
});
