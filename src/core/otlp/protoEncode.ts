// The model back to OTLP/protobuf (ExportTrace/LogsServiceRequest). Used by tests, benchmarks,
// anything that re-posts stored sessions to another collector, and the store (spans.data). Default
// values are omitted (proto3).
import { Writer } from 'protobufjs/minimal';
import type {
  AnyValue, InstrumentationScope, KeyValue, LogRecord, LogsRequest, Resource, Span, SpanEvent, SpanLink, TraceRequest,
} from './model';
import { F_KEY_ID, idOfKey } from './wellKnownKeys';

// Tag = field number << 3 | wire type.
const tag = (field: number, wire: number): number => ((field << 3) | wire) >>> 0;

export function encodeTraceRequest(req: TraceRequest): Uint8Array {
  const w = Writer.create();
  for (const rs of req.resourceSpans) {
    w.uint32(tag(1, 2)).fork();
    writeResource(w, 1, rs.resource);
    for (const ss of rs.scopeSpans) {
      w.uint32(tag(2, 2)).fork();
      writeScope(w, 1, ss.scope);
      for (const span of ss.spans) writeSpan(w.uint32(tag(2, 2)).fork(), span).ldelim();
      writeString(w, 3, ss.schemaUrl);
      w.ldelim();
    }
    writeString(w, 3, rs.schemaUrl);
    w.ldelim();
  }
  return w.finish();
}

export function encodeLogsRequest(req: LogsRequest): Uint8Array {
  const w = Writer.create();
  for (const rl of req.resourceLogs) {
    w.uint32(tag(1, 2)).fork();
    writeResource(w, 1, rl.resource);
    for (const sl of rl.scopeLogs) {
      w.uint32(tag(2, 2)).fork();
      writeScope(w, 1, sl.scope);
      for (const log of sl.logRecords) writeLogRecord(w.uint32(tag(2, 2)).fork(), log).ldelim();
      writeString(w, 3, sl.schemaUrl);
      w.ldelim();
    }
    writeString(w, 3, rl.schemaUrl);
    w.ldelim();
  }
  return w.finish();
}

/**
 * A span's fields but its ids and name (1, 2, 4, 5) as a Span message: what the store keeps of a span
 * beside its columns (spans.data), well-known keys as their number.
 */
export function encodeSpanData(s: Span): Uint8Array {
  const w = Writer.create();
  writeString(w, 3, s.traceState);
  return writeSpanBody(w, s, true).finish();
}

function writeSpan(w: Writer, s: Span): Writer {
  writeHex(w, 1, s.traceId);
  writeHex(w, 2, s.spanId);
  writeString(w, 3, s.traceState);
  writeHex(w, 4, s.parentSpanId);
  writeString(w, 5, s.name);
  return writeSpanBody(w, s);
}

/** Span fields 6-16; `stored`: for spans.data, where well-known keys are written as their number. */
function writeSpanBody(w: Writer, s: Span, stored = false): Writer {
  if (s.kind) w.uint32(tag(6, 0)).int32(s.kind);
  writeFixed64(w, 7, s.startTimeUnixNano);
  writeFixed64(w, 8, s.endTimeUnixNano);
  writeAttributes(w, 9, s.attributes, stored);
  writeCount(w, 10, s.droppedAttributesCount);
  for (const e of s.events) writeEvent(w.uint32(tag(11, 2)).fork(), e).ldelim();
  writeCount(w, 12, s.droppedEventsCount);
  for (const l of s.links) writeLink(w.uint32(tag(13, 2)).fork(), l).ldelim();
  writeCount(w, 14, s.droppedLinksCount);
  if (s.status.code || s.status.message) {
    w.uint32(tag(15, 2)).fork();
    writeString(w, 2, s.status.message);
    if (s.status.code) w.uint32(tag(3, 0)).int32(s.status.code);
    w.ldelim();
  }
  if (s.flags) w.uint32(tag(16, 5)).fixed32(s.flags);
  return w;
}

function writeEvent(w: Writer, e: SpanEvent): Writer {
  writeFixed64(w, 1, e.timeUnixNano);
  writeString(w, 2, e.name);
  writeAttributes(w, 3, e.attributes);
  writeCount(w, 4, e.droppedAttributesCount);
  return w;
}

function writeLink(w: Writer, l: SpanLink): Writer {
  writeHex(w, 1, l.traceId);
  writeHex(w, 2, l.spanId);
  writeString(w, 3, l.traceState);
  writeAttributes(w, 4, l.attributes);
  writeCount(w, 5, l.droppedAttributesCount);
  if (l.flags) w.uint32(tag(6, 5)).fixed32(l.flags);
  return w;
}

function writeLogRecord(w: Writer, l: LogRecord): Writer {
  writeFixed64(w, 1, l.timeUnixNano);
  if (l.severityNumber) w.uint32(tag(2, 0)).int32(l.severityNumber);
  writeString(w, 3, l.severityText);
  if (Object.keys(l.body).length) writeAnyValue(w.uint32(tag(5, 2)).fork(), l.body).ldelim();
  writeAttributes(w, 6, l.attributes);
  writeCount(w, 7, l.droppedAttributesCount);
  if (l.flags) w.uint32(tag(8, 5)).fixed32(l.flags);
  writeHex(w, 9, l.traceId);
  writeHex(w, 10, l.spanId);
  writeFixed64(w, 11, l.observedTimeUnixNano);
  writeString(w, 12, l.eventName);
  return w;
}

function writeResource(w: Writer, field: number, r: Resource): void {
  w.uint32(tag(field, 2)).fork();
  writeAttributes(w, 1, r.attributes);
  writeCount(w, 2, r.droppedAttributesCount);
  w.ldelim();
}

function writeScope(w: Writer, field: number, s: InstrumentationScope): void {
  w.uint32(tag(field, 2)).fork();
  writeString(w, 1, s.name);
  writeString(w, 2, s.version);
  writeAttributes(w, 3, s.attributes);
  writeCount(w, 4, s.droppedAttributesCount);
  w.ldelim();
}

function writeAttributes(w: Writer, field: number, attrs: KeyValue[], stored = false): void {
  for (const kv of attrs) {
    w.uint32(tag(field, 2)).fork();
    const id = stored ? idOfKey(kv.key) : 0;
    if (id > 0) w.uint32(tag(F_KEY_ID, 0)).uint32(id);
    else writeString(w, 1, kv.key);
    writeAnyValue(w.uint32(tag(2, 2)).fork(), kv.value).ldelim();
    w.ldelim();
  }
}

function writeAnyValue(w: Writer, v: AnyValue): Writer {
  if ('stringValue' in v) w.uint32(tag(1, 2)).string(v.stringValue);
  else if ('boolValue' in v) w.uint32(tag(2, 0)).bool(v.boolValue);
  else if ('intValue' in v) w.uint32(tag(3, 0)).int64(v.intValue);
  else if ('doubleValue' in v) w.uint32(tag(4, 1)).double(v.doubleValue);
  else if ('arrayValue' in v) {
    w.uint32(tag(5, 2)).fork();
    for (const item of v.arrayValue.values) writeAnyValue(w.uint32(tag(1, 2)).fork(), item).ldelim();
    w.ldelim();
  } else if ('kvlistValue' in v) {
    w.uint32(tag(6, 2)).fork();
    writeAttributes(w, 1, v.kvlistValue.values);
    w.ldelim();
  } else if ('bytesValue' in v) w.uint32(tag(7, 2)).bytes(Buffer.from(v.bytesValue, 'base64'));
  return w;
}

function writeString(w: Writer, field: number, s: string): void {
  if (s) w.uint32(tag(field, 2)).string(s);
}

function writeHex(w: Writer, field: number, hex: string): void {
  if (hex) w.uint32(tag(field, 2)).bytes(Buffer.from(hex, 'hex'));
}

function writeFixed64(w: Writer, field: number, decimal: string): void {
  if (decimal && decimal !== '0') w.uint32(tag(field, 1)).fixed64(decimal);
}

function writeCount(w: Writer, field: number, n: number): void {
  if (n) w.uint32(tag(field, 0)).uint32(n);
}
