// Text columns written as UTF-8 straight from protobuf bytes, for the decode worker's fast path
// (protoPrepared.ts): ids as hex, strings as they are (or as decoding would give them).
import { isUtf8 } from 'node:buffer';
import type { ByteBuffer } from './byteBuffer';

const hexChars = Buffer.from('0123456789abcdef', 'latin1');
/** Bytes as lowercase hex; returns the length after them. */
export function hex(out: ByteBuffer, buf: Buffer, start: number, end: number): number {
  out.room(2 * (end - start));
  const o = out.buf;
  let at = out.length;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    o[at++] = hexChars[byte >> 4]!;
    o[at++] = hexChars[byte & 15]!;
  }
  return (out.length = at);
}

/** UTF-8 text as it is, or re-encoded with U+FFFD where it is not valid UTF-8 (as decoding it would). */
export function utf8(out: ByteBuffer, buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      if (isUtf8(buf.subarray(start, end))) break;
      return out.string(buf.toString('utf8', start, end));
    }
  }
  return out.copy(buf, start, end);
}

/**
 * Whether `a[aStart, aStart + length)` and `b[bStart, bStart + length)` hold the same bytes. A loop, not
 * Buffer.compare: for attribute keys of 10-40 bytes the native call cost more than the compare.
 */
export function sameBytes(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): boolean {
  let i = 0;
  while (i < length && a[aStart + i] === b[bStart + i]) i++;
  return i === length;
}
