// The common.v1 messages (KeyValue, AnyValue) and the small field shapes of the trace messages, walked
// from protobuf bytes straight to the JSON spans.data holds (the model's JSON: {"key":..,"value":{..}}).
// Only the usual layout is taken (fields in field-number order, one value kind); anything else throws
// `general`, and the caller leaves the request to the general decoder.
import type { Reader } from 'protobufjs/minimal';
import { MAX_VALUE_DEPTH } from '../otlp/errors';
import { WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, readInt64, skipField } from '../otlp/protoWire';
import type { ByteBuffer } from './byteBuffer';
import { hex, J, jsonString } from './jsonBytes';

/** Thrown inside the walk when the request needs the general path; never escapes. */
export const general = new Error('not for the fast path');

export function need(ok: boolean): void {
  if (!ok) throw general;
}

/** The next tag, or 0 at the end of the current message (field number 0 is invalid, so no tag is below 8). */
export function nextTag(r: Reader): number {
  if (r.pos >= r.len) return 0;
  const tag = r.uint32();
  need(tag >= 8);
  return tag;
}

/** A length-delimited field (checked by the tag's wire type): returns its end; the reader is at its start. */
export function lengthOf(r: Reader, tag: number): number {
  need((tag & 7) === WIRE_LEN);
  const len = r.uint32();
  const end = r.pos + len;
  need(end <= r.len);
  return end;
}

export class ProtoJsonWalk {
  protected readonly buf: Buffer;
  /** Where the key of the last KeyValue written is in `buf` ([-1, -1] when it had none). */
  protected keyStart = -1;
  protected keyEnd = -1;

  constructor(
    protected readonly r: Reader,
    protected readonly out: ByteBuffer,
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

  /** KeyValue { key = 1; value = 2 } as {"key":..,"value":..}; keyStart/keyEnd say where its key was. */
  protected keyValue(depth: number): void {
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
    // Set last: a kvlist value has written its own keys meanwhile.
    this.keyStart = keyStart;
    this.keyEnd = keyEnd;
  }

  /** AnyValue: exactly one known kind, or none ({}). */
  protected anyValue(depth: number): void {
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
  protected attributeRun(tag: number, field: number): number {
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

  /** A string field numbered `field` if `tag` is it, as a JSON string (else ""); returns the tag after it. */
  protected stringField(tag: number, field: number): number {
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
  protected idField(field: number, bytes: number): void {
    const tag = nextTag(this.r);
    need(tag >>> 3 === field);
    const end = lengthOf(this.r, tag);
    need(isId(this.buf, this.r.pos, end, bytes));
    hex(this.out, this.buf, this.r.pos, end);
    this.r.pos = end;
  }

  /** A uint32 field numbered `field` if `tag` is it (else 0), written as a number; returns the tag after it. */
  protected count(tag: number, field: number): number {
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
export function isId(buf: Buffer, start: number, end: number, bytes: number): boolean {
  if (start < 0 || end - start !== bytes) return false;
  for (let i = start; i < end; i++) if (buf[i] !== 0) return true;
  return false;
}
