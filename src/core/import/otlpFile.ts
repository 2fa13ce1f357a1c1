// Reads a session file for import without holding more than it must. OTLP JSON (one document, or JSONL:
// one OTLP request per line, the OpenTelemetry Collector file exporter's format) is scanned as it streams in
// and each ResourceSpans / ResourceLogs is decoded and handed to the caller at once (otlpDocuments.ts), so
// memory follows the largest one, not the file; SQLite exports are read in chunks. Progress is reported in
// bytes, cancellation is checked between chunks, and every error names the line (and byte offset) where the
// file went wrong.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { decodeLogsRequestJson, decodeTraceRequestJson } from '../otlp/jsonDecode';
import type { LogsRequest, TraceRequest } from '../otlp/model';
import { ChunkText } from './chunkText';
import { OtlpDocumentScanner, type OtlpElement } from './otlpDocuments';

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

/** Where decoded OTLP goes, one ResourceSpans / ResourceLogs at a time, as the file is read. */
export interface OtlpSink {
  traces(request: TraceRequest): void;
  logs(request: LogsRequest): void;
}

export type SessionFileRead =
  | { kind: 'sqlite'; bytes: Uint8Array }
  | { kind: 'otlp'; format: 'json' | 'jsonl'; requests: number };

const sqliteMagic = Buffer.from('SQLite format 3\0', 'latin1');
const chunkBytes = 1 << 20;

export interface ReadLimits {
  /** An SQLite file is loaded whole into memory: larger ones are refused before reading. */
  maxSqliteBytes?: number;
}

export async function readSessionFile(file: string, sink: OtlpSink, progress?: ReadProgress, limits: ReadLimits = {}): Promise<SessionFileRead> {
  const total = (await stat(file)).size;
  if (total === 0) throw new Error('the file is empty');
  if (limits.maxSqliteBytes !== undefined && total > limits.maxSqliteBytes && (await startsWithSqliteMagic(file))) {
    const mb = (n: number) => `${Math.round(n / 2 ** 20).toLocaleString('en-US')} MB`;
    throw new Error(`refused: the SQLite file is ${mb(total)}; the store holds at most ${mb(limits.maxSqliteBytes)} (raise the memory cap to import it)`);
  }
  const stream = createReadStream(file, { highWaterMark: chunkBytes });
  let read = 0;
  let sqlite: Buffer[] | undefined;
  const decoder = new ChunkText();
  let requests = 0;
  const scanner = new OtlpDocumentScanner((element) => {
    decodeElement(element, sink);
    requests++;
  });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (progress?.cancelled) throw new ImportCancelled();
      if (read === 0 && chunk.subarray(0, sqliteMagic.length).equals(sqliteMagic)) sqlite = [];
      read += chunk.length;
      if (sqlite) sqlite.push(chunk);
      else scanner.push(decoder.text(chunk));
      progress?.report(read, total);
    }
  } finally {
    stream.destroy();
  }
  if (progress?.cancelled) throw new ImportCancelled();
  if (sqlite) return { kind: 'sqlite', bytes: Buffer.concat(sqlite) };
  scanner.push(decoder.end());
  scanner.finish();
  return { kind: 'otlp', format: scanner.documentCount > 1 ? 'jsonl' : 'json', requests };
}

/** One ResourceSpans / ResourceLogs: parsed and decoded, errors named by line, byte and index. */
function decodeElement(element: OtlpElement, sink: OtlpSink): void {
  const where = `line ${element.line} (byte ${element.byte})`;
  let value: unknown;
  try {
    value = JSON.parse(element.text);
  } catch (e) {
    throw new Error(`${where} is not JSON: ${(e as Error).message}`);
  }
  try {
    const request = { [element.key]: [value] };
    if (element.kind === 'spans') sink.traces(decodeTraceRequestJson(request));
    else sink.logs(decodeLogsRequestJson(request));
  } catch (e) {
    // Decoded alone, the element is [0] of its array: say which one it is in the file.
    const message = (e as Error).message.replace(`${element.key}[0]`, `${element.key}[${element.index}]`);
    throw new Error(`${where}: ${message}`);
  }
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
