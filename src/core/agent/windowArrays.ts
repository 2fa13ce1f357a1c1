// A long-running agent keeps its context bounded: each LLM call sends its last N messages, dropping the
// oldest as it adds the newest. No earlier call's text is then a prefix of the next (growingArrays.ts), yet
// all but one of its elements were read a call before. Elements are remembered by their text: an array
// text's elements found again share the items made of them (the model keeps one message object where each
// call kept its own, and what is derived per message is derived once), and only the new ones are parsed.
import { isJsonSpace, parseJsonSharing } from './sharingJson';
import { TextMemo } from './textMemo';

/** Past this nesting the array is left to the whole parse (no deep recursion on hostile input). */
const maxDepth = 256;

/** What an element made (undefined: the element gives no item, as a null message gives none). */
interface Made<T> {
  item: T | undefined;
}

export class WindowArrays<T> {
  /** Elements by their text, bounded and keyed as any long text the model reads once (textMemo.ts). */
  private readonly elements = new TextMemo<Made<T> | undefined>();

  /**
   * The items of `text`, a JSON array, made of its elements by `make` (each element's parsed value) or, for
   * an element remembered, as made before; with the characters of the elements remembered. undefined when
   * `text` is not an array this reads (or not JSON): the caller parses it whole.
   */
  items(text: string, make: (value: unknown) => T | undefined): { items: T[]; found: number } | undefined {
    const ranges = elementRanges(text);
    if (!ranges) return undefined;
    const items: T[] = [];
    let found = 0;
    let read = true;
    for (let k = 0; k < ranges.length && read; k += 2) {
      const element = text.slice(ranges[k], ranges[k + 1]);
      let missed = false;
      const made = this.elements.get(element, (e) => {
        missed = true;
        const value = parseJsonSharing(e);
        // Not JSON after all: JSON.parse of the whole text decides.
        if (value === undefined) read = false;
        return value === undefined ? undefined : { item: make(value) };
      });
      if (!missed) found += element.length;
      if (made?.item !== undefined) items.push(made.item);
    }
    return read ? { items, found } : undefined;
  }
}

/**
 * Where each element of a JSON array text starts and ends ([start, end, start, end, ...], white space
 * around them left out); undefined when the text is not one array of elements (brackets, braces and
 * strings balanced, commas between). The elements themselves are checked when they are parsed.
 */
export function elementRanges(text: string): number[] | undefined {
  let i = 0;
  while (isJsonSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i++) !== 91) return undefined;
  const out: number[] = [];
  while (isJsonSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 93) return rest(text, i + 1) ? out : undefined;
  for (;;) {
    const start = i;
    let depth = 0;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) return undefined;
      if (c === 34) {
        i = stringEnd(text, i);
        if (i < 0) return undefined;
        continue;
      }
      if (c === 123 || c === 91) {
        if (++depth > maxDepth) return undefined;
      } else if (c === 125 || c === 93) {
        if (depth === 0) break;
        depth--;
      } else if (c === 44 && depth === 0) break;
      i++;
    }
    let end = i;
    while (end > start && isJsonSpace(text.charCodeAt(end - 1))) end--;
    if (end === start) return undefined;
    out.push(start, end);
    const c = text.charCodeAt(i++);
    if (c === 93) return rest(text, i) ? out : undefined;
    if (c !== 44) return undefined;
    while (isJsonSpace(text.charCodeAt(i))) i++;
  }
}

/** The index after the string literal that starts at `i` (its quote), or -1 if it does not end. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; ; ) {
    const quote = text.indexOf('"', j);
    if (quote < 0) return -1;
    // Escaped if an odd number of backslashes stands before it.
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    j = quote + 1;
  }
}

/** Whether only white space follows `i`. */
function rest(text: string, i: number): boolean {
  while (isJsonSpace(text.charCodeAt(i))) i++;
  return i === text.length;
}
