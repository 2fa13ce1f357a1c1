// The decode worker's fast path for OTLP/protobuf trace requests: one walk over the bytes writes each
// span's text columns and its data (spanData.ts) straight into a prepared request, with no span objects
// in between. A span's fields other than its ids and name are kept as the bytes they came in, checked
// (protoCheck.ts) but not decoded. It takes what exporters send: ids and name before the other fields,
// usable ids. Anything else returns undefined, and the general path (decode, validate, prepareTraces)
// takes the request with its exact errors and partial-success reasons; tests hold both paths to the
// same stored spans.
import type { Reader } from 'protobufjs/minimal';
import type { InstrumentationScope, KeyValue, Resource } from '../otlp/model';
import { decodeResource, decodeScope, emptyResource, emptyScope, pushKeyValue } from '../otlp/protoCommon';
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, readFixed64Ms, readerFor, skipField } from '../otlp/protoWire';
import { hex, sameBytes, utf8 } from './textBytes';
import { PreparedBuilder } from './preparedBuilder';
import { spareSize, type SpareBuffers } from './spareBuffers';
import { preparedTexts, type PreparedTraces } from './preparedTraces';
import { checkEvent, checkKeyValue, checkLink, checkStatus, isId, lastKey, lengthOf, need, nextTag, textWork } from './protoCheck';
import { sessionKeys } from './sessionKeys';
import { putBytes, putVarint, type ByteBuffer } from './byteBuffer';
import { F_KEY_ID } from '../otlp/wellKnownKeys';
import { idOfKeyBytes } from './keyNumbers';
import { F_ATTRIBUTES, F_END, F_EVENTS, F_FLAGS, F_KIND, F_LINKS, F_START, F_STATUS, F_TRACE_STATE } from './spanData';

const sessionKeyBytes = sessionKeys.map((k) => Buffer.from(k, 'utf8'));
/** The span being walked: per attribute whose key has a number, where its field starts, its key ends, it ends, and the number. */
const splices: number[] = [];

/**
 * The request prepared for the store, or undefined when it needs the general path (anything malformed,
 * unusual or rejected). On success every span is accepted. Its text is written into one of `spares` when
 * one is big enough.
 */
export function prepareTraceBytes(body: Uint8Array, spares?: SpareBuffers): PreparedTraces | undefined {
  const r = readerFor(body);
  keyMemo.forget();
  // A span's columns take its bytes, less what the protobuf framing took, plus 32 for its ids as hex.
  const textBytes = spareSize(Math.ceil(body.length * 1.1) + 1024);
  const w = new TraceWalk(r, new PreparedBuilder(textBytes, spares?.take(textBytes)));
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

class TraceWalk {
  private readonly buf: Buffer;
  /** Where fields 1-5 (ids, trace state, name) of the span being read are: [start, end) each. */
  private readonly at = new Int32Array(10);

  constructor(
    private readonly r: Reader,
    readonly b: PreparedBuilder,
  ) {
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

  /** A span, the reader narrowed to it. */
  private span(): void {
    const { r, b, at, buf } = this;
    b.grow();
    const i = b.count;
    at.fill(-1);
    let startMs = 0;
    let endMs = 0;
    let status = 0;
    let routing: KeyValue[] | undefined;
    splices.length = 0;
    let attribute = 0;
    const textWorkBefore = textWork.count;
    /** Where the first field after the name starts: from there to the end, the bytes are kept as they are. */
    let rest = -1;
    for (let tagAt = r.pos, tag = nextTag(r); tag !== 0; tagAt = r.pos, tag = nextTag(r)) {
      const field = tag >>> 3;
      if (field <= 5) {
        // The columns' fields come first, as encoders write them: the rest is then one run of bytes.
        need(rest < 0);
        const fieldEnd = lengthOf(r, tag);
        at[2 * field - 2] = r.pos;
        at[2 * field - 1] = fieldEnd;
        r.pos = fieldEnd;
        continue;
      }
      if (rest < 0) rest = tagAt;
      switch (field) {
        case F_START:
        case F_END:
          need((tag & 7) === WIRE_FIXED64);
          if (field === F_START) startMs = readFixed64Ms(r);
          else endMs = readFixed64Ms(r);
          break;
        case F_ATTRIBUTES: {
          const keyAt = r.pos;
          checkKeyValue(r, tag, 0);
          keyNumber(buf, tagAt, keyAt, r.pos, splices, attribute++);
          // A key session routing reads: decode the attribute, as the store's router wants it.
          if (isSessionKeyAt(buf, lastKey.start, lastKey.end)) {
            const after = r.pos;
            r.pos = keyAt;
            pushKeyValue(r, (routing ??= []), 0);
            r.pos = after;
          }
          break;
        }
        case F_EVENTS:
          checkEvent(r, tag);
          break;
        case F_LINKS:
          checkLink(r, tag);
          break;
        case F_STATUS:
          status = checkStatus(r, tag, status);
          break;
        case F_FLAGS:
          need((tag & 7) === WIRE_FIXED32 && r.pos + 4 <= r.len);
          r.pos += 4;
          break;
        default:
          // kind and the dropped counts (varints); unknown fields are skipped, as decoding does.
          if (field <= F_FLAGS) {
            need((tag & 7) === WIRE_VARINT);
            if (field === F_KIND) r.int32();
            else r.uint32();
          } else skipField(r, tag);
      }
    }
    // Indexed reads (destructuring a typed array runs its iterator: measurably slower here).
    const traceStart = at[0]!, traceEnd = at[1]!, spanStart = at[2]!, spanEnd = at[3]!, stateStart = at[4]!, stateEnd = at[5]!;
    const parentStart = at[6]!, parentEnd = at[7]!, nameStart = at[8]!, nameEnd = at[9]!;
    need(isId(buf, traceStart, traceEnd, 16) && isId(buf, spanStart, spanEnd, 8));
    // An empty or all-zero parent means none; any other size is the general path's to reject.
    const parentBytes = parentStart < 0 ? 0 : parentEnd - parentStart;
    need(parentBytes === 0 || parentBytes === 8);
    b.traceIndex[i] = b.traceOf(buf, traceStart);
    b.times[2 * i] = startMs;
    b.times[2 * i + 1] = endMs;
    b.statusCodes[i] = status;
    b.plainSpans[i] = textWork.count === textWorkBefore ? 1 : 0;
    const out = b.text;
    let k = preparedTexts * i;
    b.textEnd[k++] = hex(out, buf, traceStart, traceEnd);
    b.textEnd[k++] = hex(out, buf, spanStart, spanEnd);
    b.textEnd[k++] = isId(buf, parentStart, parentEnd, 8) ? hex(out, buf, parentStart, parentEnd) : out.length;
    b.textEnd[k++] = nameStart >= 0 ? utf8(out, buf, nameStart, nameEnd) : out.length;
    if (stateEnd > stateStart) {
      out.byte((F_TRACE_STATE << 3) | WIRE_LEN);
      out.varint(stateEnd - stateStart);
      out.copy(buf, stateStart, stateEnd);
    }
    b.textEnd[k] = rest < 0 ? out.length : copyWithKeyNumbers(out, buf, rest, r.len, splices);
    if (routing) {
      b.routedSpans.push(i);
      b.routedAttributes.push(routing);
    }
    b.count++;
  }
}

/** Whether bytes [start, end) of `buf` are one of the attribute keys session routing reads (asked for every attribute). */
function isSessionKeyAt(buf: Buffer, start: number, end: number): boolean {
  for (const key of sessionKeyBytes) if (key.length === end - start && sameBytes(key, 0, buf, start, key.length)) return true;
  return false;
}

/**
 * The attribute keys of the request's last span, in their order there (where each is, and its number): the
 * next span's are most often the same, and comparing a key's bytes with one of those costs less than
 * finding it among the well-known keys (the fingerprint, the table).
 */
class KeyMemo {
  private static readonly size = 64;
  private readonly start = new Int32Array(KeyMemo.size);
  private readonly length = new Int32Array(KeyMemo.size).fill(-1);
  private readonly id = new Int32Array(KeyMemo.size);

  /** A new request: its buffer holds other bytes where the last one's keys were. */
  forget(): void {
    this.length.fill(-1);
  }

  /** The number of the key at `buf[start, end)`, the span's attribute number `n`. */
  idOf(buf: Buffer, start: number, end: number, n: number): number {
    if (n >= KeyMemo.size) return idOfKeyBytes(buf, start, end);
    const length = end - start;
    if (this.length[n] === length && sameBytes(buf, this.start[n]!, buf, start, length)) return this.id[n]!;
    const id = idOfKeyBytes(buf, start, end);
    this.start[n] = start;
    this.length[n] = length;
    this.id[n] = id;
    return id;
  }
}

const keyMemo = new KeyMemo();

/**
 * Notes an attribute (its field at `fieldAt`, its KeyValue's length prefix at `kvAt`, ending at `end`, its
 * key where checkKeyValue left lastKey; the span's attribute number `n`) whose key is well known and
 * written first, as encoders write it.
 */
function keyNumber(buf: Buffer, fieldAt: number, kvAt: number, end: number, into: number[], n: number): void {
  if (lastKey.start < 0) return;
  let p = kvAt;
  while (buf[p++]! & 0x80);
  if (buf[p++] !== ((1 << 3) | WIRE_LEN)) return;
  while (buf[p++]! & 0x80);
  if (p !== lastKey.start) return;
  const id = keyMemo.idOf(buf, lastKey.start, lastKey.end, n);
  if (id > 0) into.push(fieldAt, lastKey.end, end, id);
}

/** `buf[start, end)` appended to `out` with the noted attributes' keys written as their number; out's new length. */
function copyWithKeyNumbers(out: ByteBuffer, buf: Buffer, start: number, end: number, noted: readonly number[]): number {
  // A key's number takes fewer bytes than any well-known key: the copy is never longer than the bytes.
  out.room(end - start);
  const o = out.buf;
  let at = out.length;
  let copied = start;
  for (let i = 0; i < noted.length; i += 4) {
    const fieldAt = noted[i]!, keyEnd = noted[i + 1]!, kvEnd = noted[i + 2]!, id = noted[i + 3]!;
    at = putBytes(o, at, buf, copied, fieldAt);
    o[at++] = (F_ATTRIBUTES << 3) | WIRE_LEN;
    // The new KeyValue: field F_KEY_ID's tag (two bytes) and number, then its fields after the key.
    at = putVarint(o, at, 2 + (id < 128 ? 1 : 2) + kvEnd - keyEnd);
    at = putVarint(o, at, (F_KEY_ID << 3) | WIRE_VARINT);
    at = putVarint(o, at, id);
    at = putBytes(o, at, buf, keyEnd, kvEnd);
    copied = kvEnd;
  }
  return (out.length = putBytes(o, at, buf, copied, end));
}
