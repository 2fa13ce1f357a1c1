// JSON.parse whose strings share the text's characters. A step keeps both its prompt attribute (a 2 KB
// conversation as JSON text) and the messages read from it; JSON.parse copies every string it meets, so
// each step held its conversation twice, and the copies outlived the young generation (a model of 100k
// such spans spent most of a second collecting them). A string without escapes that is a good part of the
// text (a prompt) is `text.slice(...)` here: V8 keeps a slice of 13 characters or more as a view into its
// parent, which the step keeps anyway.
//
// Same answer as JSON.parse, or undefined where JSON.parse would throw. Texts with a control character
// (pretty-printed, or invalid) and anything this walk does not expect are left to JSON.parse.

/** Past this nesting the walk gives the text to JSON.parse (no deep recursion on hostile input). */
const MAX_DEPTH = 256;

/** Thrown (and caught below) where the walk gives up; JSON.parse then decides. */
const GIVE_UP = Symbol('give up');

// A control character: JSON allows one only as whitespace between tokens, never in a string.
const controlChar = /[\u0000-\u001f]/g;

/** Whether `text` has a control character from `from` on (only what is read is searched: a long run's texts grow). */
function hasControlChar(text: string, from: number): boolean {
  controlChar.lastIndex = from;
  const found = controlChar.test(text);
  controlChar.lastIndex = 0;
  return found;
}

/** JSON.parse(text), sharing characters with `text`; undefined for text that is not JSON. */
export function parseJsonSharing(text: string): unknown {
  return walk(text, 0, false);
}

/**
 * The elements of a JSON array from `from` on (`text.slice(from)` is `a, b, ...]`: its opening bracket
 * stands before), sharing characters with `text`; undefined if '[' + that is not JSON.
 */
export function parseJsonElementsSharing(text: string, from: number): unknown[] | undefined {
  const values = walk(text, from, true);
  return Array.isArray(values) ? values : undefined;
}

function walk(text: string, from: number, elements: boolean): unknown {
  const whole = () => jsonParse(elements ? `[${text.slice(from)}` : text);
  if (hasControlChar(text, from)) return whole();
  const reader = new Walker(text, from);
  try {
    const value = elements ? reader.arrayBody(0) : reader.value(0);
    reader.space();
    return reader.at === text.length ? value : undefined;
  } catch (e) {
    // A stack overflow is a RangeError: deep nesting too is JSON.parse's to judge.
    if (e !== GIVE_UP && !(e instanceof RangeError)) throw e;
    return whole();
  }
}

/** JSON's whitespace (space, line feed, carriage return, tab). */
export function isJsonSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function jsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

class Walker {
  /** Where the next backslash is (text.length for none): strings before it have no escape. */
  private backslash = -1;

  constructor(
    private readonly text: string,
    public at: number,
  ) {}

  space(): void {
    const t = this.text;
    while (isJsonSpace(t.charCodeAt(this.at))) this.at++;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    this.space();
    const c = this.text.charCodeAt(this.at);
    if (c === 34) return this.string();
    if (c === 123) return this.object(depth);
    if (c === 91) {
      this.at++;
      return this.arrayBody(depth);
    }
    return this.literal();
  }

  /** An array's elements and closing bracket (its opening bracket read). */
  arrayBody(depth: number): unknown[] {
    const out: unknown[] = [];
    this.space();
    if (this.text.charCodeAt(this.at) === 93) {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.space();
      const c = this.text.charCodeAt(this.at++);
      if (c === 93) return out;
      if (c !== 44) throw GIVE_UP;
    }
  }

  private object(depth: number): Record<string, unknown> {
    this.at++;
    const out: Record<string, unknown> = {};
    this.space();
    if (this.text.charCodeAt(this.at) === 125) {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text.charCodeAt(this.at) !== 34) throw GIVE_UP;
      const key = this.string();
      // JSON.parse makes '__proto__' an own property; an assignment would set the prototype.
      if (key === '__proto__') throw GIVE_UP;
      this.space();
      if (this.text.charCodeAt(this.at++) !== 58) throw GIVE_UP;
      out[key] = this.value(depth + 1);
      this.space();
      const c = this.text.charCodeAt(this.at++);
      if (c === 125) return out;
      if (c !== 44) throw GIVE_UP;
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.at + 1;
    const end = t.indexOf('"', start);
    if (end < 0) throw GIVE_UP;
    if (this.backslash < start) {
      const b = t.indexOf('\\', start);
      this.backslash = b < 0 ? t.length : b;
    }
    if (this.backslash < end) return this.escaped(start);
    this.at = end + 1;
    const n = end - start;
    // A short part of a long text is a copy: a view would keep all of the text alive for it (a growing
    // conversation's newest message, which later calls share, would keep each earlier call's whole text).
    // A slice this short is one already (V8 makes views of 13 characters or more).
    return n <= 12 || n * 4 >= t.length ? t.slice(start, end) : (JSON.parse(t.slice(start - 1, end + 1)) as string);
  }

  /** A string with an escape: its literal, found by skipping escaped characters, read by JSON.parse. */
  private escaped(start: number): string {
    const t = this.text;
    let i = start;
    for (;;) {
      const c = t.charCodeAt(i);
      if (Number.isNaN(c)) throw GIVE_UP;
      if (c === 34) break;
      i += c === 92 ? 2 : 1;
    }
    const value = jsonParse(t.slice(start - 1, i + 1));
    if (typeof value !== 'string') throw GIVE_UP;
    this.at = i + 1;
    return value;
  }

  /** A number, true, false or null: its characters, read by JSON.parse (which knows the grammar). */
  private literal(): unknown {
    const t = this.text;
    const start = this.at;
    let i = start;
    for (;;) {
      const c = t.charCodeAt(i);
      // Letters, digits, '+', '-', '.': what a literal is made of.
      if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 69)) break;
      i++;
    }
    if (i === start) throw GIVE_UP;
    const word = t.slice(start, i);
    const value = word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : jsonParse(word);
    if (typeof value !== 'number' && typeof value !== 'boolean' && value !== null) throw GIVE_UP;
    this.at = i;
    return value;
  }
}
