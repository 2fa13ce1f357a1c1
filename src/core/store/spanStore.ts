// The span store: an in-memory SQLite database (sql.js) holding sessions of spans and log records.
// Synchronous once created; every write is one transaction; listeners hear one change per operation.
import type { SqlJsStatic } from 'sql.js';
import type { LogsRequest, ResourceLogs, ResourceSpans, SpanEvent, SpanLink, TraceRequest } from '../otlp/model';
import { cassetteRow, putCassetteRow } from './cassetteRows';
import { Emitter, type Disposable } from './changes';
import { StoreContext, type StoreSettings } from './context';
import * as io from './exportImport';
import { writeLogs, writePrepared, writeTraces } from './ingest';
import type { PreparedTraces } from './preparedTraces';
import * as q from './queries';
import { enforceRetention } from './retention';
import { SessionRouter } from './sessionRouter';
import { SessionSlices } from './sessionSlices';
import { deleteSessions, endLaunch, renameSession, startLaunch } from './sessionWrites';
import { loadSqlJs } from './sqlite';
import { Sweeper, sweepAll } from './sweeper';
import { warmUp, warmUpIngest, type WarmUpPrepare } from './warmUp';
import { HeapReserve } from './wasmHeap';
import type { ImportResult, IngestResult, LogIngestResult, Page, SessionSummary, SpanQuery, StoreChange, StoredLogRecord, StoredSpan, StoreStats, TraceSummary } from './types';

export type { StoreSettings } from './context';
export type { OtlpExport, OtlpInput, RowsAfter } from './exportImport';

export interface StoreOptions extends Partial<StoreSettings> {
  /** Receipt clock (ms); injectable for tests. Default Date.now. */
  now?: () => number;
  /** sql-wasm.wasm to load instead of the one beside the bundle / in node_modules. */
  wasmPath?: string;
}

/** Long strings are kept once (sharedTexts.ts): an agent's span takes ~0.8 KB, so 1M of them fit in the 1 GB. */
export const defaultSettings: StoreSettings = { maxSpans: 2_000_000, maxBytes: 1024 * 2 ** 20, sessionGapMs: 60_000 };

/**
 * The database lives in the wasm heap, which sql.js caps at 2 GiB (sqlite's working memory and the
 * copy an SQLite export makes need room too): larger memory caps are lowered to this.
 */
export const maxStoreBytes = 1536 * 2 ** 20;

/** See SpanStore.beginImport. */
export interface OtlpImport {
  add(input: io.OtlpInput): void;
  finish(): ImportResult;
  abort(): void;
}

export class SpanStore {
  private readonly changed = new Emitter<StoreChange>();
  /** Reports which sessions were added, changed, removed or evicted (once per operation). */
  readonly onDidChange: (listener: (change: StoreChange) => void) => Disposable = this.changed.event;
  private batchDepth = 0;
  private readonly stored = new Emitter<void>();
  /**
   * Fires inside each ingest, once its rows are written and before the caps may evict any: a file written
   * as spans arrive reads them here (spansAfter, logsAfter), so even spans evicted at once reach it.
   */
  readonly onDidStore: (listener: () => void) => Disposable = this.stored.event;
  private evicted = 0;
  private readonly sweeper: Sweeper;

  private constructor(
    private readonly sql: SqlJsStatic,
    private readonly ctx: StoreContext,
    private readonly heap: HeapReserve,
  ) {
    this.sweeper = new Sweeper(() => this.ctx);
    this.reserveHeap();
  }

  static async create(options: StoreOptions = {}): Promise<SpanStore> {
    const sql = await loadSqlJs(options.wasmPath);
    warmUp(sql);
    const ctx = new StoreContext(sql, io.newStoreDatabase(sql), settingsOf(options), options.now ?? Date.now, 'live');
    return new SpanStore(sql, ctx, new HeapReserve(sql));
  }

  /** A store opened on one of our SQLite exports (throws a readable error for anything else). */
  static async fromSqlite(bytes: Uint8Array, options: StoreOptions = {}): Promise<SpanStore> {
    const sql = await loadSqlJs(options.wasmPath);
    warmUp(sql);
    const heap = new HeapReserve(sql);
    heap.ensure(bytes.length); // room for the copy into memory
    const ctx = new StoreContext(sql, io.openStoreDatabase(sql, bytes), settingsOf(options), options.now ?? Date.now, 'live');
    return new SpanStore(sql, ctx, heap);
  }

  /** Readies the receiver's path into the store ahead of its first request (see warmUp.ts). */
  warmUpIngest(prepare: WarmUpPrepare): Promise<number> {
    return warmUpIngest(this.sql, prepare);
  }

  /** The receipt clock. */
  now(): number {
    return this.ctx.now();
  }

  get settings(): Readonly<StoreSettings> {
    return this.ctx.settings;
  }

  /** New caps or session gap; caps apply at once (sparing sessions that are live). */
  configure(options: Partial<StoreSettings>): void {
    Object.assign(this.ctx.settings, settingsOf(options, this.ctx.settings));
    this.write(() => enforceRetention(this.ctx, new Set()));
  }

  /** Spans the caps have evicted since the store was made (each one also in a change's notices). */
  get evictedSpans(): number {
    return this.evicted;
  }

  /** Stores a request; `receivedAtMs` is when the receiver took it (default: now). */
  ingestTraces(req: TraceRequest, receivedAtMs = this.ctx.now()): IngestResult {
    const router = new SessionRouter(this.ctx, { kind: 'live' });
    const spans = this.write(() => {
      const n = writeTraces(this.ctx, req, receivedAtMs, router);
      this.stored.fire();
      enforceRetention(this.ctx, router.touched);
      return n;
    });
    return { spans };
  }

  /** Stores spans [from, to) of a request prepared off the main thread (see preparedTraces.ts). */
  ingestPrepared(p: PreparedTraces, receivedAtMs = this.ctx.now(), from = 0, to = p.count): IngestResult {
    const router = new SessionRouter(this.ctx, { kind: 'live' });
    const spans = this.write(() => {
      const n = writePrepared(this.ctx, p, from, to, receivedAtMs, router);
      this.stored.fire();
      enforceRetention(this.ctx, router.touched);
      return n;
    });
    return { spans };
  }

  ingestLogs(req: LogsRequest, receivedAtMs = this.ctx.now()): LogIngestResult {
    const router = new SessionRouter(this.ctx, { kind: 'live' });
    const records = this.write(() => {
      const n = writeLogs(this.ctx, req, receivedAtMs, router);
      this.stored.fire();
      enforceRetention(this.ctx, router.touched);
      return n;
    });
    return { records };
  }

  /** Runs several operations and reports their changes as one. */
  batch<T>(fn: () => T): T {
    this.batchDepth++;
    try {
      return fn();
    } finally {
      this.batchDepth--;
      this.emit();
    }
  }

  listSessions(): SessionSummary[] {
    return q.listSessions(this.ctx);
  }

  getSession(id: string): SessionSummary | undefined {
    return q.getSession(this.ctx, id);
  }

  renameSession(id: string, name: string): boolean {
    return this.write(() => renameSession(this.ctx, id, name));
  }

  /** A run the host launched: its session (now or when its first span comes) is named `name`, and live until launchEnded. */
  launchStarted(sessionId: string, name: string): void {
    this.write(() => startLaunch(this.ctx, sessionId, name));
  }

  /** The launched process exited and its last spans are in: the session is no longer live. */
  launchEnded(sessionId: string): void {
    this.write(() => endLaunch(this.ctx, sessionId));
  }

  deleteSession(id: string): boolean {
    if (!this.ctx.sessions.has(id)) return false;
    this.write(() => deleteSessions(this.ctx, [id]));
    return true;
  }

  /** Drops everything; the database is recreated so its memory is given back. */
  clear(): void {
    const ids = [...this.ctx.sessions.keys()];
    this.ctx.replaceDb(io.newStoreDatabase(this.sql));
    for (const id of ids) this.ctx.changes.remove(id);
    this.emit();
  }

  traceIds(sessionId: string): string[] {
    return q.traceIds(this.ctx, sessionId);
  }

  tracesOfSession(sessionId: string): TraceSummary[] {
    return q.tracesOfSession(this.ctx, sessionId);
  }

  spansOfTrace(traceId: string, sessionId?: string): StoredSpan[] {
    return q.spansOfTrace(this.ctx, traceId, sessionId);
  }

  /** A session's spans stored after row `seq`, in ingest order; undefined unless it still has `before` spans up to it. */
  spansOfSessionAfter(sessionId: string, seq: number, before: number, plain = false): StoredSpan[] | undefined {
    return q.spansOfSessionAfter(this.ctx, sessionId, seq, before, plain);
  }

  spansOfSession(sessionId: string, page: Page = {}): StoredSpan[] {
    return q.spansOfSession(this.ctx, sessionId, page);
  }

  /** `fn` of each of a session's spans (attributes as plain values), in the session's order, as each is read. */
  mapSpansOfSession<T>(sessionId: string, fn: (span: StoredSpan) => T): T[] {
    return q.mapSpansOfSession(this.ctx, sessionId, true, fn);
  }

  /** mapSpansOfSession read a few runs at a time (sessionSlices.ts); undefined for no such session. */
  sessionSlices<T>(sessionId: string, fn: (span: StoredSpan) => T): SessionSlices<T> | undefined {
    return this.ctx.sessions.has(sessionId) ? new SessionSlices(this.ctx, sessionId, fn) : undefined;
  }

  childrenOf(traceId: string, spanId: string, sessionId?: string): StoredSpan[] {
    return q.childrenOf(this.ctx, traceId, spanId, sessionId);
  }

  getSpan(traceId: string, spanId: string, sessionId?: string): StoredSpan | undefined {
    return q.getSpan(this.ctx, traceId, spanId, sessionId);
  }

  findSpans(query: SpanQuery): StoredSpan[] {
    return q.findSpans(this.ctx, query);
  }

  eventsOf(traceId: string, spanId: string, sessionId?: string): SpanEvent[] {
    return q.eventsOf(this.ctx, traceId, spanId, sessionId);
  }

  linksOf(traceId: string, spanId: string, sessionId?: string): SpanLink[] {
    return q.linksOf(this.ctx, traceId, spanId, sessionId);
  }

  logsOfSpan(traceId: string, spanId: string, sessionId?: string): StoredLogRecord[] {
    return q.logsOfSpan(this.ctx, traceId, spanId, sessionId);
  }

  logsOfSession(sessionId: string, page: Page = {}): StoredLogRecord[] {
    return q.logsOfSession(this.ctx, sessionId, page);
  }

  /** Spans in the store, or in one session. */
  spanCount(sessionId?: string): number {
    return q.spanCount(this.ctx, sessionId);
  }

  stats(): StoreStats {
    return q.stats(this.ctx);
  }

  exportSessionOtlp(sessionId: string): io.OtlpExport {
    if (!this.ctx.sessions.has(sessionId)) throw new Error(`no session ${sessionId}`);
    return io.exportSessionOtlp(this.ctx, sessionId);
  }

  /** A session's spans as OTLP ResourceSpans, a page (`pageSize` spans, ~`pageBytes` of data) at a time. */
  exportSpanPages(sessionId: string, pageSize = 10_000, pageBytes?: number): Generator<ResourceSpans[]> {
    if (!this.ctx.sessions.has(sessionId)) throw new Error(`no session ${sessionId}`);
    return io.exportSpanPages(this.ctx, sessionId, pageSize, pageBytes);
  }

  /** A session's log records as OTLP ResourceLogs, `pageSize` at a time. */
  exportLogPages(sessionId: string, pageSize = 10_000): Generator<ResourceLogs[]> {
    if (!this.ctx.sessions.has(sessionId)) throw new Error(`no session ${sessionId}`);
    return io.exportLogPages(this.ctx, sessionId, pageSize);
  }

  /** Spans stored after row `afterId`, `pageSize` at most, grouped by session (see onDidStore). */
  spansAfter(afterId: number, pageSize = 1_000): io.RowsAfter<ResourceSpans> {
    return io.spansAfter(this.ctx, afterId, pageSize);
  }

  /** Log records stored after row `afterId` (see spansAfter). */
  logsAfter(afterId: number, pageSize = 1_000): io.RowsAfter<ResourceLogs> {
    return io.logsAfter(this.ctx, afterId, pageSize);
  }

  /** Decoded OTLP in, all or nothing. Unnamed spans go to one new session called `sessionName`. */
  importOtlp(input: io.OtlpInput, options: { sessionName?: string } = {}): ImportResult {
    return this.write(() => {
      const result = io.importOtlp(this.ctx, input, options);
      enforceRetention(this.ctx, new Set(result.sessionIds));
      return result;
    });
  }

  /**
   * An import in batches, each its own transaction (a large file is stored as it is decoded, never held
   * whole): `abort` deletes what the import created, so a file that fails halfway leaves nothing behind.
   */
  beginImport(options: { sessionName?: string } = {}): OtlpImport {
    const batches = new io.OtlpImportBatches(this.ctx, options);
    return {
      add: (input) => this.write(() => {
        batches.add(input);
        enforceRetention(this.ctx, new Set(batches.sessionIds));
      }),
      finish: () => this.write(() => batches.finish()),
      abort: () => {
        const ids = batches.sessionIds;
        if (ids.length) this.write(() => deleteSessions(this.ctx, ids));
      },
    };
  }

  /** The whole database as an SQLite file. */
  exportSqlite(): Uint8Array {
    this.finishDeletes();
    return io.exportStoreSqlite(this.ctx);
  }

  /** Deleted and evicted sessions leave their rows to a background sweep; this finishes it now. */
  finishDeletes(): void {
    sweepAll(this.ctx);
  }

  /** One session as an SQLite file of the same schema. */
  exportSessionSqlite(sessionId: string): Uint8Array {
    return io.exportSessionSqlite(this.ctx, this.sql, sessionId);
  }

  /** Keeps a session's cassette (JSON text) with it: SQLite exports and imports carry it. */
  putCassette(sessionId: string, json: string): void {
    if (this.ctx.sessions.has(sessionId)) this.ctx.transaction(() => putCassetteRow(this.ctx, sessionId, json));
  }

  cassette(sessionId: string): string | undefined {
    return cassetteRow(this.ctx, sessionId);
  }

  /** Merges the sessions of an SQLite export in; a file that is not one changes nothing. */
  importSqlite(bytes: Uint8Array): ImportResult {
    return this.write(() => {
      const result = io.importSqlite(this.ctx, this.sql, bytes);
      enforceRetention(this.ctx, new Set(result.sessionIds));
      return result;
    });
  }

  dispose(): void {
    this.sweeper.dispose();
    this.ctx.stmts.invalidate();
    this.ctx.db.close();
    this.changed.dispose();
  }

  /** One transaction, then one change event (unless inside batch()). */
  private write<T>(fn: () => T): T {
    try {
      return this.ctx.transaction(fn);
    } finally {
      this.reserveHeap();
      this.emit();
      this.sweeper.schedule();
    }
  }

  /** Room in the wasm heap ahead of the database (see wasmHeap.ts). */
  private reserveHeap(): void {
    const pages = q.pageStats(this.ctx);
    this.heap.ensure(pages.pageCount * pages.pageSize);
  }

  private emit(): void {
    if (this.batchDepth > 0) return;
    const change = this.ctx.changes.take();
    if (!change) return;
    this.evicted += change.evictedSpans ?? 0;
    this.changed.fire(change);
  }
}

/** `options` over `base`, ignoring missing or non-positive values; the memory cap clamped. */
function settingsOf(options: Partial<StoreSettings>, base: StoreSettings = defaultSettings): StoreSettings {
  const positive = (value: number | undefined, fallback: number) => (typeof value === 'number' && value > 0 ? value : fallback);
  return {
    maxSpans: positive(options.maxSpans, base.maxSpans),
    maxBytes: Math.min(positive(options.maxBytes, base.maxBytes), maxStoreBytes),
    sessionGapMs: positive(options.sessionGapMs, base.sessionGapMs),
  };
}
