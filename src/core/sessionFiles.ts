// Sessions to and from files: OTLP JSON (re-postable to any OTLP/HTTP JSON endpoint), JSONL of OTLP
// requests (the Collector's file exporter) and SQLite. Writes are atomic (temp file + rename).
import { decodeLogsRequestJson, decodeTraceRequestJson } from './otlp/jsonDecode';
import type { LogsRequest, TraceRequest } from './otlp/model';
import { readSessionFile, type OtlpSink, type ReadProgress, type SessionFileRead } from './import/otlpFile';
import { writeFileAtomic, writeFileAtomicStream } from './store/files';
import { guardSqliteFile } from './store/sqliteGuard';
import { toJson } from './store/values';
import type { OtlpImport, SpanStore } from './store/spanStore';
import type { ImportResult } from './store/types';

export type ExportFormat = 'otlp-json' | 'otlp-jsonl' | 'sqlite';

export interface WriteResult {
  spans: number;
  traces: number;
  sessions: number;
}

/** Every session in the store, as one file. */
export async function writeSessionsFile(store: SpanStore, file: string, format: ExportFormat): Promise<WriteResult> {
  const sessions = store.listSessions();
  if (format === 'sqlite') await writeFileAtomic(file, store.exportSqlite());
  else await writeOtlpFile(store, sessions.map((s) => s.id), file, format === 'otlp-jsonl');
  return {
    spans: sessions.reduce((n, s) => n + s.spanCount, 0),
    traces: sessions.reduce((n, s) => n + s.traceCount, 0),
    sessions: sessions.length,
  };
}

/**
 * Sessions as one OTLP JSON document, or as JSONL (one OTLP request a line, the Collector file exporter's
 * format), written a page of spans at a time: memory stays bounded whatever the size (one JSON string of a
 * whole 130k-span run already exceeded V8's string limit, and nothing was written). In the document each
 * ResourceSpans / ResourceLogs is on a line of its own.
 */
// A page is turned into objects, then JSON, before it is written: small pages keep that peak small.
const pageSpans = 1_000;
const pageBytes = 2 ** 20;

export async function writeOtlpFile(store: SpanStore, sessionIds: string[], file: string, jsonl: boolean): Promise<void> {
  await writeFileAtomicStream(file, async (write) => {
    if (jsonl) {
      for (const id of sessionIds) {
        for (const page of store.exportSpanPages(id, pageSpans, pageBytes)) await write(`${toJson({ resourceSpans: page })}\n`);
        for (const page of store.exportLogPages(id, pageSpans)) await write(`${toJson({ resourceLogs: page })}\n`);
      }
      return;
    }
    await write('{"resourceSpans":[');
    let spans = false;
    for (const id of sessionIds) {
      for (const page of store.exportSpanPages(id, pageSpans, pageBytes)) {
        for (const rs of page) {
          await write(`${spans ? ',' : ''}\n${toJson(rs)}`);
          spans = true;
        }
      }
    }
    let logs = false;
    for (const id of sessionIds) {
      for (const page of store.exportLogPages(id, pageSpans)) {
        for (const rl of page) {
          await write(`${logs ? ',' : '\n],"resourceLogs":['}\n${toJson(rl)}`);
          logs = true;
        }
      }
    }
    await write('\n]}\n');
  });
}

/**
 * Imports an OTLP JSON file, a JSONL file of OTLP requests, or one of our SQLite exports. OTLP is stored as
 * it is read (import/otlpFile.ts), a batch of spans per transaction, so memory stays bounded whatever the
 * file's size; a corrupt, truncated or cancelled file deletes what it had stored: nothing else changes. An
 * SQLite file is checked on a worker with a deadline first (store/sqliteGuard.ts): a hostile one is refused
 * without running anything it defines.
 */
export async function importSessionFile(store: SpanStore, file: string, progress?: ReadProgress): Promise<ImportResult & { format: string }> {
  const name = file.split(/[\\/]/).pop()!.replace(/(\.otlp)?\.jsonl?$/i, '');
  const batches = new ImportBatcher(store.beginImport({ sessionName: name }));
  let content: SessionFileRead;
  try {
    content = await readSessionFile(file, batches, progress, { maxSqliteBytes: store.settings.maxBytes });
    batches.flush();
  } catch (e) {
    batches.abort();
    throw e;
  }
  if (content.kind === 'sqlite') {
    await guardSqliteFile(content.bytes, { maxSpans: store.settings.maxSpans });
    return { ...store.importSqlite(content.bytes), format: 'sqlite' };
  }
  if (content.requests === 0) throw new Error('the file holds no OTLP requests');
  return { ...batches.finish(), format: content.format };
}

/** Decoded requests into the store a batch at a time (about `batchSpans` spans per transaction). */
class ImportBatcher implements OtlpSink {
  private traceBatch: TraceRequest[] = [];
  private logBatch: LogsRequest[] = [];
  private pending = 0;

  constructor(private readonly target: OtlpImport, private readonly batchSpans = 5_000) {}

  traces(request: TraceRequest): void {
    this.traceBatch.push(request);
    for (const rs of request.resourceSpans) for (const ss of rs.scopeSpans) this.pending += ss.spans.length;
    if (this.pending >= this.batchSpans) this.flush();
  }

  logs(request: LogsRequest): void {
    this.logBatch.push(request);
    for (const rl of request.resourceLogs) for (const sl of rl.scopeLogs) this.pending += sl.logRecords.length;
    if (this.pending >= this.batchSpans) this.flush();
  }

  flush(): void {
    if (this.traceBatch.length === 0 && this.logBatch.length === 0) return;
    const input = { traces: this.traceBatch, logs: this.logBatch };
    this.traceBatch = [];
    this.logBatch = [];
    this.pending = 0;
    this.target.add(input);
  }

  finish(): ImportResult {
    this.flush();
    return this.target.finish();
  }

  abort(): void {
    this.target.abort();
  }
}

/** `{resourceSpans, resourceLogs?}` or JSONL of such objects, decoded into the model. */
export function parseOtlpText(text: string): { traces: TraceRequest[]; logs: LogsRequest[] } {
  const trimmed = text.trim();
  if (!trimmed) throw new Error('the file is empty');
  const docs: unknown[] = [];
  try {
    docs.push(JSON.parse(trimmed));
  } catch (whole) {
    // JSONL: one request per line.
    const lines = trimmed.split(/\r?\n/);
    if (lines.length < 2) throw new Error(`not JSON: ${(whole as Error).message}`);
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        docs.push(JSON.parse(line));
      } catch (e) {
        throw new Error(`line ${i + 1} is not JSON: ${(e as Error).message}`);
      }
    });
  }
  const traces: TraceRequest[] = [];
  const logs: LogsRequest[] = [];
  docs.forEach((doc, i) => {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${docs.length > 1 ? `line ${i + 1}: ` : ''}expected an OTLP JSON object`);
    const record = doc as Record<string, unknown>;
    const hasSpans = 'resourceSpans' in record || 'resource_spans' in record;
    const hasLogs = 'resourceLogs' in record || 'resource_logs' in record;
    if (!hasSpans && !hasLogs) throw new Error(`${docs.length > 1 ? `line ${i + 1}: ` : ''}no resourceSpans or resourceLogs: not an OTLP export`);
    if (hasSpans) traces.push(decodeTraceRequestJson(record));
    if (hasLogs) logs.push(decodeLogsRequestJson(record));
  });
  return { traces, logs };
}
