// Read-only queries for the agent model and the UI. Spans come back in start order (ties: ingest order).
import type { SpanEvent, SpanLink } from '../otlp/model';
import type { StoreContext } from './context';
import { errorStatus } from './ingest';
import { liveUntil } from './liveness';
import { logColumns, logFromRow, spanColumns, spanFromRow } from './rows';
import { ensureNameIndex } from './schema';
import { SessionOrder } from './sessionSlices';
import { sessionSpansUpTo, spansOfRuns, spansOfTraceRuns } from './spanRuns';
import { allRows, firstRow, forEachRow, num, queryOnce, str, type SqlValue } from './sqlite';
import type { Page, SessionSource, SessionSummary, SpanQuery, StoredLogRecord, StoredSpan, StoreStats, TraceSummary } from './types';

const sessionColumns = `id, name, source, service_name, span_count, error_count, trace_count, log_count, first_span_ms, last_span_ms,
  created_ms, last_receipt_ms, (SELECT count(*) FROM traces t WHERE t.session_id = sessions.id AND t.root_name IS NULL)`;

function sessionFromRow(ctx: StoreContext, r: SqlValue[]): SessionSummary {
  const createdMs = num(r[10]);
  const lastActivityMs = num(r[11]);
  const source = str(r[2]) as SessionSource;
  const id = str(r[0]);
  const until = liveUntil({ source, lastReceiptMs: lastActivityMs, openTraces: num(r[12]), process: ctx.processes.get(id) }, ctx.settings.sessionGapMs);
  const summary: SessionSummary = {
    id,
    name: str(r[1]),
    source,
    serviceName: str(r[3]),
    spanCount: num(r[4]),
    errorCount: num(r[5]),
    traceCount: num(r[6]),
    logCount: num(r[7]),
    firstSpanMs: r[8] === null ? createdMs : num(r[8]),
    lastSpanMs: r[9] === null ? createdMs : num(r[9]),
    createdMs,
    lastActivityMs,
    live: ctx.now() < until,
  };
  if (summary.live && Number.isFinite(until)) summary.liveUntilMs = until;
  return summary;
}

/**
 * `alias.session_id` is the session in parameter `param` (when bound), else any existing session:
 * rows of a deleted session stay until the sweeper reaches them and must not show meanwhile.
 */
function inSession(alias: string, param = 2): string {
  return `(CASE WHEN ?${param} IS NULL THEN ${alias}.session_id IN (SELECT id FROM sessions) ELSE ${alias}.session_id = ?${param} END)`;
}

/** Newest first (by creation on the receipt clock). */
export function listSessions(ctx: StoreContext): SessionSummary[] {
  return allRows(ctx.stmts, `SELECT ${sessionColumns} FROM sessions ORDER BY created_ms DESC, rowid DESC`).map((r) => sessionFromRow(ctx, r));
}

export function getSession(ctx: StoreContext, id: string): SessionSummary | undefined {
  const row = firstRow(ctx.stmts, `SELECT ${sessionColumns} FROM sessions WHERE id = ?`, [id]);
  return row && sessionFromRow(ctx, row);
}

/** Trace ids of a session, by trace start. */
export function traceIds(ctx: StoreContext, sessionId: string): string[] {
  if (!ctx.sessions.has(sessionId)) return [];
  return allRows(ctx.stmts, 'SELECT trace_id FROM traces WHERE session_id = ? ORDER BY start_ms', [sessionId]).map((r) => str(r[0]));
}

export function tracesOfSession(ctx: StoreContext, sessionId: string): TraceSummary[] {
  if (!ctx.sessions.has(sessionId)) return [];
  const rows = allRows(
    ctx.stmts,
    'SELECT trace_id, session_id, span_count, error_count, start_ms, end_ms, root_name FROM traces WHERE session_id = ? ORDER BY start_ms',
    [sessionId],
  );
  return rows.map((r) => {
    const t: TraceSummary = { traceId: str(r[0]), sessionId: str(r[1]), spanCount: num(r[2]), errorCount: num(r[3]), startMs: num(r[4]), endMs: num(r[5]) };
    if (r[6] !== null) t.rootName = str(r[6]);
    return t;
  });
}

/** Spans of a trace in start order; `sessionId` tells copies apart (the same file imported twice). */
export function spansOfTrace(ctx: StoreContext, traceId: string, sessionId?: string): StoredSpan[] {
  const rows = allRows(ctx.stmts, `SELECT ${spanColumns} FROM ${spansOfTraceRuns} WHERE r.trace_id = ? AND ${inSession('r')} ORDER BY s.start_ms, s.id`, [
    traceId,
    sessionId ?? null,
  ]);
  return rows.map((r) => spanFromRow(ctx, r));
}

/**
 * A session's spans stored after row `seq` (ids grow with ingest), in id order: what a live session added;
 * undefined unless the session still has exactly `before` spans up to `seq` (none moved out or trimmed).
 */
export function spansOfSessionAfter(ctx: StoreContext, sessionId: string, seq: number, before: number, plain = false): StoredSpan[] | undefined {
  if (!ctx.sessions.has(sessionId)) return undefined;
  if (sessionSpansUpTo(ctx, sessionId, seq) !== before) return undefined;
  const rows = allRows(ctx.stmts, `SELECT ${spanColumns} FROM ${spansOfRuns} WHERE r.session_id = ? AND r.last_id > ? AND s.id > ? ORDER BY s.id`, [sessionId, seq, seq]);
  return rows.map((r) => spanFromRow(ctx, r, plain));
}

/** A session's spans (a page of them), by start then ingest order. The agent model reads them with mapSpansOfSession. */
export function spansOfSession(ctx: StoreContext, sessionId: string, page: Page = {}): StoredSpan[] {
  if (!ctx.sessions.has(sessionId)) return [];
  if (page.limit === undefined && page.offset === undefined) return mapSpansOfSession(ctx, sessionId, false, (span) => span);
  // The page is chosen by sorting (start, id) alone, then its rows are read: sorting whole rows (data
  // included) took a page of a 100k-span session 106 ms, this 58-81 ms.
  const rows = allRows(ctx.stmts, `SELECT ${spanColumns} FROM spans s WHERE s.id IN (
    SELECT s.id FROM ${spansOfRuns} WHERE r.session_id = ? ORDER BY s.start_ms, s.id LIMIT ? OFFSET ?) ORDER BY s.start_ms, s.id`, [
    sessionId,
    page.limit ?? -1,
    page.offset ?? 0,
  ]);
  return rows.map((r) => spanFromRow(ctx, r));
}

/**
 * `fn` of each of a session's spans, in the session's order (start, then ingest order), called as each row is
 * stepped to: a caller that keeps only what `fn` makes lets the span die young (the agent model keeps a step,
 * not its ~0.8 KB span: ~0.5 s less of a fresh 100k-span build, in page faults and old-generation copies).
 */
export function mapSpansOfSession<T>(ctx: StoreContext, sessionId: string, plain: boolean, fn: (span: StoredSpan) => T): T[] {
  if (!ctx.sessions.has(sessionId)) return [];
  // SQLite sorting whole rows, data included, took ~200 ms of ~900 on 100k spans; the same order (start,
  // NULL first as SQLite has it, then id) made here. Each row becomes its span as it is stepped to, rather
  // than every row (and a copy of its data, ~70 MB per 100k agent spans) being held until the last one is read.
  const spans = new SessionOrder(ctx, plain, fn);
  forEachRow(ctx.stmts, `SELECT ${spanColumns} FROM ${spansOfRuns} WHERE r.session_id = ?`, [sessionId], spans.add, true);
  return spans.ordered();
}

/** Direct children of a span, in start order. */
export function childrenOf(ctx: StoreContext, traceId: string, spanId: string, sessionId?: string): StoredSpan[] {
  const rows = allRows(
    ctx.stmts,
    `SELECT ${spanColumns} FROM ${spansOfTraceRuns} WHERE r.trace_id = ? AND s.parent_span_id = ? AND ${inSession('r', 3)} ORDER BY s.start_ms, s.id`,
    [traceId, spanId, sessionId ?? null],
  );
  return rows.map((r) => spanFromRow(ctx, r));
}

export function getSpan(ctx: StoreContext, traceId: string, spanId: string, sessionId?: string): StoredSpan | undefined {
  const row = firstRow(
    ctx.stmts,
    `SELECT ${spanColumns} FROM ${spansOfTraceRuns} WHERE r.trace_id = ? AND s.span_id = ? AND ${inSession('r', 3)} ORDER BY s.id LIMIT 1`,
    [traceId, spanId, sessionId ?? null],
  );
  return row && spanFromRow(ctx, row);
}

export function eventsOf(ctx: StoreContext, traceId: string, spanId: string, sessionId?: string): SpanEvent[] {
  return getSpan(ctx, traceId, spanId, sessionId)?.events ?? [];
}

export function linksOf(ctx: StoreContext, traceId: string, spanId: string, sessionId?: string): SpanLink[] {
  return getSpan(ctx, traceId, spanId, sessionId)?.links ?? [];
}

/** Spans matching every given criterion, in start order. Attribute matching reads spans.data (no index). */
export function findSpans(ctx: StoreContext, q: SpanQuery): StoredSpan[] {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, ...values: SqlValue[]) => {
    where.push(clause);
    params.push(...values);
  };
  // By name or errors an index of spans finds them; else a session's runs do.
  const viaRuns = q.sessionId !== undefined && q.name === undefined && q.statusCode !== errorStatus;
  if (q.sessionId !== undefined) add(`${viaRuns ? 'r' : 's'}.session_id = ?`, q.sessionId);
  else add('s.session_id IN (SELECT id FROM sessions)');
  if (q.name !== undefined) {
    ensureNameIndex(ctx.db, ctx.schema);
    add('s.name = ?', q.name);
  }
  // A literal (not a parameter) lets SQLite use the partial index of errors.
  if (q.statusCode === errorStatus) add('s.status_code = 2');
  else if (q.statusCode !== undefined) add('s.status_code = ?', q.statusCode);
  if (q.attribute) {
    const { key, value } = q.attribute;
    add('span_has_attribute(s.data, ?, ?)', key, value === undefined ? null : JSON.stringify(value));
  }
  const sql = `SELECT ${spanColumns} FROM ${viaRuns ? spansOfRuns : 'spans s'} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.start_ms, s.id LIMIT ?`;
  params.push(q.limit ?? 1000);
  return queryOnce(ctx.db, sql, params).map((r) => spanFromRow(ctx, r));
}

export function logsOfSpan(ctx: StoreContext, traceId: string, spanId: string, sessionId?: string): StoredLogRecord[] {
  const rows = allRows(
    ctx.stmts,
    `SELECT ${logColumns} FROM log_records l WHERE l.trace_id = ? AND l.span_id = ? AND ${inSession('l', 3)} ORDER BY l.time_ms, l.id`,
    [traceId, spanId, sessionId ?? null],
  );
  return rows.map((r) => logFromRow(ctx, r));
}

export function logsOfSession(ctx: StoreContext, sessionId: string, page: Page = {}): StoredLogRecord[] {
  if (!ctx.sessions.has(sessionId)) return [];
  const rows = allRows(ctx.stmts, `SELECT ${logColumns} FROM log_records l WHERE l.session_id = ? ORDER BY l.time_ms, l.id LIMIT ? OFFSET ?`, [
    sessionId,
    page.limit ?? -1,
    page.offset ?? 0,
  ]);
  return rows.map((r) => logFromRow(ctx, r));
}

export function spanCount(ctx: StoreContext, sessionId?: string): number {
  const row = sessionId
    ? firstRow(ctx.stmts, 'SELECT span_count FROM sessions WHERE id = ?', [sessionId])
    : firstRow(ctx.stmts, 'SELECT coalesce(sum(span_count), 0) FROM sessions');
  return num(row?.[0]);
}

export function stats(ctx: StoreContext): StoreStats {
  const totals = firstRow(ctx.stmts, 'SELECT coalesce(sum(span_count), 0), count(*), coalesce(sum(trace_count), 0), coalesce(sum(log_count), 0) FROM sessions') ?? [];
  const pages = pageStats(ctx);
  return {
    spans: num(totals[0]),
    sessions: num(totals[1]),
    traces: num(totals[2]),
    logs: num(totals[3]),
    bytes: (pages.pageCount - pages.freePages) * pages.pageSize,
    allocatedBytes: pages.pageCount * pages.pageSize,
    pageSize: pages.pageSize,
    pageCount: pages.pageCount,
  };
}

export function pageStats(ctx: StoreContext): { pageCount: number; freePages: number; pageSize: number } {
  const pragma = (name: string) => num(firstRow(ctx.stmts, `PRAGMA ${ctx.schema}.${name}`)?.[0]);
  return { pageCount: pragma('page_count'), freePages: pragma('freelist_count'), pageSize: pragma('page_size') };
}
