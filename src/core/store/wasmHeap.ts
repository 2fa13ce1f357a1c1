// sql.js grows its wasm memory ~20% at a time, and V8 follows a growth of a large memory with a full
// mark-compact of the whole JS heap (the grown buffer counts as new external memory). Dozens of growths on
// the way to a few hundred MB, each as long as a full GC of whatever the process holds (a backlog of decoded
// requests, the extension host): 100-500 ms pauses inside ingest slices. Reserving room ahead in doubling
// steps turns them into a handful. A reservation is a malloc and a free: the pages are never touched, so it
// costs address space, not resident memory.
//
// The first write to each new 4 KB page of the heap costs a page fault, and faults taken inside SQLite's
// wasm code measured about twice as dear as the same faults taken from JS (on the 2-core VMs we test
// on: a heap touched beforehand saved ~2.5 us a stored span; touching it from JS cost ~1.25 us a span).
// So the few MB just ahead of the database are touched from JS, a step at a time, after writes.
import type { SqlJsStatic } from 'sql.js';

const minStep = 128 * 2 ** 20;
/** Heap touched ahead of the database; touched again after the database grows by half of it. */
const touchAhead = 8 * 2 ** 20;
const osPage = 4096;

export class HeapReserve {
  /** Database size up to which the heap has room without growing. */
  private roomUntil = -1;
  /** Database size up to which the heap ahead of it has been touched. */
  private touchedUntil = -1;

  constructor(private readonly sql: SqlJsStatic) {}

  /** Called with the database's size (bytes of its pages) after writes. */
  ensure(dbBytes: number): void {
    this.reserve(dbBytes);
    if (dbBytes >= this.touchedUntil) this.touch(dbBytes);
  }

  /**
   * Touches a block of the heap's free top: the allocator hands out memory from the top's start, so that
   * is where SQLite's next pages go. One byte a page is enough to fault it in.
   */
  private touch(dbBytes: number): void {
    const { _malloc: malloc, _free: free, writeArrayToMemory: write } = this.sql;
    this.touchedUntil = dbBytes + touchAhead / 2;
    if (!malloc || !free || !write) return;
    const pointer = malloc(touchAhead);
    if (!pointer) return;
    const zero = new Int8Array(1);
    for (let at = pointer + osPage - (pointer % osPage); at < pointer + touchAhead; at += osPage) write(zero, at);
    free(pointer);
  }

  private reserve(dbBytes: number): void {
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
