// Agents WITH OpenTelemetry whose calls ALSO go through the gateway (their SDK reads the base URL the
// launcher sets), run as child processes by dedup.test.ts: `ai-sdk` is the Vercel AI SDK with its own
// telemetry (experimental_telemetry), `anthropic` the Anthropic SDK under @traceloop/instrumentation-anthropic,
// `langchain` LangChain.js ChatOpenAI over the openai SDK under @traceloop/instrumentation-openai.
// All export OTLP to the receiver from the standard OTEL_* variables; all run LLM -> tool -> LLM.
import Anthropic from '@anthropic-ai/sdk';
import * as anthropicModule from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector } from '@opentelemetry/resources';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { AnthropicInstrumentation } from '@traceloop/instrumentation-anthropic';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';
import { generateText, stepCountIs, tool } from 'ai';
import { z } from 'zod';

async function aiSdk(): Promise<void> {
  const openai = createOpenAI();
  const result = await generateText({
    model: openai('gpt-4o-mini'),
    prompt: 'Weather in Oslo?',
    tools: { weather: tool({ description: 'weather', inputSchema: z.object({ city: z.string() }), execute: ({ city }) => Promise.resolve({ city, temperatureC: 4 }) }) },
    stopWhen: stepCountIs(3),
    maxRetries: 0,
    experimental_telemetry: { isEnabled: true },
  });
  console.log(result.text);
}

async function anthropic(provider: NodeTracerProvider): Promise<void> {
  const instrumentation = new AnthropicInstrumentation({ traceContent: true });
  instrumentation.setTracerProvider(provider);
  instrumentation.manuallyInstrument(anthropicModule);
  const client = new Anthropic({ maxRetries: 0 });
  const model = 'claude-sonnet-4-5';
  const tools: Anthropic.Tool[] = [{ name: 'calc', description: 'arithmetic', input_schema: { type: 'object', properties: { expr: { type: 'string' } } } }];
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is 6*7?' }];
  await trace.getTracer('instrumented-agent').startActiveSpan('invoke_agent calculator', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'calculator' } }, async (agent) => {
    const first = await client.messages.create({ model, max_tokens: 100, tools, messages });
    const use = first.content.find((b) => b.type === 'tool_use')!;
    messages.push({ role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '42' }] });
    const second = await client.messages.create({ model, max_tokens: 100, tools, messages });
    console.log(second.content[0]!.type === 'text' ? second.content[0]!.text : '');
    agent.end();
  });
}

async function langchain(provider: NodeTracerProvider): Promise<void> {
  const instrumentation = new OpenAIInstrumentation({ traceContent: true, enrichTokens: false });
  instrumentation.setTracerProvider(provider);
  instrumentation.manuallyInstrument(OpenAI);
  const model = new ChatOpenAI({ model: 'gpt-4o-mini', maxRetries: 0 })
    .bindTools([{ type: 'function', function: { name: 'get_time', description: 'Current time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } }]);
  const messages: BaseMessage[] = [new HumanMessage('What time is it?')];
  const first = await model.invoke(messages);
  messages.push(first as AIMessage, new ToolMessage({ tool_call_id: first.tool_calls![0]!.id!, content: '12:00' }));
  console.log((await model.invoke(messages)).content);
}

async function main(): Promise<void> {
  const provider = new NodeTracerProvider({ resource: detectResources({ detectors: [envDetector] }), spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())] });
  provider.register();
  const which = process.argv[2];
  await (which === 'anthropic' ? anthropic(provider) : which === 'langchain' ? langchain(provider) : aiSdk());
  await provider.shutdown();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
