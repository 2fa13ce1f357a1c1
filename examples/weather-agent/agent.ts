// A small tool-using agent on the Vercel AI SDK that runs offline: the model is the SDK's own mock
// (ai/test), scripted to call the weather tools for every city in the question, then answer from their
// results. Telemetry goes out over OTLP/HTTP (protobuf), configured only by the standard variables
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_SCHEDULE_DELAY).
//   npx tsx examples/weather-agent/agent.ts "What's the weather in Paris and Tokyo?"
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { generateText, stepCountIs } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { knownCities, tools } from './tools';

type Prompt = { role: string; content: unknown }[];

const resource = detectResources({ detectors: [envDetector] }).merge(resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'weather-agent' }));
const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();

/** The system prompt lives in its own file so editing it needs no code change (and source links can find it). */
const template = readFileSync(path.join(__dirname, 'prompts', 'system.md'), 'utf8');
const system = template.replace('{{cities}}', knownCities.map((c) => c[0]!.toUpperCase() + c.slice(1)).join(', '));

/** Rough token counts, so the trace carries usage (and a cost) like a real model's would. */
const tokens = (v: unknown) => Math.ceil(JSON.stringify(v).length / 4);
const usage = (prompt: unknown, output: unknown) => ({
  inputTokens: { total: tokens(prompt), noCache: tokens(prompt), cacheRead: 0, cacheWrite: undefined },
  outputTokens: { total: tokens(output), text: tokens(output), reasoning: undefined },
});

/** First call: one getWeather call per known city in the question. Later calls: answer from the results. */
const model = new MockLanguageModelV3({
  provider: 'openai.chat',
  modelId: 'gpt-4o-mini',
  doGenerate: async ({ prompt }) => {
    const messages = prompt as Prompt;
    const results = messages.filter((m) => m.role === 'tool').flatMap((m) => m.content as { output: { value: { city: string; tempC: number; condition: string } } }[]);
    if (results.length === 0) {
      const question = JSON.stringify(messages.filter((m) => m.role === 'user').map((m) => m.content)).toLowerCase();
      const cities = knownCities.filter((c) => question.includes(c));
      const content = cities.map((city, i) => ({ type: 'tool-call' as const, toolCallId: `call_${i + 1}`, toolName: 'getWeather', input: JSON.stringify({ city: city[0].toUpperCase() + city.slice(1) }) }));
      if (content.length > 0) return { content, finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: usage(messages, content), warnings: [] };
    }
    const text = results.length
      ? results.map((r) => `${r.output.value.city} is ${r.output.value.condition} at ${r.output.value.tempC}°C`).join('; ') + '.'
      : `I only know the weather in ${knownCities.join(', ')}.`;
    return { content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(messages, text), warnings: [] };
  },
});

async function main(): Promise<void> {
  const question = process.argv.slice(2).join(' ') || 'What is the weather in Paris and in Tokyo?';
  const result = await generateText({
    model,
    system,
    prompt: question,
    tools,
    stopWhen: stepCountIs(5),
    experimental_telemetry: { isEnabled: true, functionId: 'weather-agent' },
  });
  console.log(result.text);
  await provider.shutdown(); // flushes the last spans
}

main().catch(async (e: unknown) => {
  console.error(e);
  await provider.shutdown();
  process.exitCode = 1;
});
