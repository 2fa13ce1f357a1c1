// Short strings decoded once. A session's spans repeat a few short values tens of thousands of times: its
// id in every row, span names, model and provider names, event names and attribute keys. Decoded per span,
// each copy was a string of its own that the agent model kept (~30 MB of 100k agent spans) and that V8's
// young generation copied as it survived. A direct-mapped table, by a hash of the bytes, gives back the
// string decoded before when the bytes are the same; its keys live in one preallocated arena, so a miss
// (a value seen once, e.g. a response id) costs a copy of at most `maxBytes` bytes and no allocation.

/** A buffer that decodes UTF-8 natively (Node's Buffer, also over a wasm heap). */
export interface Utf8Bytes extends Uint8Array {
  utf8Slice(start: number, end: number): string;
}

const maxBytes = 48;
const slots = 4096; // a power of two
const arena = new Uint8Array(slots * maxBytes);
const lengths = new Int32Array(slots).fill(-1);
const strings: string[] = new Array<string>(slots).fill('');

/** bytes [start, end) of `b` as a string: the same string as the last time these bytes were decoded, when short. */
export function utf8String(b: Utf8Bytes, start: number, end: number): string {
  const length = end - start;
  if (length > maxBytes || length <= 0) return length <= 0 ? '' : b.utf8Slice(start, end);
  let h = 0x811c9dc5; // FNV-1a
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  const slot = (h ^ (h >>> 16)) & (slots - 1);
  const at = slot * maxBytes;
  if (lengths[slot] === length) {
    let i = 0;
    while (i < length && arena[at + i] === b[start + i]) i++;
    if (i === length) return strings[slot]!;
  }
  const s = b.utf8Slice(start, end);
  for (let i = 0; i < length; i++) arena[at + i] = b[start + i]!;
  lengths[slot] = length;
  strings[slot] = s;
  return s;
}
