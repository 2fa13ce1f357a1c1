// Sends stored spans to a team's OTLP/HTTP endpoint with the official exporter
// (@opentelemetry/exporter-trace-otlp-http, JSON encoding). Batches go one after the other; a failed batch
// stops the send and the error carries the endpoint's HTTP status and response body: nothing is dropped
// silently, and the caller knows exactly how many spans were accepted.
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { StoredSpan } from '../store/types';
import type { SpanStore } from '../store/spanStore';
import { ResourceCache, toReadableSpan } from './readableSpans';

export interface ForwardTarget {
  /** The traces endpoint, e.g. http://localhost:4318/v1/traces (used as given: no path is appended). */
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** The OTLP/HTTP encoding; protobuf (the OTel default) reaches every backend, Phoenix included. */
  protocol?: ForwardProtocol;
}

export type ForwardProtocol = 'http/protobuf' | 'http/json';

export class ForwardError extends Error {
  constructor(message: string, readonly sent: number, readonly status?: number, readonly body?: string) {
    super(message);
    this.name = 'ForwardError';
  }
}

export const forwardBatch = 512;

/** One exporter per target; send() may be called many times (the live mirror), dispose() shuts it down. */
export class Forwarder {
  private readonly exporter: JsonExporter | ProtobufExporter;
  private readonly resources = new ResourceCache();

  constructor(readonly target: ForwardTarget) {
    const url = new URL(target.url); // throws a readable error for a bad URL before anything is sent
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the forward URL must be http(s), not ${url.protocol}`);
    const options = { url: target.url, headers: { ...target.headers }, timeoutMillis: target.timeoutMs ?? 10_000 };
    this.exporter = target.protocol === 'http/json' ? new JsonExporter(options) : new ProtobufExporter(options);
  }

  /** Sends spans in batches; resolves with the count, or rejects with a ForwardError after the first failed batch. */
  async send(spans: readonly StoredSpan[], onProgress?: (sent: number) => void): Promise<number> {
    let sent = 0;
    for (let i = 0; i < spans.length; i += forwardBatch) {
      const batch = spans.slice(i, i + forwardBatch).map((s) => toReadableSpan(s, this.resources));
      const result = await new Promise<{ code: number; error?: Error }>((resolve) => this.exporter.export(batch, resolve));
      if (result.code !== 0) throw describe(result.error, this.target.url, sent);
      sent += batch.length;
      onProgress?.(sent);
    }
    return sent;
  }

  async dispose(): Promise<void> {
    await this.exporter.shutdown();
  }
}

/** Every span of one session, in start order. */
export async function forwardSession(store: SpanStore, sessionId: string, target: ForwardTarget, onProgress?: (sent: number, total: number) => void): Promise<{ spans: number; logRecordsNotSent: number }> {
  const summary = store.getSession(sessionId);
  if (!summary) throw new Error(`no session ${sessionId}`);
  const spans = store.spansOfSession(sessionId);
  const forwarder = new Forwarder(target);
  try {
    const sent = await forwarder.send(spans, (n) => onProgress?.(n, spans.length));
    return { spans: sent, logRecordsNotSent: summary.logCount };
  } finally {
    await forwarder.dispose();
  }
}

function describe(error: Error | undefined, url: string, sent: number): ForwardError {
  const e = error as (Error & { code?: number; data?: string }) | undefined;
  const status = typeof e?.code === 'number' ? e.code : undefined;
  const body = typeof e?.data === 'string' ? e.data.slice(0, 2000) : undefined;
  const answer = status !== undefined ? `HTTP ${status}${e?.message ? ` ${e.message}` : ''}${body ? `: ${body}` : ''}` : (e?.message ?? 'unknown error');
  return new ForwardError(`${url} refused the spans after ${sent} were accepted: ${answer}`, sent, status, body);
}
