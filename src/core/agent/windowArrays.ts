// A long-running agent keeps its context bounded: each LLM call sends its last N messages, dropping the
// oldest as it adds the newest. No earlier call's text is then a prefix of the next (growingArrays.ts), yet
// all but one of its elements were read a call before. Elements are remembered by their text: an array
// text's elements found again share the items made of them (the model keeps one message object where each
// call kept its own, and what is derived per message is derived once), and only the new ones are parsed.
// The call after the one read last is most often that window moved on: its first elements are then found in
// one compare of the characters they share, not each looked up (a fifth of a long run's first build).
import { isJsonSpace, parseJsonSharing } from './sharingJson';
import { TextMemo } from './textMemo';

/** Past this nesting the array is left to the whole parse (no deep recursion on hostile input). */
const maxDepth = 256;

/** What an element made (undefined: the element gives no item, as a null message gives none). */
interface Made<T> {
  item: T | undefined;
}

/** An array read last: its text, its elements' ranges and what each made. */
interface Window<T> {
  text: string;
  ranges: number[];
  made: (Made<T> | undefined)[];
}

/** How far a window may have moved on since the array read last (the oldest elements it dropped). */
const maxShift = 8;

export class WindowArrays<T> {
  /** Elements by their text, bounded and keyed as any long text the model reads once (textMemo.ts). */
  private readonly elements = new TextMemo<Made<T> | undefined>();
  private last: Window<T> | undefined;

  /**
   * The items of `text`, a JSON array, made of its elements by `make` (each element's parsed value) or, for
   * an element remembered, as made before; with the characters of the elements remembered. undefined when
   * `text` is not an array this reads (or not JSON): the caller parses it whole.
   */
  items(text: string, make: (value: unknown) => T | undefined): { items: T[]; found: number } | undefined {
    const ranges = elementRanges(text);
    if (!ranges) return undefined;
    const made: (Made<T> | undefined)[] = [];
    // The window as the array read last, moved on: its first elements are that array's last ones, the same
    // characters (one compare where looking each up hashed and compared it again).
    const kept = this.last && shifted(this.last, text, ranges);
    let found = 0;
    if (kept) {
      for (let k = 0; k < kept.count; k++) {
        made.push(this.last!.made[kept.from + k]);
        found += ranges[2 * k + 1]! - ranges[2 * k]!;
      }
    }
    let read = true;
    for (let k = 2 * made.length; k < ranges.length && read; k += 2) {
      const element = text.slice(ranges[k], ranges[k + 1]);
      let missed = false;
      made.push(this.elements.get(element, (e) => {
        missed = true;
        const value = parseJsonSharing(e);
        // Not JSON after all: JSON.parse of the whole text decides.
        if (value === undefined) read = false;
        return value === undefined ? undefined : { item: make(value) };
      }));
      if (!missed) found += element.length;
    }
    if (!read) return undefined;
    this.last = { text, ranges, made };
    const items: T[] = [];
    for (const m of made) if (m?.item !== undefined) items.push(m.item);
    return { items, found };
  }
}

/**
 * Whether `text`'s first elements are `last`'s from element `from` on (up to maxShift dropped), character for
 * character, separators included: how many, and from where; undefined when they are not.
 */
function shifted<T>(last: Window<T>, text: string, ranges: readonly number[]): { from: number; count: number } | undefined {
  const before = last.ranges;
  const n = before.length / 2;
  const firstLength = ranges[1]! - ranges[0]!;
  for (let from = 1; from <= maxShift && from < n; from++) {
    const count = n - from;
    if (2 * count > ranges.length || before[2 * from + 1]! - before[2 * from]! !== firstLength) continue;
    const start = before[2 * from]!, end = before[before.length - 1]!;
    const length = end - start;
    if (ranges[2 * count - 1]! - ranges[0]! !== length) continue;
    if (text.slice(ranges[0], ranges[0]! + length) === last.text.slice(start, end)) return { from, count };
  }
  return undefined;
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
