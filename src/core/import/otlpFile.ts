// Reads a session file for import without holding more than it must: JSONL (one OTLP request per line, the
// OpenTelemetry Collector file exporter's format) is decoded line by line as it streams in; a single OTLP JSON
// document is read in chunks and parsed once whole; SQLite exports are read in chunks. Progress is reported
// in bytes, cancellation is checked between chunks, and every error names the line (and byte offset) where
// the file went wrong. Nothing is stored here: the caller imports the decoded result in one transaction.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { decodeLogsRequestJson, decodeTraceRequestJson } from '../otlp/jsonDecode';
import type { LogsRequest, TraceRequest } from '../otlp/model';

export interface ReadProgress {
  /** Bytes read so far and the file's size. */
  report(bytesRead: number, totalBytes: number): void;
  /** True once the user cancelled: reading stops with ImportCancelled. */
  readonly cancelled?: boolean;
}

export class ImportCancelled extends Error {
  constructor() {
    super('import cancelled');
    this.name = 'ImportCancelled';
  }
}

export type SessionFileContent =
  | { kind: 'sqlite'; bytes: Uint8Array }
  | { kind: 'otlp'; format: 'json' | 'jsonl'; traces: TraceRequest[]; logs: LogsRequest[] };

const sqliteMagic = Buffer.from('SQLite format 3\0', 'latin1');
const chunkBytes = 1 << 20;

export interface ReadLimits {
  /** An SQLite file is loaded whole into memory: larger ones are refused before reading. */
  maxSqliteBytes?: number;
}

export async function readSessionFile(file: string, progress?: ReadProgress, limits: ReadLimits = {}): Promise<SessionFileContent> {
  const total = (await stat(file)).size;
  if (total === 0) throw new Error('the file is empty');
  if (limits.maxSqliteBytes !== undefined && total > limits.maxSqliteBytes && (await startsWithSqliteMagic(file))) {
    const mb = (n: number) => `${Math.round(n / 2 ** 20).toLocaleString('en-US')} MB`;
    throw new Error(`refused: the SQLite file is ${mb(total)}; the store holds at most ${mb(limits.maxSqliteBytes)} (raise the memory cap to import it)`);
  }
  const stream = createReadStream(file, { highWaterMark: chunkBytes });
  let read = 0;
  let sqlite: Buffer[] | undefined;
  const text = new TextSplitter();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (progress?.cancelled) throw new ImportCancelled();
      if (read === 0 && chunk.subarray(0, sqliteMagic.length).equals(sqliteMagic)) sqlite = [];
      read += chunk.length;
      if (sqlite) sqlite.push(chunk);
      else text.push(chunk);
      progress?.report(read, total);
    }
  } finally {
    stream.destroy();
  }
  if (progress?.cancelled) throw new ImportCancelled();
  if (sqlite) return { kind: 'sqlite', bytes: Buffer.concat(sqlite) };
  return text.finish();
}

async function startsWithSqliteMagic(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(sqliteMagic.length);
    await handle.read(head, 0, head.length, 0);
    return head.equals(sqliteMagic);
  } finally {
    await handle.close();
  }
}

/**
 * Decodes text as it arrives. The first non-empty line decides the format: if it is a whole JSON object the
 * file is JSONL and every line is decoded at once (the line's text is then dropped); otherwise the file is one
 * JSON document (pretty-printed), kept until the end and parsed whole.
 */
class TextSplitter {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  // The current line's text so far, as it arrived: only each new chunk is searched for a line end, so a
  // single-line file is read in linear time (searching the joined text each chunk made it quadratic:
  // 100k spans took 99 s).
  private parts: string[] = [];
  private mode: 'unknown' | 'jsonl' | 'json' = 'unknown';
  private lineNo = 0;
  /** Bytes before the current line (for offsets in errors). */
  private offset = 0;
  private readonly whole: string[] = [];
  private readonly traces: TraceRequest[] = [];
  private readonly logs: LogsRequest[] = [];

  push(chunk: Buffer): void {
    this.text(this.decoder.decode(chunk, { stream: true }));
  }

  private text(s: string): void {
    if (this.isWhole()) return void this.whole.push(s);
    let from = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', from)) {
      this.parts.push(s.slice(from, nl));
      const line = this.parts.join('');
      this.parts = [];
      from = nl + 1;
      this.line(line, false);
      if (this.isWhole()) {
        // The file turned out to be one document over many lines: keep everything from here on.
        this.whole.push(s.slice(from));
        return;
      }
      this.offset += Buffer.byteLength(line, 'utf8') + 1;
    }
    if (from < s.length) this.parts.push(from === 0 ? s : s.slice(from));
  }

  finish(): SessionFileContent {
    const rest = this.decoder.decode();
    if (this.mode === 'json') {
      this.whole.push(rest);
      return this.parseWhole(this.whole.join(''));
    }
    this.parts.push(rest);
    const tail = this.parts.join('');
    this.parts = [];
    if (tail.trim()) this.line(tail, true);
    if (this.isWhole()) return this.parseWhole(this.whole.join(''));
    if (this.mode === 'unknown') throw new Error('the file is empty (only whitespace)');
    return { kind: 'otlp', format: 'jsonl', traces: this.traces, logs: this.logs };
  }

  /** A method, not a field read: the mode changes inside line() and TypeScript's narrowing does not see it. */
  private isWhole(): boolean {
    return this.mode === 'json';
  }

  private line(raw: string, last: boolean): void {
    this.lineNo++;
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (e) {
      if (this.mode === 'unknown') {
        // Not one object per line: one document over many lines. Keep everything from here on.
        this.mode = 'json';
        this.whole.push(raw, last ? '' : '\n');
        return;
      }
      const truncated = last && /end of JSON|Unterminated|Expected/i.test((e as Error).message);
      throw new Error(`line ${this.lineNo} (byte ${this.offset}) ${truncated ? 'is cut short (truncated file?)' : 'is not JSON'}: ${(e as Error).message}`);
    }
    this.mode = 'jsonl';
    this.decode(doc, `line ${this.lineNo} (byte ${this.offset}): `);
  }

  private parseWhole(text: string): SessionFileContent {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new Error(describeJsonError(text, e as Error));
    }
    this.decode(doc, '');
    return { kind: 'otlp', format: 'json', traces: this.traces, logs: this.logs };
  }

  private decode(doc: unknown, where: string): void {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${where}expected an OTLP JSON object`);
    const record = doc as Record<string, unknown>;
    const hasSpans = 'resourceSpans' in record || 'resource_spans' in record;
    const hasLogs = 'resourceLogs' in record || 'resource_logs' in record;
    if (!hasSpans && !hasLogs) throw new Error(`${where}no resourceSpans or resourceLogs: not an OTLP export`);
    try {
      if (hasSpans) this.traces.push(decodeTraceRequestJson(record));
      if (hasLogs) this.logs.push(decodeLogsRequestJson(record));
    } catch (e) {
      throw new Error(`${where}${(e as Error).message}`);
    }
  }
}

/** A JSON.parse error of a whole document, with line, column and byte offset when V8 gives a position. */
export function describeJsonError(text: string, e: Error): string {
  const m = /at position (\d+)/.exec(e.message);
  const pos = m ? Number(m[1]) : /end of JSON input/i.test(e.message) ? text.length : undefined;
  if (pos === undefined) return `not valid JSON: ${e.message}`;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const bytes = Buffer.byteLength(before, 'utf8');
  const atEnd = text.slice(pos).trim() === '';
  return atEnd
    ? `the JSON ends early at line ${line}, column ${column} (byte ${bytes}): the file looks truncated`
    : `not valid JSON at line ${line}, column ${column} (byte ${bytes}): ${e.message}`;
}
