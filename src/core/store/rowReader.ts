// Reading a result row through SQLite's C API and a view of the wasm heap. sql.js's Statement.get() copies
// a blob into a new array one byte at a time in JS and decodes text in JS: on a 100k-span session's read,
// ~190 ms for the blobs alone. Here a blob is one native copy and a text one native UTF-8 decode; the
// values are what get() gives (numbers as doubles, blobs as Uint8Arrays of their own, NULL as null).
import type { SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { utf8String, type Utf8Bytes } from '../otlp/shortStrings';
import { exportedFunctions, statementPointer } from './rawStatement';
import { memoryOf, type WasmMemory } from './wasmMemory';

/** The C functions this needs; every sql.js 1.x build exports them for its own glue. */
interface ColumnApi {
  _sqlite3_data_count(stmt: number): number;
  _sqlite3_column_type(stmt: number, column: number): number;
  _sqlite3_column_double(stmt: number, column: number): number;
  _sqlite3_column_text(stmt: number, column: number): number;
  _sqlite3_column_blob(stmt: number, column: number): number;
  _sqlite3_column_bytes(stmt: number, column: number): number;
  _sqlite3_sql(stmt: number): number;
  UTF8ToString(pointer: number): string;
}

const SQLITE_INTEGER = 1;
const SQLITE_FLOAT = 2;
const SQLITE_TEXT = 3;
const SQLITE_BLOB = 4;

function columnApiOf(sql: SqlJsStatic): ColumnApi | undefined {
  return exportedFunctions<ColumnApi>(sql, [
    '_sqlite3_data_count', '_sqlite3_column_type', '_sqlite3_column_double', '_sqlite3_column_text', '_sqlite3_column_blob',
    '_sqlite3_column_bytes', '_sqlite3_sql', 'UTF8ToString',
  ]);
}

export class RowReader {
  private buffer: ArrayBuffer | undefined;
  private bytes = new Uint8Array(0);
  private text = Buffer.alloc(0) as Buffer & Utf8Bytes;
  /** Where `passing` rows' blobs are copied. */
  private scratch = new Uint8Array(4096);
  private scratchUsed = 0;

  private constructor(
    private readonly api: ColumnApi,
    private readonly memory: WasmMemory,
    /** The sql.js Statement and the property holding its sqlite3_stmt* (0 once freed). */
    private readonly owner: Record<string, unknown>,
    private readonly key: string,
  ) {}

  /** Undefined when this sql.js build or load does not allow it: callers use Statement.get(). */
  static open(sql: SqlJsStatic, stmt: Statement, text: string): RowReader | undefined {
    const api = columnApiOf(sql);
    const memory = memoryOf(sql);
    const key = api && memory && statementPointer(api, stmt, text);
    return api && memory && key ? new RowReader(api, memory, stmt as unknown as Record<string, unknown>, key) : undefined;
  }

  /**
   * The row the statement was last stepped to, as Statement.get() gives it. `passing`: for a row read and
   * let go of before the next, its blobs are views of one buffer the next row reuses (an ArrayBuffer of
   * its own per blob cost 2-3 us a row).
   */
  row(passing = false): SqlValue[] {
    const { api } = this;
    const stmt = this.owner[this.key] as number;
    // The heap grows (and its buffer is replaced) only inside SQLite calls: once per row is enough.
    if (this.memory.buffer !== this.buffer) this.view();
    const count = api._sqlite3_data_count(stmt);
    this.scratchUsed = 0;
    const row = new Array<SqlValue>(count);
    for (let i = 0; i < count; i++) {
      switch (api._sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
        case SQLITE_FLOAT:
          row[i] = api._sqlite3_column_double(stmt, i);
          break;
        case SQLITE_TEXT: {
          // Text first, then its length: SQLite's order for a value that may be converted.
          const at = api._sqlite3_column_text(stmt, i);
          row[i] = utf8String(this.text, at, at + api._sqlite3_column_bytes(stmt, i));
          break;
        }
        case SQLITE_BLOB: {
          const at = api._sqlite3_column_blob(stmt, i);
          const end = at + api._sqlite3_column_bytes(stmt, i);
          row[i] = passing ? this.passingCopy(at, end) : this.bytes.slice(at, end);
          break;
        }
        default:
          row[i] = null;
      }
    }
    return row;
  }

  /** A blob of the row being read, after the row's earlier ones in the scratch buffer (a bigger buffer when it is full). */
  private passingCopy(start: number, end: number): Uint8Array {
    const length = end - start;
    if (this.scratch.length - this.scratchUsed < length) {
      this.scratch = new Uint8Array(Math.max(2 * this.scratch.length, length));
      this.scratchUsed = 0;
    }
    const at = this.scratchUsed;
    this.scratch.set(this.bytes.subarray(start, end), at);
    this.scratchUsed += length;
    return this.scratch.subarray(at, at + length);
  }

  private view(): void {
    const buffer = (this.buffer = this.memory.buffer);
    this.bytes = new Uint8Array(buffer);
    this.text = Buffer.from(buffer) as Buffer & Utf8Bytes;
  }
}
