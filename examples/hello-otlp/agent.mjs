// The smallest agent-shaped program that speaks OTLP: one agent span, an LLM call and a tool call,
// exported with the official OpenTelemetry JS SDK configured only from the standard environment variables
// (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES).
//   npx agent-debugger record --out hello.otlp.json -- node examples/hello-otlp/agent.mjs
import { SpanStatusCode } from '@opentelemetry/api';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes, envDetector, detectResources } from '@opentelemetry/resources';

const protocol = process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
const exporter = protocol === 'http/json' ? new HttpJsonExporter() : new HttpProtoExporter();
const resource = detectResources({ detectors: [envDetector] }).merge(resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'hello-agent' }));
const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 })] });
// register(): an async-context manager, so child spans join the agent's trace.
provider.register();
const tracer = provider.getTracer('hello-otlp', '1.0.0');

const failTool = process.argv.includes('--fail');
await tracer.startActiveSpan('invoke_agent weather', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather' } }, async (agent) => {
  await tracer.startActiveSpan('chat gpt-4o-mini', {
    attributes: {
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 18,
    },
  }, async (llm) => llm.end());
  await tracer.startActiveSpan('execute_tool get_weather', {
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.arguments': '{"city":"Paris"}' },
  }, async (tool) => {
    if (failTool) tool.setStatus({ code: SpanStatusCode.ERROR, message: 'weather service unavailable' });
    tool.end();
  });
  agent.end();
});
await provider.shutdown();
console.log(`hello-agent: sent 3 spans (${protocol})`);
process.exitCode = failTool ? 3 : 0;
