// OTLP requests (decoded model, or parsed OTLP/JSON: the shapes agree) -> one SpanInput per span, with
// the log records that carry the span's trace and span id joined to it. Lenient about absent arrays so a
// plain JSON.parse of a spec file works too.
import type { InstrumentationScope, LogRecord, LogsRequest, Resource, TraceRequest } from '../otlp/model';
import type { SpanInput } from './types';

const emptyResource: Resource = { attributes: [], droppedAttributesCount: 0 };
const emptyScope: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };

export function spanInputsFromRequests(traces: readonly TraceRequest[], logs: readonly LogsRequest[] = []): SpanInput[] {
  const logsBySpan = logsBySpanKey(logs);
  const out: SpanInput[] = [];
  for (const request of traces) {
    for (const rs of request?.resourceSpans ?? []) {
      const resource = rs?.resource ?? emptyResource;
      for (const ss of rs?.scopeSpans ?? []) {
        const scope = ss?.scope ?? emptyScope;
        for (const span of ss?.spans ?? []) {
          if (!span) continue;
          const joined = logsBySpan.get(spanKey(span.traceId, span.spanId));
          out.push(joined ? { span, resource, scope, logs: joined } : { span, resource, scope });
        }
      }
    }
  }
  return out;
}

export function logsBySpanKey(logs: readonly LogsRequest[]): Map<string, LogRecord[]> {
  const map = new Map<string, LogRecord[]>();
  for (const request of logs) {
    for (const rl of request?.resourceLogs ?? []) {
      for (const sl of rl?.scopeLogs ?? []) {
        for (const record of sl?.logRecords ?? []) {
          if (!record?.spanId) continue;
          const key = spanKey(record.traceId, record.spanId);
          const list = map.get(key);
          if (list) list.push(record);
          else map.set(key, [record]);
        }
      }
    }
  }
  return map;
}

/** Ids are case-insensitive hex in OTLP/JSON. */
export function spanKey(traceId: unknown, spanId: unknown): string {
  return `${String(traceId ?? '').toLowerCase()}/${String(spanId ?? '').toLowerCase()}`;
}
