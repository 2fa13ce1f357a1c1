// Keeping long strings once (spanDataTexts.ts) walks every span's data, cuts its long strings into pieces
// and hashes each piece: a fifth of the engine thread's time per span. None of that needs the store, so
// the decode worker does it (planTexts) and hands the plan over with the request; the engine thread only
// looks the pieces up by their hashes. A span whose pieces are all new and that needs no rewrite is then
// copied as it came, without a walk. The engine replays the plan through the same compaction code, so
// what is stored is byte for byte what compacting without a plan stores.
import { ByteBuffer } from './byteBuffer';
import { fingerprint } from './pieceDictionary';
import { preparedTexts, type PreparedTraces } from './preparedTraces';
import { compactSpanData, type TextInterner } from './spanDataTexts';

/** What the store's texts offer a plan: intern() with the piece's hash already computed. */
export interface HashedInterner {
  intern(b: Buffer, start: number, end: number, print?: number): number;
}

// A span's plan in PreparedTraces.textPlan, from textPlanAt[span] to textPlanAt[span + 1]: its rewrite
// flag (1: compaction changes the data even with no piece shared), then per piece: start and end
// (relative to the data's start) and hash.
const perPiece = 3;

/** Records the pieces compaction would intern, sharing none of them. */
class Recorder implements TextInterner {
  plan: number[] = [];
  base = 0;

  intern(b: Buffer, start: number, end: number): number {
    this.plan.push(start - this.base, end - this.base, fingerprint(b, start, end));
    return 0;
  }
}

const scratch = new ByteBuffer(1 << 14);

/** Adds the plan of each span's data to a prepared request (on the decode worker). */
export function planTexts(p: PreparedTraces): void {
  const text = Buffer.from(p.text.buffer, p.text.byteOffset, p.text.byteLength);
  const at = new Uint32Array(p.count + 1);
  const recorder = new Recorder();
  for (let s = 0; s < p.count; s++) {
    const k = preparedTexts * s;
    const start = p.textEnd[k + preparedTexts - 2]!;
    const end = p.textEnd[k + preparedTexts - 1]!;
    const flagAt = recorder.plan.length;
    recorder.plan.push(0);
    recorder.base = start;
    scratch.length = 0;
    if (compactSpanData(text, start, end, scratch, recorder)) recorder.plan[flagAt] = 1;
    at[s + 1] = recorder.plan.length;
  }
  p.textPlan = Uint32Array.from(recorder.plan);
  p.textPlanAt = at;
}

/**
 * The engine's side: interns a span's planned pieces (by their hashes), then, when a walk is needed at all,
 * answers compaction's intern() calls with those ids in order.
 */
export class PlannedTexts implements TextInterner {
  private readonly ids: number[] = [];
  private next = 0;
  private plan!: Uint32Array;
  private first = 0;
  private base = 0;

  constructor(private readonly texts: HashedInterner) {}

  /**
   * Writes span `span`'s data, text[start, end), to `out`: copied when the plan says no piece is kept once
   * and nothing needs a rewrite, else compacted with the planned ids.
   */
  write(p: PreparedTraces, span: number, text: Buffer, start: number, end: number, out: ByteBuffer): void {
    const plan = p.textPlan!;
    const from = p.textPlanAt![span]!;
    const to = p.textPlanAt![span + 1]!;
    const rewrite = plan[from] === 1;
    let shared = false;
    this.ids.length = 0;
    for (let i = from + 1; i < to; i += perPiece) {
      const pieceStart = start + plan[i]!;
      const pieceEnd = start + plan[i + 1]!;
      if (pieceStart > pieceEnd || pieceEnd > end) throw new RangeError(`span ${span}'s text plan points outside its data`);
      const id = this.texts.intern(text, pieceStart, pieceEnd, plan[i + 2]!);
      if (id !== 0) shared = true;
      this.ids.push(id);
    }
    if (!shared && !rewrite) {
      out.copy(text, start, end);
      return;
    }
    this.plan = plan;
    this.first = from + 1;
    this.base = start;
    this.next = 0;
    compactSpanData(text, start, end, out, this);
    if (this.next !== this.ids.length) throw new Error(`span ${span}'s text plan has ${this.ids.length} pieces; its data has ${this.next}`);
  }

  intern(_b: Buffer, start: number, end: number): number {
    const i = this.first + this.next * perPiece;
    if (this.next >= this.ids.length || this.plan[i] !== start - this.base || this.plan[i + 1] !== end - this.base) {
      throw new Error('a span\'s text plan does not match its data');
    }
    return this.ids[this.next++]!;
  }
}
