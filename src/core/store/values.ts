// Value helpers: lossless JSON for attribute lists, attribute lookup, nanosecond strings to ms.
import type { AnyValue, KeyValue } from '../otlp/model';

// What plain stringify makes of NaN and +-Infinity (null) and of -0 (0; doubleValue is its object's only key).
const nonFiniteMarker = '"doubleValue":null';
const zeroMarker = '"doubleValue":0}';
const specialRead = /"doubleValue":"(?:NaN|-?Infinity|-0)"/;

/**
 * JSON of attributes (or any AnyValue tree, or a whole OTLP request: this is also how OTLP JSON is
 * exported). JSON has no NaN/Infinity and stringify writes -0 as 0: those doubles are written as the
 * strings proto3 JSON uses ("NaN", "Infinity", "-Infinity"; "-0", a numeric string, which proto3 JSON
 * parsers accept for doubles), and `parseJson` and the OTLP JSON decoder turn them back. Other doubles
 * round-trip as JSON numbers. The fast path is plain stringify.
 */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (!text.includes(nonFiniteMarker) && !text.includes(zeroMarker)) return text;
  return JSON.stringify(value, (key, v: unknown) =>
    key === 'doubleValue' && typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? (Object.is(v, -0) ? '-0' : String(v)) : v,
  );
}

export function parseJson<T>(text: string): T {
  if (!specialRead.test(text)) return JSON.parse(text) as T;
  return JSON.parse(text, (key, v: unknown) => (key === 'doubleValue' && typeof v === 'string' ? Number(v) : v)) as T;
}

/** The value of `key` in a KeyValue list, or undefined. */
export function findAttribute(attributes: KeyValue[], key: string): AnyValue | undefined {
  for (const kv of attributes) if (kv.key === key) return kv.value;
  return undefined;
}

/** A scalar AnyValue as text (ids and names); JSON for anything else; undefined when empty. */
export function anyValueText(value: AnyValue | undefined): string | undefined {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return value.intValue;
  if ('doubleValue' in value) return String(value.doubleValue);
  if ('boolValue' in value) return String(value.boolValue);
  const keys = Object.keys(value);
  return keys.length ? toJson(value) : undefined;
}

/** Text of an attribute, with '' treated as absent. */
export function attributeText(attributes: KeyValue[], key: string): string | undefined {
  const text = anyValueText(findAttribute(attributes, key));
  return text === '' ? undefined : text;
}

