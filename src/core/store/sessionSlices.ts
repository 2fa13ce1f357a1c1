// A session's spans read a few runs at a time, so that the thread reading them (the engine worker's, which
// also serves the receiver's sockets) can answer requests in between: a whole read of 650k spans held it past
// an exporter's 10 s timeout. What is read is the session as it was when the read began: spans stored since
// (ids above `upTo`) are left for the next live update to add, and a span removed or moved meanwhile is found
// by `unchanged` (the caller reads again).
import type { StoreContext } from './context';
import { spanColumns, spanFromRow } from './rows';
import { sessionSpansUpTo, spansOfRuns } from './spanRuns';
import { allRows, forEachRow, num, type SqlValue } from './sqlite';
import type { StoredSpan } from './types';

export class SessionSlices<T> {
  /** The newest span id when the read began: nothing stored after it is read. */
  readonly upTo: number;
  /** The session's spans then. */
  readonly count: number;
  /** Its runs' first ids (see spanRuns.ts), in id order, and how many spans each holds up to `upTo`. */
  private readonly runs: number[];
  private readonly sizes: number[];
  private next = 0;
  private readonly spans: SessionOrder<T>;

  constructor(private readonly ctx: StoreContext, private readonly sessionId: string, fn: (span: StoredSpan) => T) {
    this.upTo = ctx.nextSpanRowid - 1;
    const runs = allRows(ctx.stmts, 'SELECT first_id, last_id FROM span_runs WHERE session_id = ? AND first_id <= ? ORDER BY first_id', [sessionId, this.upTo]);
    this.runs = runs.map((r) => num(r[0]));
    this.sizes = runs.map((r) => Math.min(num(r[1]), this.upTo) - num(r[0]) + 1);
    this.count = this.sizes.reduce((a, b) => a + b, 0);
    this.spans = new SessionOrder(ctx, true, fn);
  }

  /** Reads the next runs, ~`spans` spans of them (a run is not split), through `fn`; false once all are read. */
  read(spans: number): boolean {
    if (this.next >= this.runs.length) return false;
    const from = this.next;
    let took = 0;
    while (this.next < this.runs.length && (took === 0 || took < spans)) took += this.sizes[this.next++]!;
    const sql = `SELECT ${spanColumns} FROM ${spansOfRuns} WHERE r.session_id = ?1 AND r.first_id BETWEEN ?2 AND ?3 AND s.id <= ?4`;
    forEachRow(this.ctx.stmts, sql, [this.sessionId, this.runs[from]!, this.runs[this.next - 1]!, this.upTo], this.spans.add, true);
    return this.next < this.runs.length;
  }

  /** Whether the session still holds just the spans it held when the read began (none removed, moved in or out). */
  unchanged(): boolean {
    return this.ctx.sessions.has(this.sessionId) && this.spans.length === this.count && sessionSpansUpTo(this.ctx, this.sessionId, this.upTo) === this.count;
  }

  /** What `fn` made of each span read, in the session's order. */
  ordered(): T[] {
    return this.spans.ordered();
  }
}

/** What `fn` makes of a session's span rows as they are stepped to, then put in the session's order. */
export class SessionOrder<T> {
  private readonly out: T[] = [];
  private readonly starts: number[] = [];
  private readonly seqs: number[] = [];

  /** `plain`: attributes as plain values (spanFromRow). */
  constructor(private readonly ctx: StoreContext, private readonly plain: boolean, private readonly fn: (span: StoredSpan) => T) {}

  readonly add = (r: SqlValue[]): void => {
    this.starts.push(typeof r[6] === 'number' ? r[6] : -Infinity);
    const span = spanFromRow(this.ctx, r, this.plain);
    this.seqs.push(span.seq);
    this.out.push(this.fn(span));
  };

  get length(): number {
    return this.out.length;
  }

  /** Start (NULL first, as SQLite sorts it), then ingest order; a span read twice (were runs ever to overlap) kept once. */
  ordered(): T[] {
    const { out, starts, seqs } = this;
    const order = Array.from(out, (_, i) => i).sort((a, b) => starts[a]! - starts[b]! || seqs[a]! - seqs[b]!);
    return order.filter((i, k) => k === 0 || seqs[i] !== seqs[order[k - 1]!]).map((i) => out[i]!);
  }
}
