// Checks, without decoding anything, that protobuf bytes the decode worker's fast path keeps as they are
// (a span's attributes, events, links, status) are what the general decoder (protoCommon.ts,
// protoTraces.ts) reads without an error, so that spans.data always decodes. Each check mirrors its
// decoder: the same wire types for the same fields, the same reader calls, the same depth limit. Where
// the general path would decide something (an unusable link id is dropped and counted), it throws
// `general` and the request goes there.
import type { Reader } from 'protobufjs/minimal';
import { MAX_VALUE_DEPTH } from '../otlp/errors';
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, readInt64, skipField } from '../otlp/protoWire';
import { F_KEY_ID } from '../otlp/wellKnownKeys';
import { minSharedBytes } from './textPieces';

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

/** Skips a length-delimited field's bytes (strings, bytes), checking its wire type and length. */
function skipBytes(r: Reader, tag: number): void {
  r.pos = lengthOf(r, tag);
}

/** Narrows the reader to the sub-message at the tag (as enterMessage); returns the enclosing end. */
export function enter(r: Reader, tag: number): number {
  const end = lengthOf(r, tag);
  const outer = r.len;
  r.len = end;
  return outer;
}

/** Back out of a sub-message entered with enter(). */
export function leave(r: Reader, outer: number): void {
  r.pos = r.len;
  r.len = outer;
}

function fixed(r: Reader, tag: number, wire: number, bytes: number): void {
  need((tag & 7) === wire && r.pos + bytes <= r.len);
  r.pos += bytes;
}

/** Where the key of the last KeyValue checked is ([-1, -1] when it had none). */
export const lastKey = { start: -1, end: -1 };

/**
 * Values checked so far that keeping long strings once (spanDataTexts.ts) would cut or write anew: a string
 * of minSharedBytes or more, an AnyValue of several fields or of a field decoding ignores, a KeyValue of
 * several values. Counted at any depth (compaction reads only the top ones: a nested one is counted to be
 * safe). A span checked without adding to it has a text plan known without walking it (textPlan.ts).
 */
export const textWork = { count: 0 };

/** KeyValue { key = 1; value = 2 }; the reader is at the start of its length prefix. Sets lastKey. */
export function checkKeyValue(r: Reader, tag: number, depth: number): void {
  const outer = enter(r, tag);
  let start = -1;
  let end = -1;
  let values = 0;
  for (let t = nextTag(r); t !== 0; t = nextTag(r)) {
    const field = t >>> 3;
    if (field === 1) {
      end = lengthOf(r, t);
      start = r.pos;
      r.pos = end;
    } else if (field === 2) {
      if (++values === 2) textWork.count++;
      const inner = enter(r, t);
      checkAnyValue(r, depth);
      leave(r, inner);
    } else {
      // The store's own key field: from outside, the general path drops it.
      need(field !== F_KEY_ID);
      skipField(r, t);
    }
  }
  leave(r, outer);
  // Set last: a kvlist value has checked keys of its own meanwhile.
  lastKey.start = start;
  lastKey.end = end;
}

/** AnyValue, the reader narrowed to it. */
function checkAnyValue(r: Reader, depth: number): void {
  need(depth <= MAX_VALUE_DEPTH);
  let fields = 0;
  for (let tag = nextTag(r); tag !== 0; tag = nextTag(r)) {
    if (++fields === 2) textWork.count++;
    switch (tag >>> 3) {
      case 1: {
        const end = lengthOf(r, tag);
        if (end - r.pos >= minSharedBytes) textWork.count++;
        r.pos = end;
        break;
      }
      case 7:
        skipBytes(r, tag);
        break;
      case 2:
        need((tag & 7) === WIRE_VARINT);
        r.uint32();
        break;
      case 3:
        need((tag & 7) === WIRE_VARINT);
        readInt64(r);
        break;
      case 4:
        fixed(r, tag, WIRE_FIXED64, 8);
        break;
      case 5:
      case 6: {
        const kvlist = tag >>> 3 === 6;
        const outer = enter(r, tag);
        for (let inner = nextTag(r); inner !== 0; inner = nextTag(r)) {
          if (inner >>> 3 !== 1) skipField(r, inner);
          else if (kvlist) checkKeyValue(r, inner, depth + 1);
          else {
            const end = enter(r, inner);
            checkAnyValue(r, depth + 1);
            leave(r, end);
          }
        }
        leave(r, outer);
        break;
      }
      default:
        textWork.count++;
        skipField(r, tag);
    }
  }
}

/** Event { time = 1; name = 2; attributes = 3; dropped = 4 }; the reader is at its length prefix. */
export function checkEvent(r: Reader, tag: number): void {
  const outer = enter(r, tag);
  for (let t = nextTag(r); t !== 0; t = nextTag(r)) {
    switch (t >>> 3) {
      case 1: fixed(r, t, WIRE_FIXED64, 8); break;
      case 2: skipBytes(r, t); break;
      case 3: checkKeyValue(r, t, 0); break;
      case 4: need((t & 7) === WIRE_VARINT); r.uint32(); break;
      default: skipField(r, t);
    }
  }
  leave(r, outer);
}

/** Link { trace id = 1; span id = 2; trace state = 3; attributes = 4; dropped = 5; flags = 6 }, usable ids only. */
export function checkLink(r: Reader, tag: number): void {
  const outer = enter(r, tag);
  const buf = r.buf as Buffer;
  // The decoder keeps the last of a repeated field: so is the one checked.
  let trace = -1, traceEnd = -1, span = -1, spanEnd = -1;
  for (let t = nextTag(r); t !== 0; t = nextTag(r)) {
    switch (t >>> 3) {
      case 1: traceEnd = lengthOf(r, t); trace = r.pos; r.pos = traceEnd; break;
      case 2: spanEnd = lengthOf(r, t); span = r.pos; r.pos = spanEnd; break;
      case 3: skipBytes(r, t); break;
      case 4: checkKeyValue(r, t, 0); break;
      case 5: need((t & 7) === WIRE_VARINT); r.uint32(); break;
      case 6: fixed(r, t, WIRE_FIXED32, 4); break;
      default: skipField(r, t);
    }
  }
  need(isId(buf, trace, traceEnd, 16) && isId(buf, span, spanEnd, 8));
  leave(r, outer);
}

/**
 * Status { message = 2; code = 3 }; the reader is at its length prefix. Returns the code: `code` unless
 * this one sets it (a repeated status merges into the one before, as decoding does).
 */
export function checkStatus(r: Reader, tag: number, code: number): number {
  const outer = enter(r, tag);
  for (let t = nextTag(r); t !== 0; t = nextTag(r)) {
    if (t >>> 3 === 2) skipBytes(r, t);
    else if (t >>> 3 === 3) {
      need((t & 7) === WIRE_VARINT);
      code = r.int32();
    } else skipField(r, t);
  }
  leave(r, outer);
  return code;
}

/** A usable id: `bytes` long and not all zeros. */
export function isId(buf: Buffer, start: number, end: number, bytes: number): boolean {
  if (start < 0 || end - start !== bytes) return false;
  for (let i = start; i < end; i++) if (buf[i] !== 0) return true;
  return false;
}
