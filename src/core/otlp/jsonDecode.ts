// OTLP/JSON request decoding into the same model as the protobuf path. Accepts a JSON string, the
// raw bytes, or an already parsed object. Structural garbage throws OtlpDecodeError with a JSON path.
import { OtlpDecodeError, inJson } from './errors';
import {
  type JsonObject, asObject, get, getArray, getEnum, getId, getString, getTime, getUint32, jsonAnyValue,
  jsonKeyValues, jsonResource, jsonScope,
} from './jsonValues';
import type {
  LogRecord, LogsRequest, ResourceLogs, ResourceSpans, ScopeLogs, ScopeSpans, Span, SpanEvent, SpanLink, SpanStatus,
  TraceRequest,
} from './model';

const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'] as const;
const SEVERITIES = ['UNSPECIFIED', ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((s) => [s, `${s}2`, `${s}3`, `${s}4`])];

export function decodeTraceRequestJson(input: unknown): TraceRequest {
  const root = parseRoot(input, 'an ExportTraceServiceRequest');
  return { resourceSpans: mapArray(root, 'resourceSpans', 'resource_spans', decodeResourceSpans) };
}

export function decodeLogsRequestJson(input: unknown): LogsRequest {
  const root = parseRoot(input, 'an ExportLogsServiceRequest');
  return { resourceLogs: mapArray(root, 'resourceLogs', 'resource_logs', decodeResourceLogs) };
}

export function parseRoot(input: unknown, what: string): JsonObject {
  let value = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    let text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new OtlpDecodeError(`invalid JSON: ${(e as Error).message}`);
    }
  }
  return asObject(value, what);
}

/** Decodes each element of a repeated message field, naming the element on error. */
function mapArray<T>(o: JsonObject, camel: string, snake: string, decode: (item: JsonObject) => T): T[] {
  const list = getArray(o, camel, snake);
  const out: T[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      out[i] = decode(asObject(list[i], 'an'));
    } catch (e) {
      throw inJson(e, `${camel}[${i}]`);
    }
  }
  return out;
}

function decodeResourceSpans(o: JsonObject): ResourceSpans {
  return {
    resource: jsonResource(o.resource),
    scopeSpans: mapArray(o, 'scopeSpans', 'scope_spans', decodeScopeSpans),
    schemaUrl: getString(o, 'schemaUrl', 'schema_url'),
  };
}

function decodeScopeSpans(o: JsonObject): ScopeSpans {
  return {
    scope: jsonScope(o.scope),
    spans: mapArray(o, 'spans', 'spans', decodeSpan),
    schemaUrl: getString(o, 'schemaUrl', 'schema_url'),
  };
}

function decodeSpan(o: JsonObject): Span {
  return {
    traceId: getId(o, 'traceId', 'trace_id'),
    spanId: getId(o, 'spanId', 'span_id'),
    parentSpanId: getId(o, 'parentSpanId', 'parent_span_id'),
    traceState: getString(o, 'traceState', 'trace_state'),
    flags: getUint32(o, 'flags', 'flags'),
    name: getString(o, 'name', 'name'),
    kind: getEnum(o, 'kind', 'kind', 'SPAN_KIND_', SPAN_KINDS),
    startTimeUnixNano: getTime(o, 'startTimeUnixNano', 'start_time_unix_nano'),
    endTimeUnixNano: getTime(o, 'endTimeUnixNano', 'end_time_unix_nano'),
    attributes: jsonKeyValues(o, 'attributes', 'attributes'),
    droppedAttributesCount: getUint32(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    events: mapArray(o, 'events', 'events', decodeEvent),
    droppedEventsCount: getUint32(o, 'droppedEventsCount', 'dropped_events_count'),
    links: mapArray(o, 'links', 'links', decodeLink),
    droppedLinksCount: getUint32(o, 'droppedLinksCount', 'dropped_links_count'),
    status: decodeStatus(get(o, 'status', 'status')),
  };
}

function decodeEvent(o: JsonObject): SpanEvent {
  return {
    timeUnixNano: getTime(o, 'timeUnixNano', 'time_unix_nano'),
    name: getString(o, 'name', 'name'),
    attributes: jsonKeyValues(o, 'attributes', 'attributes'),
    droppedAttributesCount: getUint32(o, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
}

function decodeLink(o: JsonObject): SpanLink {
  return {
    traceId: getId(o, 'traceId', 'trace_id'),
    spanId: getId(o, 'spanId', 'span_id'),
    traceState: getString(o, 'traceState', 'trace_state'),
    attributes: jsonKeyValues(o, 'attributes', 'attributes'),
    droppedAttributesCount: getUint32(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    flags: getUint32(o, 'flags', 'flags'),
  };
}

function decodeStatus(raw: unknown): SpanStatus {
  if (raw === undefined) return { code: 0, message: '' };
  try {
    const o = asObject(raw, 'a Status');
    return { code: getEnum(o, 'code', 'code', 'STATUS_CODE_', STATUS_CODES), message: getString(o, 'message', 'message') };
  } catch (e) {
    throw inJson(e, 'status');
  }
}

function decodeResourceLogs(o: JsonObject): ResourceLogs {
  return {
    resource: jsonResource(o.resource),
    scopeLogs: mapArray(o, 'scopeLogs', 'scope_logs', decodeScopeLogs),
    schemaUrl: getString(o, 'schemaUrl', 'schema_url'),
  };
}

function decodeScopeLogs(o: JsonObject): ScopeLogs {
  return {
    scope: jsonScope(o.scope),
    logRecords: mapArray(o, 'logRecords', 'log_records', decodeLogRecord),
    schemaUrl: getString(o, 'schemaUrl', 'schema_url'),
  };
}

function decodeLogRecord(o: JsonObject): LogRecord {
  let body;
  try {
    body = jsonAnyValue(o.body, 0);
  } catch (e) {
    throw inJson(e, 'body');
  }
  return {
    timeUnixNano: getTime(o, 'timeUnixNano', 'time_unix_nano'),
    observedTimeUnixNano: getTime(o, 'observedTimeUnixNano', 'observed_time_unix_nano'),
    severityNumber: getEnum(o, 'severityNumber', 'severity_number', 'SEVERITY_NUMBER_', SEVERITIES),
    severityText: getString(o, 'severityText', 'severity_text'),
    body,
    attributes: jsonKeyValues(o, 'attributes', 'attributes'),
    droppedAttributesCount: getUint32(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    flags: getUint32(o, 'flags', 'flags'),
    traceId: getId(o, 'traceId', 'trace_id'),
    spanId: getId(o, 'spanId', 'span_id'),
    eventName: getString(o, 'eventName', 'event_name'),
  };
}
