// Test helpers: OTLP spans from plain JS, and synthetic agent sessions of any size.
import type { AnyValue, KeyValue, LogRecord, Span, SpanEvent } from '../../../src/core/otlp/model';
import type { SpanInput } from '../../../src/core/agent/types';

export function anyValue(v: unknown): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (typeof v === 'object' && v !== null) return { kvlistValue: { values: keyValues(v as Record<string, unknown>) } };
  return {};
}

export function keyValues(attrs: Record<string, unknown>): KeyValue[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export interface SpanSpec {
  name?: string;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  startMs?: number;
  endMs?: number;
  attrs?: Record<string, unknown>;
  events?: { name: string; timeMs?: number; attrs?: Record<string, unknown> }[];
  logs?: { eventName: string; timeMs?: number; body?: unknown; attrs?: Record<string, unknown> }[];
  status?: { code: number; message?: string };
  /** The instrumentation scope's name (default 'test') and resource attributes. */
  scope?: string;
  resource?: Record<string, unknown>;
}

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
let counter = 0;

export function nanos(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

export function spanInput(spec: SpanSpec): SpanInput {
  const spanId = spec.spanId ?? (++counter).toString(16).padStart(16, '0');
  const traceId = spec.traceId ?? 'a'.repeat(32);
  const startMs = spec.startMs ?? T0;
  const events: SpanEvent[] = (spec.events ?? []).map((e) => ({ name: e.name, timeUnixNano: nanos(e.timeMs ?? startMs), attributes: keyValues(e.attrs ?? {}), droppedAttributesCount: 0 }));
  const span: Span = {
    traceId, spanId, parentSpanId: spec.parentSpanId ?? '', traceState: '', flags: 1, name: spec.name ?? 'span', kind: 1,
    startTimeUnixNano: nanos(startMs), endTimeUnixNano: nanos(spec.endMs ?? startMs + 10),
    attributes: keyValues(spec.attrs ?? {}), droppedAttributesCount: 0, events, droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: { code: spec.status?.code ?? 0, message: spec.status?.message ?? '' },
  };
  const logs: LogRecord[] = (spec.logs ?? []).map((l) => ({
    timeUnixNano: nanos(l.timeMs ?? startMs), observedTimeUnixNano: nanos(l.timeMs ?? startMs), severityNumber: 9, severityText: 'INFO',
    body: l.body === undefined ? {} : anyValue(l.body), attributes: keyValues(l.attrs ?? {}), droppedAttributesCount: 0, flags: 1, traceId, spanId, eventName: l.eventName,
  }));
  const input: SpanInput = { span, resource: { attributes: keyValues(spec.resource ?? {}), droppedAttributesCount: 0 }, scope: { name: spec.scope ?? 'test', version: '', attributes: [], droppedAttributesCount: 0 } };
  if (logs.length > 0) input.logs = logs;
  return input;
}

/**
 * A big session: agent turns of (chat -> tool -> chat) in four dialects, n spans in all, each trace one
 * agent turn. Deterministic.
 */
export function syntheticSession(n: number): SpanInput[] {
  const out: SpanInput[] = [];
  let t = T0;
  for (let turn = 0; out.length < n; turn++) {
    const traceId = turn.toString(16).padStart(32, '0');
    const id = (k: number) => (turn * 8 + k + 1).toString(16).padStart(16, '0');
    const root = id(0);
    const callId = `call_${turn}`;
    const dialect = turn % 4;
    const llm = (k: number, withResult: boolean): Record<string, unknown> =>
      dialect === 0 ? { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 100 + k, 'gen_ai.usage.output_tokens': 20,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `question ${turn}` }] }, ...(withResult ? [{ role: 'tool', parts: [{ type: 'tool_call_response', id: callId, response: 'ok' }] }] : [])]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: withResult ? [{ type: 'text', content: 'done' }] : [{ type: 'tool_call', id: callId, name: 'lookup', arguments: { q: turn } }] }]) }
      : dialect === 1 ? { 'openinference.span.kind': 'LLM', 'llm.model_name': 'claude-3-5-haiku-20241022', 'llm.provider': 'anthropic', 'llm.token_count.prompt': 90, 'llm.token_count.completion': 10,
        'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.content': `q${turn}`, 'llm.output_messages.0.message.role': 'assistant', 'llm.output_messages.0.message.content': withResult ? 'done' : '',
        ...(withResult ? {} : { 'llm.output_messages.0.message.tool_calls.0.tool_call.id': callId, 'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'lookup', 'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":1}' }) }
      : dialect === 2 ? { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'gpt-4o', 'ai.model.provider': 'openai.chat', 'ai.usage.promptTokens': 80, 'ai.usage.completionTokens': 15, 'ai.prompt.messages': `[{"role":"user","content":"q${turn}"}]`, 'ai.response.text': 'done' }
      : { 'llm.request.type': 'chat', 'gen_ai.system': 'mystery', 'gen_ai.request.model': 'unpriced-model', 'llm.usage.prompt_tokens': 70, 'llm.usage.completion_tokens': 7, 'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': `q${turn}` };
    const tool = dialect === 0 ? { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup', 'gen_ai.tool.call.id': callId, 'gen_ai.tool.call.arguments': `{"q":${turn % 7}}` }
      : dialect === 1 ? { 'openinference.span.kind': 'TOOL', 'tool.name': 'lookup', 'input.value': `{"q":${turn % 7}}`, 'output.value': 'ok' }
      : dialect === 2 ? { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'lookup', 'ai.toolCall.id': callId, 'ai.toolCall.args': `{"q":${turn % 7}}`, 'ai.toolCall.result': '"ok"' }
      : { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'lookup', 'traceloop.entity.input': `{"args":[{"q":${turn % 7}}],"kwargs":{}}` };
    out.push(spanInput({ traceId, spanId: root, name: 'invoke_agent bot', startMs: t, endMs: t + 40, attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': `bot${turn % 3}` } }));
    out.push(spanInput({ traceId, spanId: id(1), parentSpanId: root, name: 'chat', startMs: t + 1, endMs: t + 10, attrs: llm(0, false) }));
    out.push(spanInput({ traceId, spanId: id(2), parentSpanId: root, name: 'tool lookup', startMs: t + 11, endMs: t + 15, attrs: tool, status: turn % 10 === 0 ? { code: 2, message: 'boom' } : undefined }));
    out.push(spanInput({ traceId, spanId: id(3), parentSpanId: root, name: 'chat', startMs: t + 16, endMs: t + 39, attrs: llm(1, true) }));
    t += 50;
  }
  return out.slice(0, n);
}
