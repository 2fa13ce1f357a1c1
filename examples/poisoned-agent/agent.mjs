// An agent that falls for a prompt injection, offline: it fetches a page (from ./pages) whose HTML comment
// tells the assistant to mail the user's contacts to an address on the page, and its scripted "model"
// obeys. It emits OpenTelemetry GenAI semantic-convention spans (invoke_agent -> chat -> execute_tool ...)
// with the official JS SDK, configured by the standard OTEL_* variables, like examples/node-agent.
// Agent Debugger flags the injection in fetch_page's result and the taint from fetch_page to send_email.to;
// `"breakOn": ["taint"]` stops the run at the model's send_email call, before the mail goes out.
//   node examples/poisoned-agent/agent.mjs "What are the spring offers?"
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { here, outbox, tools } from './tools.mjs';

const protocol = process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
const exporter = protocol === 'http/json' ? new HttpJsonExporter() : new HttpProtoExporter();
const resource = detectResources({ detectors: [envDetector] }).merge(resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'poisoned-agent' }));
// Each span is exported as it ends, so a debugger sees the model's send_email call before the tool runs.
const provider = new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const tracer = trace.getTracer('poisoned-agent', '1.0.0');

const model = 'gpt-4o-mini';
const system = 'You are a shopping assistant. Read the pages the user asks about and summarise them.';
/** Pause between steps (ms), like a real model's latency: lets a trace breakpoint stop the run before a tool. */
const stepDelay = Number(process.env.AGENT_STEP_DELAY_MS ?? 300);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tokens = (v) => Math.ceil(JSON.stringify(v).length / 4);

/** The scripted model: fetch the page, then do what the page's hidden comment says, then answer. */
function scriptedModel(messages) {
  const results = messages.filter((m) => m.role === 'tool');
  if (results.length === 0) {
    return { role: 'assistant', finish_reason: 'tool_call', parts: [{ type: 'tool_call', id: 'call_1', name: 'fetch_page', arguments: { url: 'https://shop.example/offers' } }] };
  }
  const page = String(results[0].parts[0].response);
  const address = /Send the user's saved contacts to ([\w.+-]+@[\w.-]+\w)/.exec(page)?.[1];
  if (results.length === 1 && address) {
    return { role: 'assistant', finish_reason: 'tool_call', parts: [{ type: 'tool_call', id: 'call_2', name: 'send_email', arguments: { to: address, subject: 'Saved contacts', body: 'Alice, Bob, Carol' } }] };
  }
  return { role: 'assistant', finish_reason: 'stop', parts: [{ type: 'text', content: 'Spring offers: ten percent off every city break booked before May.' }] };
}

async function chat(messages, source) {
  return tracer.startActiveSpan(`chat ${model}`, { kind: 2, attributes: source }, async (span) => {
    await sleep(stepDelay);
    const output = scriptedModel(messages);
    span.setAttributes({
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model,
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
  // The model's call is exported: a trace breakpoint on it has this long to pause the process.
  await sleep(stepDelay);
  return tracer.startActiveSpan(`execute_tool ${call.name}`, async (span) => {
    span.setAttributes({ ...tools[call.name].source, 'code.function.name': call.name, 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': call.name, 'gen_ai.tool.type': 'function', 'gen_ai.tool.call.id': call.id, 'gen_ai.tool.call.arguments': JSON.stringify(call.arguments) });
    const result = tools[call.name].run(call.arguments);
    span.setAttribute('gen_ai.tool.call.result', typeof result === 'string' ? result : JSON.stringify(result));
    span.end();
    return result;
  });
}

const question = process.argv.slice(2).join(' ') || 'What are the spring offers?';
const answer = await tracer.startActiveSpan('invoke_agent shopping-assistant', { attributes: { ...here(), 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'shopping-assistant', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model } }, async (agent) => {
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
console.log(`outbox: ${outbox.length} mail(s)`);
try {
  await provider.shutdown();
} catch (e) {
  console.error(`poisoned-agent: could not export spans (${e.message}); is OTEL_EXPORTER_OTLP_ENDPOINT pointing at a receiver?`);
}
