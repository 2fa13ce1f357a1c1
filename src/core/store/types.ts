// Plain, JSON-safe shapes the store hands out. Spans and log records carry every OTLP model field
// unchanged, plus where they live (session, resource, scope) and a few derived numbers for layout.
import type { KeyValue, LogRecord, Span } from '../otlp/model';
import type { PlainAttributes } from '../otlp/protoPlain';

export interface StoredResource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
  /** ResourceSpans.schemaUrl / ResourceLogs.schemaUrl. */
  schemaUrl: string;
}

export interface StoredScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  /** ScopeSpans.schemaUrl / ScopeLogs.schemaUrl. */
  schemaUrl: string;
}

export interface StoredSpan extends Span {
  /** Ingest sequence: unique in the store, stable while the span is kept. */
  seq: number;
  sessionId: string;
  /** Ids of the deduplicated resource and scope: equal ids mean equal values. */
  resourceId: number;
  scopeId: number;
  resource: StoredResource;
  scope: StoredScope;
  /** Derived from the nanosecond strings (ms since the epoch; sub-microsecond precision is lost). */
  startMs: number;
  endMs: number;
  durationMs: number;
  /** Read for the agent model (readSession): the attributes as plain values, and `attributes` left empty. */
  plainAttributes?: PlainAttributes;
}

export interface StoredLogRecord extends LogRecord {
  seq: number;
  sessionId: string;
  resourceId: number;
  scopeId: number;
  resource: StoredResource;
  scope: StoredScope;
  /** timeUnixNano in ms, else observedTimeUnixNano. */
  timeMs: number;
}

/** How a session came to be. */
export type SessionSource = 'launcher' | 'attribute' | 'instance' | 'import';

export interface SessionSummary {
  id: string;
  name: string;
  source: SessionSource;
  serviceName: string;
  spanCount: number;
  errorCount: number;
  traceCount: number;
  logCount: number;
  /** Span times (ms since the epoch); the creation time while the session has no span. */
  firstSpanMs: number;
  lastSpanMs: number;
  /** Receipt clock: when the session was created and when it last received data. */
  createdMs: number;
  lastActivityMs: number;
  /** Still running: see liveness.ts. */
  live: boolean;
  /** Receipt-clock time it stops being live if nothing more arrives (absent while its process runs, or when not live). */
  liveUntilMs?: number;
}

export interface TraceSummary {
  traceId: string;
  sessionId: string;
  spanCount: number;
  errorCount: number;
  startMs: number;
  endMs: number;
  /** Name of the root span, once it has arrived. */
  rootName?: string;
}

export interface SpanQuery {
  sessionId?: string;
  /** Exact span name. */
  name?: string;
  /** 0 unset, 1 ok, 2 error. */
  statusCode?: number;
  /** A span attribute with this key (and, if given, this value: string, int or double, bool). */
  attribute?: { key: string; value?: string | number | boolean };
  /** Default 1000. */
  limit?: number;
}

export interface Page {
  offset?: number;
  limit?: number;
}

export interface StoreChange {
  added: string[];
  changed: string[];
  removed: string[];
  evicted: string[];
  /** Human-readable notices (evictions), meant for the user. */
  notices?: string[];
  /** Spans the caps evicted in this change (whole sessions and trimmed traces): every one is in a notice. */
  evictedSpans?: number;
}

export interface StoreStats {
  spans: number;
  sessions: number;
  traces: number;
  logs: number;
  /** Bytes of database pages in use: (page_count - freelist_count) * page_size. */
  bytes: number;
  /** Bytes the database file occupies in memory, free pages included. */
  allocatedBytes: number;
  pageSize: number;
  pageCount: number;
}

export interface IngestResult {
  spans: number;
}

export interface LogIngestResult {
  records: number;
}

export interface ImportResult {
  spans: number;
  records: number;
  sessionIds: string[];
  /** Parts of the file left out, with why (a session's cassette that is not valid). */
  warnings?: string[];
}
