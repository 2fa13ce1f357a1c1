// The part of the sql.js API the store uses (the package ships no typings and @types/sql.js is not a
// dependency). Shapes follow sql.js 1.16 src/api.js.
declare module 'sql.js' {
  export type SqlValue = number | string | Uint8Array | null;
  /** Any typed array binds as a blob (sql.js copies it with HEAP8.set). */
  export type BindValue = SqlValue | Int8Array;
  export type BindParams = BindValue[] | Record<string, BindValue> | null;

  export interface QueryExecResult {
    columns: string[];
    values: SqlValue[][];
  }

  export interface Statement {
    bind(values?: BindParams): boolean;
    step(): boolean;
    get(params?: BindParams): SqlValue[];
    getAsObject(params?: BindParams): Record<string, SqlValue>;
    getColumnNames(): string[];
    run(values?: BindParams): void;
    reset(): boolean;
    free(): boolean;
  }

  export interface Database {
    run(sql: string, params?: BindParams): Database;
    exec(sql: string, params?: BindParams): QueryExecResult[];
    prepare(sql: string, params?: BindParams): Statement;
    export(): Uint8Array;
    close(): void;
    getRowsModified(): number;
    /** A scalar SQL function written in JS; blobs arrive as Uint8Array, booleans return as 1 or 0. */
    create_function(name: string, func: (...args: SqlValue[]) => SqlValue | boolean): Database;
  }

  export interface SqlJsStatic {
    Database: new (data?: ArrayLike<number> | Buffer | null) => Database;
    /** The wasm heap's allocator (exported by sql.js for its own glue); absent from other builds. */
    _malloc?: (bytes: number) => number;
    _free?: (pointer: number) => void;
    /** Copies bytes into the wasm heap at a pointer (sql.js's own glue). */
    writeArrayToMemory?: (array: Int8Array, pointer: number) => void;
  }

  export interface SqlJsConfig {
    locateFile?: (file: string, prefix?: string) => string;
    wasmBinary?: ArrayBuffer | Uint8Array;
    /**
     * Emscripten's hook: instantiate the module here and hand the instance to `receive` (sql.js ignores the
     * return value). The store uses it to keep the instance's memory (see wasmMemory.ts).
     */
    instantiateWasm?: (imports: object, receive: (instance: object, module: object) => void) => unknown;
  }

  export default function initSqlJs(config?: SqlJsConfig): Promise<SqlJsStatic>;
}
