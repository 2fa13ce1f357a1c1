// Long strings out of spans.data and into the texts table (sharedTexts.ts). A span's data is a Span
// message (spanData.ts); a string value of an attribute of the span or of one of its events, of
// `minSharedBytes` or more, is cut into pieces (textPieces.ts). Once one of its pieces is kept once, the
// value is written as its pieces in order: runs of text ids (AnyValue field F_TEXT_REF, packed varints)
// and pieces kept in place (F_TEXT_PIECE); a value whose pieces are all new stays as it came. Decoding
// with the store's texts (parseSpanData) puts the string back, so nothing above the store sees the
// difference. OTLP's AnyValue has no such fields: any that arrive from outside are dropped here, so only
// the store itself can make a reference.
import { F_TEXT_PIECE, F_TEXT_REF } from '../otlp/protoCommon';
import { ByteBuffer } from './byteBuffer';
import { minSharedBytes, pieceEnds } from './textPieces';
export const F_ATTRIBUTES = 9, F_EVENTS = 11, F_EVENT_ATTRIBUTES = 3, F_KV_VALUE = 2, F_STRING = 1;
export const LEN = 2;
const refTag = (F_TEXT_REF << 3) | LEN;
const pieceTag = (F_TEXT_PIECE << 3) | LEN;

/** What compaction needs of the store: a text id per piece, counted as one more reference. */
export interface TextInterner {
  intern(b: Buffer, start: number, end: number): number;
}

/** A read cursor over one buffer (the walks are synchronous and never nested across buffers). */
export interface Cursor {
  b: Uint8Array;
  pos: number;
}

export function varint(c: Cursor): number {
  const first = c.b[c.pos]!;
  if (first < 0x80) {
    c.pos++;
    return first;
  }
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = c.b[c.pos++];
    if (byte === undefined) throw new RangeError('spans.data ends inside a varint');
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 128;
  }
}

/** Moves past a field's value (the tag read); returns the end of a length-delimited one's body. */
export function skip(c: Cursor, wire: number): number {
  if (wire === 0) varint(c);
  else if (wire === 1) c.pos += 8;
  else if (wire === 5) c.pos += 4;
  else if (wire === LEN) {
    const len = varint(c);
    c.pos += len;
  } else throw new RangeError(`spans.data has wire type ${wire}`);
  return c.pos;
}

// Bodies being rewritten, one per nesting level (a field of the span, an event's attribute, a value).
const fieldBody = new ByteBuffer(1 << 12);
const eventAttribute = new ByteBuffer(1 << 12);
const valueBody = new ByteBuffer(1 << 12);
const cuts: number[] = [];
const ids: number[] = [];

/**
 * Appends `src[start, end)` (a span's data) to `out` with long strings interned. Unchanged fields are
 * copied as they are. True when a field was written anew.
 */
export function compactSpanData(src: Buffer, start: number, end: number, out: ByteBuffer, texts: TextInterner): boolean {
  let copied = start;
  textFields(src, start, end, (fieldStart, tag, body, bodyEnd) => {
    const into = fieldBody;
    const changed = tag >>> 3 === F_ATTRIBUTES ? keyValue(src, body, bodyEnd, into, texts) : event(src, body, bodyEnd, into, texts);
    if (!changed) return true;
    out.copy(src, copied, fieldStart);
    out.varint(tag);
    out.varint(into.length);
    out.copy(into.buf, 0, into.length);
    copied = bodyEnd;
    return true;
  });
  out.copy(src, copied, end);
  return copied !== start;
}

/**
 * Calls `visit` with each span-level field that can hold long strings (an attribute, an event) of a
 * span's data: where the field starts, its tag and its body. A false from `visit` ends the walk.
 */
export function textFields(src: Buffer, start: number, end: number, visit: (fieldStart: number, tag: number, body: number, bodyEnd: number) => boolean): void {
  const c: Cursor = { b: src, pos: start };
  while (c.pos < end) {
    const fieldStart = c.pos;
    const tag = varint(c);
    const field = tag >>> 3;
    if ((tag & 7) !== LEN || (field !== F_ATTRIBUTES && field !== F_EVENTS)) {
      skip(c, tag & 7);
      continue;
    }
    const len = varint(c);
    const body = c.pos;
    c.pos += len;
    if (!visit(fieldStart, tag, body, c.pos)) return;
  }
}

/** An Event message: true when one of its attributes changed (then `into` holds the new body). */
function event(src: Buffer, start: number, end: number, into: ByteBuffer, texts: TextInterner): boolean {
  const c: Cursor = { b: src, pos: start };
  let changed = false;
  into.length = 0;
  while (c.pos < end) {
    const fieldStart = c.pos;
    const tag = varint(c);
    if ((tag & 7) === LEN && tag >>> 3 === F_EVENT_ATTRIBUTES) {
      const len = varint(c);
      const body = c.pos;
      c.pos += len;
      const kv = eventAttribute;
      if (keyValue(src, body, c.pos, kv, texts)) {
        changed = true;
        into.varint(tag);
        into.varint(kv.length);
        into.copy(kv.buf, 0, kv.length);
        continue;
      }
    } else skip(c, tag & 7);
    into.copy(src, fieldStart, c.pos);
  }
  return changed;
}

/**
 * A KeyValue: true when its value changes (then `into` holds the new body: its other fields as they were,
 * then its value). Of several values, decoding keeps the last: only that one is kept.
 */
function keyValue(src: Buffer, start: number, end: number, into: ByteBuffer, texts: TextInterner): boolean {
  const c: Cursor = { b: src, pos: start };
  let values = 0;
  let valueStart = 0;
  let valueEnd = 0;
  while (c.pos < end) {
    const tag = varint(c);
    if ((tag & 7) === LEN && tag >>> 3 === F_KV_VALUE) {
      values++;
      const len = varint(c);
      valueStart = c.pos;
      valueEnd = c.pos += len;
    } else skip(c, tag & 7);
  }
  if (values === 0 || (!planValue(src, valueStart, valueEnd, texts) && values === 1)) return false;
  into.length = 0;
  c.pos = start;
  while (c.pos < end) {
    const fieldStart = c.pos;
    const tag = varint(c);
    skip(c, tag & 7);
    if ((tag & 7) !== LEN || tag >>> 3 !== F_KV_VALUE) into.copy(src, fieldStart, c.pos);
  }
  writeValue(src, valueBody);
  into.varint((F_KV_VALUE << 3) | LEN);
  into.varint(valueBody.length);
  into.copy(valueBody.buf, 0, valueBody.length);
  return true;
}

/** What planValue found, for writeValue: the AnyValue's last value field, and its string's pieces. */
const plan = { last: -1, lastEnd: 0, text: -1, textEnd: 0, shared: false };
const pieceIds: number[] = [];

/**
 * Reads an AnyValue as decoding sees it (the last of its value fields wins) and interns its long string's
 * pieces. True when it must be written anew: a piece is kept once now, or the value has fields decoding
 * ignores (among them pieces or ids that arrived from outside: they are dropped).
 */
function planValue(src: Buffer, start: number, end: number, texts: TextInterner): boolean {
  const c: Cursor = { b: src, pos: start };
  let fields = 0;
  plan.last = -1;
  plan.text = -1;
  plan.shared = false;
  let lastTag = 0;
  while (c.pos < end) {
    const fieldStart = c.pos;
    const tag = varint(c);
    skip(c, tag & 7);
    fields++;
    const field = tag >>> 3;
    if (field >= 1 && field <= 7) {
      plan.last = fieldStart;
      plan.lastEnd = c.pos;
      lastTag = tag;
    }
  }
  if (plan.last >= 0 && lastTag === ((F_STRING << 3) | LEN)) {
    c.pos = plan.last;
    varint(c);
    const len = varint(c);
    if (len >= minSharedBytes) {
      plan.text = c.pos;
      plan.textEnd = c.pos + len;
      cuts.length = 0;
      pieceIds.length = 0;
      pieceEnds(src, plan.text, plan.textEnd, cuts);
      for (let i = 0, from = plan.text; i < cuts.length; from = cuts[i++]!) {
        const id = texts.intern(src, from, cuts[i]!);
        pieceIds.push(id);
        if (id) plan.shared = true;
      }
    }
  }
  return plan.shared || fields !== (plan.last >= 0 ? 1 : 0);
}

/** The AnyValue planValue read, written anew: its string's pieces as text ids and pieces in place. */
function writeValue(src: Buffer, into: ByteBuffer): void {
  into.length = 0;
  if (plan.last < 0) return;
  if (!plan.shared) {
    into.copy(src, plan.last, plan.lastEnd);
    return;
  }
  writeSharedString(into, src, plan.text, plan.textEnd, cuts, pieceIds, 0, cuts.length);
}

/**
 * The string src[text, textEnd) as an AnyValue body of runs of text ids and pieces in place: its pieces
 * end at cutEnds[first, first + count), and pieceIds (same indexes) are their text ids (0: in place).
 */
export function writeSharedString(into: ByteBuffer, src: Buffer, text: number, textEnd: number, cutEnds: ArrayLike<number>, pieceIds: ArrayLike<number>, first: number, count: number): void {
  ids.length = 0;
  let inPlace = text;
  for (let i = first, from = text; i < first + count; from = cutEnds[i++]!) {
    const id = pieceIds[i]!;
    if (id === 0) {
      if (ids.length) writeIds(into);
      continue;
    }
    if (inPlace < from) writePiece(into, src, inPlace, from);
    ids.push(id);
    inPlace = cutEnds[i]!;
  }
  if (ids.length) writeIds(into);
  if (inPlace < textEnd) writePiece(into, src, inPlace, textEnd);
}

function writeIds(into: ByteBuffer): void {
  let bytes = 0;
  for (const id of ids) bytes += varintSize(id);
  into.varint(refTag);
  into.varint(bytes);
  for (const id of ids) into.varint(id);
  ids.length = 0;
}

function writePiece(into: ByteBuffer, src: Buffer, start: number, end: number): void {
  into.varint(pieceTag);
  into.varint(end - start);
  into.copy(src, start, end);
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Calls `visit` with every text id a span's data (as compactSpanData writes it) refers to. */
export function forEachTextRef(data: Uint8Array, visit: (id: number) => void): void {
  walkLen(data, 0, data.length, (field, start, end) => {
    if (field === F_ATTRIBUTES) valueOf(data, start, end, visit);
    else if (field === F_EVENTS) walkLen(data, start, end, (f, s, e) => f === F_EVENT_ATTRIBUTES && valueOf(data, s, e, visit));
  });
}

function valueOf(data: Uint8Array, start: number, end: number, visit: (id: number) => void): void {
  walkLen(data, start, end, (field, s, e) => {
    if (field !== F_KV_VALUE) return;
    walkLen(data, s, e, (f, from, to) => {
      if (f !== F_TEXT_REF) return;
      const c: Cursor = { b: data, pos: from };
      while (c.pos < to) visit(varint(c));
    });
  });
}

/** Calls `visit` with the field number and body of every length-delimited field in [start, end). */
function walkLen(data: Uint8Array, start: number, end: number, visit: (field: number, start: number, end: number) => unknown): void {
  const c: Cursor = { b: data, pos: start };
  while (c.pos < end) {
    const tag = varint(c);
    if ((tag & 7) !== LEN) {
      skip(c, tag & 7);
      continue;
    }
    const len = varint(c);
    const body = c.pos;
    c.pos += len;
    visit(tag >>> 3, body, c.pos);
  }
}
