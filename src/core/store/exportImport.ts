// Sessions out of and into the store: OTLP/JSON objects (strictly OTLP: a file can be POSTed as-is to
// any OTLP/HTTP JSON endpoint) and SQLite databases of our own schema.
import { randomUUID } from 'node:crypto';
import type { LogRecord, LogsRequest, ResourceLogs, ResourceSpans, Span, TraceRequest } from '../otlp/model';
import { StoreContext } from './context';
import { writeLogs, writeTraces } from './ingest';
import { logColumns, logFromRow, spanColumns, spanFromRow } from './rows';
import { copyTables, createSchema, dropTables, setUpConnection, upgradeSchema } from './schema';
import { copyCassetteRow } from './cassetteRows';
import { checkStructure } from './schemaCheck';
import { SessionRouter } from './sessionRouter';
import { spansOfRuns } from './spanRuns';
import { createSession, renameSession } from './sessionWrites';
import { allRows, firstRow, inTransaction, num, str, type Database, type SqlValue } from './sqlite';
import type { SqlJsStatic } from 'sql.js';
import type { ImportResult, SessionSource } from './types';

/** An ExportTraceServiceRequest, plus the session's log records under `resourceLogs` when it has any. */
export type OtlpExport = TraceRequest & { resourceLogs?: ResourceLogs[] };

/** What importOtlp accepts: one OTLP object (spans and/or logs), or the requests of a JSONL file. */
export type OtlpInput = (Partial<TraceRequest> & Partial<LogsRequest>) | { traces: TraceRequest[]; logs: LogsRequest[] };

/**
 * One session as OTLP/JSON. Spans are grouped by resource, then scope, each group in order of first
 * ingest; spans (and log records) keep their ingest order within a group.
 */
export function exportSessionOtlp(ctx: StoreContext, sessionId: string): OtlpExport {
  const spanRows = allRows(ctx.stmts, `SELECT ${spanColumns} FROM ${spansOfRuns} WHERE r.session_id = ? ORDER BY s.id`, [sessionId]);
  const result: OtlpExport = { resourceSpans: resourceSpansOf(ctx, spanRows) };
  const logRows = allRows(ctx.stmts, `SELECT ${logColumns} FROM log_records l WHERE l.session_id = ? ORDER BY l.id`, [sessionId]);
  if (logRows.length) result.resourceLogs = resourceLogsOf(ctx, logRows);
  return result;
}

/**
 * The same spans as exportSessionOtlp, a page at a time in ingest order (at most `pageSize` spans and about
 * `pageBytes` of span data), each page grouped by resource and scope: files of any size are written holding
 * one page in memory (a resource appears once per page, which OTLP allows). Pages follow the session's span
 * runs, so no query sorts the whole session.
 */
export function* exportSpanPages(ctx: StoreContext, sessionId: string, pageSize: number, pageBytes = 8 * 2 ** 20): Generator<ResourceSpans[]> {
  const runs = allRows(ctx.stmts, 'SELECT trace_id, first_id, last_id FROM span_runs WHERE session_id = ? ORDER BY first_id', [sessionId]);
  // Rows are read a few hundred at a time: spans can be large (prompts), and a page stops at pageBytes.
  const chunk = Math.min(pageSize, 256);
  const sql = `SELECT ${spanColumns} FROM spans s WHERE s.id BETWEEN ? AND ? AND s.session_id = ? AND s.trace_id = ? ORDER BY s.id`;
  let rows: SqlValue[][] = [];
  let bytes = 0;
  for (const [traceId, first, last] of runs) {
    for (let from = num(first); from <= num(last); from += chunk) {
      for (const row of allRows(ctx.stmts, sql, [from, Math.min(num(last), from + chunk - 1), sessionId, traceId!])) {
        rows.push(row);
        bytes += row[11] instanceof Uint8Array ? row[11].length : 0;
      }
      if (rows.length >= pageSize || bytes >= pageBytes) {
        yield resourceSpansOf(ctx, rows);
        rows = [];
        bytes = 0;
      }
    }
  }
  if (rows.length) yield resourceSpansOf(ctx, rows);
}

/** The session's log records, `pageSize` at a time in ingest order (see exportSpanPages). */
export function* exportLogPages(ctx: StoreContext, sessionId: string, pageSize: number): Generator<ResourceLogs[]> {
  for (let after = 0; ; ) {
    const rows = allRows(ctx.stmts, `SELECT ${logColumns} FROM log_records l WHERE l.session_id = ? AND l.id > ? ORDER BY l.id LIMIT ?`, [sessionId, after, pageSize]);
    if (rows.length) yield resourceLogsOf(ctx, rows);
    if (rows.length < pageSize) return;
    after = num(rows[rows.length - 1]![0]);
  }
}

/** Rows stored after `afterId` (ingest order), with their session: what a file written as spans arrive appends. */
export interface RowsAfter<T> {
  /** The last row read: the next call starts after it. */
  lastId: number;
  /** Per session, in order of first row: `source` tells a session the store split off by itself ('instance'). */
  sessions: { sessionId: string; source?: SessionSource; items: T[] }[];
}

/** Spans stored after row `afterId`, up to `pageSize` of them (ids are the ingest sequence: no sort). */
export function spansAfter(ctx: StoreContext, afterId: number, pageSize: number): RowsAfter<ResourceSpans> {
  const rows = allRows(ctx.stmts, `SELECT ${spanColumns} FROM spans s WHERE s.id > ? ORDER BY s.id LIMIT ?`, [afterId, pageSize]);
  return rowsBySession(ctx, rows, afterId, resourceSpansOf);
}

/** Log records stored after row `afterId` (see spansAfter). */
export function logsAfter(ctx: StoreContext, afterId: number, pageSize: number): RowsAfter<ResourceLogs> {
  const rows = allRows(ctx.stmts, `SELECT ${logColumns} FROM log_records l WHERE l.id > ? ORDER BY l.id LIMIT ?`, [afterId, pageSize]);
  return rowsBySession(ctx, rows, afterId, resourceLogsOf);
}

function rowsBySession<T>(ctx: StoreContext, rows: SqlValue[][], afterId: number, make: (ctx: StoreContext, rows: SqlValue[][]) => T[]): RowsAfter<T> {
  const bySession = new Map<string, SqlValue[][]>();
  for (const r of rows) {
    const id = str(r[1]);
    let list = bySession.get(id);
    if (!list) bySession.set(id, (list = []));
    list.push(r);
  }
  return {
    lastId: rows.length ? num(rows[rows.length - 1]![0]) : afterId,
    sessions: [...bySession].map(([sessionId, list]) => ({ sessionId, source: ctx.sessions.get(sessionId)?.source, items: make(ctx, list) })),
  };
}

function resourceSpansOf(ctx: StoreContext, rows: SqlValue[][]): ResourceSpans[] {
  const groups = new Grouper<Span>();
  for (const r of rows) {
    const s = spanFromRow(ctx, r);
    groups.add(s.resourceId, s.scopeId, {
      traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, traceState: s.traceState, flags: s.flags,
      name: s.name, kind: s.kind, startTimeUnixNano: s.startTimeUnixNano, endTimeUnixNano: s.endTimeUnixNano,
      attributes: s.attributes, droppedAttributesCount: s.droppedAttributesCount, events: s.events,
      droppedEventsCount: s.droppedEventsCount, links: s.links, droppedLinksCount: s.droppedLinksCount, status: s.status,
    });
  }
  return groups.build(ctx, (resource, schemaUrl, scopes) => ({
    resource, schemaUrl, scopeSpans: scopes.map(([scope, scopeUrl, spans]) => ({ scope, spans, schemaUrl: scopeUrl })),
  }));
}

function resourceLogsOf(ctx: StoreContext, rows: SqlValue[][]): ResourceLogs[] {
  const groups = new Grouper<LogRecord>();
  for (const r of rows) {
    const l = logFromRow(ctx, r);
    groups.add(l.resourceId, l.scopeId, {
      timeUnixNano: l.timeUnixNano, observedTimeUnixNano: l.observedTimeUnixNano, severityNumber: l.severityNumber,
      severityText: l.severityText, body: l.body, attributes: l.attributes, droppedAttributesCount: l.droppedAttributesCount,
      flags: l.flags, traceId: l.traceId, spanId: l.spanId, eventName: l.eventName,
    });
  }
  return groups.build(ctx, (resource, schemaUrl, scopes) => ({
    resource, schemaUrl, scopeLogs: scopes.map(([scope, scopeUrl, logRecords]) => ({ scope, logRecords, schemaUrl: scopeUrl })),
  }));
}

type ModelResource = ResourceSpans['resource'];
type ModelScope = ResourceSpans['scopeSpans'][number]['scope'];

/** resource id -> scope id -> items, all in first-seen order (Maps iterate in insertion order). */
class Grouper<T> {
  private readonly groups = new Map<number, Map<number, T[]>>();

  add(resourceId: number, scopeId: number, item: T): void {
    let scopes = this.groups.get(resourceId);
    if (!scopes) this.groups.set(resourceId, (scopes = new Map()));
    let items = scopes.get(scopeId);
    if (!items) scopes.set(scopeId, (items = []));
    items.push(item);
  }

  build<R>(ctx: StoreContext, make: (resource: ModelResource, schemaUrl: string, scopes: [ModelScope, string, T[]][]) => R): R[] {
    return [...this.groups].map(([resourceId, scopes]) => {
      const r = ctx.dims.resource(resourceId);
      const scopeList = [...scopes].map(([scopeId, items]): [ModelScope, string, T[]] => {
        const s = ctx.dims.scope(scopeId);
        return [{ name: s.name, version: s.version, attributes: s.attributes, droppedAttributesCount: s.droppedAttributesCount }, s.schemaUrl, items];
      });
      return make({ attributes: r.attributes, droppedAttributesCount: r.droppedAttributesCount }, r.schemaUrl, scopeList);
    });
  }
}

/**
 * Imports decoded OTLP; the caller's transaction makes it all or nothing. Spans with a session id keep it (a fresh
 * one if that id is already in the store); the others go to one new session named `sessionName`.
 */
export function importOtlp(ctx: StoreContext, input: OtlpInput, options: { sessionName?: string } = {}): ImportResult {
  const batches = new OtlpImportBatches(ctx, options);
  batches.add(input);
  return batches.finish();
}

/**
 * One import written in batches (the caller gives each its own transaction), so a large file need not be
 * decoded whole first: one router for all of them keeps a trace, and a file's unnamed spans, in one session.
 */
export class OtlpImportBatches {
  private readonly router: SessionRouter;
  private readonly receivedAt: number;
  private spans = 0;
  private records = 0;

  constructor(private readonly ctx: StoreContext, private readonly options: { sessionName?: string }) {
    this.router = new SessionRouter(ctx, { kind: 'import', sessionName: options.sessionName });
    this.receivedAt = ctx.now();
  }

  /** Sessions created so far (that still exist). */
  get sessionIds(): string[] {
    return this.router.created.filter((id) => this.ctx.sessions.has(id));
  }

  add(input: OtlpInput): void {
    const traces = 'traces' in input ? input.traces : input.resourceSpans ? [{ resourceSpans: input.resourceSpans }] : [];
    const logs = 'logs' in input ? input.logs : input.resourceLogs ? [{ resourceLogs: input.resourceLogs }] : [];
    for (const req of traces) this.spans += writeTraces(this.ctx, req, this.receivedAt, this.router);
    for (const req of logs) this.records += writeLogs(this.ctx, req, this.receivedAt, this.router);
  }

  finish(): ImportResult {
    const sessionIds = this.sessionIds;
    if (sessionIds.length === 1 && this.options.sessionName) renameSession(this.ctx, sessionIds[0]!, this.options.sessionName);
    return { spans: this.spans, records: this.records, sessionIds };
  }
}

/** Copies one session (rows and name) from `from` into `to` under `newId`. The caller owns the transaction. */
function copySession(
  from: StoreContext, to: StoreContext, sessionId: string, newId: string, source: SessionSource, receivedAt: number,
): { spans: number; records: number } {
  const row = firstRow(from.stmts, 'SELECT name, service_name FROM sessions WHERE id = ?', [sessionId]);
  if (!row) throw new Error(`no session ${sessionId}`);
  createSession(to, { id: newId, name: str(row[0]), source, serviceName: str(row[1]), receivedAt });
  const router = new SessionRouter(to, { kind: 'forced', sessionId: newId });
  // A page at a time: the whole session as OTLP objects was an extra copy several times its size.
  let spans = 0;
  let records = 0;
  for (const resourceSpans of exportSpanPages(from, sessionId, 10_000)) spans += writeTraces(to, { resourceSpans }, receivedAt, router);
  for (const resourceLogs of exportLogPages(from, sessionId, 10_000)) records += writeLogs(to, { resourceLogs }, receivedAt, router);
  return { spans, records };
}

/** A new database holding only one session (ids, names and data unchanged). */
export function exportSessionSqlite(ctx: StoreContext, sql: SqlJsStatic, sessionId: string): Uint8Array {
  const db = newDatabase(sql);
  const target = new StoreContext(sql, db, ctx.settings, ctx.now);
  try {
    const info = firstRow(ctx.stmts, 'SELECT source, last_receipt_ms FROM sessions WHERE id = ?', [sessionId]);
    if (!info) throw new Error(`no session ${sessionId}`);
    target.transaction(() => {
      copySession(ctx, target, sessionId, sessionId, str(info[0]) as SessionSource, num(info[1]));
      copyCassetteRow(ctx, target, sessionId, sessionId);
    });
    return db.export();
  } finally {
    target.stmts.invalidate();
    db.close();
  }
}

/**
 * Merges every session of one of our SQLite exports into the store (inside the caller's transaction).
 * A file that is not our schema throws before anything is written.
 */
export function importSqlite(ctx: StoreContext, sql: SqlJsStatic, bytes: Uint8Array): ImportResult {
  const other = openExisting(sql, bytes);
  const source = new StoreContext(sql, other, ctx.settings, ctx.now);
  try {
    const ids = allRows(source.stmts, 'SELECT id FROM sessions ORDER BY created_ms').map((r) => str(r[0]));
    const receivedAt = ctx.now();
    const result: ImportResult = { spans: 0, records: 0, sessionIds: [] };
    for (const id of ids) {
      const newId = ctx.sessions.has(id) ? `${id}~${randomUUID().slice(0, 8)}` : id;
      const copied = copySession(source, ctx, id, newId, 'import', receivedAt);
      result.spans += copied.spans;
      result.records += copied.records;
      result.sessionIds.push(newId);
      const warning = copyCassetteRow(source, ctx, id, newId);
      if (warning) (result.warnings ??= []).push(warning);
    }
    return result;
  } finally {
    source.stmts.invalidate();
    other.close();
  }
}

/** A plain database with our tables in 'main' (what files hold). */
export function newDatabase(sql: SqlJsStatic): Database {
  const db = new sql.Database();
  setUpConnection(db);
  createSchema(db);
  return db;
}

/**
 * The store's database: tables in an attached ':memory:' database. sql.js keeps 'main' in a file of
 * its in-memory filesystem, which grows by copying the whole file (long pauses, twice the memory at
 * 100s of MB); an in-memory database keeps pages in the wasm heap and grows without copies.
 */
export function newStoreDatabase(sql: SqlJsStatic): Database {
  const db = new sql.Database();
  setUpConnection(db);
  db.run("ATTACH DATABASE ':memory:' AS live");
  createSchema(db, 'live');
  return db;
}

/** The store's database, filled from one of our SQLite files (validated first). */
export function openStoreDatabase(sql: SqlJsStatic, bytes: Uint8Array): Database {
  const db = openExisting(sql, bytes);
  try {
    db.run("ATTACH DATABASE ':memory:' AS live");
    createSchema(db, 'live');
    inTransaction(db, () => copyTables(db, 'main', 'live'));
    dropTables(db, 'main');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The whole store as an SQLite file: 'live' is copied into 'main' (the part export() writes), then dropped. */
export function exportStoreSqlite(ctx: StoreContext): Uint8Array {
  const db = ctx.db;
  if (ctx.schema === 'main') return db.export();
  try {
    createSchema(db, 'main');
    inTransaction(db, () => copyTables(db, 'live', 'main'));
    return db.export();
  } finally {
    dropTables(db, 'main');
    // Statements prepared while 'main' had the tables resolved names there; export() may also free them.
    ctx.afterExport();
  }
}

/**
 * Opens bytes as a database of our schema, or throws a readable error (and leaks nothing). Nothing the
 * file defines is queried before checkStructure has found it to be ours.
 */
export function openExisting(sql: SqlJsStatic, bytes: Uint8Array): Database {
  const db = new sql.Database(bytes);
  try {
    upgradeSchema(db, checkStructure(sql, db));
    setUpConnection(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
