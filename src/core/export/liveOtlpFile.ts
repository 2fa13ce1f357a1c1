// The file `serve --out` / `record --out` write as spans arrive: each ingest's new spans and log records are
// appended at once, as OTLP JSON Lines (one ExportTraceServiceRequest / ExportLogsServiceRequest a line, the
// Collector file exporter's format, which import reads). A run that is interrupted keeps every span stored
// so far, and one larger than the store's caps keeps the spans the caps evict: they are read inside the
// ingest, before eviction (SpanStore.onDidStore). Memory holds one page of spans, whatever the run's size.
// Writes are synchronous: a slow disk slows ingest (and so the receiver's answers) instead of piling up.
import { closeSync, createReadStream, fsyncSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { KeyValue, Resource, ResourceSpans } from '../otlp/model';
import type { Disposable } from '../store/changes';
import { writeFileAtomicStream } from '../store/files';
import { launcherSessionKey } from '../store/sessionKeys';
import type { SpanStore } from '../store/spanStore';
import { toJson } from '../store/values';

export interface LiveFileCounts {
  spans: number;
  logRecords: number;
  traces: number;
  sessions: number;
}

const pageSpans = 1_000;

export class LiveOtlpFile {
  private fd: number | undefined;
  private readonly subscription: Disposable;
  private lastSpan = 0;
  private lastLog = 0;
  private spans = 0;
  private logRecords = 0;
  /** Traces are counted by their root span: a set of every trace id would grow with the run. */
  private roots = 0;
  private readonly sessionIds = new Set<string>();
  private failure: Error | undefined;

  /** Opens (creates or truncates) `file` at once, so a path that cannot be written fails before anything is received. */
  constructor(private readonly store: SpanStore, readonly file: string, private readonly onError: (message: string) => void) {
    try {
      this.fd = openSync(file, 'w');
    } catch (e) {
      throw new Error(`cannot write ${file}: ${(e as Error).message}`);
    }
    this.subscription = store.onDidStore(() => this.append());
  }

  get counts(): LiveFileCounts {
    return { spans: this.spans, logRecords: this.logRecords, traces: this.roots, sessions: this.sessionIds.size };
  }

  /** Why writing stopped (a full disk, ...); spans stored since are not in the file. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Appends what is still unwritten, syncs and closes. */
  close(): void {
    this.subscription.dispose();
    this.append();
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    try {
      fsyncSync(fd);
    } catch (e) {
      // /dev/null and pipes cannot be synced; the data is written.
      if ((e as NodeJS.ErrnoException).code !== 'EINVAL') this.fail(e);
    } finally {
      closeSync(fd);
    }
  }

  private append(): void {
    if (this.fd === undefined) return;
    try {
      for (let page = this.store.spansAfter(this.lastSpan, pageSpans); page.sessions.length; page = this.store.spansAfter(this.lastSpan, pageSpans)) {
        for (const s of page.sessions) {
          const resourceSpans = s.source === 'instance' ? s.items.map((rs) => ({ ...rs, resource: stamped(rs.resource, s.sessionId) })) : s.items;
          this.write(toJson({ resourceSpans }));
          this.count(s.sessionId, resourceSpans);
        }
        this.lastSpan = page.lastId;
      }
      for (let page = this.store.logsAfter(this.lastLog, pageSpans); page.sessions.length; page = this.store.logsAfter(this.lastLog, pageSpans)) {
        for (const s of page.sessions) {
          const resourceLogs = s.source === 'instance' ? s.items.map((rl) => ({ ...rl, resource: stamped(rl.resource, s.sessionId) })) : s.items;
          this.write(toJson({ resourceLogs }));
          for (const rl of resourceLogs) for (const sl of rl.scopeLogs) this.logRecords += sl.logRecords.length;
          this.sessionIds.add(s.sessionId);
        }
        this.lastLog = page.lastId;
      }
    } catch (e) {
      this.fail(e);
    }
  }

  private write(line: string): void {
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    for (let at = 0; at < bytes.length; ) at += writeSync(this.fd!, bytes, at);
  }

  private count(sessionId: string, resourceSpans: ResourceSpans[]): void {
    this.sessionIds.add(sessionId);
    for (const rs of resourceSpans) {
      for (const ss of rs.scopeSpans) {
        this.spans += ss.spans.length;
        for (const span of ss.spans) if (!span.parentSpanId) this.roots++;
      }
    }
  }

  /** Writing stops for good (a half-written line would make the rest unreadable): said once, the receiver goes on. */
  private fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e : new Error(String(e));
    const fd = this.fd;
    this.fd = undefined;
    this.subscription.dispose();
    if (fd !== undefined) closeSync(fd);
    this.onError(`cannot write ${this.file} (${this.failure.message}): it holds the ${this.spans} spans written before; spans arriving now are kept in memory only`);
  }
}

/**
 * A session the store split off by itself (per service instance and pause) is not named in its spans: the
 * session id goes on the resource, under the key our launcher uses, so an import keeps the sessions apart.
 */
function stamped(resource: Resource, sessionId: string): Resource {
  if (resource.attributes.some((a) => a.key === launcherSessionKey)) return resource;
  const key: KeyValue = { key: launcherSessionKey, value: { stringValue: sessionId } };
  return { ...resource, attributes: [...resource.attributes, key] };
}

const spansPrefix = '{"resourceSpans":[';
const logsPrefix = '{"resourceLogs":[';

/**
 * Rewrites a live file as one OTLP JSON document ({resourceSpans, resourceLogs}, each element on a line of
 * its own, as writeOtlpFile writes it), for `--format otlp-json`: a pass over the lines, one line in memory,
 * into a temp file renamed over it, so the lines stay whole until the document is.
 */
export async function linesToDocument(file: string): Promise<void> {
  let logs = false;
  await writeFileAtomicStream(file, async (write) => {
    await write('{"resourceSpans":[');
    let first = true;
    for await (const line of lines(file)) {
      if (line.startsWith(logsPrefix)) logs = true;
      if (!line.startsWith(spansPrefix)) continue;
      const inner = elements(line, spansPrefix);
      if (!inner) continue;
      await write(`${first ? '' : ','}\n${inner}`);
      first = false;
    }
    if (logs) {
      await write('\n],"resourceLogs":[');
      first = true;
      for await (const line of lines(file)) {
        if (!line.startsWith(logsPrefix)) continue;
        const inner = elements(line, logsPrefix);
        if (!inner) continue;
        await write(`${first ? '' : ','}\n${inner}`);
        first = false;
      }
    }
    await write('\n]}\n');
  });
}

function lines(file: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
}

/** The array's elements, as text, of a line LiveOtlpFile wrote (`{"resourceSpans":[...]}`). */
function elements(line: string, prefix: string): string {
  if (!line.endsWith(']}')) throw new Error(`not a line of a live file: ${line.slice(0, 80)}`);
  return line.slice(prefix.length, -2);
}
