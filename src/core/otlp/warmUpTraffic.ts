// Synthetic agent traffic for warming the ingest path before the first real request. A cold process runs
// the first thousand spans of a flood through unoptimised code while V8 compiles it on its background
// threads: a fresh engine stored its first 40k realistic spans at 0.14-0.17x the discard server's rate,
// and 0.17-0.26x after this warm-up in its first form (our 2-core VM; warmUpBodies says what smaller
// requests added). It costs ~0.5 s of CPU (the engine's low-priority threads and V8's compilers) and
// ~20 MB of RSS, once per engine, when the extension or `serve` starts a receiver. The spans are shaped
// like what agents send (LLM calls with their conversation as JSON, tool calls, events, every value kind,
// errors), prepared and written as real ones, never stored.
import type { KeyValue, Span, TraceRequest } from './model';
import { encodeTraceRequest } from './protoEncode';

export interface WarmUpBody {
  format: 'protobuf' | 'json';
  body: Uint8Array;
}

/**
 * ~2k spans, made one request at a time (~100 KB each). 8k did no better (first-flood capacity 0.19-0.30x
 * against 0.16-0.26x, four runs each, alternated) and costs twice as much. Many small requests rather than
 * a few big ones: what runs once per request (routing, grouping by trace, planning, writing) is then hot
 * enough for V8 to optimise before the first flood, not during it. 32 x 64 against 8 x 256: TurboFan
 * during a first flood of 40k realistic spans 100 ms against 170-280 ms, stored 94.5-98.9k spans/s
 * (median 96.9k) against 87.3-98.6k (92.7k), five runs each, alternated; the same cost (~0.45 s of CPU).
 */
export const warmUpRequests = 32;
export const warmUpSpansPerRequest = 64;

export function* warmUpBodies(requests = warmUpRequests, spansPerRequest = warmUpSpansPerRequest): Generator<WarmUpBody> {
  for (let r = 0; r < requests; r++) {
    const request = warmUpTraceRequest(r, spansPerRequest);
    // Most exporters send protobuf; OTel JS's HTTP exporter sends JSON: both ways in are warmed.
    const json = r % 8 === 7;
    yield { format: json ? 'json' : 'protobuf', body: json ? new TextEncoder().encode(JSON.stringify(request)) : encodeTraceRequest(request) };
  }
}

const systemPrompt = 'You are a careful assistant. Plan the steps, call the tools you need, check what they return. '.repeat(12);

const str = (key: string, stringValue: string): KeyValue => ({ key, value: { stringValue } });
const int = (key: string, n: number): KeyValue => ({ key, value: { intValue: String(n) } });
const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, '0');

/**
 * One exporter batch of agent runs (a root, LLM calls, tool calls). Batches differ as real ones do: runs
 * one after another or two interleaved, with a session id or without.
 */
export function warmUpTraceRequest(round: number, spans: number): TraceRequest {
  const out: { span: Span; order: number }[] = [];
  const interleaved = round % 2 === 1;
  for (let i = 0; i < spans; i++) {
    const n = round * spans + i;
    // Interleaved: two long runs whose spans alternate; else runs of 8 spans, the first their root.
    const run = interleaved ? 2 * round + (i % 2) : Math.floor(n / 8);
    const root = interleaved ? i < 2 : i % 8 === 0;
    const rootSpan = interleaved ? round * spans + (i % 2) : run * 8;
    const llm = !root && i % 3 !== 0;
    const start = 1_700_000_000_000_000_000n + BigInt(n) * 5_000_000n;
    const conversation = [{ role: 'system', content: systemPrompt }, { role: 'user', content: `Trip ${run}: is it raining in city ${n % 17}?` }];
    const attributes: KeyValue[] = root
      ? [str('gen_ai.operation.name', 'invoke_agent'), str('gen_ai.agent.name', 'planner'), ...(round % 3 ? [str('session.id', `warm-${run % 3}`)] : [])]
      : llm
        ? [
            str('gen_ai.operation.name', 'chat'), str('gen_ai.request.model', 'gpt-4o-mini'), int('gen_ai.usage.input_tokens', 900 + n),
            int('gen_ai.usage.output_tokens', 40 + (n % 60)), { key: 'gen_ai.request.temperature', value: { doubleValue: 0.2 } },
            { key: 'gen_ai.response.finish_reasons', value: { arrayValue: { values: [{ stringValue: 'tool_calls' }] } } },
            str('gen_ai.input.messages', JSON.stringify(conversation)), str('gen_ai.response.id', `resp-${n}`),
            { key: 'llm.is_streaming', value: { boolValue: n % 2 === 0 } },
          ]
        : [
            str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', 'get_weather'),
            str('gen_ai.tool.call.arguments', `{"city":"city ${n % 17}"}`), str('gen_ai.tool.call.result', `{"tempC":${n % 30},"rain":true}`),
            { key: 'tool.meta', value: { kvlistValue: { values: [int('attempt', 1), str('cache', 'miss')] } } },
          ];
    // Spans are exported as they end: a run's root, which ends last, comes after its children.
    out.push({ order: (interleaved ? 0 : 2 * run) + (root ? 1 : 0), span: {
      traceId: hex(round * spans + run + 1, 32),
      spanId: hex(n + 1, 16),
      parentSpanId: root ? '' : hex(rootSpan + 1, 16),
      traceState: '',
      flags: 1,
      name: root ? 'invoke_agent planner' : llm ? 'chat gpt-4o-mini' : 'execute_tool get_weather',
      kind: llm ? 3 : 1,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 4_000_000n),
      attributes,
      // Some of what SDKs send now and then: counts of what their limits dropped, an OK status.
      droppedAttributesCount: n % 16 === 5 ? 1 : 0,
      events: llm ? [{ timeUnixNano: String(start + 1_000_000n), name: 'gen_ai.choice', attributes: [int('index', 0), str('finish_reason', 'tool_calls')], droppedAttributesCount: n % 16 === 6 ? 1 : 0 }] : [],
      droppedEventsCount: n % 16 === 7 ? 1 : 0,
      links: n % 50 === 7 ? [{ traceId: hex(1, 32), spanId: hex(1, 16), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }] : [],
      droppedLinksCount: n % 16 === 8 ? 1 : 0,
      status: n % 40 === 9 ? { code: 2, message: 'tool timed out' } : { code: n % 4 === 2 ? 1 : 0, message: '' },
    } });
  }
  const ordered = out.sort((a, b) => a.order - b.order).map((o) => o.span);
  const resource = { attributes: [str('service.name', 'agent-debugger-warm-up'), str('telemetry.sdk.language', 'nodejs')], droppedAttributesCount: 0 };
  const scope = { name: 'agent-debugger-warm-up', version: '1.0.0', attributes: [], droppedAttributesCount: 0 };
  return { resourceSpans: [{ resource, schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans: ordered }] }] };
}
