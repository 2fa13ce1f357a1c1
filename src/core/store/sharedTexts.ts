// The texts table: long strings of spans (prompts, tool schemas, conversations, tool results) kept once
// however many spans carry them (spanDataTexts.ts cuts and refers to them). A run of an agent repeats its
// system prompt and tool schemas in every LLM call, and each call carries the conversation so far: kept
// per span, that was ~2.5 KB a span; kept once, a session grows with what is new in it.
//
// A piece seen for the first time stays in its span: only the second sighting makes it a text. Content
// that never repeats then costs a lookup, not a row and a reference; content that does is kept twice at
// most. Ids are counted here, one per reference: a text goes when the last span referring to it does.
// Reads share one JS string per text (and per whole value), so models built from many spans hold one copy.
import { joinPieces } from '../otlp/protoCommon';
import { grown } from './grownArray';
import { PieceDictionary, type DictionarySizes, type Piece } from './pieceDictionary';
import { forEachTextRef, type TextInterner } from './spanDataTexts';
import { allRows, firstRow, num, type Statements } from './sqlite';

/**
 * Bytes of pieces kept to find a text by content (past this, the oldest are forgotten: they may be stored
 * again), and of decoded strings kept for reads: at most these, and a small part of the store's own cap.
 * 8 MB of pieces is ~30k agent spans' new content: 100k of them store the same pages as with 16 MB, and
 * 100k spans of unique content, which fills the dictionary without a repeat, cost ~10 MB less.
 */
const dictionaryBytes = (storeBytes: number) => Math.min(8 * 2 ** 20, storeBytes / 16);
const cacheBytes = (storeBytes: number) => Math.min(48 * 2 ** 20, storeBytes / 16);

export class SharedTexts implements TextInterner {
  /** Pieces seen, by content. */
  private readonly seen: PieceDictionary;
  /** Text id -> its piece in the dictionary (-1 or a hole: none). */
  private entries: Piece[] = [];
  private refs: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private nextId = 1;
  /** Texts stored now. */
  private live = 0;
  private readonly pieces = new Map<number, string>();
  private readonly wholes = new Map<string, string>();
  private cached = 0;

  private readonly cacheBytes: number;

  /** `storeBytes`: the store's memory cap; `pieces`: other sizes for the dictionary than that cap gives. */
  constructor(private readonly stmts: () => Statements, storeBytes: number, pieces?: DictionarySizes) {
    this.seen = new PieceDictionary(pieces ?? { budget: dictionaryBytes(storeBytes) });
    this.cacheBytes = cacheBytes(storeBytes);
  }

  /** The text id of a piece, counted as one more reference; 0 the first time it is seen (it stays in place). */
  intern(b: Buffer, start: number, end: number, print?: number): number {
    const piece = this.seen.find(b, start, end, print);
    if (piece < 0) {
      this.seen.add(b, start, end);
      return 0;
    }
    let id = this.seen.idOf(piece);
    if (id === 0) {
      id = this.nextId++;
      this.seen.setId(piece, id);
      this.stmts().get('INSERT INTO texts (id, body) VALUES (?, ?)').run([id, this.seen.bytesOf(piece)]);
      this.live++;
      this.entries[id] = piece;
    }
    if (id >= this.refs.length) this.refs = grown(this.refs, Math.max(this.refs.length * 2, id + 1));
    this.refs[id]!++;
    return id;
  }

  /** The string that the pieces `ids` make (a missing text, from a damaged file, reads as a marker). */
  text(ids: readonly number[]): string {
    if (ids.length === 1) return this.piece(ids[0]!);
    const key = ids.join(',');
    let whole = this.wholes.get(key);
    if (whole === undefined) {
      whole = joinPieces(ids.map((id) => this.piece(id)));
      this.cache(whole.length + key.length, () => this.wholes.set(key, whole!));
    }
    return whole;
  }

  /** Spans' data about to be deleted: their references go, and texts no span refers to any more. */
  release(rows: Iterable<Uint8Array>): void {
    if (this.live === 0) return;
    const gone: number[] = [];
    for (const data of rows) {
      forEachTextRef(data, (id) => {
        if (id < this.refs.length && this.refs[id]! > 0 && --this.refs[id]! === 0) gone.push(id);
      });
    }
    if (gone.length === 0) return;
    const remove = this.stmts().get('DELETE FROM texts WHERE id = ?');
    for (const id of gone) {
      remove.run([id]);
      this.live--;
      const piece = this.entries[id];
      if (piece !== undefined && piece >= 0) {
        this.seen.forget(piece);
        this.entries[id] = -1;
      }
      this.pieces.delete(id);
    }
    if (this.wholes.size) this.wholes.clear();
  }

  /** Whether any text is stored (else deletes need not read what they delete). */
  get inUse(): boolean {
    return this.live > 0;
  }

  /** Counts from the tables (a new or re-opened database, or a rolled-back write). */
  reload(): void {
    this.seen.clear();
    this.entries = [];
    this.pieces.clear();
    this.wholes.clear();
    this.cached = 0;
    const stmts = this.stmts();
    this.live = num(firstRow(stmts, 'SELECT count(*) FROM texts')?.[0]);
    this.nextId = num(firstRow(stmts, 'SELECT coalesce(max(id), 0) + 1 FROM texts')?.[0]);
    this.refs = new Int32Array(Math.max(1024, this.nextId));
    if (this.live === 0) return;
    for (const [data] of allRows(stmts, 'SELECT data FROM spans')) {
      if (data instanceof Uint8Array) forEachTextRef(data, (id) => id < this.refs.length && this.refs[id]!++);
    }
  }

  private piece(id: number): string {
    let text = this.pieces.get(id);
    if (text === undefined) {
      const body = firstRow(this.stmts(), 'SELECT body FROM texts WHERE id = ?', [id])?.[0];
      text = body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') : `[text ${id} is missing]`;
      this.cache(text.length, () => this.pieces.set(id, text!));
    }
    return text;
  }

  private cache(size: number, add: () => void): void {
    if (size > this.cacheBytes / 16) return;
    if ((this.cached += size) > this.cacheBytes) {
      this.pieces.clear();
      this.wholes.clear();
      this.cached = size;
    }
    add();
  }
}
