// Synthetic requests that run the ingest code once before real requests do (see warmUp.ts, and the
// decode worker's start in decodeWorkerMain.ts).
import type { KeyValue, LogRecord, Span, TraceRequest } from '../otlp/model';

const attrs = (i: number): KeyValue[] => [
  { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
  { key: 'gen_ai.usage.input_tokens', value: { intValue: String(i) } },
  { key: 'temperature', value: { doubleValue: 0.5 } },
  { key: 'stream', value: { boolValue: true } },
];

export const warmUpResource = () => ({ attributes: [{ key: 'service.name', value: { stringValue: 'warm-up' } }], droppedAttributesCount: 0 });
export const warmUpScope = () => ({ name: 'warm-up', version: '', attributes: [], droppedAttributesCount: 0 });

/** 50 agent-like spans: every value kind, some events, links and errors. */
export function warmUpRequest(round: number): TraceRequest {
  const spans: Span[] = [];
  for (let i = 0; i < 50; i++) {
    const n = round * 50 + i;
    const start = String(1_700_000_000_000_000_000n + BigInt(n) * 1_000_000n);
    spans.push({
      traceId: (Math.floor(n / 10) + 1).toString(16).padStart(32, '0'),
      spanId: (n + 1).toString(16).padStart(16, '0'),
      parentSpanId: i % 10 === 0 ? '' : (n - (n % 10) + 1).toString(16).padStart(16, '0'),
      traceState: '',
      flags: 1,
      name: i % 2 ? 'chat' : 'tool',
      kind: 1,
      startTimeUnixNano: start,
      endTimeUnixNano: start,
      attributes: attrs(n),
      droppedAttributesCount: 0,
      events: i % 5 ? [] : [{ timeUnixNano: start, name: 'e', attributes: attrs(n), droppedAttributesCount: 0 }],
      droppedEventsCount: 0,
      links: i % 7 ? [] : [{ traceId: '1'.padStart(32, '0'), spanId: '1'.padStart(16, '0'), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }],
      droppedLinksCount: 0,
      status: { code: i % 9 ? 0 : 2, message: '' },
    });
  }
  return { resourceSpans: [{ resource: warmUpResource(), schemaUrl: '', scopeSpans: [{ scope: warmUpScope(), schemaUrl: '', spans }] }] };
}

export function warmUpLogRecord(round: number): LogRecord {
  return {
    timeUnixNano: '1700000000000000000', observedTimeUnixNano: '1700000000000000000', severityNumber: 9, severityText: 'INFO',
    body: { stringValue: 'warm' }, attributes: attrs(round), droppedAttributesCount: 0, flags: 0,
    traceId: '1'.padStart(32, '0'), spanId: '1'.padStart(16, '0'), eventName: '',
  };
}
