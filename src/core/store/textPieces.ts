// Where a long attribute string is cut into pieces the store keeps once each (sharedTexts.ts). Agent
// traffic repeats itself: every LLM call carries the system prompt, the tool schemas and the whole
// conversation so far, which grows at its end. Cutting JSON only at its structure (before a comma outside
// strings, at most two levels deep), greedily from the start once a piece has `minPiece` bytes, gives two
// calls of one conversation the same pieces for the same prefix: each call then adds only its new turns.
// A cut before an ASCII comma never splits a UTF-8 sequence, so every piece decodes on its own.

/** Strings shorter than this are kept in the span as they are: a reference would save too little. */
export const minSharedBytes = 256;
const minPiece = 256;
const quote = 0x22, backslash = 0x5c, comma = 0x2c;
const open = [0x5b, 0x7b]; // [ {
const close = [0x5d, 0x7d]; // ] }

/**
 * Pushes onto `cuts` the ends of the pieces of bytes [start, end) of `b` (the last is `end`). Text that
 * does not start as JSON is one piece.
 */
export function pieceEnds(b: Uint8Array, start: number, end: number, cuts: number[]): void {
  const first = b[start]!;
  if (first !== open[0] && first !== open[1]) {
    cuts.push(end);
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
          cuts.push(end);
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
      cuts.push(i);
      pieceStart = i;
    }
  }
  cuts.push(end);
}
