// Where a long attribute string is cut into pieces the store keeps once each (sharedTexts.ts). Agent
// traffic repeats itself: every LLM call carries the system prompt, the tool schemas and the whole
// conversation so far, which grows at its end. Cutting JSON only at its structure (before a comma outside
// strings, at most two levels deep), greedily from the start once a piece has `minPiece` bytes, gives two
// calls of one conversation the same pieces for the same prefix: each call then adds only its new turns.
// A cut before an ASCII comma never splits a UTF-8 sequence, so every piece decodes on its own.
//
// A long piece (a system prompt with a line of its own at the end, a tool result that repeats most of the
// last one) is cut again where its content says: content-defined chunking with a gear hash of the last 32
// bytes, as backup tools do. A cut depends only on the bytes before it, so two strings cut the same way up
// to where they differ, and what they share is kept once even when the strings differ. Cuts never fall
// inside a UTF-8 sequence.

/** Strings shorter than this are kept in the span as they are: a reference would save too little. */
export const minSharedBytes = 256;
const minPiece = 256;
/**
 * Pieces cut by content are 128-320 bytes: the bytes a string does not share with others (its last piece,
 * often) then cost ~200 bytes, against ~2 KB for a realistic prompt kept whole.
 */
const minContentPiece = 128;
export const maxPiece = 320;
/** A cut where the gear hash's top 8 bits are 0: one byte in 256, past minContentPiece. */
const cutMask = 0xff000000 | 0;
const gear = gearTable();
const quote = 0x22, backslash = 0x5c, comma = 0x2c;
const open = [0x5b, 0x7b]; // [ {
const close = [0x5d, 0x7d]; // ] }

/** Pushes onto `cuts` the ends of the pieces of bytes [start, end) of `b`, the last being `end`. */
export type PieceCutter = (b: Uint8Array, start: number, end: number, cuts: number[]) => void;

/**
 * Pushes onto `cuts` the ends of the pieces of bytes [start, end) of `b` (the last is `end`): JSON is cut
 * at its structure, then every piece (and text that does not start as JSON) by `cutPiece`.
 */
export function pieceEnds(b: Uint8Array, start: number, end: number, cuts: number[], cutPiece: PieceCutter = contentCuts): void {
  const first = b[start]!;
  if (first !== open[0] && first !== open[1]) {
    cutPiece(b, start, end, cuts);
    return;
  }
  let depth = 0;
  let pieceStart = start;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === quote) {
      // Most of a prompt is inside strings: jump to the closing quote (one not escaped) natively.
      for (;;) {
        const at = b.indexOf(quote, i + 1);
        if (at < 0 || at >= end) {
          cutPiece(b, pieceStart, end, cuts);
          return;
        }
        i = at;
        let slashes = 0;
        while (b[at - 1 - slashes] === backslash) slashes++;
        if (slashes % 2 === 0) break;
      }
    } else if (c === open[0] || c === open[1]) depth++;
    else if (c === close[0] || c === close[1]) depth--;
    else if (c === comma && depth <= 2 && i - pieceStart >= minPiece) {
      cutPiece(b, pieceStart, i, cuts);
      pieceStart = i;
    }
  }
  cutPiece(b, pieceStart, end, cuts);
}

/** The ends of the content-defined pieces of bytes [start, end) of `b`: none longer than maxPiece. */
export const contentCuts: PieceCutter = (b, start, end, cuts) => {
  let from = start;
  while (end - from > minContentPiece) {
    // The hash of the 32 bytes before a candidate: start it 32 bytes before the first one.
    const last = Math.min(from + maxPiece, end);
    let h = 0;
    let cut = -1;
    for (let i = from + minContentPiece - 32; i < last; i++) {
      h = ((h << 1) + gear[b[i]!]!) | 0;
      // A cut before byte i + 1, which must start a UTF-8 sequence (not be 10xxxxxx).
      if ((h & cutMask) === 0 && i + 1 - from >= minContentPiece && (b[i + 1]! & 0xc0) !== 0x80) {
        cut = i + 1;
        break;
      }
    }
    if (cut < 0) {
      if (last === end) break;
      cut = last;
      while (cut < end && (b[cut]! & 0xc0) === 0x80) cut++;
    }
    if (cut >= end) break;
    cuts.push(cut);
    from = cut;
  }
  cuts.push(end);
};

/** 256 fixed pseudo-random words (xorshift32): the same text is cut the same way in every run. */
function gearTable(): Int32Array {
  const table = new Int32Array(256);
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    table[i] = x;
  }
  return table;
}
