// A session's spans read a few runs at a time, so that the thread reading them (the engine worker's, which
// also serves the receiver's sockets) can answer requests in between: a whole read of 650k spans held it past
// an exporter's 10 s timeout. What is read is the session as it was when the read began: spans stored since
// (ids above `upTo`) are left for the next live update to add, and a span removed or moved meanwhile is found
// by `unchanged` (the caller reads again).
import type { StoreContext } from './context';
import { spanColumns, spanFromRow } from './rows';
import { spansOfRuns } from './spanRuns';
import { allRows, forEachRow, num } from './sqlite';
import type { StoredSpan } from './types';

export class SessionSlices<T> {
  /** The newest span id when the read began: nothing stored after it is read. */
  readonly upTo: number;
  /** The session's spans then. */
  readonly count: number;
  /** Its runs' first and last ids (see spanRuns.ts), in id order. */
  private readonly runs: number[][];
  private next = 0;
  private readonly out: T[] = [];
  private readonly starts: number[] = [];
  private readonly seqs: number[] = [];

  constructor(private readonly ctx: StoreContext, private readonly sessionId: string, private readonly fn: (span: StoredSpan) => T) {
    this.upTo = ctx.nextSpanRowid - 1;
    this.runs = allRows(ctx.stmts, 'SELECT first_id, last_id FROM span_runs WHERE session_id = ? AND first_id <= ? ORDER BY first_id', [sessionId, this.upTo]).map((r) => [num(r[0]), num(r[1])]);
    this.count = this.spansOf(this.runs);
  }

  /** Reads the next runs, ~`spans` spans of them (a run is not split), through `fn`; false once all are read. */
  read(spans: number): boolean {
    if (this.next >= this.runs.length) return false;
    const from = this.next;
    let took = 0;
    while (this.next < this.runs.length && (took === 0 || took < spans)) took += this.spansOf([this.runs[this.next++]!]);
    const sql = `SELECT ${spanColumns} FROM ${spansOfRuns} WHERE r.session_id = ?1 AND r.first_id BETWEEN ?2 AND ?3 AND s.id <= ?4`;
    forEachRow(this.ctx.stmts, sql, [this.sessionId, this.runs[from]![0]!, this.runs[this.next - 1]![0]!, this.upTo], (r) => {
      this.starts.push(typeof r[6] === 'number' ? r[6] : -Infinity);
      const span = spanFromRow(this.ctx, r, true);
      this.seqs.push(span.seq);
      this.out.push(this.fn(span));
    }, true);
    return this.next < this.runs.length;
  }

  /** Whether the session still holds just the spans it held when the read began (none removed, moved in or out). */
  unchanged(): boolean {
    if (!this.ctx.sessions.has(this.sessionId)) return false;
    const now = allRows(this.ctx.stmts, 'SELECT first_id, last_id FROM span_runs WHERE session_id = ? AND first_id <= ?', [this.sessionId, this.upTo]).map((r) => [num(r[0]), num(r[1])]);
    return this.spansOf(now) === this.count && this.out.length === this.count;
  }

  /** What `fn` made of each span read, in the session's order (see inSessionOrder). */
  ordered(): T[] {
    return inSessionOrder(this.out, this.starts, this.seqs);
  }

  private spansOf(runs: number[][]): number {
    let n = 0;
    for (const [first, last] of runs) n += Math.min(last!, this.upTo) - first! + 1;
    return n;
  }
}

/**
 * `out` (one per span, with its start column and ingest order) in the session's order: start (NULL first,
 * as SQLite sorts it), then ingest order; a span read twice (were runs ever to overlap) kept once.
 */
export function inSessionOrder<T>(out: T[], starts: number[], seqs: number[]): T[] {
  const order = Array.from(out, (_, i) => i).sort((a, b) => starts[a]! - starts[b]! || seqs[a]! - seqs[b]!);
  return order.filter((i, k) => k === 0 || seqs[i] !== seqs[order[k - 1]!]).map((i) => out[i]!);
}
