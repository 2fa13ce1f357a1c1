// spans.data: the fields of a span that have no column of their own, as one JSON text. Field names are
// the model's, so the JSON reads like the OTLP span it came from; `statusMessage` is status.message.
// Fields at their default ('', 0, []) are left out: most spans have most of them, and every byte is
// written, stored and parsed again. Fields come in the order of their protobuf field numbers, so that the
// decode worker can write this JSON in one pass over a span's bytes (protoPrepared.ts).
import type { KeyValue, Span, SpanEvent, SpanLink } from '../otlp/model';
import { spanDataText } from './spanJson';
import { parseJson, toJson } from './values';

export interface SpanData {
  traceState?: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  events?: SpanEvent[];
  droppedEventsCount?: number;
  links?: SpanLink[];
  droppedLinksCount?: number;
  statusMessage?: string;
  flags?: number;
}

/** Path of the attribute list inside spans.data, for json_each (absent: no attributes). */
export const attributesPath = '$.attributes';

export function spanDataJson(span: Span): string {
  try {
    return spanDataText(span);
  } catch {
    return spanDataObjectJson(span);
  }
}

/** The generic way (and the reference spanDataText is tested against): same fields, same order. */
export function spanDataObjectJson(span: Span): string {
  // A fresh object with exactly these fields: stray properties of the input never reach the file.
  // Filled in SpanData's field order, which JSON.stringify keeps.
  const data = {} as SpanData;
  if (span.traceState !== '') data.traceState = span.traceState;
  data.kind = span.kind;
  data.startTimeUnixNano = span.startTimeUnixNano;
  data.endTimeUnixNano = span.endTimeUnixNano;
  if (span.attributes?.length !== 0) data.attributes = span.attributes;
  if (span.droppedAttributesCount !== 0) data.droppedAttributesCount = span.droppedAttributesCount;
  if (span.events?.length !== 0) data.events = span.events;
  if (span.droppedEventsCount !== 0) data.droppedEventsCount = span.droppedEventsCount;
  if (span.links?.length !== 0) data.links = span.links;
  if (span.droppedLinksCount !== 0) data.droppedLinksCount = span.droppedLinksCount;
  if (span.status.message !== '') data.statusMessage = span.status.message;
  if (span.flags !== 0) data.flags = span.flags;
  return toJson(data);
}

/** spans.data back, with the defaults filled in. */
export function parseSpanData(text: string): Required<SpanData> {
  const d = parseJson<SpanData>(text);
  return {
    kind: d.kind,
    startTimeUnixNano: d.startTimeUnixNano,
    endTimeUnixNano: d.endTimeUnixNano,
    traceState: d.traceState ?? '',
    flags: d.flags ?? 0,
    attributes: d.attributes ?? [],
    droppedAttributesCount: d.droppedAttributesCount ?? 0,
    events: d.events ?? [],
    droppedEventsCount: d.droppedEventsCount ?? 0,
    links: d.links ?? [],
    droppedLinksCount: d.droppedLinksCount ?? 0,
    statusMessage: d.statusMessage ?? '',
  };
}
