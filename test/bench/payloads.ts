// Benchmark payloads made by the official OpenTelemetry JS SDK and serializer: what real agents send.
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

export interface PayloadShape {
  /** A prompt of about this many bytes on every span, and a second event: the realistic ~3 KB GenAI span at 2048. */
  promptBytes?: number;
  /** More resource attributes (a session id). */
  resource?: Record<string, string>;
  /** The first request's number (a run made in slices numbers its requests, and so its prompts, on). */
  firstRequest?: number;
}

/** `requests` payloads of `spansPerRequest` agent-like spans (10 attributes, one event) each. */
export function makePayloads(requests: number, spansPerRequest: number, encoding: 'protobuf' | 'json' = 'protobuf', shape: PayloadShape = {}): Uint8Array[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-agent', 'service.instance.id': 'bench-1', ...shape.resource }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bench', '1.0.0');
  const serializer = encoding === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  const payloads: Uint8Array[] = [];
  const first = shape.firstRequest ?? 0;
  for (let r = first; r < first + requests; r++) {
    exporter.reset();
    tracer.startActiveSpan(`invoke_agent bench-${r}`, (root) => {
      for (let i = 1; i < spansPerRequest; i++) {
        const span = tracer.startSpan(i % 3 ? `chat gpt-4o-mini` : `execute_tool get_weather`, {
          attributes: {
            'gen_ai.operation.name': i % 3 ? 'chat' : 'execute_tool',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 1200 + i,
            'gen_ai.usage.output_tokens': 80 + (i % 50),
            'gen_ai.request.temperature': 0.2,
            'gen_ai.response.finish_reasons': ['stop'],
            'gen_ai.tool.name': 'get_weather',
            'gen_ai.tool.call.arguments': `{"city":"Paris","day":${i % 7}}`,
            'gen_ai.response.id': `resp-${r}-${i}`,
          },
        }, trace.setSpan(context.active(), root));
        span.addEvent('gen_ai.choice', { index: 0, finish_reason: 'stop' });
        if (shape.promptBytes) {
          span.setAttribute('gen_ai.input.messages', promptOf(shape.promptBytes, r, i));
          span.addEvent('gen_ai.user.message', { content: `What is the weather in Paris on day ${i % 7}?` });
        }
        span.end();
      }
      root.end();
    });
    payloads.push(serializer.serializeRequest(exporter.getFinishedSpans())!);
  }
  return payloads;
}

/** A conversation of about `bytes` bytes as GenAI semconv's input messages, distinct per span. */
function promptOf(bytes: number, r: number, i: number): string {
  const filler = 'You are a helpful assistant that plans trips and checks the weather before answering. ';
  const text = `${filler.repeat(Math.ceil(bytes / filler.length)).slice(0, Math.max(0, bytes - 120))} (request ${r}, call ${i})`;
  return JSON.stringify([{ role: 'system', parts: [{ type: 'text', content: text }] }, { role: 'user', parts: [{ type: 'text', content: `Weather in Paris, day ${i % 7}?` }] }]);
}
