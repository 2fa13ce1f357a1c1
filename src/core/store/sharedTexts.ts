// The texts table: long strings of spans (prompts, tool schemas, conversations, tool results) kept once
// however many spans carry them (spanDataTexts.ts cuts and refers to them). A run of an agent repeats its
// system prompt and tool schemas in every LLM call, and each call carries the conversation so far: kept
// per span, that was ~2.5 KB a span; kept once, a session grows with what is new in it.
//
// Ids are counted here, one per reference: a text goes when the last span referring to it does. Reads
// share one JS string per text (and per whole value), so models built from many spans hold one copy too.
import { forEachTextRef, type TextInterner } from './spanDataTexts';
import { allRows, firstRow, num, type Statements } from './sqlite';

/** Bytes of keys kept to find a text by content: past this, the oldest are forgotten (they may be stored again). */
const dictionaryBytes = 64 * 2 ** 20;
/** Bytes of decoded strings kept for reads. */
const cacheBytes = 48 * 2 ** 20;

type NodeBuffer = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

export class SharedTexts implements TextInterner {
  /** Text bytes (as a latin1 string: one char a byte, exact) -> id. */
  private readonly byContent = new Map<string, number>();
  private dictionary = 0;
  private keys: (string | undefined)[] = [];
  private refs: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private nextId = 1;
  /** Texts stored now. */
  private live = 0;
  private readonly pieces = new Map<number, string>();
  private readonly wholes = new Map<string, string>();
  private cached = 0;

  constructor(private readonly stmts: () => Statements) {}

  intern(b: Buffer, start: number, end: number): number {
    const key = (b as NodeBuffer).latin1Slice(start, end);
    let id = this.byContent.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.stmts().get('INSERT INTO texts (id, body) VALUES (?, ?)').run([id, b.subarray(start, end)]);
      this.live++;
      this.remember(key, id);
    }
    if (id >= this.refs.length) this.refs = grown(this.refs, id);
    this.refs[id]!++;
    return id;
  }

  /** The string that the pieces `ids` make (a missing text, from a damaged file, reads as a marker). */
  text(ids: readonly number[]): string {
    if (ids.length === 1) return this.piece(ids[0]!);
    const key = ids.join(',');
    let whole = this.wholes.get(key);
    if (whole === undefined) {
      whole = ids.map((id) => this.piece(id)).join('');
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
      const key = this.keys[id];
      if (key !== undefined) {
        this.byContent.delete(key);
        this.dictionary -= key.length;
        this.keys[id] = undefined;
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
    this.byContent.clear();
    this.dictionary = 0;
    this.keys = [];
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
    if (size > cacheBytes / 16) return;
    if ((this.cached += size) > cacheBytes) {
      this.pieces.clear();
      this.wholes.clear();
      this.cached = size;
    }
    add();
  }

  private remember(key: string, id: number): void {
    this.byContent.set(key, id);
    this.keys[id] = key;
    this.dictionary += key.length;
    while (this.dictionary > dictionaryBytes) {
      const [oldKey, oldId] = this.byContent.entries().next().value as [string, number];
      this.byContent.delete(oldKey);
      this.keys[oldId] = undefined;
      this.dictionary -= oldKey.length;
    }
  }
}

function grown(a: Int32Array<ArrayBuffer>, id: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(a.length * 2, id + 1));
  b.set(a);
  return b;
}
