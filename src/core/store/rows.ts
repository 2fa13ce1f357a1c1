// Table rows back into model objects. Column lists live here so queries and export agree on them.
import type { AnyValue, KeyValue } from '../otlp/model';
import type { PlainAttributes } from '../otlp/protoPlain';
import type { StoreContext } from './context';
import { parseSpanDataInto } from './spanData';
import { num, str, type SqlValue } from './sqlite';
import type { StoredLogRecord, StoredSpan } from './types';
import { durationMs } from '../otlp/nanos';
import { parseJson } from './values';

export const spanColumns = `s.id, s.session_id, s.trace_id, s.span_id, s.parent_span_id, s.name, s.start_ms, s.end_ms, s.status_code,
  s.resource_id, s.scope_id, s.data`;

export const logColumns = `l.id, l.session_id, l.trace_id, l.span_id, l.time_ns, l.observed_time_ns, l.time_ms, l.severity_number,
  l.severity_text, l.body, l.attributes, l.dropped_attributes_count, l.flags, l.event_name, l.resource_id, l.scope_id`;

/**
 * A spans row (selected with `spanColumns`) as a StoredSpan: the columns plus what spans.data holds; with
 * `plain`, its attributes as plain values (`plainAttributes`, the agent model's read).
 */
export function spanFromRow(ctx: StoreContext, r: SqlValue[], plain = false): StoredSpan {
  const data = r[11];
  const attributes: PlainAttributes | undefined = plain ? {} : undefined;
  const resourceId = num(r[9]);
  const scopeId = num(r[10]);
  // Whole at once, a Span's fields in their order and then the store's: stored spans share one shape, and
  // none grows its property store after (Object.assign did, for every span a model read).
  const span: StoredSpan = {
    traceId: '', spanId: '', parentSpanId: '', traceState: '', flags: 0, name: '', kind: 0,
    startTimeUnixNano: '0', endTimeUnixNano: '0', attributes: [], droppedAttributesCount: 0,
    events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0, status: { code: 0, message: '' },
    seq: num(r[0]), sessionId: str(r[1]), resourceId, scopeId,
    resource: ctx.dims.resource(resourceId), scope: ctx.dims.scope(scopeId), startMs: num(r[6]), endMs: num(r[7]), durationMs: 0,
  };
  parseSpanDataInto(data instanceof Uint8Array ? data : new Uint8Array(0), span, ctx.texts, attributes);
  // The columns win over anything a (hostile) file's data says.
  span.traceId = str(r[2]);
  span.spanId = str(r[3]);
  span.parentSpanId = str(r[4]);
  span.name = str(r[5]);
  span.status.code = num(r[8]);
  span.durationMs = durationMs(span.startTimeUnixNano, span.endTimeUnixNano);
  if (attributes) span.plainAttributes = attributes;
  return span;
}

export function logFromRow(ctx: StoreContext, r: SqlValue[]): StoredLogRecord {
  const resourceId = num(r[14]);
  const scopeId = num(r[15]);
  return {
    timeUnixNano: str(r[4]),
    observedTimeUnixNano: str(r[5]),
    severityNumber: num(r[7]),
    severityText: str(r[8]),
    body: parseJson<AnyValue>(str(r[9])),
    attributes: parseJson<KeyValue[]>(str(r[10])),
    droppedAttributesCount: num(r[11]),
    flags: num(r[12]),
    traceId: str(r[2]),
    spanId: str(r[3]),
    eventName: str(r[13]),
    seq: num(r[0]),
    sessionId: str(r[1]),
    resourceId,
    scopeId,
    resource: ctx.dims.resource(resourceId),
    scope: ctx.dims.scope(scopeId),
    timeMs: num(r[6]),
  };
}
