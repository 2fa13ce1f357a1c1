// Finds a piece of text seen before by its bytes (sharedTexts.ts). Keying a Map by the piece as a string
// cost a copy of every piece looked up, several µs a span on the ingest path. A hash of the bytes (read
// four at a time) picks a bucket; a native compare of the bytes confirms. A bucket keeps its 8 newest
// pieces, so pieces made to share a hash cost a bounded number of compares. Copies of the pieces go into
// 1 MB slabs (a buffer, or a view, per piece made garbage that cost more than the lookup); past a byte
// budget the oldest slab goes, with every piece in it.

export interface Seen {
  /** Where its copy is: the piece's bytes are slab[at, at + length). */
  slab: Buffer;
  readonly at: number;
  readonly length: number;
  readonly print: number;
  /** Its text id, or 0 while it has been seen once (it stays in its span). */
  id: number;
  /** The next older piece of its bucket. */
  older: Seen | undefined;
  forgotten: boolean;
}

const perBucket = 8;
const slabBytes = 2 ** 20;
const noBytes = Buffer.alloc(0);

interface Slab {
  buf: Buffer;
  used: number;
  pieces: Seen[];
}

/** The bytes of a piece (a view: for the rare piece that becomes a text). */
export const bytesOf = (seen: Seen): Buffer => seen.slab.subarray(seen.at, seen.at + seen.length);

export class PieceDictionary {
  /** Hash -> the newest piece with it (older ones chained): no array per bucket. */
  private readonly buckets = new Map<number, Seen>();
  private slabs: Slab[] = [];
  /** The hash find() computed last: add() follows a find() that missed, for the same bytes. */
  private lastPrint = 0;

  constructor(private readonly budget: number) {}

  /** `print`: the bytes' fingerprint() when the caller has it (the decode worker hashed them). */
  find(b: Buffer, start: number, end: number, print = fingerprint(b, start, end)): Seen | undefined {
    this.lastPrint = print;
    const n = end - start;
    for (let seen = this.buckets.get(print); seen; seen = seen.older) {
      if (seen.length === n && b.compare(seen.slab, seen.at, seen.at + n, start, end) === 0) return seen;
    }
    return undefined;
  }

  /** Remembers bytes [start, end) of `b`, which find() just missed. */
  add(b: Buffer, start: number, end: number): Seen {
    const n = end - start;
    let slab = this.slabs[this.slabs.length - 1];
    if (!slab || slab.used + n > slab.buf.length) {
      // Past the budget the oldest slab's memory is filled again: fresh memory costs a page fault every 4 KB
      // (5-15 µs on the VMs we test on), more than the copies into it.
      let recycled: Buffer | undefined;
      while (this.slabs.length > 0 && (this.slabs.length + 1) * slabBytes > this.budget) {
        const oldest = this.slabs.shift()!;
        this.drop(oldest);
        if (oldest.buf.length >= n && oldest.buf.length <= slabBytes) recycled = oldest.buf;
      }
      this.slabs.push((slab = { buf: recycled ?? Buffer.allocUnsafeSlow(Math.max(slabBytes, n)), used: 0, pieces: [] }));
    }
    b.copy(slab.buf, slab.used, start, end);
    const newest = this.buckets.get(this.lastPrint);
    const seen: Seen = { slab: slab.buf, at: slab.used, length: n, print: this.lastPrint, id: 0, older: newest, forgotten: false };
    slab.used += n;
    slab.pieces.push(seen);
    this.buckets.set(seen.print, seen);
    // A bucket keeps its newest few: the rest are forgotten.
    let kept = 1;
    for (let s = newest; s; s = s.older) if (++kept > perBucket) this.forget(s);
    return seen;
  }

  forget(seen: Seen): void {
    if (seen.forgotten) return;
    seen.forgotten = true;
    seen.slab = noBytes;
    const newest = this.buckets.get(seen.print);
    if (newest === seen) {
      if (seen.older) this.buckets.set(seen.print, seen.older);
      else this.buckets.delete(seen.print);
    } else {
      for (let s = newest; s; s = s.older) {
        if (s.older === seen) {
          s.older = seen.older;
          break;
        }
      }
    }
    seen.older = undefined;
  }

  clear(): void {
    this.buckets.clear();
    this.slabs = [];
  }

  private drop(slab: Slab): void {
    for (const seen of slab.pieces) this.forget(seen);
  }
}

let viewed: Uint8Array | undefined;
let view: DataView | undefined;

/** A hash of every byte, read four at a time (one prepared request's spans share a buffer, so its view is kept). */
export function fingerprint(b: Uint8Array, start: number, end: number): number {
  if (b !== viewed) {
    viewed = b;
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  const v = view!;
  let h = Math.imul(end - start, 0x9e3779b1);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    h = Math.imul(h ^ v.getUint32(i, true), 0x5bd1e995);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}
