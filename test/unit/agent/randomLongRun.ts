// A random long run for the live model's tests (unit and in VS Code): one trace whose tools are read by id,
// by name and as bare results, many steps to a millisecond, spans arriving late.
import type { SpanInput } from '../../../src/core/agent';
import { spanInput } from './synthetic';

const T0 = 1_767_225_600_000;

/**
 * One long run, random (a trace whose agent span has not come): LLM calls asking for a tool (by id, an
 * earlier call's id again, or none) and reading results (by id, by name, as plain text), tools (some under
 * their call's span, so that they join its part when they come later), most in a millisecond of others.
 * In arrival order: by end, some spans late.
 */
export function randomLongRun(r: (n: number) => number, turns: number, traceId = 'b'.repeat(32)): SpanInput[] {
  const run = 'e'.repeat(16);
  let n = 0;
  const spanId = () => (++n).toString(16).padStart(16, '0');
  const out: { input: SpanInput; end: number }[] = [];
  let t = T0;
  for (let k = 0; k < turns; k++) {
    t += r(2);
    const name = r(4) ? 'get_weather' : 'book';
    const callId = r(4) ? `c${r(3) ? k : r(k + 1)}` : undefined;
    const asked = r(3) ? [{ role: 'assistant', parts: [{ type: 'tool_call', id: callId, name, arguments: {} }] }] : [];
    const result = r(3) === 0 ? [] : r(2) ? [{ role: 'tool', parts: [{ type: 'tool_call_response', id: `c${r(k + 1)}`, response: 'ok' }] }] : r(2) ? [{ role: 'tool', name, content: 'ok' }] : [{ role: 'tool', parts: [{ type: 'text', content: 'ok' }] }];
    const call = spanId();
    const callEnd = t + r(2);
    out.push({ end: callEnd, input: spanInput({ traceId, spanId: call, parentSpanId: run, name: 'chat', startMs: t, endMs: callEnd, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.input.messages': JSON.stringify(result), 'gen_ai.output.messages': JSON.stringify(asked) } }) });
    if (r(4) === 0) continue;
    const start = callEnd + r(2);
    const attrs: Record<string, string> = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name };
    if (r(3)) attrs['gen_ai.tool.call.id'] = r(4) ? (callId ?? `c${k}`) : `c${r(k + 2)}`;
    const end = start + r(2);
    out.push({ end, input: spanInput({ traceId, spanId: spanId(), parentSpanId: r(3) ? run : call, name: 'execute_tool', startMs: start, endMs: end, attrs }) });
    t = start;
  }
  const arrival = out.sort((a, b) => a.end - b.end).map((x) => x.input);
  // Late spans: a few places, or now and then past the next export (a span that started before the ones before it).
  for (let i = 0; i + 3 < arrival.length; i++) if (r(8) === 0) arrival.splice(Math.min(arrival.length - 1, i + 1 + (r(3) ? r(3) : r(40))), 0, arrival.splice(i, 1)[0]!);
  return arrival;
}
