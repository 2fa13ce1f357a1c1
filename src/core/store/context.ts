// The state the store's modules share: the connection, its statements, caches of small tables, and the
// routing memory (which trace / service instance went to which session).
import type { SqlJsStatic } from 'sql.js';
import { ChangeCollector } from './changes';
import { Dimensions } from './dimensions';
import type { DictionarySizes } from './pieceDictionary';
import { setUpConnection } from './schema';
import { SharedTexts } from './sharedTexts';
import { registerSpanFunctions } from './spanData';
import { SpanRows } from './spanRows';
import { allRows, firstRow, inTransaction, num, str, Statements, type Database, type SqlValue } from './sqlite';
import type { ProcessState } from './liveness';
import type { SessionSource } from './types';

export interface StoreSettings {
  maxSpans: number;
  maxBytes: number;
  sessionGapMs: number;
  /** The piece dictionary's sizes, when not the ones maxBytes gives (the warm-up's scratch stores). */
  pieces?: DictionarySizes;
}

/** A deleted session whose rows still wait for the sweeper (rows up to these ids). */
export interface Tombstone {
  sessionId: string;
  maxSpan: number;
  maxLog: number;
  /** Spans not swept yet (for memory estimates). */
  spans: number;
}

export interface SessionInfo {
  source: SessionSource;
  lastReceiptMs: number;
  /** Set while the session is named after its service (with this start time): an agent's name may still name it. */
  namedAtMs?: number;
}

/** How many trace -> session routes stay in memory; older ones are looked up in the traces table. */
const traceCacheSize = 200_000;

export class StoreContext {
  stmts: Statements;
  readonly dims: Dimensions;
  readonly changes = new ChangeCollector();
  /** Long strings of spans, kept once. */
  readonly texts: SharedTexts;
  /** Sessions that exist, with what routing needs to know about them. */
  readonly sessions = new Map<string, SessionInfo>();
  /** Sessions of runs launched by the host, by whether the process still runs (liveness.ts). */
  readonly processes = new Map<string, ProcessState>();
  /** Names the host gave launched runs (their launch configuration's), for sessions created later. */
  readonly launchNames = new Map<string, string>();
  /** Service instance key -> its current session. */
  readonly instances = new Map<string, string>();
  /** Recent trace -> session routes (insertion order = age). */
  private readonly traceRoutes = new Map<string, string>();
  /** Deleted sessions whose rows are still being swept, oldest first. */
  tombstones: Tombstone[] = [];
  nextSpanRowid = 1;
  nextLogRowid = 1;
  private rows: SpanRows | undefined;
  private depth = 0;

  constructor(
    readonly sql: SqlJsStatic,
    public db: Database,
    readonly settings: StoreSettings,
    readonly now: () => number,
    /** Where the tables are: 'live' (the store: an attached in-memory database) or 'main' (a file). */
    readonly schema: 'live' | 'main' = 'main',
  ) {
    this.stmts = new Statements(db, this.sql);
    this.dims = new Dimensions(() => this.stmts);
    this.texts = new SharedTexts(() => this.stmts, settings.maxBytes, settings.pieces);
    this.reload();
  }

  /** The span row writer, kept: its buffers grow to the batches' size once and are reused. */
  get spanRows(): SpanRows {
    return (this.rows ??= new SpanRows(this));
  }

  /** Swaps the connection (after clear or a reopen) and rebuilds every cache from the tables. */
  replaceDb(db: Database): void {
    this.stmts.invalidate();
    this.db.close();
    this.db = db;
    this.stmts = new Statements(db, this.sql);
    this.tombstones = [];
    this.reload();
  }

  /** After db.export(): older sql.js builds free every statement and reset pragmas there; data stays. */
  afterExport(): void {
    this.stmts.invalidate();
    setUpConnection(this.db);
    registerSpanFunctions(this.db, this.texts);
  }

  /**
   * A transaction whose rollback also drops caches that may name rolled-back rows. Re-entrant: inside
   * another one, `fn` simply joins it.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    const tombstones = this.tombstones.map((t) => ({ ...t }));
    const restoreChanges = this.changes.snapshot();
    this.depth++;
    try {
      return inTransaction(this.db, fn);
    } catch (e) {
      this.tombstones = tombstones;
      this.reload();
      restoreChanges();
      throw e;
    } finally {
      this.depth--;
    }
  }

  /** Before spans matching `where` are deleted: the texts only they referred to go too. */
  releaseTexts(where: string, params: SqlValue[]): void {
    if (!this.texts.inUse) return;
    this.texts.release(allRows(this.stmts, `SELECT data FROM spans WHERE ${where}`, params).map((r) => r[0] as Uint8Array));
  }

  traceSession(traceId: string): string | undefined {
    let id = this.traceRoutes.get(traceId);
    if (id === undefined) {
      const sql = 'SELECT session_id FROM traces WHERE trace_id = ? AND session_id IN (SELECT id FROM sessions) LIMIT 1';
      id = str(firstRow(this.stmts, sql, [traceId])?.[0]) || undefined;
      if (id !== undefined) this.rememberTrace(traceId, id);
    }
    return id !== undefined && this.sessions.has(id) ? id : undefined;
  }

  rememberTrace(traceId: string, sessionId: string): void {
    this.traceRoutes.delete(traceId);
    this.traceRoutes.set(traceId, sessionId);
    if (this.traceRoutes.size > traceCacheSize) this.traceRoutes.delete(this.traceRoutes.keys().next().value!);
  }

  /**
   * Forgets sessions that are gone. A route into a missing session is ignored on lookup (traceSession), so
   * the route cache is scanned only for ids that can come back (explicit session ids, imports): an instance
   * session's id is random, and emptying one happens on the ingest path whenever its trace moves.
   */
  forgetSessions(ids: Set<string>): void {
    const reusable = new Set([...ids].filter((id) => this.sessions.get(id)?.source !== 'instance'));
    for (const id of ids) {
      this.sessions.delete(id);
      this.processes.delete(id);
      this.launchNames.delete(id);
    }
    if (reusable.size) for (const [trace, session] of this.traceRoutes) if (reusable.has(session)) this.traceRoutes.delete(trace);
    for (const [instance, session] of this.instances) if (ids.has(session)) this.instances.delete(instance);
  }

  reload(): void {
    this.dims.reset();
    this.sessions.clear();
    this.instances.clear();
    this.traceRoutes.clear();
    const rows = allRows(this.stmts, 'SELECT id, source, last_receipt_ms, instance_key FROM sessions ORDER BY created_ms');
    for (const [id, source, last, instance] of rows) {
      this.sessions.set(str(id), { source: str(source) as SessionSource, lastReceiptMs: num(last) });
      if (instance) this.instances.set(str(instance), str(id));
    }
    this.nextSpanRowid = num(firstRow(this.stmts, 'SELECT coalesce(max(id), 0) + 1 FROM spans')?.[0]);
    this.nextLogRowid = num(firstRow(this.stmts, 'SELECT coalesce(max(id), 0) + 1 FROM log_records')?.[0]);
    this.texts.reload();
    registerSpanFunctions(this.db, this.texts);
  }
}
