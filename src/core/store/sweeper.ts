// Deleting a session is instant for its readers: its session row goes at once. Its spans (found through
// its span runs), log records and trace roll-ups (~5 µs a span: half a second per 100k) are then deleted in
// the background, a few milliseconds per event-loop turn, so an eviction never stalls ingest.
import type { StoreContext, Tombstone } from './context';
import { allRows, num } from './sqlite';

const stepBudgetMs = 8;

/** Deletes up to `rows` rows of the oldest tombstone. Returns the number of spans deleted. */
export function sweepStep(ctx: StoreContext, rows: number): number {
  const tomb = ctx.tombstones[0];
  if (!tomb) return 0;
  return ctx.transaction(() => {
    const { spans, more } = sweepSpans(ctx, tomb, rows);
    ctx.stmts
      .get('DELETE FROM log_records WHERE id IN (SELECT id FROM log_records WHERE session_id = ? AND id <= ? LIMIT ?)')
      .run([tomb.sessionId, tomb.maxLog, rows]);
    const logs = ctx.db.getRowsModified();
    ctx.stmts
      .get('DELETE FROM traces WHERE session_id = ?1 AND trace_id IN (SELECT trace_id FROM traces WHERE session_id = ?1 LIMIT ?2)')
      .run([tomb.sessionId, rows]);
    const traces = ctx.db.getRowsModified();
    tomb.spans = Math.max(0, tomb.spans - spans);
    if (!more && logs < rows && traces < rows) ctx.tombstones.shift();
    return spans;
  });
}

/** Deletes up to `rows` spans of a deleted session, a run (or the start of one) at a time. */
function sweepSpans(ctx: StoreContext, tomb: Tombstone, rows: number): { spans: number; more: boolean } {
  const { stmts } = ctx;
  const runs = allRows(stmts, 'SELECT first_id, last_id FROM span_runs WHERE session_id = ? AND first_id <= ? ORDER BY first_id LIMIT ?', [
    tomb.sessionId,
    tomb.maxSpan,
    rows + 1,
  ]);
  let spans = 0;
  let budget = rows;
  let left = runs.length;
  for (const [first, last] of runs) {
    if (budget <= 0) break;
    const from = num(first);
    const to = Math.min(num(last), from + budget - 1);
    ctx.releaseTexts('id BETWEEN ? AND ? AND session_id = ?', [from, to, tomb.sessionId]);
    stmts.get('DELETE FROM spans WHERE id BETWEEN ? AND ? AND session_id = ?').run([from, to, tomb.sessionId]);
    spans += ctx.db.getRowsModified();
    budget -= to - from + 1;
    if (to < num(last)) stmts.get('UPDATE span_runs SET first_id = ? WHERE session_id = ? AND first_id = ?').run([to + 1, tomb.sessionId, from]);
    else {
      stmts.get('DELETE FROM span_runs WHERE session_id = ? AND first_id = ?').run([tomb.sessionId, from]);
      left--;
    }
  }
  return { spans, more: left > 0 };
}

/** Sweeps everything now (before an export, or when a deleted session's id comes back). */
export function sweepAll(ctx: StoreContext, sessionId?: string): void {
  while (ctx.tombstones.some((t) => sessionId === undefined || t.sessionId === sessionId)) {
    if (sessionId !== undefined) ctx.tombstones.sort((a, b) => Number(b.sessionId === sessionId) - Number(a.sessionId === sessionId));
    sweepStep(ctx, 50_000);
  }
}

/** Runs sweep steps on the event loop while there is anything to sweep. */
export class Sweeper {
  private scheduled = false;
  private disposed = false;
  private rowsPerStep = 1000;

  constructor(private readonly ctx: () => StoreContext) {}

  schedule(): void {
    if (this.scheduled || this.disposed || !this.ctx().tombstones.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.disposed) return;
      const start = performance.now();
      const swept = sweepStep(this.ctx(), this.rowsPerStep);
      const ms = performance.now() - start;
      // Size the next step from this one: aim at the budget, grow or shrink by at most 2x.
      if (swept >= this.rowsPerStep / 2 && ms > 0) {
        this.rowsPerStep = Math.round(Math.min(this.rowsPerStep * 2, Math.max(this.rowsPerStep / 2, (this.rowsPerStep * stepBudgetMs) / ms)));
        this.rowsPerStep = Math.max(100, this.rowsPerStep);
      }
      this.schedule();
    });
  }

  dispose(): void {
    this.disposed = true;
  }
}

export type { Tombstone };
