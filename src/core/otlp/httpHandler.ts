// One OTLP/HTTP request: guards, routing, content negotiation, bounded body, ingest, answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError, parseContentEncoding, readBody, type RequestBody } from './httpBody';
import { OriginPolicy, hostRefusal, isLoopbackHost, originRefusal } from './httpGuards';
import { type InFlightBudget, inFlightRetryAfterSeconds } from './inFlight';
import { type IngestSignal, ingestBody, ingestOffThread } from './ingest';
import { metricsProblem } from './metricsCheck';
import { CONTENT_TYPES, GrpcCode, type OtlpFormat, encodeExportResponse, encodeStatus } from './responses';
import type { OffThreadDecoder, OtlpSink } from './receiverTypes';
import type { StatsTracker } from './receiverStats';

export interface HttpContext {
  sink: OtlpSink;
  offThreadDecoder?: OffThreadDecoder;
  maxBodyBytes: number;
  /** Bytes of bodies read, inflated and being decoded, across requests (and gRPC). */
  inFlight: InFlightBudget;
  origins: OriginPolicy;
  stats: StatsTracker;
}

type Route = IngestSignal | 'metrics' | 'health';

const ROUTES: Record<string, Route> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
  '/': 'health',
  '/health': 'health',
};

// google.rpc.Status.code for each HTTP error we send (the spec says it is optional; it helps humans).
const STATUS_CODE_FOR_HTTP: Record<number, number> = {
  400: GrpcCode.INVALID_ARGUMENT, 403: GrpcCode.PERMISSION_DENIED, 404: GrpcCode.NOT_FOUND,
  405: GrpcCode.UNIMPLEMENTED, 413: GrpcCode.RESOURCE_EXHAUSTED, 415: GrpcCode.INVALID_ARGUMENT,
  429: GrpcCode.RESOURCE_EXHAUSTED, 500: GrpcCode.INTERNAL, 503: GrpcCode.UNAVAILABLE,
};

const HEALTH_BODY = Buffer.from(JSON.stringify({ service: 'agent-debugger', otlp: true }));

/** The OTLP encoding named by a Content-Type header (parameters such as charset are ignored). */
export function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mime === 'application/x-protobuf' || mime === 'application/protobuf') return 'protobuf';
  if (mime === 'application/json') return 'json';
  return undefined;
}

/** Handles one request; never throws (a bug becomes a 500 Status). */
export async function handleHttpRequest(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const format = formatOf(req.headers['content-type']);
  const origin = req.headers.origin;
  const reply = new Replier(req, res, ctx, format ?? 'json', origin !== undefined && ctx.origins.allows(origin));
  ctx.stats.mutable.requests++;
  try {
    await route(req, reply, ctx, format);
  } catch (e) {
    try {
      reply.error(500, `internal error in the OTLP receiver: ${e instanceof Error ? e.message : String(e)}`);
    } catch {
      res.destroy(); // even the error answer failed: drop this connection, keep the server
    }
  } finally {
    ctx.stats.changed();
  }
}

async function route(req: IncomingMessage, reply: Replier, ctx: HttpContext, format: OtlpFormat | undefined): Promise<void> {
  const host = req.headers.host;
  if (!isLoopbackHost(host)) return reply.error(403, hostRefusal(host ?? ''));
  const origin = req.headers.origin;
  if (origin !== undefined && !ctx.origins.allows(origin)) return reply.error(403, originRefusal(origin));

  const path = (req.url ?? '/').split('?')[0];
  const target = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (!target) return reply.error(404, `no OTLP endpoint at ${path.slice(0, 200)}; use POST /v1/traces, /v1/logs or /v1/metrics`);
  const method = req.method ?? 'GET';
  if (target === 'health') {
    if (method !== 'GET' && method !== 'HEAD') return reply.error(405, `${method} is not allowed on ${path}`, { Allow: 'GET, HEAD' });
    return reply.send(200, 'application/json', method === 'HEAD' ? Buffer.alloc(0) : HEALTH_BODY);
  }
  if (method === 'OPTIONS') return reply.preflight();
  if (method !== 'POST') return reply.error(405, `${method} is not allowed on ${path}; OTLP uses POST`, { Allow: 'POST, OPTIONS' });
  if (!format) {
    const given = req.headers['content-type'];
    return reply.error(415, `${given ? `Content-Type "${given.slice(0, 100)}" is` : 'a missing Content-Type is'} not supported; send application/x-protobuf or application/json`);
  }
  const encoding = parseContentEncoding(req.headers['content-encoding']);
  if (!encoding) {
    return reply.error(415, `Content-Encoding "${String(req.headers['content-encoding']).slice(0, 50)}" is not supported; use gzip, deflate or none`);
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > ctx.maxBodyBytes) {
    return reply.error(413, `request body of ${declared} bytes is larger than the ${ctx.maxBodyBytes}-byte limit`, { Connection: 'close' });
  }

  const busy = { 'Retry-After': String(inFlightRetryAfterSeconds), Connection: 'close' };
  if (declared > 0 && !ctx.inFlight.fits(declared)) return reply.error(429, ctx.inFlight.refusal(), busy);
  // A long backlog: the body waits in the sender's socket (TCP pushes back) until the store catches up.
  await ctx.sink.room?.();
  // What this request keeps in memory (its body, then what decoding it makes) counts until it is answered.
  const lease = ctx.inFlight.lease();
  try {
    let body: RequestBody;
    try {
      body = await readBody(req, ctx.maxBodyBytes, encoding, (n) => (ctx.stats.mutable.bytesReceived += n), lease, () => ctx.inFlight.refusal());
    } catch (e) {
      if (!(e instanceof BodyError)) throw e;
      return reply.error(e.status, e.message, e.status === 413 ? { Connection: 'close' } : e.status === 429 ? busy : {});
    }
    // Decoding makes about as much again (the decode worker's copy, then the decoded request).
    if (!lease.take(body.length)) return reply.error(429, ctx.inFlight.refusal(), { 'Retry-After': busy['Retry-After'] });
    return await answer(target, format, body, reply, ctx);
  } finally {
    lease.release();
  }
}

async function answer(target: IngestSignal | 'metrics', format: OtlpFormat, body: RequestBody, reply: Replier, ctx: HttpContext): Promise<void> {
  if (target === 'metrics') {
    // Not stored, but checked: malformed metrics get the same 400 as traces and logs.
    const problem = metricsProblem(format, body.bytes);
    if (problem) return reply.error(400, problem);
    return reply.send(200, CONTENT_TYPES[format], encodeExportResponse('metrics', format));
  }
  // Trace requests are decoded on the decode worker when there is one, while this thread stores.
  const decoder = target === 'traces' && ctx.sink.acceptPreparedTraces ? ctx.offThreadDecoder : undefined;
  const offThread = decoder && (await decoder.decodeTraces(format, body.chunks));
  const outcome = offThread ? ingestOffThread(offThread, ctx.sink, ctx.stats.mutable) : ingestBody(target, format, body.bytes, ctx.sink, ctx.stats.mutable);
  switch (outcome.kind) {
    case 'accepted':
      return reply.send(200, CONTENT_TYPES[format], encodeExportResponse(target, format, outcome.partial));
    case 'invalid':
      return reply.error(400, outcome.message);
    case 'refused':
      return reply.error(outcome.status, outcome.reason, { 'Retry-After': String(Math.max(0, Math.ceil(outcome.retryAfterSeconds))) });
  }
}

/** Writes answers in the request's encoding, with CORS headers for allowed browser origins. */
class Replier {
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly ctx: HttpContext,
    private readonly format: OtlpFormat,
    private readonly corsOrigin: boolean,
  ) {}

  send(status: number, contentType: string, body: Buffer, headers: Record<string, string> = {}): void {
    const res = this.res;
    if (res.headersSent) {
      res.destroy(); // cannot answer twice; drop the connection rather than lie
      return;
    }
    res.statusCode = status;
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', body.length);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (this.corsOrigin) {
      res.setHeader('Access-Control-Allow-Origin', this.req.headers.origin!);
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
      res.setHeader('Vary', 'Origin');
    }
    res.end(body);
  }

  error(status: number, message: string, headers: Record<string, string> = {}): void {
    this.ctx.stats.error('http', status, message);
    const body = encodeStatus(this.format, STATUS_CODE_FOR_HTTP[status] ?? GrpcCode.INTERNAL, message);
    this.send(status, CONTENT_TYPES[this.format], body, headers);
  }

  /** CORS preflight for an allowed origin (the Origin check has already run). */
  preflight(): void {
    const headers: Record<string, string> = { Allow: 'POST, OPTIONS' };
    if (this.corsOrigin) {
      headers['Access-Control-Allow-Methods'] = 'POST, OPTIONS';
      headers['Access-Control-Allow-Headers'] =
        String(this.req.headers['access-control-request-headers'] ?? 'Content-Type, Content-Encoding');
      headers['Access-Control-Max-Age'] = '600';
    }
    this.send(204, 'text/plain', Buffer.alloc(0), headers);
  }
}
