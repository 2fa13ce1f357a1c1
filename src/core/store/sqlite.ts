// Loading sql.js and the small helpers every store module uses on top of it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BindParams, BindValue, Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { RawStatement } from './rawStatement';
import { RowReader } from './rowReader';
import { loadKeepingMemory } from './wasmMemory';

export type { BindValue, Database, SqlValue, Statement };

const modules = new Map<string, Promise<SqlJsStatic>>();

/**
 * Where sql-wasm.wasm is: an explicit path, else beside the running bundle (esbuild copies it into
 * dist/), else the installed package.
 */
export function wasmLocation(explicit?: string): string {
  if (explicit) return explicit;
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(beside)) return beside;
  // Unbundled runs (tests, benchmarks): the package's copy. Resolved through the package's main file so
  // that bundlers do not try to bundle a .wasm path.
  return path.join(path.dirname(require.resolve('sql.js')), 'sql-wasm.wasm');
}

/** The initialised sql.js module, loaded once per process (per wasm file). */
export function loadSqlJs(wasmPath?: string): Promise<SqlJsStatic> {
  const file = wasmLocation(wasmPath);
  let loading = modules.get(file);
  if (!loading) {
    loading = loadKeepingMemory(file);
    // A failed load must not poison the cache: the next caller retries.
    loading.catch(() => modules.delete(file));
    modules.set(file, loading);
  }
  return loading;
}

/**
 * Prepared statements, prepared once and reused. `db.export()` (and close) free every statement, so
 * whoever does either calls `invalidate()` and the next `get` prepares again.
 */
export class Statements {
  private readonly cache = new Map<string, Statement>();
  /** null: this sql.js build does not let the statement bind through the C API. */
  private readonly raws = new Map<string, RawStatement | null>();
  /** null: rows of this statement are read with sql.js's get(). */
  private readonly readers = new Map<string, RowReader | null>();

  constructor(
    private readonly db: Database,
    private readonly sql: SqlJsStatic,
  ) {}

  get(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  /** The statement bound through SQLite's C API (see rawStatement.ts), or undefined where that cannot be. */
  raw(sql: string): RawStatement | undefined {
    let raw = this.raws.get(sql);
    if (raw === undefined) {
      raw = RawStatement.open(this.sql, this.db, this.get(sql), sql) ?? null;
      this.raws.set(sql, raw);
    }
    return raw ?? undefined;
  }

  /**
   * Reads the row a cached statement was last stepped to: through the C API where it can (rowReader.ts).
   * `passing`: its blobs may be views that the next row overwrites (see RowReader.row).
   */
  rowOf(sql: string, passing = false): () => SqlValue[] {
    const stmt = this.get(sql);
    let reader = this.readers.get(sql);
    if (reader === undefined) {
      reader = RowReader.open(this.sql, stmt, sql) ?? null;
      this.readers.set(sql, reader);
    }
    return reader ? () => reader.row(passing) : () => stmt.get();
  }

  invalidate(): void {
    for (const raw of this.raws.values()) raw?.release();
    this.raws.clear();
    this.readers.clear();
    for (const stmt of this.cache.values()) {
      try {
        stmt.free();
      } catch {
        // Already freed by export(): nothing to release.
      }
    }
    this.cache.clear();
  }
}

/** All rows of a cached statement as arrays. */
export function allRows(stmts: Statements, sql: string, params: SqlValue[] = []): SqlValue[][] {
  const stmt = stmts.get(sql);
  const row = stmts.rowOf(sql);
  stmt.bind(params);
  const rows: SqlValue[][] = [];
  try {
    while (stmt.step()) rows.push(row());
  } finally {
    stmt.reset();
  }
  return rows;
}

/** Each row of a cached statement as it is stepped to: a big read need not hold every row at once. */
export function forEachRow(stmts: Statements, sql: string, params: SqlValue[], fn: (row: SqlValue[]) => void, passing = false): void {
  const stmt = stmts.get(sql);
  const row = stmts.rowOf(sql, passing);
  stmt.bind(params);
  try {
    while (stmt.step()) fn(row());
  } finally {
    stmt.reset();
  }
}

/** The first row of a cached statement, or undefined. */
export function firstRow(stmts: Statements, sql: string, params: SqlValue[] = []): SqlValue[] | undefined {
  const stmt = stmts.get(sql);
  const row = stmts.rowOf(sql);
  stmt.bind(params);
  try {
    return stmt.step() ? row() : undefined;
  } finally {
    stmt.reset();
  }
}

/** Rows of a one-off (dynamic) statement; prepared and freed here. */
export function queryOnce(db: Database, sql: string, params: BindParams = []): SqlValue[][] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const rows: SqlValue[][] = [];
    while (stmt.step()) rows.push(stmt.get());
    return rows;
  } finally {
    stmt.free();
  }
}

/** Runs `fn` inside BEGIN/COMMIT; any throw rolls everything back and rethrows. */
export function inTransaction<T>(db: Database, fn: () => T): T {
  db.run('BEGIN');
  try {
    const result = fn();
    db.run('COMMIT');
    return result;
  } catch (e) {
    try {
      db.run('ROLLBACK');
    } catch {
      // SQLite may already have rolled back (e.g. after SQLITE_FULL); the original error matters.
    }
    throw e;
  }
}

export function num(value: SqlValue | undefined): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

export function str(value: SqlValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}
