// Finds a piece of text seen before by its bytes (sharedTexts.ts). Keying a Map by the piece as a string
// cost a copy of every piece looked up, several µs a span on the ingest path. A hash of the bytes (read
// four at a time) picks a bucket; a native compare of the bytes confirms. A bucket keeps its 8 newest
// pieces, so pieces made to share a hash cost a bounded number of compares. Copies of the pieces go into 1 MB slabs (a
// buffer of its own per piece cost more than the rest of the lookup); past a byte budget the oldest
// slab goes, with every piece in it.

export interface Seen {
  bytes: Buffer;
  readonly print: number;
  /** Its text id, or 0 while it has been seen once (it stays in its span). */
  id: number;
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

export class PieceDictionary {
  private readonly buckets = new Map<number, Seen[]>();
  private slabs: Slab[] = [];

  constructor(private readonly budget: number) {}

  find(b: Buffer, start: number, end: number): Seen | undefined {
    const bucket = this.buckets.get(fingerprint(b, start, end));
    if (!bucket) return undefined;
    const n = end - start;
    for (let i = bucket.length - 1; i >= 0; i--) {
      const seen = bucket[i]!;
      if (seen.bytes.length === n && b.compare(seen.bytes, 0, n, start, end) === 0) return seen;
    }
    return undefined;
  }

  add(b: Buffer, start: number, end: number): Seen {
    const n = end - start;
    let slab = this.slabs[this.slabs.length - 1];
    if (!slab || slab.used + n > slab.buf.length) {
      this.slabs.push((slab = { buf: Buffer.allocUnsafeSlow(Math.max(slabBytes, n)), used: 0, pieces: [] }));
      while (this.slabs.length > 1 && this.slabs.length * slabBytes > this.budget) this.drop(this.slabs.shift()!);
    }
    b.copy(slab.buf, slab.used, start, end);
    const seen: Seen = { bytes: slab.buf.subarray(slab.used, slab.used + n), print: fingerprint(b, start, end), id: 0, forgotten: false };
    slab.used += n;
    slab.pieces.push(seen);
    let bucket = this.buckets.get(seen.print);
    if (!bucket) this.buckets.set(seen.print, (bucket = []));
    if (bucket.length === perBucket) this.forget(bucket[0]!);
    bucket.push(seen);
    return seen;
  }

  forget(seen: Seen): void {
    if (seen.forgotten) return;
    seen.forgotten = true;
    seen.bytes = noBytes;
    const bucket = this.buckets.get(seen.print)!;
    bucket.splice(bucket.indexOf(seen), 1);
    if (bucket.length === 0) this.buckets.delete(seen.print);
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
function fingerprint(b: Uint8Array, start: number, end: number): number {
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
