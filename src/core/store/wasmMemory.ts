// sql.js's wasm memory, kept at load time. sql.js exports SQLite's C functions but not the heap they write
// to; reading a result row through them (rowReader.ts) needs it. Emscripten's `instantiateWasm` hook lets
// the loader instantiate the module itself and keep the instance's memory on the way.
import { readFile } from 'node:fs/promises';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

/** What is used of a WebAssembly.Memory (the project's TypeScript libs carry no WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

declare const WebAssembly: {
  Memory: abstract new (...args: never[]) => WasmMemory;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> }; module: object }>;
};

const memories = new WeakMap<SqlJsStatic, WasmMemory>();

/** The wasm memory of a sql.js module loaded by loadKeepingMemory; undefined for any other. */
export function memoryOf(sql: SqlJsStatic): WasmMemory | undefined {
  return memories.get(sql);
}

/** sql.js initialised from `file`, its memory kept for memoryOf. A module that fails to instantiate rejects. */
export async function loadKeepingMemory(file: string): Promise<SqlJsStatic> {
  let memory: WasmMemory | undefined;
  let fail: (e: unknown) => void = () => undefined;
  // sql.js waits on `receive` for ever: a failure must reject from here.
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const sql = await Promise.race([
    initSqlJs({
      locateFile: () => file,
      instantiateWasm: (imports, receive) => {
        readFile(file)
          .then((bytes) => WebAssembly.instantiate(bytes, imports))
          .then(({ instance, module }) => {
            memory = Object.values(instance.exports).find((v): v is WasmMemory => v instanceof WebAssembly.Memory);
            receive(instance, module);
          })
          .catch(fail);
        return {};
      },
    }),
    failed,
  ]);
  if (memory) memories.set(sql, memory);
  return sql;
}
