// An LLM call carries the whole conversation so far: the next call of a run sends the same JSON array
// with new messages at its end. Parsing each call's array whole is quadratic in a run's length, and every
// call kept objects of its own for messages the previous call had already (a session of unique
// conversations: most of the model's memory). Remembering the arrays read lately lets a text that extends
// one of them be parsed in what it adds; the items it shares are the earlier call's.
import { isJsonSpace, parseJsonElementsSharing } from './sharingJson';

/** Characters an array text is filed under: the start a run's conversation keeps as it grows. */
const headChars = 64;
/** Arrays kept per head (runs that start alike: the same system prompt), newest first. */
const perHead = 4;
/**
 * Characters of the arrays kept, all heads together; past this they are forgotten at once. What a session's
 * steps keep anyway, while the session lives; after, the texts and items of a run or two (conversations of
 * a long run reach hundreds of KB each).
 */
const maxChars = 8 * 2 ** 20;

interface Grown<T> {
  /** The array's text up to the end of its last element (the whitespace and bracket after it cut). */
  open: string;
  items: readonly T[];
}

export class GrowingArrays<T> {
  private readonly byHead = new Map<string, Grown<T>[]>();
  private chars = 0;

  /** Records that `text`, a JSON array, read as `items`: a later text that extends it need not read them again. */
  add(text: string, items: readonly T[]): void {
    if (text.length <= headChars || items.length === 0) return;
    const end = lastElementEnd(text);
    if (end < 0) return;
    if ((this.chars += end) > maxChars) {
      this.byHead.clear();
      this.chars = end;
    }
    const head = text.slice(0, headChars);
    let list = this.byHead.get(head);
    if (!list) this.byHead.set(head, (list = []));
    list.unshift({ open: text.slice(0, end), items });
    if (list.length > perHead) this.chars -= list.pop()!.open.length;
  }

  /**
   * `text` read as an array added earlier with more elements at its end: that array's items, then `more` of
   * the elements it adds (parsed alone). undefined when it extends none of them or is not valid JSON.
   */
  extend(text: string, more: (values: unknown[]) => T[]): T[] | undefined {
    if (text.length <= headChars) return undefined;
    const list = this.byHead.get(text.slice(0, headChars));
    if (!list) return undefined;
    for (let k = 0; k < list.length; k++) {
      const { open, items } = list[k]!;
      // A slice compared with === is compared natively; startsWith went a character at a time (~20x slower).
      if (open.length >= text.length || text.slice(0, open.length) !== open) continue;
      let i = open.length;
      while (isJsonSpace(text.charCodeAt(i))) i++;
      // The earlier array's last element ends where `open` does (its closing bracket was structural):
      // a comma there continues the same array.
      if (text.charCodeAt(i) !== 44) continue;
      const values = parseJsonElementsSharing(text, i + 1);
      // '[a,]' is not JSON, though '[' + ']' is.
      if (values === undefined || values.length === 0) return undefined;
      const all = items.concat(more(values));
      this.chars -= list.splice(k, 1)[0]!.open.length;
      this.add(text, all);
      return all;
    }
    return undefined;
  }
}

/** Where the last element of a JSON array text ends (before the whitespace and closing bracket after it), or -1. */
function lastElementEnd(text: string): number {
  let i = text.length - 1;
  while (i >= 0 && isJsonSpace(text.charCodeAt(i))) i--;
  if (i < 0 || text.charCodeAt(i) !== 93) return -1;
  while (i > 0 && isJsonSpace(text.charCodeAt(i - 1))) i--;
  return i;
}
