// A small tool-using agent that runs offline: a scripted "model" asks for get_weather once per city in the
// question, then answers from the results. It emits OpenTelemetry GenAI semantic-convention spans
// (invoke_agent -> chat -> execute_tool -> chat) with the official JS SDK, configured only by the standard
// OTEL_* variables, so it works with F5 (`agent` launch type) or any `node` configuration with
// "agentDebugger": true.
//   node examples/node-agent/agent.mjs "Weather in Paris and Tokyo?"   [--fail: ask about an unknown city]
import { readFileSync } from 'node:fs';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { here, knownCities, tools } from './tools.mjs';

const protocol = process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
const exporter = protocol === 'http/json' ? new HttpJsonExporter() : new HttpProtoExporter();
const resource = detectResources({ detectors: [envDetector] }).merge(resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'node-agent' }));
const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
provider.register();
const tracer = trace.getTracer('node-agent', '1.0.0');

const system = readFileSync(new URL('./prompts/system.md', import.meta.url), 'utf8').trim();
const model = 'gpt-4o-mini';
/** Pause between steps (ms), like a real model's latency: lets a trace breakpoint stop the run mid-way. */
const stepDelay = Number(process.env.AGENT_STEP_DELAY_MS ?? 300);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tokens = (v) => Math.ceil(JSON.stringify(v).length / 4);

/** The scripted model: tool calls for every known city first, then an answer from the tool results. */
function scriptedModel(messages) {
  const results = messages.filter((m) => m.role === 'tool');
  if (results.length === 0) {
    const question = messages.find((m) => m.role === 'user').parts[0].content.toLowerCase();
    const cities = process.argv.includes('--fail') ? [...knownCities.filter((c) => question.includes(c)), 'atlantis'] : knownCities.filter((c) => question.includes(c));
    if (cities.length) {
      return { role: 'assistant', finish_reason: 'tool_call', parts: cities.map((c, i) => ({ type: 'tool_call', id: `call_${i + 1}`, name: 'get_weather', arguments: { city: c[0].toUpperCase() + c.slice(1) } })) };
    }
  }
  const lines = results.map((r) => r.parts[0].response).map((w) => (w.error ? `I could not check ${w.city}.` : `${w.city}: ${w.condition}, ${w.tempC}°C.`));
  return { role: 'assistant', finish_reason: 'stop', parts: [{ type: 'text', content: lines.join(' ') || `I only know ${knownCities.join(', ')}.` }] };
}

async function chat(messages, source) {
  return tracer.startActiveSpan(`chat ${model}`, { kind: 2, attributes: source }, async (span) => {
    await sleep(stepDelay);
    const output = scriptedModel(messages);
    span.setAttributes({
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model, 'gen_ai.response.model': `${model}-2024-07-18`,
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: system }]),
      'gen_ai.input.messages': JSON.stringify(messages), 'gen_ai.output.messages': JSON.stringify([output]),
      'gen_ai.response.finish_reasons': [output.finish_reason],
      'gen_ai.usage.input_tokens': tokens(messages) + tokens(system), 'gen_ai.usage.output_tokens': tokens(output),
    });
    span.end();
    return output;
  });
}

async function runTool(call) {
  return tracer.startActiveSpan(`execute_tool ${call.name}`, async (span) => {
    span.setAttributes({ ...tools[call.name].source, 'code.function.name': call.name, 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': call.name, 'gen_ai.tool.type': 'function', 'gen_ai.tool.call.id': call.id, 'gen_ai.tool.call.arguments': JSON.stringify(call.arguments) });
    await sleep(stepDelay / 2);
    try {
      const result = tools[call.name].run(call.arguments);
      span.setAttribute('gen_ai.tool.call.result', JSON.stringify(result));
      return result;
    } catch (e) {
      span.recordException(e);
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      span.setAttribute('error.type', 'ToolError');
      return { city: call.arguments.city, error: e.message };
    } finally {
      span.end();
    }
  });
}

const question = process.argv.slice(2).filter((a) => !a.startsWith('--')).join(' ') || 'What is the weather in Paris and Tokyo?';
const answer = await tracer.startActiveSpan('invoke_agent weather-assistant', { attributes: { ...here(), 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather-assistant', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model } }, async (agent) => {
  const messages = [{ role: 'user', parts: [{ type: 'text', content: question }] }];
  for (let turn = 0; turn < 4; turn++) {
    const reply = await chat(messages, here());
    messages.push(reply);
    const calls = reply.parts.filter((p) => p.type === 'tool_call');
    if (calls.length === 0) {
      agent.end();
      return reply.parts[0].content;
    }
    for (const call of calls) messages.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: call.id, response: await runTool(call) }] });
  }
  agent.end();
  return '(gave up after 4 turns)';
});
console.log(answer);
try {
  await provider.shutdown();
} catch (e) {
  console.error(`node-agent: could not export spans (${e.message}); is OTEL_EXPORTER_OTLP_ENDPOINT pointing at a receiver?`);
}
