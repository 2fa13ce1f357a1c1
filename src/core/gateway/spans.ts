// One exchange -> one OTLP span in the GenAI semantic conventions, so everything above the store
// (agent model, graph, costs, exports) reads a gateway step like any instrumentation's span.
import type { KeyValue, Span } from '../otlp/model';
import { semconvProviderNames, type ProviderId } from './providers';
import type { ParsedRequest, ParsedResponse } from './types';

/** Marks a span the gateway wrote (the agent model uses it to merge with an instrumentation's span). */
export const gatewayAttribute = 'agent_debugger.gateway';
/** Marks a tool step inferred from the conversation rather than observed. */
export const inferredAttribute = 'agent_debugger.inferred';
export const firstChunkAttribute = 'agent_debugger.gateway.time_to_first_chunk_ms';

export interface Exchange {
  provider: ProviderId;
  method: string;
  /** Path without the query (which may carry a key). */
  path: string;
  upstream: URL;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  startMs: number;
  endMs: number;
  firstChunkMs?: number;
  status?: number;
  request?: ParsedRequest;
  response?: ParsedResponse;
  streamed: boolean;
  /** Transport failure or abort (the exchange has no complete answer). */
  error?: { type: string; message: string };
  /** Bodies over the recording cap were not parsed. */
  truncated?: boolean;
  /** Added by a replay responder (replayed, diverged, $0). */
  attributes?: KeyValue[];
}

/** Epoch ms (fractional) -> OTLP nanosecond string. */
export function nanos(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6))).toString();
}

export const attr = {
  str: (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } }),
  int: (key: string, value: number): KeyValue => ({ key, value: { intValue: String(Math.round(value)) } }),
  double: (key: string, value: number): KeyValue => ({ key, value: { doubleValue: value } }),
  bool: (key: string, value: boolean): KeyValue => ({ key, value: { boolValue: value } }),
  strs: (key: string, values: string[]): KeyValue => ({ key, value: { arrayValue: { values: values.map((v) => ({ stringValue: v })) } } }),
};

function params(request: ParsedRequest): KeyValue[] {
  const out: KeyValue[] = [];
  for (const [name, v] of Object.entries(request.params)) {
    const key = `gen_ai.request.${name}`;
    if (Array.isArray(v)) out.push(attr.strs(key, v));
    else if (typeof v === 'number') out.push(Number.isInteger(v) ? attr.int(key, v) : attr.double(key, v));
    else if (typeof v === 'boolean') out.push(attr.bool(key, v));
    else out.push(attr.str(key, v));
  }
  return out;
}

export function exchangeSpan(x: Exchange): Span {
  const req = x.request;
  const res = x.response;
  const operation = req?.operation ?? 'chat';
  const model = req?.model ?? res?.model;
  const a: KeyValue[] = [
    attr.str('gen_ai.operation.name', operation),
    attr.str('gen_ai.provider.name', semconvProviderNames[x.provider]),
    attr.bool(gatewayAttribute, true),
    attr.str('http.request.method', x.method),
    attr.str('url.path', x.path),
    attr.str('server.address', x.upstream.hostname),
    attr.int('server.port', Number(x.upstream.port || (x.upstream.protocol === 'https:' ? 443 : 80))),
    attr.bool('gen_ai.request.stream', x.streamed),
  ];
  if (req?.model) a.push(attr.str('gen_ai.request.model', req.model));
  if (res?.model) a.push(attr.str('gen_ai.response.model', res.model));
  if (res?.id) a.push(attr.str('gen_ai.response.id', res.id));
  if (res?.finishReasons.length) a.push(attr.strs('gen_ai.response.finish_reasons', res.finishReasons));
  // A class the provider did not report stays absent: unknown, never 0.
  const u = res?.usage ?? {};
  if (u.input !== undefined) a.push(attr.int('gen_ai.usage.input_tokens', u.input));
  if (u.output !== undefined) a.push(attr.int('gen_ai.usage.output_tokens', u.output));
  if (u.cacheRead !== undefined) a.push(attr.int('gen_ai.usage.cache_read.input_tokens', u.cacheRead));
  if (u.cacheWrite !== undefined) a.push(attr.int('gen_ai.usage.cache_creation.input_tokens', u.cacheWrite));
  if (u.reasoning !== undefined) a.push(attr.int('gen_ai.usage.reasoning.output_tokens', u.reasoning));
  if (req) {
    a.push(...params(req));
    if (req.messages.length) a.push(attr.str('gen_ai.input.messages', JSON.stringify(req.messages)));
    if (req.systemInstructions.length) a.push(attr.str('gen_ai.system_instructions', JSON.stringify(req.systemInstructions)));
    if (req.tools.length) a.push(attr.str('gen_ai.tool.definitions', JSON.stringify(req.tools)));
  }
  if (res?.messages.length) a.push(attr.str('gen_ai.output.messages', JSON.stringify(res.messages)));
  if (x.firstChunkMs !== undefined) a.push(attr.double(firstChunkAttribute, Math.round((x.firstChunkMs - x.startMs) * 1000) / 1000));
  if (x.status !== undefined) a.push(attr.int('http.response.status_code', x.status));
  if (x.truncated) a.push(attr.bool('agent_debugger.gateway.body_truncated', true));
  if (x.attributes) a.push(...x.attributes);
  const errorMessage = x.error?.message ?? (x.status !== undefined && x.status >= 400 ? (res?.error ?? `HTTP ${x.status}`) : res?.error);
  const errorType = x.error?.type ?? (x.status !== undefined && x.status >= 400 ? String(x.status) : res?.error ? 'provider_error' : undefined);
  if (errorType) a.push(attr.str('error.type', errorType));
  return {
    traceId: x.traceId, spanId: x.spanId, parentSpanId: x.parentSpanId, traceState: '', flags: 1,
    name: model ? `${operation} ${model}` : operation,
    kind: 3,
    startTimeUnixNano: nanos(x.startMs), endTimeUnixNano: nanos(x.endMs),
    attributes: a, droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: errorMessage ? { code: 2, message: errorMessage.slice(0, 2000) } : { code: 0, message: '' },
  };
}
