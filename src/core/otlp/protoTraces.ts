// opentelemetry.proto.trace.v1 walked by field number: ResourceSpans > ScopeSpans > Span (+ Event, Link, Status).
import type { Reader } from 'protobufjs/minimal';
import { inMessage } from './errors';
import { Collector } from './fittedArrays';
import type { KeyValue, ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, SpanStatus } from './model';
import { decodeResource, decodeScope, emptyResource, emptyScope, pushKeyValue, type StoredTexts } from './protoCommon';
import { readPlainKeyValue, type PlainAttributes } from './protoPlain';
import {
  WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, enterMessage, expectWire, forEachRepeated, readFixed32, readFixed64,
  readHex, readString, skipField,
} from './protoWire';

/** ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1 } (the whole buffer). */
export function walkTraceRequest(r: Reader): ResourceSpans[] {
  const out: ResourceSpans[] = [];
  forEachRepeated(r, () => out.push(decodeResourceSpans(r)), (n) => `resource #${n}`);
  return out;
}

function decodeResourceSpans(r: Reader): ResourceSpans {
  const rs: ResourceSpans = { resource: emptyResource(), scopeSpans: [], schemaUrl: '' };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expectWire(tag, WIRE_LEN);
        decodeResource(r, rs.resource);
        break;
      case 2:
        expectWire(tag, WIRE_LEN);
        try {
          const outer = enterMessage(r);
          rs.scopeSpans.push(decodeScopeSpans(r));
          r.len = outer;
        } catch (e) {
          throw inMessage(e, `scope #${rs.scopeSpans.length}`);
        }
        break;
      case 3:
        expectWire(tag, WIRE_LEN);
        rs.schemaUrl = readString(r);
        break;
      default:
        skipField(r, tag);
    }
  }
  return rs;
}

function decodeScopeSpans(r: Reader): ScopeSpans {
  const ss: ScopeSpans = { scope: emptyScope(), spans: [], schemaUrl: '' };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expectWire(tag, WIRE_LEN);
        decodeScope(r, ss.scope);
        break;
      case 2:
        expectWire(tag, WIRE_LEN);
        try {
          const outer = enterMessage(r);
          ss.spans.push(decodeSpan(r));
          r.len = outer;
        } catch (e) {
          throw inMessage(e, `span #${ss.spans.length}`);
        }
        break;
      case 3:
        expectWire(tag, WIRE_LEN);
        ss.schemaUrl = readString(r);
        break;
      default:
        skipField(r, tag);
    }
  }
  return ss;
}

/**
 * A Span message: the reader's whole range (the store reads spans.data with it too, with its `texts`).
 * With `plain`, the attributes go there as plain values (protoPlain.ts) and the span's list stays empty.
 */
export function decodeSpan(r: Reader, texts?: StoredTexts, plain?: PlainAttributes): Span {
  return decodeSpanInto(r, emptySpan(), texts, plain);
}

/** Every field initialised in one order, so all spans share one hidden class (the store's add theirs after). */
export function emptySpan(): Span {
  return {
    traceId: '', spanId: '', parentSpanId: '', traceState: '', flags: 0, name: '', kind: 0,
    startTimeUnixNano: '0', endTimeUnixNano: '0', attributes: [], droppedAttributesCount: 0,
    events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0, status: { code: 0, message: '' },
  };
}

/** decodeSpan into `span` (emptySpan's fields, and maybe more): the store makes its spans whole at once. */
export function decodeSpanInto<T extends Span>(r: Reader, span: T, texts?: StoredTexts, plain?: PlainAttributes): T {
  const attributes = spanAttributes.start();
  const events = spanEvents.start();
  const links = spanLinks.start();
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: expectWire(tag, WIRE_LEN); span.traceId = readHex(r); break;
      case 2: expectWire(tag, WIRE_LEN); span.spanId = readHex(r); break;
      case 3: expectWire(tag, WIRE_LEN); span.traceState = readString(r); break;
      case 4: expectWire(tag, WIRE_LEN); span.parentSpanId = readHex(r); break;
      case 5: expectWire(tag, WIRE_LEN); span.name = readString(r); break;
      case 6: expectWire(tag, WIRE_VARINT); span.kind = r.int32(); break;
      case 7: expectWire(tag, WIRE_FIXED64); span.startTimeUnixNano = readFixed64(r); break;
      case 8: expectWire(tag, WIRE_FIXED64); span.endTimeUnixNano = readFixed64(r); break;
      case 9:
        expectWire(tag, WIRE_LEN);
        if (plain) readPlainKeyValue(r, plain, 0, texts);
        else pushKeyValue(r, attributes, 0, texts);
        break;
      case 10: expectWire(tag, WIRE_VARINT); span.droppedAttributesCount = r.uint32(); break;
      case 11:
        expectWire(tag, WIRE_LEN);
        try {
          events.push(decodeEvent(r, texts));
        } catch (e) {
          throw inMessage(e, `event #${events.length}`);
        }
        break;
      case 12: expectWire(tag, WIRE_VARINT); span.droppedEventsCount = r.uint32(); break;
      case 13:
        expectWire(tag, WIRE_LEN);
        try {
          links.push(decodeLink(r));
        } catch (e) {
          throw inMessage(e, `link #${links.length}`);
        }
        break;
      case 14: expectWire(tag, WIRE_VARINT); span.droppedLinksCount = r.uint32(); break;
      case 15:
        expectWire(tag, WIRE_LEN);
        try {
          decodeStatus(r, span.status);
        } catch (e) {
          throw inMessage(e, 'status');
        }
        break;
      case 16: expectWire(tag, WIRE_FIXED32); span.flags = readFixed32(r); break;
      default: skipField(r, tag);
    }
  }
  span.attributes = spanAttributes.take(span.attributes);
  span.events = spanEvents.take(span.events);
  span.links = spanLinks.take(span.links);
  return span;
}

// What a span's walk collects (kept as fitted copies: see fittedArrays.ts).
const spanAttributes = new Collector<KeyValue>();
const spanEvents = new Collector<SpanEvent>();
const spanLinks = new Collector<SpanLink>();
const eventAttributes = new Collector<KeyValue>();

function decodeEvent(r: Reader, texts: StoredTexts | undefined): SpanEvent {
  const outer = enterMessage(r);
  const event: SpanEvent = { timeUnixNano: '0', name: '', attributes: [], droppedAttributesCount: 0 };
  const attributes = eventAttributes.start();
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: expectWire(tag, WIRE_FIXED64); event.timeUnixNano = readFixed64(r); break;
      case 2: expectWire(tag, WIRE_LEN); event.name = readString(r); break;
      case 3: expectWire(tag, WIRE_LEN); pushKeyValue(r, attributes, 0, texts); break;
      case 4: expectWire(tag, WIRE_VARINT); event.droppedAttributesCount = r.uint32(); break;
      default: skipField(r, tag);
    }
  }
  event.attributes = eventAttributes.take(event.attributes);
  r.len = outer;
  return event;
}

function decodeLink(r: Reader): SpanLink {
  const outer = enterMessage(r);
  const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: expectWire(tag, WIRE_LEN); link.traceId = readHex(r); break;
      case 2: expectWire(tag, WIRE_LEN); link.spanId = readHex(r); break;
      case 3: expectWire(tag, WIRE_LEN); link.traceState = readString(r); break;
      case 4: expectWire(tag, WIRE_LEN); pushKeyValue(r, link.attributes, 0); break;
      case 5: expectWire(tag, WIRE_VARINT); link.droppedAttributesCount = r.uint32(); break;
      case 6: expectWire(tag, WIRE_FIXED32); link.flags = readFixed32(r); break;
      default: skipField(r, tag);
    }
  }
  r.len = outer;
  return link;
}

/** Status { string message = 2; StatusCode code = 3 } (field 1 is reserved). */
function decodeStatus(r: Reader, into: SpanStatus): void {
  const outer = enterMessage(r);
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 2: expectWire(tag, WIRE_LEN); into.message = readString(r); break;
      case 3: expectWire(tag, WIRE_VARINT); into.code = r.int32(); break;
      default: skipField(r, tag);
    }
  }
  r.len = outer;
}
