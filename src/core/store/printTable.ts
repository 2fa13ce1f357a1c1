// The piece dictionary's index (pieceDictionary.ts): 32-bit fingerprints to piece numbers.

/**
 * Fingerprint -> piece number (>= 0): open addressing with linear probing in one typed array of [print,
 * piece] pairs (a Map of ~90k pieces took 3-4 MB of JS heap). Deleting shifts the run after it back, so
 * there are no tombstones; -1 marks an empty slot.
 */
export class PrintTable {
  private table = new Int32Array(2 * 1024).fill(-1);
  private count = 0;

  get(print: number): number {
    const key = print | 0;
    const mask = this.table.length / 2 - 1;
    for (let slot = hashOf(key) & mask; ; slot = (slot + 1) & mask) {
      const piece = this.table[2 * slot + 1]!;
      if (piece < 0) return -1;
      if (this.table[2 * slot] === key) return piece;
    }
  }

  set(print: number, piece: number): void {
    const key = print | 0;
    if (2 * (this.count + 1) > this.table.length / 2) this.resize(this.table.length * 2);
    const mask = this.table.length / 2 - 1;
    let slot = hashOf(key) & mask;
    while (this.table[2 * slot + 1]! >= 0 && this.table[2 * slot] !== key) slot = (slot + 1) & mask;
    if (this.table[2 * slot + 1]! < 0) this.count++;
    this.table[2 * slot] = key;
    this.table[2 * slot + 1] = piece;
  }

  delete(print: number): void {
    const key = print | 0;
    const t = this.table;
    const mask = t.length / 2 - 1;
    let slot = hashOf(key) & mask;
    while (t[2 * slot] !== key || t[2 * slot + 1]! < 0) {
      if (t[2 * slot + 1]! < 0) return;
      slot = (slot + 1) & mask;
    }
    this.count--;
    // Backward shift: an entry after the hole moves into it unless its home lies after the hole (cyclically).
    for (let next = (slot + 1) & mask; t[2 * next + 1]! >= 0; next = (next + 1) & mask) {
      const home = hashOf(t[2 * next]!) & mask;
      if (((next - home) & mask) >= ((next - slot) & mask)) {
        t[2 * slot] = t[2 * next]!;
        t[2 * slot + 1] = t[2 * next + 1]!;
        slot = next;
      }
    }
    t[2 * slot + 1] = -1;
  }

  clear(): void {
    this.table = new Int32Array(2 * 1024).fill(-1);
    this.count = 0;
  }

  private resize(length: number): void {
    const old = this.table;
    this.table = new Int32Array(length).fill(-1);
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1]! >= 0) this.set(old[i]!, old[i + 1]!);
  }
}

/** Fingerprints are hashes already; this spreads those that differ only in high bits. */
const hashOf = (key: number): number => Math.imul(key ^ (key >>> 16), 0x45d9f3b) >>> 0;
