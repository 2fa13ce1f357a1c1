// A trace's spans and a session's spans are found through runs: ranges of consecutive span ids (rowids)
// that all belong to one (trace, session). Indexes of spans by trace and by session cost every span's
// insert ~2 µs each; dropping both took store-only ingest from 11.8 to 6.5 µs a span (medians of 5
// runs). Spans arrive a trace at a time (see traceOrder.ts), so a batch writes one run per trace.
import type { StoreContext } from './context';
import { firstRow, num } from './sqlite';

export const spanRunsTable = (schema: string) => `
-- Exact: a run holds no other span; moving or deleting a trace's spans moves or deletes its runs too.
CREATE TABLE ${schema}.span_runs (
  session_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  PRIMARY KEY (session_id, first_id)
) WITHOUT ROWID;
CREATE INDEX ${schema}.span_runs_by_trace ON span_runs(trace_id, session_id);
`;

/**
 * A FROM clause: runs `r`, each joined to its spans `s` by rowid range (CROSS JOIN keeps the runs as the
 * outer loop). The equalities hold by construction; they keep a damaged run from showing a stranger.
 */
export const spansOfRuns =
  'span_runs r CROSS JOIN spans s ON s.id BETWEEN r.first_id AND r.last_id AND s.session_id = r.session_id AND s.trace_id = r.trace_id';

/**
 * The same for queries that name the trace: without statistics SQLite's planner took the primary key's
 * session prefix instead, reading every run of the session for each trace (trimming a 50k-span live
 * session over its cap took seconds a batch, minutes at 500k).
 */
export const spansOfTraceRuns = spansOfRuns.replace('span_runs r', 'span_runs r INDEXED BY span_runs_by_trace');

/** The ids of a trace's spans in a session (?1 trace, ?2 session), for deletes and updates of spans. */
export const traceSpanIds = `SELECT s.id FROM ${spansOfTraceRuns} WHERE r.trace_id = ?1 AND r.session_id = ?2`;

/** A session's spans up to id `seq`, counted by its runs without reading any span (runs hold only their own spans). */
export function sessionSpansUpTo(ctx: StoreContext, sessionId: string, seq: number): number {
  return num(firstRow(ctx.stmts, 'SELECT coalesce(sum(min(last_id, ?1) - first_id + 1), 0) FROM span_runs WHERE session_id = ?2 AND first_id <= ?1', [seq, sessionId])?.[0]);
}

const perInsert = 16;
const insertRuns = (rows: number) => `INSERT INTO span_runs (session_id, trace_id, first_id, last_id) VALUES ${Array<string>(rows).fill('(?, ?, ?, ?)').join(', ')}`;

/** The runs of one batch, gathered as its spans are written (in id order) and inserted by flush(). */
export class SpanRunWriter {
  /** Finished runs, flat: session, trace, first id, last id. */
  private readonly done: (string | number)[] = [];
  private session = '';
  private trace = '';
  private first = 0;
  private last = -1;

  add(sessionId: string, traceId: string, id: number): void {
    if (id === this.last + 1 && this.last >= 0 && traceId === this.trace && sessionId === this.session) {
      this.last = id;
      return;
    }
    this.finish();
    this.session = sessionId;
    this.trace = traceId;
    this.first = this.last = id;
  }

  flush(ctx: StoreContext): void {
    this.finish();
    const d = this.done;
    // 16 to an INSERT when there are many (a batch of one-span traces): such batches stored ~15% faster
    // than with a statement per run (5 runs each).
    let i = 0;
    if (d.length >= 4 * perInsert) {
      const many = ctx.stmts.get(insertRuns(perInsert));
      for (; i + 4 * perInsert <= d.length; i += 4 * perInsert) many.run(d.slice(i, i + 4 * perInsert));
    }
    const one = ctx.stmts.get(insertRuns(1));
    for (; i < d.length; i += 4) one.run([d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!]);
    d.length = 0;
  }

  /** Ends the open run; the next span starts a new one (a flushed run is never extended). */
  private finish(): void {
    if (this.last < 0) return;
    this.done.push(this.session, this.trace, this.first, this.last);
    this.last = -1;
  }
}
