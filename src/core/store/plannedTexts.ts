// The engine thread's side of a text plan (textPlan.ts): a span's planned pieces are looked up by their
// hashes; a span with none kept once (and nothing to drop) is copied as it came; one with some is spliced
// (splicePlan: only the fields that enclose a shared string are written anew) or walked with the planned
// pieces (walkPlan, rewritePlan). The bytes written are compactSpanData's, whichever way.
import { ByteBuffer } from './byteBuffer';
import type { PreparedTraces } from './preparedTraces';
import { compactSpanData, F_ATTRIBUTES, F_EVENT_ATTRIBUTES, F_EVENTS, F_KV_VALUE, F_STRING, LEN, varint, writeSharedString, type Cursor, type TextInterner } from './spanDataTexts';
import { perPiece, perString, rewritePlan, splicePlan } from './textPlan';

/** What the store's texts offer a plan: intern() with the piece's hash already computed. */
export interface HashedInterner {
  intern(b: Buffer, start: number, end: number, print?: number): number;
}

const kvValueTag = (F_KV_VALUE << 3) | LEN;
const attributesTag = (F_ATTRIBUTES << 3) | LEN;
const eventsTag = (F_EVENTS << 3) | LEN;
const eventAttributesTag = (F_EVENT_ATTRIBUTES << 3) | LEN;
const stringTag = (F_STRING << 3) | LEN;
const notPlanned = "a span's text plan does not match its data";

/** The plan's value field is a KeyValue value holding only a string that starts at `text` and ends at `end`. */
function checkValue(src: Buffer, at: number, text: number, end: number): void {
  const c: Cursor = { b: src, pos: at };
  if (varint(c) !== kvValueTag) throw new Error(notPlanned);
  const len = varint(c);
  if (c.pos + len !== end || varint(c) !== stringTag) throw new Error(notPlanned);
  const textLen = varint(c);
  if (c.pos !== text || text + textLen !== end) throw new Error(notPlanned);
}

export class PlannedTexts implements TextInterner {
  /** Text id per planned piece (0: stays in place). */
  private readonly ids: number[] = [];
  /** Piece ends (absolute), in step with ids. */
  private readonly ends: number[] = [];
  private next = 0;
  private plan!: Uint32Array;
  private first = 0;
  private base = 0;
  private readonly event = new ByteBuffer(1 << 12);
  private readonly kv = new ByteBuffer(1 << 12);
  private readonly value = new ByteBuffer(1 << 12);

  constructor(private readonly texts: HashedInterner) {}

  /** Writes span `span`'s data, text[start, end), to `out` as compactSpanData would. */
  write(p: PreparedTraces, span: number, text: Buffer, start: number, end: number, out: ByteBuffer): void {
    const plan = p.textPlan!;
    const from = p.textPlanAt![span]!;
    const to = p.textPlanAt![span + 1]!;
    const kind = plan[from];
    const splice = kind === splicePlan;
    let shared = false;
    this.ids.length = 0;
    this.ends.length = 0;
    for (let i = from + 1; i < to; ) {
      let pieces = 1;
      if (splice) {
        pieces = plan[i]!;
        i += perString;
      }
      for (const last = i + pieces * perPiece; i < last; i += perPiece) {
        const pieceStart = start + plan[i]!;
        const pieceEnd = start + plan[i + 1]!;
        if (pieceStart > pieceEnd || pieceEnd > end || pieceStart < start) throw new RangeError(`span ${span}'s text plan points outside its data`);
        const id = this.texts.intern(text, pieceStart, pieceEnd, plan[i + 2]!);
        if (id !== 0) shared = true;
        this.ids.push(id);
        this.ends.push(pieceEnd);
      }
    }
    if (!shared && kind !== rewritePlan) out.copy(text, start, end);
    else if (splice) this.splice(plan, from + 1, to, text, start, end, out);
    else this.walk(plan, from + 1, text, start, end, out, span);
  }

  /** Compaction's intern() during a walk: the planned pieces' ids, in order. */
  intern(_b: Buffer, start: number, end: number): number {
    const i = this.first + this.next * perPiece;
    if (this.next >= this.ids.length || this.plan[i] !== start - this.base || this.plan[i + 1] !== end - this.base) {
      throw new Error(notPlanned);
    }
    return this.ids[this.next++]!;
  }

  private walk(plan: Uint32Array, first: number, text: Buffer, start: number, end: number, out: ByteBuffer, span: number): void {
    this.plan = plan;
    this.first = first;
    this.base = start;
    this.next = 0;
    compactSpanData(text, start, end, out, this);
    if (this.next !== this.ids.length) throw new Error(`span ${span}'s text plan has ${this.ids.length} pieces; its data has ${this.next}`);
  }

  /**
   * Copies the data, writing anew each span-level field that holds a shared string: the attribute's
   * KeyValue, or the event with its changed attributes (lengths change, so each enclosing header does).
   */
  private splice(plan: Uint32Array, first: number, to: number, src: Buffer, start: number, end: number, out: ByteBuffer): void {
    let copied = start;
    let piece = 0;
    let i = first;
    // The span-level field being rewritten: its start, tag and body end; for an event, its body so far.
    let top = -1;
    let topTag = 0;
    let topEnd = 0;
    let eventCopied = 0;
    const finishTop = () => {
      if (top < 0) return;
      this.event.copy(src, eventCopied, topEnd);
      out.varint(topTag);
      out.varint(this.event.length);
      out.copy(this.event.buf, 0, this.event.length);
      copied = topEnd;
      top = -1;
    };
    while (i < to) {
      const pieces = plan[i]!;
      const fieldAt = start + plan[i + 1]!;
      const attribute = plan[i + 2]!;
      const valueAt = start + plan[i + 3]!;
      const textStart = start + plan[i + perString]!;
      i += perString + pieces * perPiece;
      const firstPiece = piece;
      piece += pieces;
      let changed = false;
      for (let k = firstPiece; k < piece; k++) if (this.ids[k] !== 0) changed = true;
      if (!changed) continue;
      if (fieldAt !== top) {
        finishTop();
        out.copy(src, copied, fieldAt);
        const c: Cursor = { b: src, pos: fieldAt };
        topTag = varint(c);
        if (topTag !== attributesTag && topTag !== eventsTag) throw new Error(notPlanned);
        const len = varint(c);
        top = fieldAt;
        topEnd = c.pos + len;
        this.event.length = 0;
        eventCopied = c.pos;
      }
      // The KeyValue: its fields before the value as they are, then the value written anew.
      let kvStart = eventCopied;
      let attributeTag = 0;
      if (attribute !== 0) {
        const c: Cursor = { b: src, pos: start + attribute - 1 };
        this.event.copy(src, eventCopied, c.pos);
        attributeTag = varint(c);
        if (attributeTag !== eventAttributesTag) throw new Error(notPlanned);
        const len = varint(c);
        kvStart = c.pos;
        eventCopied = c.pos + len;
      }
      const kvEnd = attribute === 0 ? topEnd : eventCopied;
      checkValue(src, valueAt, textStart, kvEnd);
      this.value.length = 0;
      writeSharedString(this.value, src, textStart, kvEnd, this.ends, this.ids, firstPiece, pieces);
      const kv = attribute === 0 ? this.event : this.kv;
      if (attribute !== 0) this.kv.length = 0;
      kv.copy(src, kvStart, valueAt);
      kv.varint(kvValueTag);
      kv.varint(this.value.length);
      kv.copy(this.value.buf, 0, this.value.length);
      if (attribute !== 0) {
        this.event.varint(attributeTag);
        this.event.varint(this.kv.length);
        this.event.copy(this.kv.buf, 0, this.kv.length);
      } else eventCopied = topEnd;
    }
    finishTop();
    out.copy(src, copied, end);
  }
}
