// Span rows go into SQLite several at a time: one INSERT of N rows shares sql.js's per-statement work
// (reset, clear bindings, step, reset again) and SQLite's statement start among N spans.
import type { StoreContext } from './context';
import type { Utf8Scratch } from './spanData';
import type { BindValue } from './sqlite';

const columns = 12;
const perInsert = 16;
const head = `INSERT INTO spans (id, session_id, trace_id, span_id, parent_span_id, name, start_ms, end_ms, status_code,
  resource_id, scope_id, data) VALUES `;
const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT))';
const insertOne = head + row;
const insertMany = head + Array<string>(perInsert).fill(row).join(', ');

export class SpanRows {
  // Reused for every insert: sql.js only reads them while binding.
  private readonly many = new Array<BindValue>(columns * perInsert).fill(null);
  private readonly one = new Array<BindValue>(columns).fill(null);
  private pending = 0;

  constructor(
    private readonly ctx: StoreContext,
    /** Holds the data bytes of pending rows: reset only once they are inserted. */
    private readonly scratch: Utf8Scratch,
  ) {}

  /** `text` as UTF-8 for add()'s data, valid until the row is inserted. */
  bytes(text: string): Int8Array {
    if (this.pending === 0) this.scratch.reset();
    return this.scratch.bytes(text);
  }

  /** One span row; `data` is its data JSON as UTF-8 (from bytes(), or a view of a prepared batch). */
  add(
    sessionId: string, traceId: string, spanId: string, parentSpanId: string, name: string, startMs: number, endMs: number,
    statusCode: number, resourceId: number, scopeId: number, data: Int8Array,
  ): void {
    const v = this.many;
    let i = this.pending * columns;
    v[i++] = this.ctx.nextSpanRowid++;
    v[i++] = sessionId;
    v[i++] = traceId;
    v[i++] = spanId;
    v[i++] = parentSpanId;
    v[i++] = name;
    v[i++] = startMs;
    v[i++] = endMs;
    v[i++] = statusCode;
    v[i++] = resourceId;
    v[i++] = scopeId;
    v[i] = data;
    if (++this.pending === perInsert) this.flush();
  }

  /** Inserts what is pending (before anything reads or moves spans, and at the end of a batch). */
  flush(): void {
    if (this.pending === perInsert) {
      this.ctx.stmts.get(insertMany).run(this.many);
    } else {
      const stmt = this.ctx.stmts.get(insertOne);
      for (let r = 0; r < this.pending; r++) {
        for (let c = 0; c < columns; c++) this.one[c] = this.many[r * columns + c]!;
        stmt.run(this.one);
      }
    }
    this.pending = 0;
  }
}
