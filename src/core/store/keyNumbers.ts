// Well-known attribute keys (otlp/wellKnownKeys.ts) found by their bytes, as the decode worker meets them
// in a request: by the piece dictionary's fingerprint in a fingerprint table, confirmed byte for byte.
import { wellKnownKeys } from '../otlp/wellKnownKeys';
import { fingerprint } from './pieceDictionary';
import { PrintTable } from './printTable';
import { sameBytes } from './textBytes';

const byPrint = new PrintTable();
const keyBytes: Buffer[] = [];
let longest = 0;
for (const [id, key] of wellKnownKeys()) {
  const b = (keyBytes[id] = Buffer.from(key, 'utf8'));
  const print = fingerprint(b, 0, b.length);
  if (byPrint.get(print) >= 0) throw new Error(`wellKnownKeys: "${key}" has the fingerprint of another key`);
  // The decode worker writes a number where the key was, in place: it must not take more bytes.
  if (b.length < (id < 128 ? 1 : 2)) throw new Error(`wellKnownKeys: "${key}" is shorter than its number`);
  byPrint.set(print, id);
  longest = Math.max(longest, b.length);
}

/** The number of the well-known key whose UTF-8 is `b[start, end)` (0 for any other), without decoding it. */
export function idOfKeyBytes(b: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length <= 0 || length > longest) return 0;
  const id = byPrint.get(fingerprint(b, start, end));
  const k = id > 0 ? keyBytes[id]! : undefined;
  return k && k.length === length && sameBytes(k, 0, b, start, length) ? id : 0;
}
