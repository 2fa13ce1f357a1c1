// sql.js grows its wasm memory ~20% at a time, and V8 follows a growth of a large memory with a full
// mark-compact of the whole JS heap (the grown buffer counts as new external memory). Dozens of growths on
// the way to a few hundred MB, each as long as a full GC of whatever the process holds (a backlog of decoded
// requests, the extension host): 100-500 ms pauses inside ingest slices. Reserving room ahead in doubling
// steps turns them into a handful. A reservation is a malloc and a free: the pages are never touched, so it
// costs address space, not resident memory.
import type { SqlJsStatic } from 'sql.js';

const minStep = 128 * 2 ** 20;

export class HeapReserve {
  /** Database size up to which the heap has room without growing. */
  private roomUntil = -1;

  constructor(private readonly sql: SqlJsStatic) {}

  /** Called with the database's size (bytes of its pages) after writes. */
  ensure(dbBytes: number): void {
    if (dbBytes < this.roomUntil) return;
    const { _malloc: malloc, _free: free } = this.sql;
    if (!malloc || !free) {
      this.roomUntil = Infinity; // another build of sql.js: nothing to do
      return;
    }
    // The database's size again (at least 128 MB): a handful of growths take it to the 1 GB cap.
    for (let size = Math.max(minStep, dbBytes); size >= minStep / 4; size = Math.round(size / 2)) {
      const pointer = malloc(size);
      if (pointer) {
        free(pointer);
        // Pages are not all SQLite allocates (cache headers, statements, the journal): re-arm early.
        this.roomUntil = dbBytes + size * 0.75;
        return;
      }
    }
    // Near the heap's limit: retention will free pages; try again after the next step's worth.
    this.roomUntil = dbBytes + minStep / 4;
  }
}
