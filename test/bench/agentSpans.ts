// Agent-shaped OTLP made by the official OpenTelemetry JS SDK and serializer: runs of an agent whose LLM calls
// carry the whole conversation so far (a ~2 KB system prompt, tool schemas, the growing history) and whose
// tool calls carry their arguments and results — what agent traffic looks like, ~3 KB a span on the wire.
// `unique` gives every span text of its own instead (no content repeats), for the other end of the range.
import { context, trace, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

const systemPrompt = `You are TravelPlanner, a careful assistant. ${'Follow the policy: check the weather before outdoor plans; prefer museums on rainy days; quote prices in the traveller\'s currency. '.repeat(14)}`;
const toolSchemas = JSON.stringify([
  { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' }, day: { type: 'integer' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'find_museums', description: 'Museums open on a day', parameters: { type: 'object', properties: { city: { type: 'string' }, limit: { type: 'integer' } } } } },
]);

/**
 * Ended spans, kept as they end. The SDK's SimpleSpanProcessor holds each span in a 30 s export timer, so a
 * bench that makes 100k of them in-process measured ~265 MB of the generator's spans as its own memory.
 */
class Collected implements SpanProcessor {
  spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

type Tracer = ReturnType<BasicTracerProvider['getTracer']>;
type History = { role: string; content: string }[];

function agentTracer(): { tracer: Tracer; exporter: Collected } {
  const exporter = new Collected();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'travel-agent', 'gen_ai.agent.name': 'TravelPlanner' }),
    spanProcessors: [exporter],
  });
  return { tracer: provider.getTracer('bench-agent', '1.0.0'), exporter };
}

const agentAttributes = { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'TravelPlanner' };

/** One turn of a run under `agent`: an LLM call carrying `history`, then the tool it asked for; both added to the history. */
function turn(tracer: Tracer, agent: Span, run: number, i: number, history: History, own: (s: string, i: number) => string): void {
  const chat = tracer.startSpan('chat gpt-4o-mini', {
    attributes: {
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'gen_ai.usage.input_tokens': 900 + 60 * (i % 50), 'gen_ai.usage.output_tokens': 40 + (i % 50),
      'gen_ai.request.temperature': 0.2, 'gen_ai.response.finish_reasons': ['tool_calls'], 'gen_ai.response.id': `chatcmpl-${run}-${i}`,
      'gen_ai.system_instructions': own(systemPrompt, i), 'gen_ai.tool.definitions': toolSchemas,
      'gen_ai.input.messages': JSON.stringify(history.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] }))),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: `call_${i}`, name: 'get_weather', arguments: { city: `city ${run % 50}`, day: i } }] }]),
    },
  }, trace.setSpan(context.active(), agent));
  chat.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': own('weather?', i) });
  chat.addEvent('gen_ai.content.completion', { 'gen_ai.completion': 'calling get_weather' });
  chat.end();
  const result = own(`{"city":"city ${run % 50}","day":${i},"tempC":${10 + (i % 20)},"condition":"rain"}`, i);
  const tool = tracer.startSpan('execute_tool get_weather', {
    attributes: {
      'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': `call_${i}`,
      'gen_ai.tool.call.arguments': `{"city":"city ${run % 50}","day":${i}}`, 'gen_ai.tool.call.result': result,
    },
  }, trace.setSpan(context.active(), agent));
  tool.end();
  history.push({ role: 'assistant', content: `calling get_weather for day ${i}` }, { role: 'tool', content: result });
}

/** `requests` OTLP/protobuf bodies of `spansPerRequest` spans (the official exporter's batch is 512). */
export function agentPayloads(requests: number, spansPerRequest = 512, unique = false): Uint8Array[] {
  const { tracer, exporter } = agentTracer();
  const payloads: Uint8Array[] = [];
  let n = 0;
  for (let r = 0; r < requests; r++) {
    exporter.spans = [];
    while (exporter.spans.length < spansPerRequest) {
      const run = n++;
      tracer.startActiveSpan('invoke_agent TravelPlanner', { attributes: agentAttributes }, (agent) => {
        const history: History = [{ role: 'user', content: `Plan my Saturday in city ${run % 50}, please.` }];
        const own = (s: string, i: number) => (unique ? `${s} [run ${run} step ${i} ${Math.random().toString(36).repeat(6)}]` : s);
        for (let i = 0; i < 6 && exporter.spans.length < spansPerRequest - 1; i++) turn(tracer, agent, run, i, history, own);
        agent.end();
      });
    }
    payloads.push(ProtobufTraceSerializer.serializeRequest(exporter.spans.slice(0, spansPerRequest))!);
  }
  return payloads;
}

/**
 * One long run as its exports: a single trace whose agent span stays open while `requests` batches of its
 * turns are sent (it ends, and is sent, with the last). The conversation each call carries is the run's
 * last 20 messages (a long-running agent keeps its context bounded).
 */
export function longRunPayloads(requests: number, spansPerRequest = 512): Uint8Array[] {
  const { tracer, exporter } = agentTracer();
  const agent = tracer.startSpan('invoke_agent TravelPlanner', { attributes: agentAttributes });
  const payloads: Uint8Array[] = [];
  let history: History = [{ role: 'user', content: 'Plan every Saturday of the year, city by city.' }];
  let i = 0;
  for (let r = 0; r < requests; r++) {
    exporter.spans = [];
    while (exporter.spans.length < spansPerRequest - 1) {
      turn(tracer, agent, 0, i++, history, (s) => s);
      history = history.slice(-20);
    }
    if (r === requests - 1) agent.end();
    payloads.push(ProtobufTraceSerializer.serializeRequest(exporter.spans)!);
  }
  return payloads;
}
