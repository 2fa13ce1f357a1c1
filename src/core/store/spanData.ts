// spans.data: the fields of a span that have no column of their own (trace state, kind, exact times,
// attributes, events, links, dropped counts, status, flags) as OTLP/protobuf: a Span message without
// the ids and name. The decode worker copies these fields from the request's bytes as they came
// (protoPrepared.ts); spans that arrive any other way get them encoded. Protobuf is half the size of
// the same fields as OTLP JSON, and copying it costs next to nothing, where writing JSON was most of
// the decode worker's time.
import type { AnyValue, KeyValue, Span } from '../otlp/model';
import { pushKeyValue, type StoredTexts } from '../otlp/protoCommon';
import { encodeSpanData } from '../otlp/protoEncode';
import type { PlainAttributes } from '../otlp/protoPlain';
import { decodeSpan, decodeSpanInto } from '../otlp/protoTraces';
import { readerFor, skipField, WIRE_LEN } from '../otlp/protoWire';
import type { Database } from './sqlite';

/** Span field numbers spans.data may hold (every field but trace id 1, span id 2, parent 4, name 5). */
export const F_TRACE_STATE = 3, F_KIND = 6, F_START = 7, F_END = 8, F_ATTRIBUTES = 9, F_DROPPED_ATTRIBUTES = 10;
export const F_EVENTS = 11, F_DROPPED_EVENTS = 12, F_LINKS = 13, F_DROPPED_LINKS = 14, F_STATUS = 15, F_FLAGS = 16;

export const spanDataBytes: (span: Span) => Uint8Array = encodeSpanData;

/**
 * spans.data back: a Span whose ids and name are empty (they are columns); `texts`: the store's shared
 * texts; `plain`: where its attributes go as plain values instead (see protoPlain.ts).
 */
export function parseSpanData(bytes: Uint8Array, texts: StoredTexts = noTexts, plain?: PlainAttributes): Span {
  return decodeSpan(readerFor(bytes), texts, plain);
}

/** Texts for data read without a store's (its keys' numbers are read all the same): every text reads as missing. */
const noTexts: StoredTexts = { text: (ids) => `[text ${ids.join(',')} is missing]` };

/** parseSpanData into `span`, whose columns are set already (rows.ts makes a stored span's shape whole at once). */
export function parseSpanDataInto<T extends Span>(bytes: Uint8Array, span: T, texts: StoredTexts = noTexts, plain?: PlainAttributes): T {
  return decodeSpanInto(readerFor(bytes), span, texts, plain);
}

/**
 * SQL functions that read spans.data; per connection, so set up with every (re)open (see schema.ts), and
 * again by the store with its texts (context.ts).
 */
export function registerSpanFunctions(db: Database, texts?: StoredTexts): void {
  // span_has_attribute(data, key, value): value is the JSON of an AttributeValue, NULL for any value.
  db.create_function('span_has_attribute', (data, key, value) =>
    data instanceof Uint8Array &&
    typeof key === 'string' &&
    spanHasAttribute(data, key, typeof value === 'string' ? (JSON.parse(value) as AttributeValue) : undefined, texts),
  );
}

/** The value spanHasAttribute compares with: any value (undefined), or a scalar. */
export type AttributeValue = string | number | boolean | undefined;

/**
 * Whether spans.data holds attribute `key` with `value` (any value when undefined). Strings match string
 * values and integers written as that string; numbers match doubles and integers; booleans booleans.
 * Read by SQL (span_has_attribute, see registerSpanFunctions).
 */
export function spanHasAttribute(bytes: Uint8Array, key: string, value: AttributeValue, texts: StoredTexts = noTexts): boolean {
  const r = readerFor(bytes);
  const found: KeyValue[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === F_ATTRIBUTES && (tag & 7) === WIRE_LEN) {
      found.length = 0;
      pushKeyValue(r, found, 0, texts);
      if (found[0]!.key === key && matches(found[0]!.value, value)) return true;
    } else skipField(r, tag);
  }
  return false;
}

function matches(v: AnyValue, value: AttributeValue): boolean {
  if (value === undefined) return true;
  if (typeof value === 'boolean') return 'boolValue' in v && v.boolValue === value;
  if (typeof value === 'number') {
    return ('doubleValue' in v && v.doubleValue === value) || ('intValue' in v && Number.isInteger(value) && v.intValue === String(value));
  }
  return ('stringValue' in v && v.stringValue === value) || ('intValue' in v && v.intValue === value);
}
