// Writes on whole sessions and traces: create, rename, move a trace, delete, trim. Callers own the
// transaction; these keep the in-memory routing state and the change collector in step.
import { deleteCassetteRows } from './cassetteRows';
import type { StoreContext } from './context';
import { allRows, firstRow, num, str, type SqlValue } from './sqlite';
import { traceSpanIds } from './spanRuns';
import { sweepAll } from './sweeper';
import type { SessionSource } from './types';

export interface NewSession {
  id: string;
  name: string;
  source: SessionSource;
  serviceName: string;
  instanceKey?: string;
  receivedAt: number;
}

export function createSession(ctx: StoreContext, s: NewSession): void {
  // The id of a deleted session is back: its old rows must be gone before new ones arrive.
  if (ctx.tombstones.some((t) => t.sessionId === s.id)) sweepAll(ctx, s.id);
  ctx.stmts
    .get('INSERT INTO sessions (id, name, source, instance_key, service_name, created_ms, last_receipt_ms) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run([s.id, s.name, s.source, s.instanceKey ?? null, s.serviceName, s.receivedAt, s.receivedAt]);
  ctx.sessions.set(s.id, { source: s.source, lastReceiptMs: s.receivedAt });
  ctx.changes.add(s.id);
}

/** The explicit id when a person or framework chose it; else service name and local start time. */
export function defaultSessionName(source: SessionSource, id: string, serviceName: string, timeMs: number): string {
  if (source === 'attribute') return id;
  return `${serviceName} ${formatLocalTime(timeMs)}`;
}

function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function startLaunch(ctx: StoreContext, id: string, name: string): void {
  ctx.launchNames.set(id, name);
  ctx.processes.set(id, 'running');
  if (ctx.sessions.has(id)) {
    renameSession(ctx, id, name);
    ctx.changes.change(id);
  }
}

export function endLaunch(ctx: StoreContext, id: string): void {
  if (ctx.processes.get(id) !== 'running') return;
  ctx.processes.set(id, 'exited');
  ctx.launchNames.delete(id);
  if (ctx.sessions.has(id)) ctx.changes.change(id);
}

export function renameSession(ctx: StoreContext, id: string, name: string): boolean {
  ctx.stmts.get('UPDATE sessions SET name = ? WHERE id = ?').run([name, id]);
  const done = ctx.db.getRowsModified() > 0;
  const info = ctx.sessions.get(id);
  // A name given (by a person, a launch or an agent) is never replaced by a guessed one.
  if (info) info.namedAtMs = undefined;
  if (done) ctx.changes.change(id);
  return done;
}

/** Moves every span and log record of a trace from one session to another, roll-ups included. */
export function moveTrace(ctx: StoreContext, traceId: string, from: string, to: string): void {
  const { stmts } = ctx;
  stmts.get(`UPDATE spans SET session_id = ?3 WHERE id IN (${traceSpanIds})`).run([traceId, from, to]);
  stmts.get('UPDATE span_runs INDEXED BY span_runs_by_trace SET session_id = ? WHERE trace_id = ? AND session_id = ?').run([to, traceId, from]);
  stmts.get('UPDATE log_records INDEXED BY logs_by_span SET session_id = ? WHERE trace_id = ? AND session_id = ?').run([to, traceId, from]);
  const logs = ctx.db.getRowsModified();
  const row = firstRow(stmts, 'SELECT span_count, error_count, start_ms, end_ms, root_name FROM traces WHERE trace_id = ? AND session_id = ?', [traceId, from]);
  if (row) {
    stmts.get('DELETE FROM traces WHERE trace_id = ? AND session_id = ?').run([traceId, from]);
    upsertTrace(ctx, [traceId, to, ...row]);
  }
  if (logs) {
    stmts.get('UPDATE sessions SET log_count = log_count - ? WHERE id = ?').run([logs, from]);
    stmts.get('UPDATE sessions SET log_count = log_count + ? WHERE id = ?').run([logs, to]);
  }
  ctx.rememberTrace(traceId, to);
  refreshSpanRange(ctx, from);
  ctx.changes.change(to);
  if (isEmpty(ctx, from)) deleteSessions(ctx, [from]);
  else ctx.changes.change(from);
}

/** Adds span counts to a (trace, session) roll-up: [traceId, sessionId, spans, errors, startMs, endMs, rootName]. */
export function upsertTrace(ctx: StoreContext, values: SqlValue[]): void {
  ctx.stmts
    .get(
      `INSERT INTO traces (trace_id, session_id, span_count, error_count, start_ms, end_ms, root_name) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (trace_id, session_id) DO UPDATE SET span_count = span_count + excluded.span_count,
         error_count = error_count + excluded.error_count, start_ms = min(start_ms, excluded.start_ms),
         end_ms = max(end_ms, excluded.end_ms), root_name = coalesce(excluded.root_name, root_name)`,
    )
    .run(values);
}

/**
 * Deletes sessions. Their session rows go now; everything else is left to the sweeper (sweeper.ts).
 * Returns the number of spans the sessions held.
 */
export function deleteSessions(ctx: StoreContext, ids: string[]): number {
  const { stmts } = ctx;
  let spans = 0;
  for (const id of ids) {
    const count = num(firstRow(stmts, 'SELECT span_count FROM sessions WHERE id = ?', [id])?.[0]);
    spans += count;
    stmts.get('DELETE FROM sessions WHERE id = ?').run([id]);
    ctx.tombstones.push({ sessionId: id, maxSpan: ctx.nextSpanRowid - 1, maxLog: ctx.nextLogRowid - 1, spans: count });
  }
  deleteCassetteRows(ctx, ids);
  ctx.forgetSessions(new Set(ids));
  for (const id of ids) ctx.changes.remove(id);
  return spans;
}

/** Drops the oldest traces of a session until at least `spans` spans are gone. */
export function trimOldestTraces(ctx: StoreContext, sessionId: string, spans: number): { traces: number; spans: number } {
  const { stmts } = ctx;
  const victims: string[] = [];
  let removed = 0;
  const candidates = allRows(stmts, 'SELECT trace_id, span_count FROM traces WHERE session_id = ? ORDER BY start_ms', [sessionId]);
  for (const [traceId, count] of candidates) {
    if (removed >= spans) break;
    victims.push(str(traceId));
    removed += num(count);
  }
  for (const traceId of victims) {
    const key = [traceId, sessionId];
    ctx.releaseTexts(`id IN (${traceSpanIds})`, key);
    stmts.get(`DELETE FROM spans WHERE id IN (${traceSpanIds})`).run(key);
    stmts.get('DELETE FROM span_runs INDEXED BY span_runs_by_trace WHERE trace_id = ? AND session_id = ?').run(key);
    stmts.get('DELETE FROM log_records INDEXED BY logs_by_span WHERE trace_id = ? AND session_id = ?').run(key);
    const logs = ctx.db.getRowsModified();
    if (logs) stmts.get('UPDATE sessions SET log_count = log_count - ? WHERE id = ?').run([logs, sessionId]);
    stmts.get('DELETE FROM traces WHERE trace_id = ? AND session_id = ?').run(key);
  }
  refreshSpanRange(ctx, sessionId);
  ctx.changes.change(sessionId);
  return { traces: victims.length, spans: removed };
}

/** first/last span time can only be recomputed after removals (the triggers only widen them). */
function refreshSpanRange(ctx: StoreContext, sessionId: string): void {
  ctx.stmts
    .get(
      `UPDATE sessions SET first_span_ms = (SELECT min(start_ms) FROM traces WHERE session_id = ?1),
         last_span_ms = (SELECT max(end_ms) FROM traces WHERE session_id = ?1) WHERE id = ?1`,
    )
    .run([sessionId]);
}

function isEmpty(ctx: StoreContext, sessionId: string): boolean {
  const row = firstRow(ctx.stmts, 'SELECT span_count + log_count FROM sessions WHERE id = ?', [sessionId]);
  return !row || num(row[0]) === 0;
}
