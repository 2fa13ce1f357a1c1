// Binding through SQLite's C API, which sql.js exports for its own glue. sql.js binds every value in JS
// (a malloc, a UTF-8 encode loop and a free per string, an error check per call): half of what a span row
// cost to insert. Here the text of many rows is copied into the wasm heap in one go and bound in place
// (SQLITE_STATIC), numbers directly. Used where rows are many (span inserts); everything else keeps sql.js's API.
import type { Database, SqlJsStatic, Statement } from 'sql.js';

/** The C functions (wasm exports) and heap helpers this needs; every sql.js 1.x build exports them. */
interface CApi {
  _sqlite3_bind_text(stmt: number, index: number, text: number, bytes: number, destructor: number): number;
  _sqlite3_bind_blob(stmt: number, index: number, blob: number, bytes: number, destructor: number): number;
  _sqlite3_bind_double(stmt: number, index: number, value: number): number;
  _sqlite3_bind_int(stmt: number, index: number, value: number): number;
  _sqlite3_clear_bindings(stmt: number): number;
  _sqlite3_step(stmt: number): number;
  _sqlite3_reset(stmt: number): number;
  _sqlite3_sql(stmt: number): number;
  _sqlite3_errmsg(db: number): number;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  writeArrayToMemory(array: Int8Array, pointer: number): void;
  UTF8ToString(pointer: number): string;
}

const SQLITE_OK = 0;
const SQLITE_DONE = 101;
/** A destructor of 0 tells SQLite the bound text stays put until the statement is reset or re-bound. */
const SQLITE_STATIC = 0;
const minHeapBytes = 1 << 16;

/** sql.js's module as `T` when it exports every function `needed` names (its own glue uses them). */
export function exportedFunctions<T>(sql: SqlJsStatic, needed: readonly (keyof T & string)[]): T | undefined {
  const api = sql as unknown as Record<string, unknown>;
  return needed.every((name) => typeof api[name] === 'function') ? (api as T) : undefined;
}

function cApiOf(sql: SqlJsStatic): CApi | undefined {
  return exportedFunctions<CApi>(sql, [
    '_sqlite3_bind_text', '_sqlite3_bind_blob', '_sqlite3_bind_double', '_sqlite3_bind_int', '_sqlite3_clear_bindings',
    '_sqlite3_step', '_sqlite3_reset', '_sqlite3_sql', '_sqlite3_errmsg', '_malloc', '_free', 'writeArrayToMemory',
    'UTF8ToString',
  ]);
}

/**
 * Which property of a sql.js Statement holds its sqlite3_stmt*. sql.js keeps the pointer under a name its
 * minifier chose (and zeroes it when the statement is freed); it is the numeric property for which
 * SQLite reports the statement's own SQL back.
 */
export function statementPointer(api: Pick<CApi, '_sqlite3_sql' | 'UTF8ToString'>, stmt: Statement, sql: string): string | undefined {
  for (const [key, value] of Object.entries(stmt)) {
    // Pointers are never small (the heap starts after the static data); small numbers are counters.
    if (typeof value === 'number' && value >= 1024 && api.UTF8ToString(api._sqlite3_sql(value)) === sql) return key;
  }
  return undefined;
}

/** The sqlite3* behind a sql.js Database (its `db` property), for error messages. */
function databasePointer(db: Database): number {
  const value = (db as unknown as { db?: unknown }).db;
  return typeof value === 'number' ? value : 0;
}

/**
 * One prepared statement bound and stepped through the C API, its text arguments read in place from a
 * copy in the wasm heap (copyText). Undefined from `open` when this sql.js build does not allow it;
 * callers then bind through sql.js.
 */
export class RawStatement {
  /** The text copy: a malloc'd block of the heap, kept and reused until a larger copy is needed. */
  private heap = 0;
  private heapBytes = 0;
  private readonly stmt: number;

  private constructor(
    private readonly api: CApi,
    private readonly db: number,
    /** The sql.js Statement that owns the pointer (it finalizes it). */
    private readonly owner: Record<string, unknown>,
    private readonly key: string,
  ) {
    this.stmt = owner[key] as number;
  }

  static open(sql: SqlJsStatic, db: Database, stmt: Statement, text: string): RawStatement | undefined {
    const api = cApiOf(sql);
    const key = api && statementPointer(api, stmt, text);
    return api && key ? new RawStatement(api, databasePointer(db), stmt as unknown as Record<string, unknown>, key) : undefined;
  }

  /** Copies bytes into the heap; text() and blob() then bind parts of them. */
  copyText(bytes: Int8Array): void {
    if (bytes.length > this.heapBytes) {
      this.release();
      this.heapBytes = Math.max(minHeapBytes, 2 ** Math.ceil(Math.log2(bytes.length)));
      this.heap = this.api._malloc(this.heapBytes);
      if (!this.heap) {
        this.heapBytes = 0;
        throw new Error(`out of memory: no room for ${bytes.length} bytes of span text in the wasm heap`);
      }
    }
    this.api.writeArrayToMemory(bytes, this.heap);
  }

  text(index: number, offset: number, length: number): void {
    this.check(this.api._sqlite3_bind_text(this.stmt, index, this.heap + offset, length, SQLITE_STATIC));
  }

  blob(index: number, offset: number, length: number): void {
    this.check(this.api._sqlite3_bind_blob(this.stmt, index, this.heap + offset, length, SQLITE_STATIC));
  }

  number(index: number, value: number): void {
    // bind_int takes 32 bits; larger integers bind as doubles, which SQLite stores as integers again
    // in INTEGER columns.
    const rc = (value | 0) === value ? this.api._sqlite3_bind_int(this.stmt, index, value) : this.api._sqlite3_bind_double(this.stmt, index, value);
    this.check(rc);
  }

  /** Runs the bound statement (it returns no rows), then resets it; throws SQLite's message on failure. */
  run(): void {
    const rc = this.api._sqlite3_step(this.stmt);
    this.api._sqlite3_reset(this.stmt);
    if (rc !== SQLITE_DONE) this.fail(rc);
  }

  /** Drops the bindings (they point into the heap copy), unless sql.js freed the statement, and frees the copy. */
  release(): void {
    if (this.owner[this.key] === this.stmt) this.api._sqlite3_clear_bindings(this.stmt);
    if (this.heap) this.api._free(this.heap);
    this.heap = 0;
    this.heapBytes = 0;
  }

  private check(rc: number): void {
    if (rc !== SQLITE_OK) this.fail(rc);
  }

  private fail(rc: number): never {
    const message = this.db ? this.api.UTF8ToString(this.api._sqlite3_errmsg(this.db)) : '';
    throw new Error(message || `SQLite error ${rc}`);
  }
}
