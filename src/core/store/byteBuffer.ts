// A growing byte buffer for text on its way into SQLite: UTF-8 appended at the end, read back by offset.

/** The fast native UTF-8 writers Node's Buffer has behind write() (no argument checks). */
type NodeBuffer = Buffer & { utf8Write(text: string, offset: number): number };

export class ByteBuffer {
  buf: NodeBuffer;
  length = 0;

  /** `reuse`: memory to write into (used before, so its pages are in), when it holds `initialBytes`. */
  constructor(initialBytes = 1 << 16, reuse?: ArrayBuffer) {
    this.buf = (reuse && reuse.byteLength >= initialBytes ? Buffer.from(reuse) : Buffer.allocUnsafeSlow(initialBytes)) as NodeBuffer;
  }

  /** Makes room for `bytes` more. */
  room(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(this.length + bytes))) as NodeBuffer;
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  /** Appends `text` as UTF-8; returns the length after it. */
  string(text: string): number {
    this.room(text.length * 3); // the most UTF-8 bytes a UTF-16 string can need
    return (this.length += this.buf.utf8Write(text, this.length));
  }

  /**
   * Appends `text` as UTF-8 and returns a view of those bytes, for sql.js to bind (it copies an Int8Array
   * with one native copy, where it encodes a string with a JS loop). The view stays valid and unchanged
   * until `length` is reset: growing copies into a new buffer and leaves the old one to its views.
   */
  stringView(text: string): Int8Array {
    const start = this.length;
    const end = this.string(text);
    return new Int8Array(this.buf.buffer, this.buf.byteOffset + start, end - start);
  }

  /** Appends text known to be ASCII (numbers, base64, JSON punctuation). */
  ascii(text: string): void {
    // A loop: the pieces are short, and a native write costs more to call than to copy them.
    const n = text.length;
    this.room(n);
    const b = this.buf;
    let at = this.length;
    for (let i = 0; i < n; i++) b[at++] = text.charCodeAt(i);
    this.length = at;
  }

  byte(value: number): void {
    this.room(1);
    this.buf[this.length++] = value;
  }

  /** Appends bytes (a loop for a few: cheaper than a native copy for short ones). */
  bytes(from: Uint8Array): void {
    const n = from.length;
    this.room(n);
    const b = this.buf;
    const at = this.length;
    if (n > 64) b.set(from, at);
    else for (let i = 0; i < n; i++) b[at + i] = from[i]!;
    this.length = at + n;
  }

  /** Appends a protobuf varint (a length). */
  varint(value: number): void {
    this.room(5);
    this.length = putVarint(this.buf, this.length, value);
  }

  /** Appends bytes [start, end) of `from`; returns the length after them. */
  copy(from: Buffer, start: number, end: number): number {
    this.room(end - start);
    return (this.length = putBytes(this.buf, this.length, from, start, end));
  }

  /**
   * The bytes written, as a view of this buffer's own ArrayBuffer (transferable, not copied); the
   * ByteBuffer is done with then.
   */
  hand(): Uint8Array {
    const out = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.length);
    this.buf = Buffer.alloc(0) as NodeBuffer;
    this.length = 0;
    return out;
  }

  /** The bytes written, in an ArrayBuffer of their own (transferable). */
  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    return out;
  }
}

/** Bytes [start, end) of `from` written at `at` of `to`, which has room for them; the index after them. */
export function putBytes(to: Buffer, at: number, from: Buffer, start: number, end: number): number {
  // Buffer.copy checks its arguments in JS first: a loop is cheaper for the many short fields copied.
  if (end - start > 64) return at + from.copy(to, at, start, end);
  for (let i = start; i < end; i++) to[at++] = from[i]!;
  return at;
}

/** A protobuf varint written at `at` of `to`, which has room for it (5 bytes); the index after it. */
export function putVarint(to: Buffer, at: number, value: number): number {
  while (value > 0x7f) {
    to[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  to[at++] = value;
  return at;
}
