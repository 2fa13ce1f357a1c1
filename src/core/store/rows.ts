// Table rows back into model objects. Column lists live here so queries and export agree on them.
import type { AnyValue, KeyValue, SpanEvent, SpanLink } from '../otlp/model';
import type { StoreContext } from './context';
import { allRows, num, str, type SqlValue } from './sqlite';
import type { StoredLogRecord, StoredSpan } from './types';
import { parseJson } from './values';

export const spanColumns = `s.id, s.session_id, s.trace_id, s.span_id, s.parent_span_id, s.name, s.kind, s.start_ns, s.start_ms,
  s.end_ns, s.end_ms, s.duration_ms, s.status_code, s.status_message, s.trace_state, s.flags, s.attributes,
  s.dropped_attributes_count, s.event_count, s.dropped_events_count, s.link_count, s.dropped_links_count, s.resource_id, s.scope_id`;

export const logColumns = `l.id, l.session_id, l.trace_id, l.span_id, l.time_ns, l.observed_time_ns, l.time_ms, l.severity_number,
  l.severity_text, l.body, l.attributes, l.dropped_attributes_count, l.flags, l.event_name, l.resource_id, l.scope_id`;

/**
 * A spans row (selected with `spanColumns`) as a StoredSpan. Events and links come from `children`
 * when the caller fetched them in bulk, else one query each (only for spans that have any).
 */
export function spanFromRow(ctx: StoreContext, r: SqlValue[], children?: SpanChildren): StoredSpan {
  const seq = num(r[0]);
  const resourceId = num(r[22]);
  const scopeId = num(r[23]);
  return {
    traceId: str(r[2]),
    spanId: str(r[3]),
    parentSpanId: str(r[4]),
    traceState: str(r[14]),
    flags: num(r[15]),
    name: str(r[5]),
    kind: num(r[6]),
    startTimeUnixNano: str(r[7]),
    endTimeUnixNano: str(r[9]),
    attributes: parseJson<KeyValue[]>(str(r[16])),
    droppedAttributesCount: num(r[17]),
    events: num(r[18]) ? (children?.events.get(seq) ?? eventsOfRow(ctx, seq)) : [],
    droppedEventsCount: num(r[19]),
    links: num(r[20]) ? (children?.links.get(seq) ?? linksOfRow(ctx, seq)) : [],
    droppedLinksCount: num(r[21]),
    status: { code: num(r[12]), message: str(r[13]) },
    seq,
    sessionId: str(r[1]),
    resourceId,
    scopeId,
    resource: ctx.dims.resource(resourceId),
    scope: ctx.dims.scope(scopeId),
    startMs: num(r[8]),
    endMs: num(r[10]),
    durationMs: num(r[11]),
  };
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

const eventColumns = 'e.span_rowid, e.time_ns, e.name, e.attributes, e.dropped_attributes_count';
const linkColumns = 'k.span_rowid, k.trace_id, k.span_id, k.trace_state, k.attributes, k.dropped_attributes_count, k.flags';

function eventFromRow(r: SqlValue[]): SpanEvent {
  return { timeUnixNano: str(r[1]), name: str(r[2]), attributes: parseJson(str(r[3])), droppedAttributesCount: num(r[4]) };
}

function linkFromRow(r: SqlValue[]): SpanLink {
  return { traceId: str(r[1]), spanId: str(r[2]), traceState: str(r[3]), attributes: parseJson(str(r[4])), droppedAttributesCount: num(r[5]), flags: num(r[6]) };
}

export function eventsOfRow(ctx: StoreContext, seq: number): SpanEvent[] {
  return allRows(ctx.stmts, `SELECT ${eventColumns} FROM span_events e WHERE e.span_rowid = ? ORDER BY e.seq`, [seq]).map(eventFromRow);
}

export function linksOfRow(ctx: StoreContext, seq: number): SpanLink[] {
  return allRows(ctx.stmts, `SELECT ${linkColumns} FROM span_links k WHERE k.span_rowid = ? ORDER BY k.seq`, [seq]).map(linkFromRow);
}

export interface SpanChildren {
  events: Map<number, SpanEvent[]>;
  links: Map<number, SpanLink[]>;
}

/** Events and links of every span of a session, in two queries (for export). */
export function childrenOfSession(ctx: StoreContext, sessionId: string): SpanChildren {
  const events = new Map<number, SpanEvent[]>();
  const links = new Map<number, SpanLink[]>();
  const eventRows = allRows(
    ctx.stmts,
    `SELECT ${eventColumns} FROM span_events e WHERE e.span_rowid IN (SELECT id FROM spans WHERE session_id = ? AND event_count > 0) ORDER BY e.span_rowid, e.seq`,
    [sessionId],
  );
  for (const r of eventRows) push(events, num(r[0]), eventFromRow(r));
  const linkRows = allRows(
    ctx.stmts,
    `SELECT ${linkColumns} FROM span_links k WHERE k.span_rowid IN (SELECT id FROM spans WHERE session_id = ? AND link_count > 0) ORDER BY k.span_rowid, k.seq`,
    [sessionId],
  );
  for (const r of linkRows) push(links, num(r[0]), linkFromRow(r));
  return { events, links };
}

function push<T>(map: Map<number, T[]>, key: number, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
