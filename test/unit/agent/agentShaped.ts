// Deterministic agent-shaped sessions for the model's tests: runs of an agent whose LLM calls carry a long
// system prompt, tool schemas and the whole conversation so far (the same texts again and again, as the
// store hands them over: one string object per text), tool calls in the same millisecond as the calls
// around them, runs that repeat an earlier run's input exactly (loop findings), failures, and gateway
// twins of some calls.
import type { SpanInput } from '../../../src/core/agent/types';
import { nanosToMs } from '../../../src/core/agent/attributes';
import { spanInput } from './synthetic';

const T0 = 1_767_225_600_000;
const system = `You are TravelPlanner. ${'Check the weather before outdoor plans; prefer museums on rainy days. '.repeat(20)}`;
const schemas = JSON.stringify([{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]);

/** `runs` agent runs of up to 6 turns each (1 + 2 x turns spans a run). */
export function agentShapedSession(runs: number): SpanInput[] {
  const out: SpanInput[] = [];
  // One string object per distinct text, as reads from the store give them.
  const texts = new Map<string, string>();
  const shared = (s: string) => texts.get(s) ?? (texts.set(s, s), s);
  let t = T0;
  for (let run = 0; run < runs; run++) {
    const traceId = (run + 1).toString(16).padStart(32, '0');
    const id = (k: number) => ((run + 1) * 64 + k).toString(16).padStart(16, '0');
    const root = id(0);
    const city = `city ${run % 5}`;
    const turns = 1 + (run % 6);
    const history: { role: string; content: string }[] = [{ role: 'user', content: `Plan my Saturday in ${city}.` }];
    const spans: SpanInput[] = [];
    out.push(spanInput({ traceId, spanId: root, name: 'invoke_agent TravelPlanner', startMs: t, endMs: t + turns * 4 + 2, attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'TravelPlanner' } }));
    for (let i = 0; i < turns; i++) {
      const callId = `call_${i}`;
      const start = t + 1 + i * 4;
      const failed = run % 7 === 3 && i === turns - 1;
      spans.push(spanInput({
        traceId, spanId: id(1 + 2 * i), parentSpanId: root, name: 'chat gpt-4o-mini', startMs: start, endMs: start + 4,
        attrs: {
          'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 900 + 60 * i, 'gen_ai.usage.output_tokens': 40 + i,
          'gen_ai.system_instructions': shared(system), 'gen_ai.tool.definitions': shared(schemas),
          'gen_ai.input.messages': shared(JSON.stringify(history.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] })))),
          'gen_ai.output.messages': shared(JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: callId, name: 'get_weather', arguments: { city, day: i } }] }])),
        },
        events: [{ name: 'gen_ai.content.prompt', timeMs: start, attrs: { 'gen_ai.prompt': 'weather?' } }],
        status: failed ? { code: 2, message: '429 {"error":{"type":"rate_limit","message":"slow down"}}' } : undefined,
      }));
      const result = shared(`{"city":"${city}","day":${i},"tempC":${10 + i},"condition":"rain"}`);
      // The tool runs within the millisecond its call ended, and the next call starts then too: a tie the dataflow settles.
      spans.push(spanInput({
        traceId, spanId: id(2 + 2 * i), parentSpanId: root, name: 'execute_tool get_weather', startMs: start + 4, endMs: start + 4,
        attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': callId, 'gen_ai.tool.call.arguments': shared(`{"city":"${city}","day":${i}}`), 'gen_ai.tool.call.result': result },
      }));
      history.push({ role: 'assistant', content: `calling get_weather for day ${i}` }, { role: 'tool', content: result });
    }
    // Exporters group spans by scope, not time: every other run arrives backwards.
    out.push(...(run % 2 ? spans.reverse() : spans));
    t += turns * 4 + 3 + (run % 3 === 0 ? 0 : 1);
  }
  return out;
}

/**
 * Each trace of `inputs` under an agent span of its own that starts first and ends last, and so arrives
 * last (byEnd): its roots are that span's children. `oneTrace`: all of them one trace, under one such span.
 */
export function underOpenRuns(inputs: SpanInput[], oneTrace = false): SpanInput[] {
  const traces = new Map<string, SpanInput[]>();
  for (const input of inputs) {
    const id = oneTrace ? 'f'.repeat(32) : input.span.traceId;
    const list = traces.get(id);
    const moved = { ...input, span: { ...input.span, traceId: id } };
    if (list) list.push(moved);
    else traces.set(id, [moved]);
  }
  const runId = 'e'.repeat(16);
  return [...traces].flatMap(([traceId, list]) => {
    const starts = list.map((i) => nanosToMs(i.span.startTimeUnixNano));
    const ends = list.map((i) => nanosToMs(i.span.endTimeUnixNano));
    const run = spanInput({ traceId, spanId: runId, name: 'invoke_agent LongRun', startMs: Math.min(...starts) - 1, endMs: Math.max(...ends) + 1, attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'LongRun' } });
    return [run, ...list.map((i): SpanInput => ({ ...i, span: { ...i.span, parentSpanId: i.span.parentSpanId || runId } }))];
  });
}
