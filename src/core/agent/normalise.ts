// One span -> one AgentStep. Dialect readers propose fields; the first reader (in `readers` order) that
// states a value wins. The order puts the most specific dialect markers first: a Vercel doGenerate span
// also carries gen_ai.* keys, and a Traceloop LLM span carries both gen_ai.prompt.N and gen_ai.usage.*.
import type { LogRecord, SpanEvent } from '../otlp/model';
import { anyValueToJs, flattenAttributes, isObject, nanosToMs, parseJsonLoose, spanAttributes, str } from './attributes';
import { scanKeys, type DialectReader, type SpanView } from './dialects/dialect';
import { genAiReader, kindFromSpanName } from './dialects/genai';
import { openInferenceReader } from './dialects/openinference';
import { traceloopReader } from './dialects/traceloop';
import { vercelReader } from './dialects/vercel';
import { fitted } from '../otlp/fittedArrays';
import { sourceFromAttributes } from './source';
import type { AgentStep, Attributes, Dialect, SpanInput, StepEvent, StepFields, StepKind, StepStatus } from './types';

const readerList: readonly DialectReader[] = [openInferenceReader, vercelReader, traceloopReader, genAiReader];
/** The readers in order (the loop below reads the module's own constant: an export is a property load a span). */
export const readers = readerList;

const STATUS_ERROR = 2;
const STATUS_OK = 1;

/** Never throws: unknown or malformed attributes give a step of kind 'other' with what could be read. */
export function normaliseSpan(input: SpanInput): AgentStep {
  const span = input.span;
  const attrs = spanAttributes(span);
  const events = Array.isArray(span.events) ? span.events : [];
  const view: SpanView = { span, attrs, events, logs: Array.isArray(input.logs) ? input.logs : [], keys: scanKeys(attrs), scopeName: str(input.scope?.name), sdkName: sdkNameOf(input) };

  let kind: StepKind | undefined;
  // The first reader's fields as they are (most spans speak one dialect); a second reader's fill the gaps of a copy.
  let fields: Partial<StepFields> | undefined;
  let own = false;
  let dialectSet = 0;
  for (let d = 0; d < readerList.length; d++) {
    const reader = readerList[d]!;
    let reading;
    try {
      if (!reader.detect(view)) continue;
      reading = reader.read(view);
    } catch {
      continue; // a reader bug must not cost the whole session
    }
    dialectSet |= 1 << d;
    kind ??= reading.kind;
    if (fields === undefined) {
      fields = reading.fields;
      continue;
    }
    if (!own) {
      fields = { ...fields };
      own = true;
    }
    const target = fields as Record<string, unknown>;
    const proposed = reading.fields as Record<string, unknown>;
    for (const key in proposed) if (target[key] === undefined) target[key] = proposed[key];
  }
  fields ??= {};

  const startMs = nanosToMs(span.startTimeUnixNano);
  const endMs = Math.max(startMs, nanosToMs(span.endTimeUnixNano));
  const error = errorOf(span.status, events, attrs);
  const status: StepStatus = error !== undefined ? 'error' : span.status?.code === STATUS_OK ? 'ok' : 'unset';
  const step: AgentStep = {
    id: hexId(span.spanId),
    traceId: hexId(span.traceId),
    spanId: hexId(span.spanId),
    kind: kind ?? kindFromSpanName(span.name) ?? fallbackKind(fields),
    name: typeof span.name === 'string' ? span.name : '',
    dialects: dialectsOf(dialectSet),
    startMs,
    endMs,
    durationMs: endMs - startMs,
    status,
    ...fields,
    attributes: attrs,
  };
  const parent = hexId(span.parentSpanId);
  if (!allZeros(parent)) step.parentSpanId = parent;
  if (error !== undefined) step.error = error;
  const retries = attrs['http.request.resend_count'];
  // Hostile input: only a positive whole count is a retry count.
  if (typeof retries === 'number' && Number.isSafeInteger(retries) && retries > 0) step.retries = retries;
  const source = sourceFromAttributes(attrs);
  if (source) step.source = source;
  const stepEvents = eventsOf(events, view.logs);
  if (stepEvents.length > 0) step.events = stepEvents;
  return step;
}

/** Steps share one frozen list per set of dialects (a list of its own took ~180 bytes a step). */
const dialectLists: (readonly Dialect[])[] = [];

function dialectsOf(set: number): readonly Dialect[] {
  return (dialectLists[set] ??= Object.freeze(readerList.filter((_, d) => set & (1 << d)).map((r) => r.dialect)));
}

/** telemetry.sdk.name without flattening the whole resource (it is shared by many spans). */
function sdkNameOf(input: SpanInput): string | undefined {
  const attrs = input.resource?.attributes;
  if (!Array.isArray(attrs)) return undefined;
  for (const kv of attrs) if (kv && kv.key === 'telemetry.sdk.name') return str(anyValueToJs(kv.value));
  return undefined;
}

function eventsOf(events: readonly SpanEvent[], logs: readonly LogRecord[]): StepEvent[] {
  const out: StepEvent[] = [];
  for (const e of events) if (e) out.push({ timeMs: nanosToMs(e.timeUnixNano), name: str(e.name) ?? 'event', source: 'span' });
  for (const r of logs) {
    if (!r) continue;
    const name = str(r.eventName) ?? str(flattenAttributes(r.attributes)['event.name']) ?? 'log';
    out.push({ timeMs: nanosToMs(r.timeUnixNano) || nanosToMs(r.observedTimeUnixNano), name, source: 'log' });
  }
  // Mostly in order already: sorting each step's two or three events cost a copy each (37 MB on 100k spans).
  for (let i = 1; i < out.length; i++) if (out[i].timeMs < out[i - 1].timeMs) return fitted(out.sort((a, b) => a.timeMs - b.timeMs));
  return fitted(out);
}

/** '' or only '0's: no parent (without a regular expression: this runs for every span). */
export function allZeros(id: string): boolean {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) !== 48) return false;
  return true;
}

/** OTLP/JSON ids are case-insensitive hex; lowercase makes them comparable. */
export function hexId(v: unknown): string {
  return typeof v === 'string' ? v.toLowerCase() : '';
}

/** No dialect named the kind: guess from what was found. */
function fallbackKind(fields: Partial<StepFields>): StepKind {
  if (fields.toolName !== undefined) return 'tool';
  if (fields.model !== undefined && (fields.inputTokens !== undefined || fields.outputTokens !== undefined || fields.inputMessages !== undefined)) return 'llm';
  if (fields.agentName !== undefined) return 'agent';
  return 'other';
}

/**
 * SDKs put the provider's error body in the message ('400 {"type":"error","error":{"type":"invalid_request_error",
 * "message":"prompt is too long"}}'): shown as "400 invalid_request_error: prompt is too long".
 */
function readableHttpError(message: string): string {
  const m = /^(\d{3}) (\{.*\})$/s.exec(message);
  if (!m) return message;
  const body = parseJsonLoose(m[2]);
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const text = error ? str(error.message) : undefined;
  if (!error || !text) return message;
  const type = str(error.type) ?? str(error.code);
  return `${m[1]} ${type ? `${type}: ` : ''}${text}`;
}

/** Status ERROR, or an `error.type` (which semconv sets only on failure): the best message available. */
function errorOf(status: { code?: number; message?: string } | undefined, events: readonly SpanEvent[], attrs: Attributes): string | undefined {
  const errorType = str(attrs['error.type']);
  if (status?.code !== STATUS_ERROR && errorType === undefined) return undefined;
  const fromStatus = str(status?.message);
  if (fromStatus) return readableHttpError(fromStatus);
  for (const e of events) {
    if (!e || e.name !== 'exception') continue;
    const a = flattenAttributes(e.attributes);
    const message = str(a['exception.message']);
    const type = str(a['exception.type']);
    if (message || type) return type && message ? `${type}: ${message}` : (message ?? type);
  }
  return errorType ?? 'error';
}

/**
 * A step's own copy (a live model relates copies of the steps it keeps as normalised), its fields in their order (JSON shows them so): those normaliseSpan writes first made
 * as a literal does, the rest added. A spread copy took hidden classes of its own once relating added fields,
 * and one assigned to `{}` kept most fields out of the object: reading 51k copies for a session's totals was
 * 8 and 3 times slower than reading steps normaliseSpan made.
 */
export function copyOfStep(s: AgentStep): AgentStep {
  const copy: Record<string, unknown> = { id: s.id, traceId: s.traceId, spanId: s.spanId, kind: s.kind, name: s.name, dialects: s.dialects, startMs: s.startMs, endMs: s.endMs, durationMs: s.durationMs, status: s.status };
  const from = s as unknown as Record<string, unknown>;
  for (const key in from) if (!(key in copy)) copy[key] = from[key];
  return copy as unknown as AgentStep;
}
