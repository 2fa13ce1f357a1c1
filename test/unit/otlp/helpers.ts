// Shared fixtures for the OTLP tests: model builders, an in-memory sink, a raw HTTP client and
// response decoders (so answers are checked as bytes, not through our own encoder).
import * as http from 'node:http';
import { Reader } from 'protobufjs/minimal';
import type { AnyValue, KeyValue, LogRecord, LogsRequest, Span, TraceRequest } from '../../../src/core/otlp/model';
import { OtlpReceiver } from '../../../src/core/otlp/receiver';
import type { OtlpReceiverOptions, OtlpSink, SinkVerdict } from '../../../src/core/otlp/receiverTypes';

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const SPAN_ID = 'eee19b7ec3c1b174';
export const PARENT_ID = 'aaa19b7ec3c1b175';

export function kv(key: string, value: AnyValue): KeyValue {
  return { key, value };
}

export function makeSpan(overrides: Partial<Span> = {}): Span {
  return {
    traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: PARENT_ID, traceState: 'k=v', flags: 0x301, name: 'chat gpt-4o',
    kind: 3, startTimeUnixNano: '1700000000123456789', endTimeUnixNano: '1700000001987654321',
    attributes: [
      kv('str', { stringValue: 'héllo ✓' }), kv('bool', { boolValue: true }), kv('int', { intValue: '-42' }),
      kv('big', { intValue: '9007199254740993' }), kv('double', { doubleValue: 0.25 }),
      kv('arr', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { boolValue: false }] } }),
      kv('kv', { kvlistValue: { values: [kv('inner', { doubleValue: 1.5 }), kv('deeper', { kvlistValue: { values: [kv('x', { stringValue: 'y' })] } })] } }),
      kv('bytes', { bytesValue: Buffer.from([0, 1, 2, 255]).toString('base64') }), kv('empty', {}),
    ],
    droppedAttributesCount: 2,
    events: [{ timeUnixNano: '1700000000500000000', name: 'gen_ai.choice', attributes: [kv('n', { intValue: '1' })], droppedAttributesCount: 1 }],
    droppedEventsCount: 3,
    links: [{ traceId: 'f'.repeat(32), spanId: '1'.repeat(16), traceState: 'a=b', attributes: [kv('l', { boolValue: true })], droppedAttributesCount: 4, flags: 1 }],
    droppedLinksCount: 5,
    status: { code: 2, message: 'boom' },
    ...overrides,
  };
}

export function makeTraceRequest(spans: Span[] = [makeSpan()]): TraceRequest {
  return {
    resourceSpans: [{
      resource: { attributes: [kv('service.name', { stringValue: 'agent' })], droppedAttributesCount: 0 },
      scopeSpans: [{
        scope: { name: 'openai', version: '1.2.3', attributes: [kv('scope.attr', { intValue: '7' })], droppedAttributesCount: 0 },
        spans,
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      }],
      schemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
    }],
  };
}

export function makeLogRecord(overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: '1700000000000000001', observedTimeUnixNano: '1700000000000000002', severityNumber: 9,
    severityText: 'INFO', body: { kvlistValue: { values: [kv('content', { stringValue: 'hi' })] } },
    attributes: [kv('gen_ai.system', { stringValue: 'openai' })], droppedAttributesCount: 1, flags: 1,
    traceId: TRACE_ID, spanId: SPAN_ID, eventName: 'gen_ai.user.message',
    ...overrides,
  };
}

export function makeLogsRequest(records: LogRecord[] = [makeLogRecord()]): LogsRequest {
  return {
    resourceLogs: [{
      resource: { attributes: [kv('service.name', { stringValue: 'agent' })], droppedAttributesCount: 0 },
      scopeLogs: [{ scope: { name: 'logs', version: '', attributes: [], droppedAttributesCount: 0 }, logRecords: records, schemaUrl: '' }],
      schemaUrl: '',
    }],
  };
}

/** Collects what the receiver hands over; `verdict` can be swapped to simulate back-pressure. */
export class MemorySink implements OtlpSink {
  traces: TraceRequest[] = [];
  logs: LogsRequest[] = [];
  verdict: SinkVerdict = { ok: true };
  throwOnAccept = false;

  acceptTraces(req: TraceRequest): SinkVerdict {
    if (this.throwOnAccept) throw new Error('sink exploded');
    if (this.verdict.ok) this.traces.push(req);
    return this.verdict;
  }

  acceptLogs(req: LogsRequest): SinkVerdict {
    if (this.throwOnAccept) throw new Error('sink exploded');
    if (this.verdict.ok) this.logs.push(req);
    return this.verdict;
  }

  spans(): Span[] {
    return this.traces.flatMap((t) => t.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
  }
}

export async function startReceiver(sink: OtlpSink, options: Partial<OtlpReceiverOptions> = {}): Promise<{ receiver: OtlpReceiver; port: number; grpcPort?: number }> {
  const receiver = new OtlpReceiver({ port: 0, grpcPort: false, allowedOrigins: [], sink, ...options });
  const addresses = await receiver.start();
  return { receiver, port: addresses.http.port, grpcPort: addresses.grpc?.port };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A plain HTTP request; resolves with the answer even if the server stops reading our body early. */
export function request(
  port: number, path: string, options: { method?: string; headers?: Record<string, string | number>; body?: Uint8Array | string; agent?: http.Agent } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'POST', headers: options.headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** google.rpc.Status from protobuf bytes. */
export function decodeStatusProto(bytes: Uint8Array): { code: number; message: string } {
  const r = Reader.create(bytes);
  const out = { code: 0, message: '' };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 8) out.code = r.int32();
    else if (tag === 18) out.message = r.string();
    else r.skipType(tag & 7);
  }
  return out;
}

/** Export*ServiceResponse from protobuf bytes: the partial_success fields, if set. */
export function decodeExportResponseProto(bytes: Uint8Array): { rejected: string; errorMessage: string } | undefined {
  const r = Reader.create(bytes);
  let out: { rejected: string; errorMessage: string } | undefined;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag !== 10) {
      r.skipType(tag & 7);
      continue;
    }
    const end = r.uint32() + r.pos;
    out = { rejected: '0', errorMessage: '' };
    while (r.pos < end) {
      const t = r.uint32();
      if (t === 8) out.rejected = r.int64().toString();
      else if (t === 18) out.errorMessage = r.string();
      else r.skipType(t & 7);
    }
  }
  return out;
}

/** Deterministic PRNG so a failing fuzz case can be reproduced from its seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
