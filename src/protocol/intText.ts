// Integer columns as text, for the graph webview's wire (graphPacking.ts). Each integer is zigzagged (sign in
// the low bit) and written 5 bits a character, least significant first, in base64url's alphabet: a character
// worth 32 or more says "more follows". A small delta (a parent one row back, the next timeline step) is one
// character where a JSON array spends two or three, and a column is one JSON string: it parses in a fraction of
// the time of an array of numbers and leaves no array behind. Strings go likewise as one text (joinedText).
// Pure: no vscode, node or DOM.
import type { JoinedTextDto } from './graph';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Character code -> digit (0-63); any other character reads as a last digit 0. */
const DIGIT = new Uint8Array(65536);
for (let d = 0; d < 64; d++) DIGIT[CODE[d]] = d;
/** Past this, integers are not exact in a double: written as 0. */
const LIMIT = 2 ** 52;

/** `values` as text; anything that is not a finite number is written as 0, a fraction rounded. */
export function intsText(values: ArrayLike<number>): string {
  const n = values.length;
  let buf = new Uint8Array(Math.max(16, n * 2));
  let at = 0;
  for (let i = 0; i < n; i++) {
    const raw = values[i];
    const v = typeof raw === 'number' && Math.abs(raw) < LIMIT ? Math.round(raw) : 0;
    let z = v >= 0 ? v * 2 : -v * 2 - 1;
    if (at + 12 > buf.length) {
      const grown = new Uint8Array(buf.length * 2);
      grown.set(buf);
      buf = grown;
    }
    while (z >= 32) {
      buf[at++] = CODE[32 + (z % 32)];
      z = Math.floor(z / 32);
    }
    buf[at++] = CODE[z];
  }
  let out = '';
  for (let from = 0; from < at; from += 8192) out += String.fromCharCode.apply(null, buf.subarray(from, Math.min(at, from + 8192)) as unknown as number[]);
  return out;
}

/**
 * The integers back. Untrusted text: a character outside the alphabet ends its integer, a last integer left
 * unfinished is dropped, and one too long to be exact reads as 0. Linear, whatever the text.
 */
export function textInts(text: string): Float64Array {
  // At most one integer a character: one pass, then the part filled.
  const out = new Float64Array(text.length);
  let k = 0;
  let z = 0;
  let scale = 1;
  for (let i = 0; i < text.length; i++) {
    const d = DIGIT[text.charCodeAt(i)];
    if (d >= 32) {
      z += (d - 32) * scale;
      scale *= 32;
      continue;
    }
    z += d * scale;
    out[k++] = z < LIMIT * 2 ? (z % 2 === 0 ? z / 2 : -(z + 1) / 2) : 0;
    z = 0;
    scale = 1;
  }
  return out.subarray(0, k);
}

/** `strings` as one text and their lengths. */
export function joinedText(strings: readonly string[]): JoinedTextDto {
  return { text: strings.join(''), lengths: intsText(strings.map((s) => s.length)) };
}

/**
 * The strings back. Untrusted: a length past the text's end takes what is left, a negative one is 0; a plain
 * array of strings is taken as it is; anything else is no strings.
 */
export function splitText(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  const j = v as Partial<JoinedTextDto> | null;
  if (typeof j !== 'object' || j === null || typeof j.text !== 'string') return [];
  const lengths = intColumn(j.lengths);
  const out = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const end = Math.min(j.text.length, at + Math.max(0, lengths[i]));
    out[i] = j.text.slice(at, end);
    at = end;
  }
  return out;
}

/** A column as sent: text (intsText), or a plain array of numbers (rounded); anything else is an empty column. */
export function intColumn(v: unknown): Float64Array {
  if (typeof v === 'string') return textInts(v);
  if (!Array.isArray(v)) return new Float64Array(0);
  return Float64Array.from(v, (x) => (typeof x === 'number' && Math.abs(x) < LIMIT ? Math.round(x) : 0));
}
