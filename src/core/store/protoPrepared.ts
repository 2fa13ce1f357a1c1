// The decode worker's fast path for OTLP/protobuf trace requests: one walk over the bytes writes each
// span's text columns and data JSON (spanData.ts) straight into a prepared request, with no span objects
// in between (decoding into objects and writing them out again was two thirds of the worker's time).
// It takes what exporters send: fields in field-number order, usable ids, known value kinds. Anything
// else returns undefined, and the general path (decode, validate, prepareTraces) takes the request with
// its exact errors and partial-success reasons; tests hold both paths to the same output.
import { isUtf8 } from 'node:buffer';
import type { Reader } from 'protobufjs/minimal';
import { MAX_VALUE_DEPTH } from '../otlp/errors';
import type { InstrumentationScope, KeyValue, Resource } from '../otlp/model';
import { decodeResource, decodeScope, emptyResource, emptyScope, pushKeyValue } from '../otlp/protoCommon';
import {
  WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, readFixed32, readFixed64, readInt64, readerFor, skipField,
} from '../otlp/protoWire';
import { ByteBuffer } from './byteBuffer';
import { preparedTexts, type PreparedGroup, type PreparedTraces } from './preparedTraces';
import { sessionKeys } from './sessionKeys';
import { nsToMs } from './values';

/** Thrown inside the walk when the request needs the general path; never escapes. */
const general = new Error('not for the fast path');

function need(ok: boolean): void {
  if (!ok) throw general;
}

/** The next tag, or 0 at the end of the current message (field number 0 is invalid, so no tag is below 8). */
function nextTag(r: Reader): number {
  if (r.pos >= r.len) return 0;
  const tag = r.uint32();
  need(tag >= 8);
  return tag;
}

/** A length-delimited field with the expected field number: returns its end (the reader is at its start). */
function lengthOf(r: Reader, tag: number): number {
  need((tag & 7) === WIRE_LEN);
  const len = r.uint32();
  const end = r.pos + len;
  need(end <= r.len);
  return end;
}

/** The pieces of JSON written around values, as bytes. */
const J = Object.fromEntries(
  Object.entries({
    traceStateFirst: '{"traceState":', kindAfterState: ',"kind":', kindFirst: '{"kind":',
    start: ',"startTimeUnixNano":"', end: ',"endTimeUnixNano":"', noStart: ',"startTimeUnixNano":"0"', noEnd: ',"endTimeUnixNano":"0"',
    attributes: ',"attributes":[', events: ',"events":[', links: ',"links":[',
    droppedAttributes: ',"droppedAttributesCount":', droppedEvents: ',"droppedEventsCount":', droppedLinks: ',"droppedLinksCount":',
    statusMessage: ',"statusMessage":', flags: ',"flags":',
    key: '{"key":', emptyString: '""', value: ',"value":', noValue: ',"value":{}}', emptyObject: '{}', emptyList: '[]',
    stringValue: '{"stringValue":', intValue: '{"intValue":"', doubleValue: '{"doubleValue":', bytesValue: '{"bytesValue":"',
    true: '{"boolValue":true}', false: '{"boolValue":false}', arrayValue: '{"arrayValue":{"values":[', kvlistValue: '{"kvlistValue":{"values":[',
    listEnd: ']}}', quoteBrace: '"}', quote: '"',
    eventTime: '{"timeUnixNano":"', eventName: '","name":', eventAttributes: ',"attributes":',
    linkTrace: '{"traceId":"', linkSpan: '","spanId":"', linkState: '","traceState":', linkFlags: ',"flags":',
  }).map(([k, v]) => [k, Buffer.from(v, 'latin1')]),
) as Record<string, Buffer>;

const hexChars = Buffer.from('0123456789abcdef', 'latin1');
/** 1 for the bytes a JSON string holds as they are (printable ASCII but '"' and '\\'). */
const plain = Uint8Array.from({ length: 256 }, (_, c) => (c >= 0x20 && c < 0x80 && c !== 0x22 && c !== 0x5c ? 1 : 0));
/** JSON.stringify's escape for each byte below 0x20, '"' and '\\'. */
const escapes = Array.from({ length: 128 }, (_, c) => Buffer.from(JSON.stringify(String.fromCharCode(c)).slice(1, -1), 'latin1'));
const sessionKeyBytes = sessionKeys.map((k) => Buffer.from(k, 'utf8'));

/** The prepared request being built. Columns grow as spans come (the count is not known up front). */
class Building {
  /** One buffer for every request (they never overlap): result() copies what a request wrote. */
  private static readonly shared = new ByteBuffer(1 << 20);
  readonly text = Building.shared;
  count = 0;
  readonly traceIds: string[] = [];
  private readonly traces = new Map<string, number>();
  traceIndex = new Int32Array(1024);
  times = new Float64Array(2048);
  statusCodes = new Int32Array(1024);
  textEnd = new Uint32Array(1024 * preparedTexts);
  readonly routedSpans: number[] = [];
  readonly routedAttributes: KeyValue[][] = [];
  readonly groups: PreparedGroup[] = [];
  /** Where the last span's trace id was in the input, and its index: spans of a trace mostly come together. */
  private lastTraceAt = -1;
  private lastTrace = -1;

  /** Makes room for span `count` in the columns. */
  grow(): void {
    if (this.count < this.statusCodes.length) return;
    const n = this.statusCodes.length * 2;
    this.traceIndex = grown(this.traceIndex, n);
    this.times = grown(this.times, 2 * n);
    this.statusCodes = grown(this.statusCodes, n);
    this.textEnd = grown(this.textEnd, preparedTexts * n);
  }

  /** The index of the trace id at [start, start + 16) of `buf`, added when new. */
  traceOf(buf: Buffer, start: number): number {
    const last = this.lastTraceAt;
    if (last >= 0) {
      let k = 0;
      while (k < 16 && buf[last + k] === buf[start + k]) k++;
      if (k === 16) {
        this.lastTraceAt = start;
        return this.lastTrace;
      }
    }
    const id = buf.toString('hex', start, start + 16);
    let index = this.traces.get(id);
    if (index === undefined) this.traces.set(id, (index = this.traceIds.push(id) - 1));
    this.lastTraceAt = start;
    return (this.lastTrace = index);
  }

  result(): PreparedTraces {
    const n = this.count;
    return {
      count: n,
      groups: this.groups,
      traceIds: this.traceIds,
      traceIndex: this.traceIndex.slice(0, n),
      times: this.times.slice(0, 2 * n),
      statusCodes: this.statusCodes.slice(0, n),
      routedSpans: this.routedSpans,
      routedAttributes: this.routedAttributes,
      text: this.text.take(),
      textEnd: this.textEnd.slice(0, preparedTexts * n),
    };
  }
}

function grown<T extends Int32Array | Float64Array | Uint32Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/**
 * The request prepared for the store, or undefined when it needs the general path (anything malformed,
 * unusual or rejected). On success every span is accepted.
 */
export function prepareTraceBytes(body: Uint8Array): PreparedTraces | undefined {
  const r = readerFor(body);
  const w = new Walk(r, new Building());
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

class Walk {
  private readonly out: ByteBuffer;
  private readonly buf: Buffer;
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
    private readonly r: Reader,
    readonly b: Building,
  ) {
    this.out = b.text;
    this.buf = r.buf as Buffer;
  }

  /** Runs `fn` with the reader narrowed to a sub-message ending at `end`. */
  inside<T>(end: number, fn: () => T): T {
    const outer = this.r.len;
    this.r.len = end;
    const result = fn();
    this.r.pos = end;
    this.r.len = outer;
    return result;
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
          else if (this.inside(end, () => this.keyValue(0))) {
            // A session routing reads: decode the attribute again, as the store's router wants it.
            r.pos = start;
            pushKeyValue(r, (routing ??= []), 0);
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

  /** KeyValue { key = 1; value = 2 } as {"key":..,"value":..}. Returns whether the key is one session routing reads. */
  private keyValue(depth: number): boolean {
    const { r, out } = this;
    let keyStart = -1;
    let keyEnd = -1;
    let last = 0;
    out.bytes(J.key!);
    for (let tag = nextTag(r); tag !== 0; tag = nextTag(r)) {
      const field = tag >>> 3;
      if (field === 1) {
        need(last === 0);
        keyEnd = lengthOf(r, tag);
        keyStart = r.pos;
        jsonString(out, this.buf, keyStart, keyEnd);
        r.pos = keyEnd;
        last = 1;
      } else if (field === 2) {
        need(last < 2);
        if (last === 0) out.bytes(J.emptyString!);
        out.bytes(J.value!);
        this.inside(lengthOf(r, tag), () => this.anyValue(depth));
        last = 2;
      } else skipField(r, tag);
    }
    if (last === 0) out.bytes(J.emptyString!);
    if (last < 2) out.bytes(J.noValue!);
    else out.byte(0x7d);
    return keyStart >= 0 && isSessionKey(this.buf, keyStart, keyEnd);
  }

  /** AnyValue: exactly one known kind, or none ({}). */
  private anyValue(depth: number): void {
    const { r, out } = this;
    need(depth <= MAX_VALUE_DEPTH);
    const tag = nextTag(r);
    switch (tag >>> 3) {
      case 0:
        out.bytes(J.emptyObject!);
        return;
      case 1: {
        const end = lengthOf(r, tag);
        out.bytes(J.stringValue!);
        jsonString(out, this.buf, r.pos, end);
        out.byte(0x7d);
        r.pos = end;
        break;
      }
      case 2:
        need((tag & 7) === WIRE_VARINT);
        out.bytes(r.bool() ? J.true! : J.false!);
        break;
      case 3:
        need((tag & 7) === WIRE_VARINT);
        out.bytes(J.intValue!);
        out.ascii(readInt64(r));
        out.bytes(J.quoteBrace!);
        break;
      case 4: {
        need((tag & 7) === WIRE_FIXED64);
        const d = r.double();
        out.bytes(J.doubleValue!);
        // As toJson writes them: NaN and the infinities as the strings proto3 JSON uses.
        if (Number.isFinite(d)) out.ascii(String(d));
        else {
          out.bytes(J.quote!);
          out.ascii(String(d));
          out.bytes(J.quote!);
        }
        out.byte(0x7d);
        break;
      }
      case 5:
      case 6: {
        const kvlist = tag >>> 3 === 6;
        out.bytes(kvlist ? J.kvlistValue! : J.arrayValue!);
        this.inside(lengthOf(r, tag), () => {
          for (let inner = nextTag(r), n = 0; inner !== 0; inner = nextTag(r), n++) {
            need(inner >>> 3 === 1);
            if (n) out.byte(0x2c);
            this.inside(lengthOf(r, inner), () => (kvlist ? this.keyValue(depth + 1) : this.anyValue(depth + 1)));
          }
        });
        out.bytes(J.listEnd!);
        break;
      }
      case 7: {
        const end = lengthOf(r, tag);
        out.bytes(J.bytesValue!);
        out.ascii(this.buf.toString('base64', r.pos, end));
        out.bytes(J.quoteBrace!);
        r.pos = end;
        break;
      }
      default:
        throw general;
    }
    need(r.pos === r.len); // one kind only
  }

  /** A run of KeyValue fields numbered `field`, starting with `tag`, as a JSON array; returns the tag after it. */
  private attributeRun(tag: number, field: number): number {
    const out = this.out;
    if (tag >>> 3 !== field) {
      out.bytes(J.emptyList!);
      return tag;
    }
    out.byte(0x5b);
    for (let n = 0; tag >>> 3 === field; tag = nextTag(this.r), n++) {
      if (n) out.byte(0x2c);
      this.inside(lengthOf(this.r, tag), () => this.keyValue(0));
    }
    out.byte(0x5d);
    return tag;
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

  /** A string field numbered `field` if `tag` is it, as a JSON string (else ""); returns the tag after it. */
  private stringField(tag: number, field: number): number {
    if (tag >>> 3 !== field) {
      this.out.bytes(J.emptyString!);
      return tag;
    }
    const end = lengthOf(this.r, tag);
    jsonString(this.out, this.buf, this.r.pos, end);
    this.r.pos = end;
    return nextTag(this.r);
  }

  /** The next field, which must be id field `field` of a usable `bytes`-byte id, as hex. */
  private idField(field: number, bytes: number): void {
    const tag = nextTag(this.r);
    need(tag >>> 3 === field);
    const end = lengthOf(this.r, tag);
    need(isId(this.buf, this.r.pos, end, bytes));
    hex(this.out, this.buf, this.r.pos, end);
    this.r.pos = end;
  }

  /** A uint32 field numbered `field` if `tag` is it (else 0), written as a number; returns the tag after it. */
  private count(tag: number, field: number): number {
    if (tag >>> 3 !== field) {
      this.out.byte(0x30);
      return tag;
    }
    need((tag & 7) === WIRE_VARINT);
    this.out.ascii(String(this.r.uint32()));
    return nextTag(this.r);
  }
}

/** A usable id: `bytes` long and not all zeros. */
function isId(buf: Buffer, start: number, end: number, bytes: number): boolean {
  if (start < 0 || end - start !== bytes) return false;
  for (let i = start; i < end; i++) if (buf[i] !== 0) return true;
  return false;
}

function isSessionKey(buf: Buffer, start: number, end: number): boolean {
  for (const key of sessionKeyBytes) if (key.length === end - start && buf.compare(key, 0, key.length, start, end) === 0) return true;
  return false;
}

/** Bytes as lowercase hex; returns the length after them. */
function hex(out: ByteBuffer, buf: Buffer, start: number, end: number): number {
  out.room(2 * (end - start));
  const o = out.buf;
  let at = out.length;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    o[at++] = hexChars[byte >> 4]!;
    o[at++] = hexChars[byte & 15]!;
  }
  return (out.length = at);
}

/** UTF-8 text as it is, or re-encoded with U+FFFD where it is not valid UTF-8 (as decoding it would). */
function utf8(out: ByteBuffer, buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      if (isUtf8(buf.subarray(start, end))) break;
      return out.string(buf.toString('utf8', start, end));
    }
  }
  return out.copy(buf, start, end);
}

/** A JSON string of UTF-8 bytes [start, end): what JSON.stringify writes for the decoded string. */
function jsonString(out: ByteBuffer, buf: Buffer, start: number, end: number): void {
  const from = out.length;
  out.room(6 * (end - start) + 2);
  const o = out.buf;
  let at = from;
  let high = false;
  o[at++] = 0x22;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (plain[c] === 1) o[at++] = c;
    else if (c >= 0x80) {
      high = true;
      o[at++] = c;
    } else {
      const escape = escapes[c]!;
      for (let e = 0; e < escape.length; e++) o[at++] = escape[e]!;
    }
  }
  o[at++] = 0x22;
  out.length = at;
  if (high && !isUtf8(buf.subarray(start, end))) {
    out.length = from;
    out.string(JSON.stringify(buf.toString('utf8', start, end)));
  }
}
