// Keeping long strings once (spanDataTexts.ts) walks every span's data, cuts its long strings into pieces
// and hashes each piece: a fifth of the engine thread's time per span. None of that needs the store, so
// the decode worker does it (planTexts) and hands the plan over with the request; the engine thread only
// looks the pieces up by their hashes (plannedTexts.ts). For the usual shape (each long string the one
// value of its attribute) the plan also says where the string's enclosing fields start, so a span with a
// piece kept once is spliced rather than walked again. Anything else is planned as the walk meets it and
// replayed through the same walk. Either way the store holds byte for byte what compacting without a plan
// stores (test/unit/store/textPlan.test.ts).
import { ByteBuffer } from './byteBuffer';
import { grown } from './grownArray';
import { fingerprint } from './pieceDictionary';
import { preparedTexts, type PreparedTraces } from './preparedTraces';
import { compactSpanData, F_ATTRIBUTES, F_EVENT_ATTRIBUTES, F_KV_VALUE, F_STRING, LEN, skip, textFields, varint, type Cursor, type TextInterner } from './spanDataTexts';
import { minSharedBytes, pieceEnds } from './textPieces';

// A span's plan, textPlan[textPlanAt[span], textPlanAt[span + 1]), starts with its kind. Offsets are from
// the start of the span's data.
/** Pieces in the order the walk interns them: start, end, hash each. */
export const walkPlan = 0;
/** As walkPlan, and the walk rewrites the data even when no piece is shared (fields OTLP readers ignore). */
export const rewritePlan = 1;
/**
 * Per long string: its piece count, where its span-level field starts, where its event's attribute field
 * starts plus one (0: an attribute of the span itself), where its KeyValue's value field starts; then its
 * pieces as in walkPlan.
 */
export const splicePlan = 2;
export const perPiece = 3;
export const perString = 4;

/**
 * The plan as it is written: a Uint32Array that grows (a number[] of hashes, most of them past the small
 * integers V8 keeps unboxed, was an array of doubles, copied once more at the end).
 */
class PlanWords {
  // Small at first: the warm-up's requests grow it, so code optimised then already knows the growing path.
  words = new Uint32Array(64);
  length = 0;

  push(x: number): void {
    if (this.length === this.words.length) this.words = grown(this.words, this.words.length * 2);
    this.words[this.length++] = x;
  }

  /** The words written, in an array of their own (handed to the engine thread). */
  take(): Uint32Array {
    return this.words.slice(0, this.length);
  }
}

/** Records the pieces compaction would intern, sharing none of them. */
class Recorder implements TextInterner {
  base = 0;

  constructor(private readonly plan: PlanWords) {}

  intern(b: Buffer, start: number, end: number): number {
    this.plan.push(start - this.base);
    this.plan.push(end - this.base);
    this.plan.push(fingerprint(b, start, end));
    return 0;
  }
}

const scratch = new ByteBuffer(1 << 14);
const cuts: number[] = [];
/** One request's plan at a time (the decode worker plans them one after another). */
const words = new PlanWords();
const recorder = new Recorder(words);

/** Adds the plan of each span's data to a prepared request (on the decode worker). */
export function planTexts(p: PreparedTraces): void {
  const text = Buffer.from(p.text.buffer, p.text.byteOffset, p.text.byteLength);
  const at = new Uint32Array(p.count + 1);
  const out = words;
  out.length = 0;
  const plain = p.plainSpans;
  for (let s = 0; s < p.count; s++) {
    const k = preparedTexts * s;
    const start = p.textEnd[k + preparedTexts - 2]!;
    const end = p.textEnd[k + preparedTexts - 1]!;
    const kindAt = out.length;
    out.push(splicePlan);
    // Checked to hold nothing to cut or rewrite: spliceable() would find no string (its walk was a seventh
    // of the decode worker's time per small span).
    if (plain?.[s] === 1) {
      at[s + 1] = out.length;
      continue;
    }
    if (!spliceable(text, start, end, out)) {
      out.length = kindAt;
      out.push(walkPlan);
      recorder.base = start;
      scratch.length = 0;
      if (compactSpanData(text, start, end, scratch, recorder)) out.words[kindAt] = rewritePlan;
    }
    at[s + 1] = out.length;
  }
  p.textPlan = out.take();
  p.textPlanAt = at;
  // Read: not sent on to the store with the rest.
  p.plainSpans = undefined;
}

/**
 * Plans a span whose long strings are each the only field of the last and only value of their KeyValue,
 * and which nothing else makes compaction rewrite; false (the plan half written) for any other span.
 */
function spliceable(src: Buffer, start: number, end: number, out: PlanWords): boolean {
  let planned = true;
  textFields(src, start, end, (top, tag, body, bodyEnd) => {
    if (tag >>> 3 === F_ATTRIBUTES) return (planned = keyValue(src, body, bodyEnd, top - start, 0, start, out));
    const e: Cursor = { b: src, pos: body };
    while (e.pos < bodyEnd) {
      const attribute = e.pos;
      const eventTag = varint(e);
      if ((eventTag & 7) !== LEN || eventTag >>> 3 !== F_EVENT_ATTRIBUTES) {
        skip(e, eventTag & 7);
        continue;
      }
      const kvLen = varint(e);
      const kv = e.pos;
      e.pos += kvLen;
      if (!keyValue(src, kv, e.pos, top - start, attribute - start + 1, start, out)) return (planned = false);
    }
    return true;
  });
  return planned;
}

/** Plans a KeyValue's long string, if it has one; false when compaction would rewrite it otherwise. */
function keyValue(src: Buffer, start: number, end: number, top: number, attribute: number, base: number, out: PlanWords): boolean {
  const c: Cursor = { b: src, pos: start };
  let values = 0;
  let valueField = 0;
  let value = 0;
  let valueEnd = 0;
  let last = false;
  while (c.pos < end) {
    const fieldStart = c.pos;
    const tag = varint(c);
    last = (tag & 7) === LEN && tag >>> 3 === F_KV_VALUE;
    if (last) {
      values++;
      valueField = fieldStart;
      const len = varint(c);
      value = c.pos;
      valueEnd = c.pos += len;
    } else skip(c, tag & 7);
  }
  if (values === 0) return true;
  if (values > 1) return false;
  // The AnyValue: one field, or none (compaction keeps those as they are).
  const v: Cursor = { b: src, pos: value };
  if (v.pos === valueEnd) return true;
  const tag = varint(v);
  const fieldEnd = skip(v, tag & 7);
  if (fieldEnd !== valueEnd) return false;
  if (tag !== ((F_STRING << 3) | LEN)) return tag >>> 3 >= 1 && tag >>> 3 <= 7;
  v.pos = value;
  varint(v);
  const len = varint(v);
  if (len < minSharedBytes) return true;
  // A long string: compaction writes its KeyValue's other fields, then the value; only a value already
  // last keeps its place.
  if (!last) return false;
  cuts.length = 0;
  pieceEnds(src, v.pos, valueEnd, cuts);
  out.push(cuts.length);
  out.push(top);
  out.push(attribute);
  out.push(valueField - base);
  for (let i = 0, from = v.pos; i < cuts.length; from = cuts[i++]!) {
    out.push(from - base);
    out.push(cuts[i]! - base);
    out.push(fingerprint(src, from, cuts[i]!));
  }
  return true;
}
