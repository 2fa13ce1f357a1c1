// Wire-level helpers on top of protobufjs's Reader for the hand-written OTLP walk. The hot paths
// (ids, fixed64 times, 64-bit ints) read the buffer directly to avoid Long objects and allocations.
import { Reader } from 'protobufjs/minimal';
import { OtlpDecodeError, inMessage } from './errors';
import { utf8String, type Utf8Bytes } from './shortStrings';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const wireNames = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32', '6', '7'];

// Node's Buffer has a direct UTF-8 slice (what toString('utf8') calls after argument checks; protobufjs
// uses it too). Calling it directly is measurably faster for the many short strings in a span.

/** A Reader over a Node Buffer (its string() uses the fast native UTF-8 decoder). */
export function readerFor(bytes: Uint8Array): Reader {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Reader.create(buf);
}

/** Throws unless the tag has the wire type the schema wants. */
export function expectWire(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) {
    throw new OtlpDecodeError(
      `field ${tag >>> 3} has wire type ${tag & 7}, expected ${wireType} (${wireNames[wireType]})`,
    );
  }
}

/** Skips a field this decoder does not know (the spec says receivers ignore them). */
export function skipField(r: Reader, tag: number): void {
  const wireType = tag & 7;
  if (tag >>> 3 === 0) throw new OtlpDecodeError(`invalid field number 0 at offset ${r.pos}`);
  if (wireType === 4 || wireType > 5) {
    throw new OtlpDecodeError(`field ${tag >>> 3} has invalid wire type ${wireType}`);
  }
  r.skipType(wireType, 0, tag >>> 3);
}

/**
 * Reads a length prefix and narrows the reader to that sub-message, so nothing inside can read past
 * it. Returns the enclosing end, which the caller restores with `r.len = outer` afterwards.
 */
export function enterMessage(r: Reader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) {
    throw new OtlpDecodeError(`length ${len} at offset ${r.pos} runs past the end of the enclosing message (${r.len - r.pos} bytes left)`);
  }
  const outer = r.len;
  r.len = end;
  return outer;
}

/**
 * Every field 1 of the message (a `repeated` message field, as OTLP's lists are), the reader narrowed to
 * each in turn; other fields are skipped. Errors name the element: `what(n)` for the n-th.
 */
export function forEachRepeated(r: Reader, read: () => void, what: (n: number) => string): void {
  for (let n = 0; r.pos < r.len; ) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) {
      skipField(r, tag);
      continue;
    }
    expectWire(tag, WIRE_LEN);
    try {
      const outer = enterMessage(r);
      read();
      r.len = outer;
    } catch (e) {
      throw inMessage(e, what(n));
    }
    n++;
  }
}

/**
 * A length-delimited bytes field as lowercase hex (trace and span ids). Node's native hex slice was
 * measured ~2x faster than a per-byte lookup table here, and it yields a flat string, whereas table
 * concatenation builds a rope that every later compare or Map lookup has to flatten again.
 */
export function readHex(r: Reader): string {
  const len = r.uint32();
  const start = r.pos;
  const end = start + len;
  if (end > r.len) throw new OtlpDecodeError(`bytes of length ${len} at offset ${start} run past the end of the message`);
  r.pos = end;
  return (r.buf as Buffer).toString('hex', start, end);
}

/** A string field. Same as Reader.string(), with a clear error when its length overruns the message. */
export function readString(r: Reader): string {
  const len = r.uint32();
  const start = r.pos;
  const end = start + len;
  if (end > r.len) throw new OtlpDecodeError(`string of length ${len} at offset ${start} runs past the end of the message`);
  r.pos = end;
  return utf8String(r.buf as Utf8Bytes, start, end);
}

/** A length-delimited bytes field as standard base64 (bytesValue). */
export function readBase64(r: Reader): string {
  const len = r.uint32();
  const start = r.pos;
  const end = start + len;
  if (end > r.len) throw new OtlpDecodeError(`bytes of length ${len} at offset ${start} run past the end of the message`);
  r.pos = end;
  return (r.buf as Buffer).toString('base64', start, end);
}

/** An unsigned 64-bit value given as two 32-bit halves, exactly, as a decimal string. */
export function u64ToDecimal(lo: number, hi: number): string {
  if (hi === 0) return String(lo);
  if (hi < 0x200000) return String(hi * 4294967296 + lo); // below 2^53: a double is exact
  const lowText = String(splitU64(lo, hi));
  return String(split.high) + '000000000'.slice(lowText.length) + lowText;
}

/**
 * Nanoseconds given as two 32-bit halves in ms, exactly as nsToMs (values.ts) reads their decimal
 * string (whole ms plus the sub-ms remainder / 1e6), without making the string.
 */
export function u64NsToMs(lo: number, hi: number): number {
  let high = 0;
  let low = hi * 4294967296 + lo; // exact below 2^53
  if (hi >= 0x200000) {
    low = splitU64(lo, hi);
    high = split.high;
  }
  const frac = low % 1e6;
  return high * 1000 + (low - frac) / 1e6 + frac / 1e6;
}

/** The high part (units of 1e9) of the last splitU64. */
const split = { high: 0 };

/** value = split.high * 1e9 + the result, both exact (below 2^53). */
function splitU64(lo: number, hi: number): number {
  // value = hiH * 2^48 + hiL * 2^32 + lo, with 2^48 = 281474 * 1e9 + 976710656 and
  // 2^32 = 4 * 1e9 + 294967296.
  const hiH = hi >>> 16;
  const hiL = hi & 0xffff;
  let low = hiH * 976710656 + hiL * 294967296 + lo;
  const carry = Math.floor(low / 1e9);
  low -= carry * 1e9;
  split.high = hiH * 281474 + hiL * 4 + carry;
  return low;
}

/** A fixed64 field (times) in ms, as nsToMs reads readFixed64's string. */
export function readFixed64Ms(r: Reader): number {
  readHalves(r);
  return u64NsToMs(halves.lo, halves.hi);
}

/** A fixed64 field (times) as a decimal string. */
export function readFixed64(r: Reader): string {
  readHalves(r);
  return u64ToDecimal(halves.lo, halves.hi);
}

/** The two 32-bit halves of the last fixed64 read (no object per read). */
const halves = { lo: 0, hi: 0 };

function readHalves(r: Reader): void {
  const pos = r.pos;
  if (pos + 8 > r.len) throw new OtlpDecodeError(`fixed64 at offset ${pos} runs past the end of the message`);
  const b = r.buf;
  halves.lo = (b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16) | (b[pos + 3] << 24)) >>> 0;
  halves.hi = (b[pos + 4] | (b[pos + 5] << 8) | (b[pos + 6] << 16) | (b[pos + 7] << 24)) >>> 0;
  r.pos = pos + 8;
}

/** A varint int64 field (intValue) as a signed decimal string. */
export function readInt64(r: Reader): string {
  const b = r.buf;
  const len = r.len;
  let pos = r.pos;
  let lo = 0;
  let hi = 0;
  let byte = 0;
  // Bytes 1-4 fill lo bits 0..27, byte 5 straddles lo/hi, bytes 6-10 fill hi.
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= len) throw truncatedVarint(r);
    byte = b[pos++];
    lo |= (byte & 127) << shift;
    if (byte < 128) {
      r.pos = pos;
      return String(lo >>> 0);
    }
  }
  if (pos >= len) throw truncatedVarint(r);
  byte = b[pos++];
  lo |= (byte & 127) << 28;
  hi = (byte & 127) >>> 4;
  if (byte >= 128) {
    for (let shift = 3; ; shift += 7) {
      if (shift > 31) throw new OtlpDecodeError(`varint at offset ${r.pos} is longer than 10 bytes`);
      if (pos >= len) throw truncatedVarint(r);
      byte = b[pos++];
      hi |= (byte & 127) << shift;
      if (byte < 128) break;
    }
  }
  r.pos = pos;
  lo >>>= 0;
  hi >>>= 0;
  if (hi & 0x80000000) {
    // Two's complement negative: negate both halves.
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
    return '-' + u64ToDecimal(lo, hi);
  }
  return u64ToDecimal(lo, hi);
}

function truncatedVarint(r: Reader): OtlpDecodeError {
  return new OtlpDecodeError(`varint at offset ${r.pos} runs past the end of the message`);
}

/** A fixed32 field (flags) as an unsigned number. */
export function readFixed32(r: Reader): number {
  const pos = r.pos;
  if (pos + 4 > r.len) throw new OtlpDecodeError(`fixed32 at offset ${pos} runs past the end of the message`);
  const b = r.buf;
  r.pos = pos + 4;
  return (b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16) | (b[pos + 3] << 24)) >>> 0;
}
