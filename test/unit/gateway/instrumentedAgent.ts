// An agent WITH OpenTelemetry (the openai SDK instrumented by @traceloop/instrumentation-openai, OTLP to
// the receiver from the standard OTEL_* variables) whose calls ALSO go through the gateway
// (OPENAI_BASE_URL). Run as a child process by dedup.test.ts. Flags: --traceparent sends the calling
// span's context as HTTP instrumentation would; --retry lets the SDK retry once.
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector } from '@opentelemetry/resources';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';

async function main(): Promise<void> {
  const provider = new NodeTracerProvider({ resource: detectResources({ detectors: [envDetector] }), spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())] });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const instrumentation = new OpenAIInstrumentation({ traceContent: true, enrichTokens: false });
  instrumentation.setTracerProvider(provider);
  instrumentation.manuallyInstrument(OpenAI);
  const tracer = trace.getTracer('instrumented-agent');
  const client = new OpenAI({ maxRetries: process.argv.includes('--retry') ? 1 : 0 });
  const headers = (): Record<string, string> => {
    const carrier: Record<string, string> = {};
    if (process.argv.includes('--traceparent')) propagation.inject(context.active(), carrier);
    return carrier;
  };
  await tracer.startActiveSpan('invoke_agent weather', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather' } }, async (agent) => {
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Rome?' }];
    // The instrumentation's span is current inside create(): traceparent carries it, as undici's instrumentation would.
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools }, { headers: headers() });
    const call = first.choices[0]!.message.tool_calls![0]!;
    messages.push(first.choices[0]!.message);
    const result = await tracer.startActiveSpan('execute_tool get_weather', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': call.id } }, async (span) => {
      await new Promise((r) => setTimeout(r, 30));
      span.end();
      return '{"temp":24}';
    });
    messages.push({ role: 'tool', tool_call_id: call.id, content: result });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools }, { headers: headers() });
    agent.end();
  });
  await provider.shutdown();
}

void main();
