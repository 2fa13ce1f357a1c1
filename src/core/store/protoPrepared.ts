// The decode worker's fast path for OTLP/protobuf trace requests: one walk over the bytes writes each
// span's text columns and data JSON (spanData.ts) straight into a prepared request, with no span objects
// in between (decoding into objects and writing them out again was two thirds of the worker's time).
// It takes what exporters send: fields in field-number order, usable ids, known value kinds. Anything
// else returns undefined, and the general path (decode, validate, prepareTraces) takes the request with
// its exact errors and partial-success reasons; tests hold both paths to the same output.
import type { Reader } from 'protobufjs/minimal';
import type { InstrumentationScope, KeyValue, Resource } from '../otlp/model';
import { decodeResource, decodeScope, emptyResource, emptyScope, pushKeyValue } from '../otlp/protoCommon';
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, readFixed32, readFixed64, readerFor, skipField } from '../otlp/protoWire';
import { hex, J, jsonString, utf8 } from './jsonBytes';
import { PreparedBuilder } from './preparedBuilder';
import { preparedTexts, type PreparedTraces } from './preparedTraces';
import { isId, lengthOf, need, nextTag, ProtoJsonWalk } from './protoJsonWalk';
import { sessionKeys } from './sessionKeys';
import { nsToMs } from './values';

const sessionKeyBytes = sessionKeys.map((k) => Buffer.from(k, 'utf8'));

/**
 * The request prepared for the store, or undefined when it needs the general path (anything malformed,
 * unusual or rejected). On success every span is accepted.
 */
export function prepareTraceBytes(body: Uint8Array): PreparedTraces | undefined {
  const r = readerFor(body);
  const w = new TraceWalk(r, new PreparedBuilder());
  w.b.text.length = 0;
  try {
    let resourceIndex = 0;
    for (let tag = nextTag(r); tag !== 0; tag = nextTag(r)) {
      if (tag >>> 3 === 1) w.inside(lengthOf(r, tag), () => w.resourceSpans(resourceIndex++));
      else skipField(r, tag);
    }
  } catch {
    return undefined;
  }
  return w.b.result();
}

/** Span fields in the order spans.data has them (their field numbers). */
const F_KIND = 6, F_START = 7, F_END = 8, F_ATTRIBUTES = 9, F_DROPPED_ATTRIBUTES = 10, F_EVENTS = 11;
const F_DROPPED_EVENTS = 12, F_LINKS = 13, F_DROPPED_LINKS = 14, F_STATUS = 15, F_FLAGS = 16;

class TraceWalk extends ProtoJsonWalk {
  // The span being written.
  private k = 0;
  /** Where fields 1-5 (ids, trace state, name) are: the text columns go first, then the JSON. */
  private readonly at = new Int32Array(12);
  private opened = false;
  /** The next always-written slot (kind, start, end) not written yet. */
  private slot = F_KIND;
  /** The repeated field whose JSON list is open, 0 for none. */
  private list = 0;

  constructor(
    r: Reader,
    readonly b: PreparedBuilder,
  ) {
    super(r, b.text);
  }

  resourceSpans(resourceIndex: number): void {
    const r = this.r;
    const resource = emptyResource();
    let schemaUrl = '';
    const firstGroup = this.b.groups.length;
    for (let tag = nextTag(r); tag !== 0; tag = nextTag(r)) {
      const field = tag >>> 3;
      if (field === 1) {
        need((tag & 7) === WIRE_LEN);
        decodeResource(r, resource);
      } else if (field === 2) this.inside(lengthOf(r, tag), () => this.scopeSpans(resource, resourceIndex));
      else if (field === 3) {
        need((tag & 7) === WIRE_LEN);
        schemaUrl = r.string();
      } else skipField(r, tag);
    }
    // The schema URL comes after the spans on the wire.
    for (let g = firstGroup; g < this.b.groups.length; g++) this.b.groups[g]!.resourceSchemaUrl = schemaUrl;
  }

  private scopeSpans(resource: Resource, resourceIndex: number): void {
    const r = this.r;
    const scope: InstrumentationScope = emptyScope();
    let schemaUrl = '';
    const first = this.b.count;
    for (let tag = nextTag(r); tag !== 0; tag = nextTag(r)) {
      const field = tag >>> 3;
      if (field === 1) {
        need((tag & 7) === WIRE_LEN);
        decodeScope(r, scope);
      } else if (field === 2) this.inside(lengthOf(r, tag), () => this.span());
      else if (field === 3) {
        need((tag & 7) === WIRE_LEN);
        schemaUrl = r.string();
      } else skipField(r, tag);
    }
    const end = this.b.count;
    if (end > first) this.b.groups.push({ resource, resourceSchemaUrl: '', resourceIndex, scope, scopeSchemaUrl: schemaUrl, end });
  }

  private span(): void {
    const { r, b, out } = this;
    b.grow();
    const i = b.count;
    this.k = preparedTexts * i;
    this.at.fill(-1);
    this.opened = false;
    this.slot = F_KIND;
    this.list = 0;
    b.times[2 * i] = 0;
    b.times[2 * i + 1] = 0;
    b.statusCodes[i] = 0;
    let routing: KeyValue[] | undefined;
    let last = 0;
    for (let tag = nextTag(r); tag !== 0; tag = nextTag(r)) {
      const field = tag >>> 3;
      if (field > F_FLAGS) {
        skipField(r, tag);
        continue;
      }
      // In field-number order, each once; repeated fields in one run.
      need(field > last || (field === last && (field === F_ATTRIBUTES || field === F_EVENTS || field === F_LINKS)));
      last = field;
      if (field <= 5) {
        const end = lengthOf(r, tag);
        this.at[2 * field - 2] = r.pos;
        this.at[2 * field - 1] = end;
        r.pos = end;
        continue;
      }
      this.fill(field);
      switch (field) {
        case F_KIND:
          need((tag & 7) === WIRE_VARINT);
          out.ascii(String(r.int32()));
          this.slot = F_START;
          break;
        case F_START:
        case F_END: {
          need((tag & 7) === WIRE_FIXED64);
          const ns = readFixed64(r);
          b.times[2 * i + field - F_START] = nsToMs(ns);
          out.bytes(field === F_START ? J.start! : J.end!);
          out.ascii(ns);
          out.byte(0x22);
          this.slot = field + 1;
          break;
        }
        case F_ATTRIBUTES:
        case F_EVENTS:
        case F_LINKS: {
          if (this.list === field) out.byte(0x2c);
          else {
            out.bytes(field === F_ATTRIBUTES ? J.attributes! : field === F_EVENTS ? J.events! : J.links!);
            this.list = field;
          }
          const start = r.pos;
          const end = lengthOf(r, tag);
          if (field === F_EVENTS) this.inside(end, () => this.event());
          else if (field === F_LINKS) this.inside(end, () => this.link());
          else {
            this.inside(end, () => this.keyValue(0));
            if (isSessionKeyAt(this.buf, this.keyStart, this.keyEnd)) {
              // A key session routing reads: decode the attribute again, as the store's router wants it.
              r.pos = start;
              pushKeyValue(r, (routing ??= []), 0);
            }
          }
          break;
        }
        case F_DROPPED_ATTRIBUTES:
        case F_DROPPED_EVENTS:
        case F_DROPPED_LINKS: {
          need((tag & 7) === WIRE_VARINT);
          const n = r.uint32();
          if (n !== 0) {
            out.bytes(field === F_DROPPED_ATTRIBUTES ? J.droppedAttributes! : field === F_DROPPED_EVENTS ? J.droppedEvents! : J.droppedLinks!);
            out.ascii(String(n));
          }
          break;
        }
        case F_STATUS:
          b.statusCodes[i] = this.inside(lengthOf(r, tag), () => this.status());
          break;
        case F_FLAGS: {
          need((tag & 7) === WIRE_FIXED32);
          const flags = readFixed32(r);
          if (flags !== 0) {
            out.bytes(J.flags!);
            out.ascii(String(flags));
          }
          break;
        }
      }
    }
    this.fill(F_FLAGS + 1);
    out.byte(0x7d);
    b.textEnd[this.k] = out.length;
    if (routing) {
      b.routedSpans.push(i);
      b.routedAttributes.push(routing);
    }
    b.count++;
  }

  /** Before span field `field`: the text columns and the JSON's start once, the list before closed, left-out slots. */
  private fill(field: number): void {
    const out = this.out;
    if (!this.opened) this.open();
    if (this.list !== 0 && field !== this.list) {
      out.byte(0x5d);
      this.list = 0;
    }
    for (; this.slot < field && this.slot <= F_END; this.slot++) {
      if (this.slot === F_KIND) out.byte(0x30);
      else out.bytes(this.slot === F_START ? J.noStart! : J.noEnd!);
    }
  }

  /** The span's text columns (trace id, span id, parent, name), then the JSON up to "kind". */
  private open(): void {
    const { b, out, buf, at } = this;
    const [traceStart, traceEnd, spanStart, spanEnd, stateStart, stateEnd, parentStart, parentEnd, nameStart, nameEnd] = at;
    need(isId(buf, traceStart!, traceEnd!, 16) && isId(buf, spanStart!, spanEnd!, 8));
    // An empty or all-zero parent means none; any other size is the general path's to reject.
    const parentBytes = parentStart! < 0 ? 0 : parentEnd! - parentStart!;
    need(parentBytes === 0 || parentBytes === 8);
    b.traceIndex[b.count] = b.traceOf(buf, traceStart!);
    b.textEnd[this.k++] = hex(out, buf, traceStart!, traceEnd!);
    b.textEnd[this.k++] = hex(out, buf, spanStart!, spanEnd!);
    b.textEnd[this.k++] = isId(buf, parentStart!, parentEnd!, 8) ? hex(out, buf, parentStart!, parentEnd!) : out.length;
    b.textEnd[this.k++] = nameStart! >= 0 ? utf8(out, buf, nameStart!, nameEnd!) : out.length;
    if (stateEnd! > stateStart!) {
      out.bytes(J.traceStateFirst!);
      jsonString(out, buf, stateStart!, stateEnd!);
      out.bytes(J.kindAfterState!);
    } else out.bytes(J.kindFirst!);
    this.opened = true;
  }

  /** Status { message = 2; code = 3 }: writes statusMessage when there is one, returns the code. */
  private status(): number {
    const { r, out } = this;
    let code = 0;
    let last = 0;
    for (let tag = nextTag(r); tag !== 0; tag = nextTag(r)) {
      const field = tag >>> 3;
      if (field === 2) {
        need(last < 2);
        const end = lengthOf(r, tag);
        if (end > r.pos) {
          out.bytes(J.statusMessage!);
          jsonString(out, this.buf, r.pos, end);
        }
        r.pos = end;
      } else if (field === 3) {
        need(last < 3 && (tag & 7) === WIRE_VARINT);
        code = r.int32();
      } else skipField(r, tag);
      last = field;
    }
    return code;
  }

  /** Event { time = 1; name = 2; attributes = 3; dropped = 4 }: every field written, in that order. */
  private event(): void {
    const { r, out } = this;
    let tag = nextTag(r);
    out.bytes(J.eventTime!);
    if (tag >>> 3 === 1) {
      need((tag & 7) === WIRE_FIXED64);
      out.ascii(readFixed64(r));
      tag = nextTag(r);
    } else out.byte(0x30);
    out.bytes(J.eventName!);
    tag = this.stringField(tag, 2);
    out.bytes(J.eventAttributes!);
    tag = this.attributeRun(tag, 3);
    out.bytes(J.droppedAttributes!);
    tag = this.count(tag, 4);
    need(tag === 0);
    out.byte(0x7d);
  }

  /** Link { trace id = 1; span id = 2; trace state = 3; attributes = 4; dropped = 5; flags = 6 }, usable ids only. */
  private link(): void {
    const { r, out } = this;
    out.bytes(J.linkTrace!);
    this.idField(1, 16);
    out.bytes(J.linkSpan!);
    this.idField(2, 8);
    out.bytes(J.linkState!);
    let tag = this.stringField(nextTag(r), 3);
    out.bytes(J.eventAttributes!);
    tag = this.attributeRun(tag, 4);
    out.bytes(J.droppedAttributes!);
    tag = this.count(tag, 5);
    out.bytes(J.linkFlags!);
    if (tag >>> 3 === 6) {
      need((tag & 7) === WIRE_FIXED32);
      out.ascii(String(readFixed32(r)));
      tag = nextTag(r);
    } else out.byte(0x30);
    need(tag === 0);
    out.byte(0x7d);
  }
}

/** Whether bytes [start, end) of `buf` are one of the attribute keys session routing reads. */
function isSessionKeyAt(buf: Buffer, start: number, end: number): boolean {
  for (const key of sessionKeyBytes) if (key.length === end - start && buf.compare(key, 0, key.length, start, end) === 0) return true;
  return false;
}
