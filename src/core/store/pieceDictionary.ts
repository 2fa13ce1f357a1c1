// Finds a piece of text seen before by its bytes (sharedTexts.ts). Keying a Map by the piece as a string
// cost a copy of every piece looked up, several µs a span on the ingest path. A hash of the bytes (read
// four at a time) picks a bucket; a native compare of the bytes confirms. A bucket keeps its 8 newest
// pieces, so pieces made to share a hash cost a bounded number of compares. Copies of the pieces go into
// 1 MB slabs (a buffer, or a view, per piece made garbage that cost more than the lookup); past a byte
// budget the oldest slab goes, with every piece in it.
import { PrintTable } from './printTable';

/**
 * A piece kept: a number that names it for as long as it is kept (pieces are numbered in the order they
 * come, and never renumbered). -1: none.
 */
export type Piece = number;

const perBucket = 8;
const defaultSlabBytes = 2 ** 20;

/** A dictionary's sizes (the store's defaults but in the warm-up's scratch stores: warmUp.ts). */
export interface DictionarySizes {
  /** Bytes of pieces kept at most (whole slabs). */
  budget: number;
  slabBytes?: number;
  /** Pieces the columns hold before they first grow. */
  columns?: number;
}

interface Slab {
  buf: Buffer;
  used: number;
  /** Its first piece; its pieces run to the next slab's first (or the dictionary's next). */
  first: Piece;
}

/**
 * The pieces' facts are columns of typed arrays, not an object each: ~90k pieces (a 16 MB budget of unique
 * prompts) took 14 MB of JS heap as objects, and the pages V8 kept around them about twice that.
 * Pieces go oldest first (a slab at a time), so those kept are the numbers [base, next), stored from `stored`.
 */
export class PieceDictionary {
  /** Fingerprint -> the newest piece with it; older ones are chained through `older`. */
  private readonly buckets = new PrintTable();
  private slabs: Slab[] = [];
  /** The hash find() computed last: add() follows a find() that missed, for the same bytes. */
  private lastPrint = 0;
  /** Kept pieces are base <= piece < next; the columns hold pieces from `stored` on. */
  private base = 0;
  private next = 0;
  private stored = 0;
  // The columns (see `columns`), made in the constructor and moved by room().
  private slab!: Int32Array;
  private at!: Int32Array;
  private length!: Int32Array;
  private print!: Int32Array;
  private id!: Int32Array;
  private older!: Int32Array;
  /** 1 once forgotten (an Int32Array as the other columns: they move and grow as one). */
  private forgotten!: Int32Array;
  /** Slab index of the oldest slab kept (slabs are numbered in the order they come). */
  private firstSlab = 0;

  private readonly budget: number;
  private readonly slabBytes: number;

  constructor(sizes: DictionarySizes) {
    this.budget = sizes.budget;
    this.slabBytes = sizes.slabBytes ?? defaultSlabBytes;
    for (const column of columns) this[column] = new Int32Array(sizes.columns ?? 1024);
  }

  /** `print`: the bytes' fingerprint() when the caller has it (the decode worker hashed them). */
  find(b: Buffer, start: number, end: number, print = fingerprint(b, start, end)): Piece {
    this.lastPrint = print;
    const n = end - start;
    for (let piece = this.buckets.get(print); piece >= 0; piece = this.older[piece - this.stored]!) {
      const i = piece - this.stored;
      if (this.length[i] === n && this.print[i] === (print | 0) && b.compare(this.slabOf(i), this.at[i]!, this.at[i]! + n, start, end) === 0) return piece;
    }
    return -1;
  }

  /** Remembers bytes [start, end) of `b`, which find() just missed. */
  add(b: Buffer, start: number, end: number): Piece {
    const n = end - start;
    let slab = this.slabs[this.slabs.length - 1];
    if (!slab || slab.used + n > slab.buf.length) {
      // Past the budget the oldest slab's memory is filled again: fresh memory costs a page fault every 4 KB
      // (5-15 µs on the VMs we test on), more than the copies into it.
      let recycled: Buffer | undefined;
      while (this.slabs.length > 0 && (this.slabs.length + 1) * this.slabBytes > this.budget) {
        const oldest = this.slabs.shift()!;
        this.firstSlab++;
        this.dropTo(this.slabs[0]?.first ?? this.next);
        if (oldest.buf.length >= n && oldest.buf.length <= this.slabBytes) recycled = oldest.buf;
      }
      this.slabs.push((slab = { buf: recycled ?? Buffer.allocUnsafeSlow(Math.max(this.slabBytes, n)), used: 0, first: this.next }));
    }
    b.copy(slab.buf, slab.used, start, end);
    const piece = this.next++;
    const i = this.room(piece);
    const key = this.lastPrint | 0;
    const newest = this.buckets.get(key);
    this.slab[i] = this.firstSlab + this.slabs.length - 1;
    this.at[i] = slab.used;
    this.length[i] = n;
    this.print[i] = this.lastPrint | 0;
    this.id[i] = 0;
    this.older[i] = newest;
    this.forgotten[i] = 0;
    slab.used += n;
    this.buckets.set(key, piece);
    // A bucket keeps its newest few: the rest are forgotten.
    let kept = 1;
    for (let p = newest; p >= 0; p = this.older[p - this.stored]!) if (++kept > perBucket) this.forget(p);
    return piece;
  }

  /** Its text id (0 while it has been seen once: it stays in its span). */
  idOf(piece: Piece): number {
    return this.id[piece - this.stored]!;
  }

  setId(piece: Piece, id: number): void {
    this.id[piece - this.stored] = id;
  }

  /** The bytes of a piece (a view: for the rare piece that becomes a text). */
  bytesOf(piece: Piece): Buffer {
    const i = piece - this.stored;
    return this.slabOf(i).subarray(this.at[i]!, this.at[i]! + this.length[i]!);
  }

  /** Whether `piece` is still kept (false once forgotten, or gone with its slab). */
  has(piece: Piece): boolean {
    return piece >= this.base && piece < this.next && this.forgotten[piece - this.stored] === 0;
  }

  forget(piece: Piece): void {
    if (!this.has(piece)) return;
    const i = piece - this.stored;
    this.forgotten[i] = 1;
    const key = this.print[i]!;
    const newest = this.buckets.get(key);
    if (newest === piece) {
      if (this.older[i]! >= 0) this.buckets.set(key, this.older[i]!);
      else this.buckets.delete(key);
    } else {
      for (let p = newest; p >= 0; p = this.older[p - this.stored]!) {
        if (this.older[p - this.stored] === piece) {
          this.older[p - this.stored] = this.older[i]!;
          break;
        }
      }
    }
    this.older[i] = -1;
  }

  clear(): void {
    this.buckets.clear();
    this.slabs = [];
    this.firstSlab = 0;
    this.base = this.stored = this.next;
  }

  private slabOf(i: number): Buffer {
    return this.slabs[this.slab[i]! - this.firstSlab]!.buf;
  }

  /** Forgets the kept pieces before `to` (the oldest slab's). */
  private dropTo(to: Piece): void {
    for (let p = this.base; p < to; p++) this.forget(p);
    this.base = to;
  }

  /** The column index for a new piece: the columns move down (past dropped pieces), doubling unless half of them went. */
  private room(piece: Piece): number {
    if (piece - this.stored < this.at.length) return piece - this.stored;
    const dropped = this.base - this.stored;
    const keep = this.next - this.base;
    const size = dropped >= this.at.length / 2 ? this.at.length : this.at.length * 2;
    for (const column of columns) this[column] = moved(this[column], size, dropped, keep);
    this.stored = this.base;
    return piece - this.stored;
  }
}

const columns = ['slab', 'at', 'length', 'print', 'id', 'older', 'forgotten'] as const;

/** `count` values of `a` from `from`, at the start of a column of `size`. */
function moved(a: Int32Array, size: number, from: number, count: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size);
  out.set(a.subarray(from, from + count));
  return out;
}

let viewed: Uint8Array | undefined;
let view: DataView | undefined;

/**
 * A hash of every byte, read four at a time in four independent lanes (each multiply waits only for its
 * own lane: 0.21 against 0.38-0.41 ns a byte for one lane, on ~280-byte pieces; the decode worker hashes
 * every long string of every span). One prepared request's spans share a buffer, so its view is kept.
 */
export function fingerprint(b: Uint8Array, start: number, end: number): number {
  if (b !== viewed) {
    viewed = b;
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  const v = view!;
  let h = Math.imul(end - start, 0x9e3779b1);
  let g = h ^ 0x7f4a7c15;
  let k = h ^ 0x2545f491;
  let m = h ^ 0x6c8e9cf5;
  let i = start;
  for (; i + 16 <= end; i += 16) {
    h = Math.imul(h ^ v.getUint32(i, true), 0x5bd1e995);
    h ^= h >>> 15;
    g = Math.imul(g ^ v.getUint32(i + 4, true), 0x5bd1e995);
    g ^= g >>> 15;
    k = Math.imul(k ^ v.getUint32(i + 8, true), 0x5bd1e995);
    k ^= k >>> 15;
    m = Math.imul(m ^ v.getUint32(i + 12, true), 0x5bd1e995);
    m ^= m >>> 15;
  }
  for (; i + 4 <= end; i += 4) {
    h = Math.imul(h ^ v.getUint32(i, true), 0x5bd1e995);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  // The lanes folded in, each rotated differently: equal words in different lanes do not cancel.
  h = Math.imul(h ^ ((g << 13) | (g >>> 19)), 0x5bd1e995);
  h ^= h >>> 15;
  h = Math.imul(h ^ ((k << 7) | (k >>> 25)), 0x5bd1e995);
  h ^= h >>> 15;
  h = Math.imul(h ^ ((m << 23) | (m >>> 9)), 0x5bd1e995);
  return (h ^ (h >>> 15)) >>> 0;
}
