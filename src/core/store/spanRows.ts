// Span rows go into SQLite several at a time: one INSERT of N rows shares the per-statement work (bind
// setup, step, reset) among N spans. Their text (UTF-8) and data (bytes) are gathered in one buffer and
// copied into the wasm heap once per INSERT, then bound in place through SQLite's C API (rawStatement.ts);
// a sql.js build that does not allow that gets the same rows bound through sql.js.
import { ByteBuffer } from './byteBuffer';
import type { StoreContext } from './context';
import type { PreparedTraces } from './preparedTraces';
import { compactSpanData } from './spanDataTexts';
import { PlannedTexts } from './plannedTexts';
import type { BindValue } from './sqlite';

/** Byte columns of a row, in the order begin()'s caller gives them: text, but the last (data, a blob). */
const texts = 6; // session_id, trace_id, span_id, parent_span_id, name, data
/** Number columns of a row. */
const numbers = 6; // id, start_ms, end_ms, status_code, resource_id, scope_id
const perInsert = 16;

const columns = '(id, session_id, trace_id, span_id, parent_span_id, name, start_ms, end_ms, status_code, resource_id, scope_id, data)';
/** sql.js binds text given as bytes as a blob: CAST makes it TEXT again. */
const rowOf = (t: string) => `(?, ${t}, ${t}, ${t}, ${t}, ${t}, ?, ?, ?, ?, ?, ?)`;
const insert = (rows: number, t: string) => `INSERT INTO spans ${columns} VALUES ${Array<string>(rows).fill(rowOf(t)).join(', ')}`;
const raw = { many: insert(perInsert, '?'), one: insert(1, '?') };
const viaSqlJs = insert(1, 'CAST(? AS TEXT)');
/** Parameter number (1-based) of each text and number column within a row. */
const textParam = [2, 3, 4, 5, 6, 12];
const numberParam = [1, 7, 8, 9, 10, 11];

export class SpanRows {
  private readonly bytes = new ByteBuffer();
  /** Per pending row: [offset, length] in `bytes` of each text column. */
  private readonly spans = new Int32Array(perInsert * texts * 2);
  private readonly values = new Float64Array(perInsert * numbers);
  private pending = 0;
  private textIndex = texts;
  private readonly planned: PlannedTexts;

  constructor(private readonly ctx: StoreContext) {
    this.planned = new PlannedTexts(ctx.texts);
  }

  /** Forgets rows not flushed (a write that threw): each batch starts empty. */
  reset(): void {
    this.pending = 0;
    this.textIndex = texts;
    this.bytes.length = 0;
  }

  /** Starts a row and returns its id; its six byte columns follow, in order, through text(), data() and columns(). */
  begin(startMs: number, endMs: number, statusCode: number, resourceId: number, scopeId: number): number {
    if (this.textIndex !== texts) throw new Error(`span row ${this.pending} got ${this.textIndex} of ${texts} text columns`);
    const v = this.values;
    let i = this.pending * numbers;
    const id = this.ctx.nextSpanRowid++;
    v[i++] = id;
    v[i++] = startMs;
    v[i++] = endMs;
    v[i++] = statusCode;
    v[i++] = resourceId;
    v[i] = scopeId;
    this.textIndex = 0;
    return id;
  }

  text(value: string): void {
    const start = this.bytes.length;
    this.added(start, this.bytes.string(value));
  }

  /** The row's data (its last column), with long strings kept once (spanDataTexts.ts). */
  data(value: Uint8Array): void {
    this.dataOf(Buffer.from(value.buffer, value.byteOffset, value.byteLength), 0, value.byteLength);
  }

  /**
   * `count` columns lying back to back in `from` (as bytes), the last of them the row's data: column c
   * ends at ends[at + c], and the first starts at `start`. The text columns are copied at once. `planOf`:
   * the prepared request and span whose text plan (textPlan.ts) the data has.
   */
  columns(from: Buffer, start: number, ends: Uint32Array, at: number, count: number, planOf?: { p: PreparedTraces; span: number }): void {
    const shift = this.bytes.length - start;
    const dataStart = ends[at + count - 2]!;
    this.bytes.copy(from, start, dataStart);
    for (let c = 0, s = start; c < count - 1; c++) {
      const e = ends[at + c]!;
      this.added(s + shift, e + shift);
      s = e;
    }
    const dataEnd = ends[at + count - 1]!;
    if (!planOf?.p.textPlan) this.dataOf(from, dataStart, dataEnd);
    else {
      const at = this.bytes.length;
      this.planned.write(planOf.p, planOf.span, from, dataStart, dataEnd, this.bytes);
      this.added(at, this.bytes.length);
    }
  }

  private dataOf(from: Buffer, start: number, end: number): void {
    const at = this.bytes.length;
    compactSpanData(from, start, end, this.bytes, this.ctx.texts);
    this.added(at, this.bytes.length);
  }

  /** Inserts what is pending (before anything reads or moves spans, and at the end of a batch). */
  flush(): void {
    if (this.pending === 0) return;
    const many = this.pending === perInsert;
    const stmt = this.ctx.stmts.raw(many ? raw.many : raw.one);
    if (!stmt) this.flushViaSqlJs();
    else {
      const { buf, length } = this.bytes;
      stmt.copyText(new Int8Array(buf.buffer, buf.byteOffset, length));
      for (let r = 0; r < this.pending; r++) {
        const base = many ? r * (texts + numbers) : 0;
        for (let c = 0; c < texts - 1; c++) stmt.text(base + textParam[c]!, this.spans[(r * texts + c) * 2]!, this.spans[(r * texts + c) * 2 + 1]!);
        const data = (r * texts + texts - 1) * 2;
        stmt.blob(base + textParam[texts - 1]!, this.spans[data]!, this.spans[data + 1]!);
        for (let c = 0; c < numbers; c++) stmt.number(base + numberParam[c]!, this.values[r * numbers + c]!);
        if (!many) stmt.run();
      }
      if (many) stmt.run();
    }
    this.pending = 0;
    this.bytes.length = 0;
  }

  /** Records text [start, end) of the buffer as the row's next text column. */
  private added(start: number, end: number): void {
    const at = (this.pending * texts + this.textIndex) * 2;
    this.spans[at] = start;
    this.spans[at + 1] = end - start;
    if (++this.textIndex === texts && ++this.pending === perInsert) this.flush();
  }

  private flushViaSqlJs(): void {
    const stmt = this.ctx.stmts.get(viaSqlJs);
    const row = new Array<BindValue>(texts + numbers);
    const { buf } = this.bytes;
    for (let r = 0; r < this.pending; r++) {
      for (let c = 0; c < texts; c++) {
        const at = (r * texts + c) * 2;
        row[textParam[c]! - 1] = new Int8Array(buf.buffer, buf.byteOffset + this.spans[at]!, this.spans[at + 1]!);
      }
      for (let c = 0; c < numbers; c++) row[numberParam[c]! - 1] = this.values[r * numbers + c]!;
      stmt.run(row);
    }
  }
}
