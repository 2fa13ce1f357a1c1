// OTLP JSON text, one element at a time: a file of one or more top-level objects (a single document, or
// JSONL where each line is one) is scanned as it streams in, and each element of a top-level
// `resourceSpans` / `resourceLogs` array is handed over as its own text, to be parsed and stored before the
// next is read. Memory then follows the largest element, not the file: a 100k-span document written on one
// line (what `serve` writes) was parsed whole, line and all, before.
// Only the structure around the elements is checked here; each element is then checked by JSON.parse and
// the OTLP decoder.
import { constants } from 'node:buffer';

/** Top-level arrays whose elements are handed over, and the kind of OTLP they hold. */
const arrays: Record<string, 'spans' | 'logs'> = {
  resourceSpans: 'spans', resource_spans: 'spans', resourceLogs: 'logs', resource_logs: 'logs',
};

export interface OtlpElement {
  kind: 'spans' | 'logs';
  /** The key as spelt in the file (camelCase or snake_case). */
  key: string;
  /** Its index in that array. */
  index: number;
  text: string;
  /** 1-based line and byte offset where the element starts, for error messages. */
  line: number;
  byte: number;
}

const QUOTE = 34;
const NEWLINE = 10;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COMMA = 44;

export class OtlpDocumentScanner {
  private depth = 0;
  private inString = false;
  /** A backslash ended the previous chunk inside a string: the next chunk's first character is escaped. */
  private escapePending = false;
  private line = 1;
  /** Bytes and characters in the chunks before the current one, and the character where the line began. */
  private chunkByte = 0;
  private chunkChars = 0;
  private lineStartChar = 0;
  /** Where the current top-level object began. */
  private documentLine = 1;
  private documentByte = 0;
  private documents = 0;
  private documentHasOtlp = false;

  // A key of the top-level object being read (depth 1), and the key whose value comes next.
  private readingKey = false;
  private keyParts: string[] = [];
  private keyStart = 0;
  private lastKey: string | undefined;
  /** Inside a top-level `resourceSpans`-like array: its key. */
  private arrayKey: string | undefined;

  // The element being read: its text so far and where it began.
  private elementParts: string[] | undefined;
  private elementStart = 0;
  private elementLine = 0;
  private elementByte = 0;
  /** The element's index in its array (errors name it as the file does). */
  private elementIndex = 0;
  /** The next backslash in the chunk at or after the scan (-1: none left; -2: not searched yet). */
  private backslash = -2;
  /** byteAt's last answer in the chunk: a character index and its byte offset in the file. */
  private markChar = 0;
  private markByte = 0;
  /** Characters of the element read in earlier chunks, and of the key. */
  private elementChars = 0;
  private keyChars = 0;

  /**
   * `maxElementChars`: an element is parsed whole, from one string, so one longer than the longest string
   * V8 can make (~512 MB) is refused with its place and how to split it (it ended in "Invalid string length").
   */
  constructor(private readonly onElement: (element: OtlpElement) => void, private readonly maxElementChars = constants.MAX_STRING_LENGTH) {}

  /** How many top-level objects were read whole. */
  get documentCount(): number {
    return this.documents;
  }

  push(s: string): void {
    this.elementStart = 0;
    this.keyStart = 0;
    this.backslash = -2;
    this.markChar = 0;
    this.markByte = this.chunkByte;
    const n = s.length;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        i = this.skipString(s, i);
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && this.expectingKey()) {
          this.readingKey = true;
          this.keyParts = [];
          this.keyChars = 0;
          this.keyStart = i + 1;
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (this.depth === 0) this.startDocument(c, s, i);
        else if (this.depth === 1 && c === OPEN_ARRAY && this.lastKey !== undefined && this.lastKey in arrays) {
          this.arrayKey = this.lastKey;
          this.documentHasOtlp = true;
          this.elementIndex = 0;
        } else if (this.depth === 2 && this.arrayKey !== undefined) this.startElement(s, i);
        this.depth++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (this.depth === 0) this.fail(s, i, `unexpected "${String.fromCharCode(c)}"`);
        this.depth--;
        if (this.depth === 2 && this.elementParts) this.endElement(s, i);
        else if (this.depth === 1 && c === CLOSE_ARRAY) this.arrayKey = undefined;
        else if (this.depth === 0) this.endDocument(s, i);
        if (this.depth === 1) this.lastKey = undefined;
      } else if (c === NEWLINE) {
        this.line++;
        this.lineStartChar = this.chunkChars + i + 1;
      } else if (c === COMMA && this.depth === 1) {
        this.lastKey = undefined;
      } else if (this.depth === 0 && c !== 32 && c !== 9 && c !== 13) {
        throw new Error(`line ${this.line} (byte ${this.byteAt(s, i)}) is not JSON: ${this.documents === 0 ? 'expected an OTLP JSON object' : 'unexpected text after a JSON object'}`);
      }
      i++;
    }
    if (this.elementParts) {
      const part = this.elementStart === 0 ? s : s.slice(this.elementStart);
      this.elementParts.push(part);
      this.elementChars += part.length;
      this.checkElementSize(this.elementChars);
    }
    if (this.readingKey) this.keyPart(s.slice(this.keyStart));
    this.chunkByte += Buffer.byteLength(s, 'utf8');
    this.chunkChars += n;
  }

  /** The end of the text: throws if a document was cut short or there was none. */
  finish(): void {
    if (this.depth > 0 || this.inString) {
      if (this.documents > 0) throw new Error(`line ${this.documentLine} (byte ${this.documentByte}) is cut short (truncated file?)`);
      const column = this.chunkChars - this.lineStartChar + 1;
      throw new Error(`the JSON ends early at line ${this.line}, column ${column} (byte ${this.chunkByte}): the file looks truncated`);
    }
    if (this.documents === 0) throw new Error('the file is empty (only whitespace)');
  }

  private expectingKey(): boolean {
    return this.lastKey === undefined && !this.readingKey;
  }

  /** Inside a string from `i`: returns the index after its closing quote, or the chunk's end. */
  private skipString(s: string, i: number): number {
    if (this.escapePending) {
      this.escapePending = false;
      i++;
    }
    for (;;) {
      const q = s.indexOf('"', i);
      // The next backslash is searched once per chunk and again only when passed: searching from every
      // string would rescan the rest of a 1 MB chunk thousands of times when it holds none.
      if (this.backslash === -2 || (this.backslash >= 0 && this.backslash < i)) this.backslash = s.indexOf('\\', i);
      const b = this.backslash;
      if (b >= 0 && (q < 0 || b < q)) {
        if (b + 1 >= s.length) {
          this.escapePending = true;
          return s.length;
        }
        i = b + 2;
        continue;
      }
      if (q < 0) return s.length;
      this.inString = false;
      if (this.readingKey) {
        this.keyPart(s.slice(this.keyStart, q));
        this.lastKey = this.keyParts.join('');
        this.readingKey = false;
        this.keyParts = [];
      }
      return q + 1;
    }
  }

  private startDocument(c: number, s: string, i: number): void {
    if (c !== OPEN_OBJECT) this.fail(s, i, 'expected an OTLP JSON object, found an array');
    this.documentHasOtlp = false;
    this.lastKey = undefined;
    this.documentLine = this.line;
    this.documentByte = this.byteAt(s, i);
  }

  private endDocument(s: string, i: number): void {
    this.documents++;
    if (!this.documentHasOtlp) this.fail(s, i, 'no resourceSpans or resourceLogs: not an OTLP export');
  }

  /**
   * A part of a top-level key: only its first characters are kept (enough to tell it is none of `arrays`),
   * so a hostile key of hundreds of MB is not held.
   */
  private keyPart(part: string): void {
    if (this.keyChars <= 64) this.keyParts.push(part.slice(0, 65 - this.keyChars));
    this.keyChars += part.length;
  }

  private checkElementSize(chars: number): void {
    if (chars <= this.maxElementChars) return;
    const mb = (n: number) => `${Math.round(n / 2 ** 20).toLocaleString('en-US')} MB`;
    throw new Error(`line ${this.elementLine} (byte ${this.elementByte}): ${this.arrayKey}[${this.elementIndex}] is over ${mb(this.maxElementChars)} of text, more than one string can hold, and each element is read whole: split its spans into several ${this.arrayKey} elements (or JSONL lines)`);
  }

  private startElement(s: string, i: number): void {
    this.elementParts = [];
    this.elementChars = 0;
    this.elementStart = i;
    this.elementLine = this.line;
    this.elementByte = this.byteAt(s, i);
  }

  private endElement(s: string, i: number): void {
    const parts = this.elementParts!;
    const last = s.slice(this.elementStart, i + 1);
    this.checkElementSize(this.elementChars + last.length);
    parts.push(last);
    this.elementParts = undefined;
    const key = this.arrayKey!;
    const text = parts.length === 1 ? parts[0]! : parts.join('');
    this.onElement({ kind: arrays[key]!, key, index: this.elementIndex++, text, line: this.elementLine, byte: this.elementByte });
  }

  /**
   * The file's byte offset of character `i` of the chunk. Counted on from the last one asked (the scan only
   * moves forward): counting from the chunk's start each time made a JSONL file of small lines quadratic per
   * chunk (10k one-span lines: 7.8 of 9.9 s went here).
   */
  private byteAt(s: string, i: number): number {
    if (i < this.markChar) {
      this.markChar = 0;
      this.markByte = this.chunkByte;
    }
    this.markByte += Buffer.byteLength(s.slice(this.markChar, i), 'utf8');
    this.markChar = i;
    return this.markByte;
  }

  private fail(s: string, i: number, what: string): never {
    throw new Error(`line ${this.line} (byte ${this.byteAt(s, i)}): ${what}`);
  }
}
