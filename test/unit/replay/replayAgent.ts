// The agent of the replay tests (the official openai SDK: a tool call, then a streamed answer) and the
// mock provider's script for it.
import OpenAI from 'openai';
import { CassetteRecorder } from '../../../src/core/gateway/cassette';
import { GatewayHarness, PLANTED_KEY } from '../gateway/harness';

export const model = 'gpt-4o-mini';
const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

function chunk(delta: unknown, finish: string | null = null): { data: unknown } {
  return { data: { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] } };
}

/** Two calls: a tool call (JSON), then a streamed answer after the tool result. */
export function script(h: GatewayHarness, gapMs = 100): void {
  h.mock.answer(
    { json: { id: 'c1', object: 'chat.completion', created: 1, model, choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] } }], usage: { prompt_tokens: 1000, completion_tokens: 20, total_tokens: 1020 } } },
    { gapMs, done: true, sse: [chunk({ role: 'assistant', content: 'Sun' }), chunk({ content: 'ny, ' }), chunk({ content: '21C.' }), { data: { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 1100, completion_tokens: 6, total_tokens: 1106 } } }] },
  );
}

/** The agent: what a user's code does. Returns the streamed text and when each stream chunk arrived. */
export async function agent(baseURL: string, system = 'You are terse.'): Promise<{ text: string; chunkTimes: number[] }> {
  const client = new OpenAI({ apiKey: PLANTED_KEY, baseURL, maxRetries: 0 });
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: system }, { role: 'user', content: 'Weather in Paris?' }];
  const first = await client.chat.completions.create({ model, messages, tools, user: `run-${Math.random()}` });
  const call = first.choices[0]!.message.tool_calls![0]!;
  messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '{"temp":21}' });
  const stream = await client.chat.completions.create({ model, messages, tools, stream: true, stream_options: { include_usage: true } });
  let text = '';
  const chunkTimes: number[] = [];
  for await (const c of stream) {
    chunkTimes.push(performance.now());
    text += c.choices[0]?.delta.content ?? '';
  }
  return { text, chunkTimes };
}

/** The agent's run through the gateway against the scripted mock, recorded as session 'recorded'. */
export async function recordRun(h: GatewayHarness, gapMs?: number): Promise<CassetteRecorder> {
  const recorder = new CassetteRecorder();
  const run = h.gateway.addRun({ sessionId: 'recorded', upstreams: { openai: `${h.mockUrl}/v1` }, onExchange: recorder.listener });
  script(h, gapMs);
  await agent(h.gateway.baseUrl('openai', run)!);
  return recorder;
}
