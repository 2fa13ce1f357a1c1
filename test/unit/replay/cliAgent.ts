// A small agent for the replay CLI test: the official openai SDK, no OpenTelemetry; one tool call,
// then a streamed answer. The test copies it and edits SYSTEM_PROMPT to change the agent's code.
import OpenAI from 'openai';

const SYSTEM_PROMPT = 'You are a terse weather bot.';

async function main(): Promise<void> {
  const client = new OpenAI({ maxRetries: 0 });
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: 'Weather in Oslo?' }];
  const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }] });
  const call = first.choices[0]!.message.tool_calls![0]!;
  messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '{"tempC":4}' });
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
  let text = '';
  for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
  console.log(`agent: ${text}`);
}

main().catch((e: unknown) => {
  console.error(`agent failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 3;
});
