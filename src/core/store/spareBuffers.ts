// Buffers kept to be written again. Memory written for the first time costs a page fault every 4 KB: on
// the VMs we test on ~5-15 µs each, more than the copy that fills the page. Request bodies and prepared
// requests, a megabyte or so each, pass between the engine's threads by transfer; handed back once used,
// they are filled again instead of new memory.

/**
 * The size to make a buffer meant to come back, for `bytes`: rounded up to 64 KB, so that handed back it
 * also fits the next request, a few bytes longer (exporters' batches differ by a few bytes each).
 */
export const spareSize = (bytes: number): number => Math.ceil((bytes + 1) / 65536) * 65536;

export class SpareBuffers {
  private readonly spares: ArrayBuffer[] = [];

  /** At most `count` buffers kept, none over `maxBytes` (a rare huge one is let go). */
  constructor(
    private readonly count = 4,
    private readonly maxBytes = 8 * 2 ** 20,
  ) {}

  /** The smallest kept buffer of `bytes` or more, taken out; undefined when none is that big. */
  take(bytes: number): ArrayBuffer | undefined {
    let best = -1;
    for (let i = 0; i < this.spares.length; i++) {
      const n = this.spares[i]!.byteLength;
      if (n >= bytes && (best < 0 || n < this.spares[best]!.byteLength)) best = i;
    }
    return best < 0 ? undefined : this.spares.splice(best, 1)[0];
  }

  /** Every kept buffer, taken out (to be handed to another thread). */
  takeAll(): ArrayBuffer[] {
    return this.spares.splice(0);
  }

  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0 || buffer.byteLength > this.maxBytes) return;
    this.spares.push(buffer);
    if (this.spares.length > this.count) this.spares.shift();
  }
}
