// A tool-using agent with NO OpenTelemetry: just the official openai SDK. Run under Agent Debugger
// (F5, or `agent-debugger record`), its calls go through the recording LLM gateway, because the SDK
// reads OPENAI_BASE_URL, which the launcher points at the gateway. Offline: it starts a mock OpenAI
// API on 127.0.0.1 first (MOCK_PROVIDER_PORT, default 18080); launch.json points OPENAI_BASE_URL at
// that mock, so the gateway forwards there (a base URL you set is chained, not replaced).
import OpenAI from 'openai';
import { startMockProvider } from './mockProvider.mjs';
import * as tools from './tools.mjs';

const question = process.argv[2] ?? 'What is the weather in Paris and Tokyo?';
const mock = await startMockProvider(Number(process.env.MOCK_PROVIDER_PORT ?? 18080));
process.env.OPENAI_BASE_URL ??= mock.url;
process.env.OPENAI_API_KEY ??= 'sk-example-not-a-real-key';

const client = new OpenAI({ maxRetries: 0 });
console.log(`agent: asking through ${client.baseURL}`);
const messages = [
  { role: 'system', content: 'You are a weather assistant. Use current_weather for every city asked about.' },
  { role: 'user', content: question },
];

try {
  for (let turn = 0; turn < 4; turn++) {
    const stream = turn > 0;
    let message;
    if (stream) {
      // The last answer is streamed, as chat UIs do: the gateway passes it through chunk by chunk.
      const chunks = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: tools.toolDefinitions, stream: true, stream_options: { include_usage: true } });
      let content = '';
      for await (const chunk of chunks) content += chunk.choices[0]?.delta.content ?? '';
      message = { role: 'assistant', content };
    } else {
      const reply = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: tools.toolDefinitions });
      message = reply.choices[0].message;
    }
    messages.push(message);
    if (!message.tool_calls?.length) {
      console.log(`agent: ${message.content}`);
      break;
    }
    for (const call of message.tool_calls) {
      const result = tools[call.function.name](JSON.parse(call.function.arguments));
      console.log(`agent: ${call.function.name}(${call.function.arguments}) -> ${JSON.stringify(result)}`);
      messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
    }
  }
} finally {
  mock.close();
}
