// Sessions to and from files: OTLP JSON (re-postable to any OTLP/HTTP JSON endpoint), JSONL of OTLP
// requests (the Collector's file exporter) and SQLite. Writes are atomic (temp file + rename).
import { readFile } from 'node:fs/promises';
import { decodeLogsRequestJson, decodeTraceRequestJson } from './otlp/jsonDecode';
import type { LogsRequest, TraceRequest } from './otlp/model';
import { writeFileAtomic } from './store/files';
import type { SpanStore } from './store/spanStore';

export type ExportFormat = 'otlp-json' | 'sqlite';

export interface WriteResult {
  spans: number;
  traces: number;
  sessions: number;
}

/** Every session in the store, as one file. */
export async function writeSessionsFile(store: SpanStore, file: string, format: ExportFormat): Promise<WriteResult> {
  const sessions = store.listSessions();
  if (format === 'sqlite') {
    await writeFileAtomic(file, store.exportSqlite());
  } else {
    const merged: OtlpFile = { resourceSpans: [], resourceLogs: [] };
    for (const s of sessions) {
      const one = store.exportSessionOtlp(s.id) as OtlpFile;
      merged.resourceSpans.push(...one.resourceSpans);
      merged.resourceLogs?.push(...(one.resourceLogs ?? []));
    }
    await writeFileAtomic(file, JSON.stringify(merged));
  }
  return {
    spans: sessions.reduce((n, s) => n + s.spanCount, 0),
    traces: sessions.reduce((n, s) => n + s.traceCount, 0),
    sessions: sessions.length,
  };
}

/** One session, as one file. */
export async function exportSessionFile(store: SpanStore, sessionId: string, file: string, format: ExportFormat): Promise<WriteResult> {
  const session = store.getSession(sessionId);
  if (!session) throw new Error(`no session ${sessionId}`);
  const data = format === 'sqlite' ? store.exportSessionSqlite(sessionId) : JSON.stringify(store.exportSessionOtlp(sessionId));
  await writeFileAtomic(file, data);
  return { spans: session.spanCount, traces: session.traceCount, sessions: 1 };
}

type OtlpFile = TraceRequest & { resourceLogs?: LogsRequest['resourceLogs'] };

const sqliteMagic = 'SQLite format 3\0';

/**
 * Imports an OTLP JSON file, a JSONL file of OTLP requests, or one of our SQLite exports. The file is
 * decoded and checked completely before anything is stored: a corrupt file changes nothing.
 */
export async function importSessionFile(store: SpanStore, file: string): Promise<{ spans: number; sessionIds: string[] }> {
  const bytes = await readFile(file);
  if (bytes.subarray(0, sqliteMagic.length).toString('latin1') === sqliteMagic) return store.importSqlite(bytes);
  const text = bytes.toString('utf8');
  const requests = parseOtlpText(text);
  const name = file.split(/[\\/]/).pop()!.replace(/(\.otlp)?\.jsonl?$/i, '');
  return store.importOtlp(requests, { sessionName: name });
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
