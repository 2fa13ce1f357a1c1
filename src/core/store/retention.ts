// Caps on span count and on memory. Over a cap, the least recently active whole sessions go first;
// the sessions receiving right now, and every live one (spans within the session gap), are kept unless
// they alone are over the cap: then their oldest traces go, down to 90% of the cap so that this does not
// happen again on the next batch. Sparing only the sessions of the batch being stored evicted the other
// live ones whole under a flood from several senders: 22k of a 50k cap kept, 2 of 5 sessions gone.
import type { StoreContext } from './context';
import { pageStats } from './queries';
import { deleteSessions, trimOldestTraces } from './sessionWrites';
import { allRows, firstRow, num, str } from './sqlite';

const headroom = 0.9;

export function enforceRetention(ctx: StoreContext, touched: ReadonlySet<string>): void {
  const { maxSpans, maxBytes } = ctx.settings;
  let spans = totalSpans(ctx);
  // Pages of deleted sessions stay in use until swept: count them as (about to be) free.
  const sweeping = ctx.tombstones.reduce((n, t) => n + t.spans, 0);
  const measured = usedBytes(ctx);
  const bytesPerSpan = measured / Math.max(1, spans + sweeping);
  let bytes = measured - sweeping * bytesPerSpan;
  const over = () => spans > maxSpans || bytes > maxBytes;
  if (!over()) return;

  const receiving = new Set(touched);
  const now = ctx.now();
  for (const [id, s] of ctx.sessions) if (s.source !== 'import' && now - s.lastReceiptMs <= ctx.settings.sessionGapMs) receiving.add(id);
  const candidates = allRows(ctx.stmts, 'SELECT id, name, span_count FROM sessions ORDER BY last_receipt_ms, created_ms');
  for (const [id, name, count] of candidates) {
    if (!over()) return;
    if (receiving.has(str(id))) continue;
    const reason = spans > maxSpans ? `${formatCount(maxSpans)} spans` : `${formatCount(Math.round(maxBytes / 2 ** 20))} MB of memory`;
    deleteSessions(ctx, [str(id)]);
    spans -= num(count);
    bytes -= num(count) * bytesPerSpan;
    ctx.changes.evict(str(id), `Evicted session '${str(name)}' (${formatCount(num(count))} spans) to stay under ${reason}`, num(count));
  }

  for (const [id, name, count] of candidates.filter((c) => receiving.has(str(c[0]))).sort((a, b) => num(b[2]) - num(a[2]))) {
    if (!over()) return;
    const bySpans = spans - Math.floor(maxSpans * headroom);
    const byBytes = bytesPerSpan > 0 ? Math.ceil((bytes - maxBytes * headroom) / bytesPerSpan) : 0;
    const wanted = Math.min(Math.max(bySpans, byBytes, 1), num(count));
    const reason = spans > maxSpans ? `${formatCount(maxSpans)} spans` : `${formatCount(Math.round(maxBytes / 2 ** 20))} MB of memory`;
    const trimmed = trimOldestTraces(ctx, str(id), wanted);
    spans -= trimmed.spans;
    bytes -= trimmed.spans * bytesPerSpan;
    ctx.changes.trim(
      `Dropped the oldest ${formatCount(trimmed.traces)} traces (${formatCount(trimmed.spans)} spans) of session '${str(name)}' to stay under ${reason}`,
      trimmed.spans,
    );
  }
}

function totalSpans(ctx: StoreContext): number {
  return num(firstRow(ctx.stmts, 'SELECT coalesce(sum(span_count), 0) FROM sessions')?.[0]);
}

function usedBytes(ctx: StoreContext): number {
  const p = pageStats(ctx);
  return (p.pageCount - p.freePages) * p.pageSize;
}

/** 12034 -> "12 034" (the grouping reads the same in every locale). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
