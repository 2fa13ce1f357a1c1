// The JSON of spans.data, written by hand: for model-shaped input, the same text as toJson() on the
// SpanData object (tests compare them), in ~60% of the time, because JSON.stringify walks every object's
// properties generically and attribute lists are hundreds of tiny objects per span. Like SpanData, it
// writes the model's fields only. Anything off the model's shape throws, and the caller falls back to
// toJson, so an odd value is still stored as toJson writes it.
import type { AnyValue, KeyValue, Span, SpanEvent, SpanLink } from '../otlp/model';

export const offShape = new Error('value off the model shape');

// Characters JSON.stringify escapes (lone surrogates included): strings without them are quoted as-is.
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(s: unknown): string {
  if (typeof s !== 'string') throw offShape;
  return needsEscape.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function int(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw offShape;
  return String(n);
}

function anyValue(v: AnyValue): string {
  if (typeof v !== 'object' || v === null) throw offShape;
  const x = v as Partial<Record<'stringValue' | 'intValue' | 'bytesValue', string> & { doubleValue: number; boolValue: boolean }>;
  if (x.stringValue !== undefined) return `{"stringValue":${quote(x.stringValue)}}`;
  if (x.intValue !== undefined) return `{"intValue":${quote(x.intValue)}}`;
  if (x.doubleValue !== undefined) {
    const d = x.doubleValue;
    if (typeof d !== 'number') throw offShape;
    // toJson writes NaN and the infinities as the strings proto3 JSON uses.
    return Number.isFinite(d) ? `{"doubleValue":${d}}` : `{"doubleValue":"${d}"}`;
  }
  if (x.boolValue === true) return '{"boolValue":true}';
  if (x.boolValue === false) return '{"boolValue":false}';
  if (x.boolValue !== undefined) throw offShape;
  if ('arrayValue' in v) return `{"arrayValue":{"values":${list(v.arrayValue.values, anyValue)}}}`;
  if ('kvlistValue' in v) return `{"kvlistValue":{"values":${keyValues(v.kvlistValue.values)}}}`;
  if (x.bytesValue !== undefined) return `{"bytesValue":${quote(x.bytesValue)}}`;
  if (Object.keys(v).length) throw offShape; // a key we do not know
  return '{}';
}

function list<T>(items: T[], write: (item: T) => string): string {
  if (!Array.isArray(items)) throw offShape;
  let text = '[';
  for (let i = 0; i < items.length; i++) text += (i ? ',' : '') + write(items[i]!);
  return `${text}]`;
}

function keyValue(kv: KeyValue): string {
  return `{"key":${quote(kv.key)},"value":${anyValue(kv.value)}}`;
}

export function keyValues(attributes: KeyValue[]): string {
  return list(attributes, keyValue);
}

function event(e: SpanEvent): string {
  return `{"timeUnixNano":${quote(e.timeUnixNano)},"name":${quote(e.name)},"attributes":${keyValues(e.attributes)},"droppedAttributesCount":${int(e.droppedAttributesCount)}}`;
}

function link(l: SpanLink): string {
  return (
    `{"traceId":${quote(l.traceId)},"spanId":${quote(l.spanId)},"traceState":${quote(l.traceState)},` +
    `"attributes":${keyValues(l.attributes)},"droppedAttributesCount":${int(l.droppedAttributesCount)},"flags":${int(l.flags)}}`
  );
}

/** spans.data of a span, as SpanData lays it out (defaults left out). Throws for anything off the model's shape. */
export function spanDataText(s: Span): string {
  let text = s.traceState !== '' ? `{"traceState":${quote(s.traceState)},"kind":` : '{"kind":';
  text += `${int(s.kind)},"startTimeUnixNano":${quote(s.startTimeUnixNano)},"endTimeUnixNano":${quote(s.endTimeUnixNano)}`;
  if (s.attributes.length !== 0) text += `,"attributes":${keyValues(s.attributes)}`;
  if (s.droppedAttributesCount !== 0) text += `,"droppedAttributesCount":${int(s.droppedAttributesCount)}`;
  if (s.events.length !== 0) text += `,"events":${list(s.events, event)}`;
  if (s.droppedEventsCount !== 0) text += `,"droppedEventsCount":${int(s.droppedEventsCount)}`;
  if (s.links.length !== 0) text += `,"links":${list(s.links, link)}`;
  if (s.droppedLinksCount !== 0) text += `,"droppedLinksCount":${int(s.droppedLinksCount)}`;
  if (s.status.message !== '') text += `,"statusMessage":${quote(s.status.message)}`;
  if (s.flags !== 0) text += `,"flags":${int(s.flags)}`;
  return `${text}}`;
}
