// The recording LLM gateway: one loopback port that forwards each provider call to its real upstream
// and records the exchange as a GenAI span. The traffic is never held for the recorder: bytes go out as
// they come in, and the recorder reads a copy. Nothing a request does can throw out of the handler.
import * as http from 'node:http';
import * as https from 'node:https';
import type { ListenAddress } from '../otlp/receiverTypes';
import type { TraceRequest } from '../otlp/model';
import { hostRefusal, isLoopbackHost, OriginPolicy } from '../otlp/httpGuards';
import { listenWithFallback } from '../otlp/listen';
import { launcherSessionKey } from '../store/sessionKeys';
import { type BodyKind, CappedBytes, ResponseRecorder, bodyKindOf } from './bodyRecorder';
import { clientResponseHeaders, safeUrl, upstreamRequestHeaders } from './headers';
import { anthropicParser } from './parsers/anthropic';
import { geminiParser } from './parsers/gemini';
import { ollamaParser } from './parsers/ollama';
import { openAiParser } from './parsers/openai';
import { providerErrorBody, type ProviderId } from './providers';
import { type ResolvedRequest, RouteTable, type RunRoute, type RunRouteOptions } from './routes';
import { type Exchange, exchangeSpan } from './spans';
import { newSpanId, parseTraceparent } from './traceContext';
import type { RawChunk, ResponderVerdict, StandInResponse } from './replayHooks';
import type { ParsedRequest, ProviderParser } from './types';

export const GATEWAY_HOST = '127.0.0.1';

export interface GatewayOptions {
  /** 0 (default): any free port. */
  port?: number;
  allowedOrigins?: string[];
  /** Upstreams for requests outside a run (default: each provider's public API). */
  upstreams?: Partial<Record<ProviderId, string>>;
  /** Where the recorded spans go (the engine's ingest queue). */
  sink: (request: TraceRequest) => void;
  /** Bodies larger than this are forwarded but not parsed (default 32 MiB). */
  maxRecordBytes?: number;
  /** Something went wrong recording (never a request's own failure). */
  onError?: (message: string) => void;
  /**
   * Calls are parsed into steps only when `recordPending()` is called; `onPending` is told each time one
   * waits. A run of calls is then parsed in one go (the engine's batch), not while the next call comes in.
   */
  deferRecording?: { onPending: (waiting: number) => void };
}

export interface GatewayStats {
  exchanges: number;
  failures: number;
}

/** Wall-clock ms with sub-ms precision (the spans' timestamps). */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function parserFor(provider: ProviderId, path: string): ProviderParser {
  switch (provider) {
    case 'anthropic': return anthropicParser;
    case 'gemini': return geminiParser;
    // Ollama also serves the OpenAI API under /v1.
    case 'ollama': return path.startsWith('/v1/') ? openAiParser(path) : ollamaParser;
    case 'openai': return openAiParser(path);
  }
}

/** Response bytes the recorder lets pile up before it reads them (see forward). */
const readRunBytes = 64 * 1024;

// noDelay on the agents' sockets: each chunk goes out as written (not per request: that costs a listener each time).
const keepAlive = { http: new http.Agent({ keepAlive: true, noDelay: true }), https: new https.Agent({ keepAlive: true, noDelay: true }) };

export class LlmGateway {
  private server: http.Server | undefined;
  private address: ListenAddress | undefined;
  private readonly routes: RouteTable;
  private readonly origins: OriginPolicy;
  private readonly maxRecordBytes: number;
  private pending: (() => void)[] = [];
  readonly stats: GatewayStats = { exchanges: 0, failures: 0 };

  constructor(private readonly options: GatewayOptions) {
    this.routes = new RouteTable(options.upstreams ?? {});
    this.origins = new OriginPolicy(options.allowedOrigins ?? []);
    this.maxRecordBytes = options.maxRecordBytes ?? 32 * 1024 * 1024;
  }

  get listening(): ListenAddress | undefined {
    return this.address;
  }

  /** http://127.0.0.1:PORT once started. */
  get endpoint(): string | undefined {
    return this.address && `http://${this.address.host}:${this.address.port}`;
  }

  async start(): Promise<ListenAddress> {
    if (this.address) return this.address;
    const server = http.createServer({ noDelay: true, keepAliveTimeout: 5_000, requestTimeout: 0 }, (req, res) => this.handle(req, res));
    this.address = await listenWithFallback(server, GATEWAY_HOST, this.options.port ?? 0);
    this.server = server;
    return this.address;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.address = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => server.closeAllConnections(), 500);
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    });
  }

  /** Parses the calls that ended since the last time into steps, in the order they ended (see deferRecording). */
  recordPending(): void {
    const pending = this.pending;
    this.pending = [];
    for (const record of pending) record();
  }

  /** A run's own path prefix: its steps go to its session, its calls to its upstreams. */
  addRun(options: RunRouteOptions): RunRoute {
    return this.routes.add(options);
  }

  /** A run added earlier (a restarted launch re-points it at its new session). */
  run(id: string): RunRoute | undefined {
    return this.routes.get(id);
  }

  removeRun(id: string): void {
    this.routes.remove(id);
  }

  /** The base URL an SDK of `provider` should use for `run` (or for the default route). */
  baseUrl(provider: ProviderId, run?: RunRoute): string | undefined {
    const endpoint = this.endpoint;
    return endpoint && `${endpoint}${run ? `/r/${run.id}` : ''}/${provider}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    try {
      this.route(req, res);
    } catch (e) {
      this.options.onError?.(`gateway: ${(e as Error).message}`);
      if (!res.headersSent) plain(res, 500, 'gateway error');
      else res.destroy();
    }
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!isLoopbackHost(req.headers.host)) return plain(res, 403, hostRefusal(req.headers.host ?? '').replace('OTLP receiver', 'LLM gateway'));
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.allows(origin)) return plain(res, 403, `Origin "${origin.slice(0, 100)}" may not use the LLM gateway.`);
    const resolved = this.routes.resolve(req.url ?? '/');
    if (!resolved) return plain(res, 404, 'Not an LLM gateway path: use /openai, /anthropic, /gemini or /ollama followed by the provider API path.');
    if ('unknownRun' in resolved) return plain(res, 404, 'This agent run is no longer recorded by the LLM gateway (the debugger restarted?): relaunch it.');
    if (resolved.upstream.protocol !== 'http:' && resolved.upstream.protocol !== 'https:') return plain(res, 400, 'The upstream base URL must be http or https.');
    if (resolved.route.responder) return this.consult(req, res, resolved);
    this.forward(req, res, resolved);
  }

  /** A route with a responder (replay): the whole body first, then the responder's verdict. */
  private consult(req: http.IncomingMessage, res: http.ServerResponse, r: ResolvedRequest): void {
    const body = new CappedBytes(this.maxRecordBytes);
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      try {
        if (body.overflowed) return plain(res, 413, 'The request is larger than the LLM gateway can replay.');
        const bytes = body.bytes() ?? Buffer.alloc(0);
        this.forward(req, res, r, { bytes, verdict: r.route.responder!({ provider: r.provider, method: req.method ?? 'POST', path: r.path, body: bytes }) });
      } catch (e) {
        this.options.onError?.(`gateway: replay: ${(e as Error).message}`);
        if (!res.headersSent) plain(res, 500, 'gateway error');
      }
    });
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, r: ResolvedRequest, pre?: { bytes: Buffer; verdict: ResponderVerdict }): void {
    // Until the call is on its way upstream, only what forwarding needs: the rest (parser, ids, the
    // recorder) is made when first used, after the bytes have gone out.
    const x: Exchange = {
      provider: r.provider, method: req.method ?? 'POST', path: r.path, upstream: r.upstream,
      traceId: '', spanId: '', parentSpanId: '', // given when recorded
      startMs: nowMs(), endMs: 0, streamed: false, attributes: pre?.verdict.attributes,
    };
    const traceparent = req.headers.traceparent;
    const requestBody = new CappedBytes(this.maxRecordBytes, Number(req.headers['content-length']) || 0);
    const chunks: RawChunk[] | undefined = r.route.onExchange ? [] : undefined;
    let parser: ProviderParser | undefined;
    let bodyKind: BodyKind = 'json';
    let recorder: ResponseRecorder | undefined;
    let responded = false;
    /** The recorder of the response, once one came (the gateway's own error answers have none). */
    const recorderOf = (): ResponseRecorder | undefined => {
      if (!responded) return undefined;
      parser ??= parserFor(r.provider, r.path);
      return (recorder ??= new ResponseRecorder(bodyKind, parser, this.maxRecordBytes));
    };
    // The recorder reads the response in runs, off the path of the bytes: at the end (with the step) or
    // every `readRunBytes`, so a call costs nothing but a copy while its answer streams.
    let unread: Buffer[] = [];
    let unreadBytes = 0;
    const readUnread = (): void => {
      const chunks = unread;
      unread = [];
      unreadBytes = 0;
      const recorder = recorderOf();
      for (const chunk of chunks) {
        try {
          recorder?.push(chunk);
        } catch (e) {
          this.options.onError?.(`gateway: could not read a ${r.provider} stream chunk: ${(e as Error).message}`);
        }
      }
    };
    // Other paths (model lists, files) pass through unread.
    const modelCall = r.modelCall;
    let settled = false;
    const finish = (error?: Exchange['error']): void => {
      if (settled) return;
      settled = true;
      x.endMs = nowMs();
      x.error = error;
      if (modelCall) {
        this.stats.exchanges++;
        if (x.error || (x.status ?? 0) >= 400) this.stats.failures++;
        const record = () => {
          readUnread();
          this.record(x, r.route, traceparent, requestBody, recorderOf(), parser ?? parserFor(r.provider, r.path));
        };
        if (!this.options.deferRecording) record();
        else {
          this.pending.push(record);
          this.options.deferRecording.onPending(this.pending.length);
        }
      }
      r.route.onExchange?.({ provider: x.provider, method: x.method, path: x.path, requestBody: requestBody.bytes(), status: x.status, contentType, chunks: chunks!, startMs: x.startMs, endMs: x.endMs, error: x.error });
    };
    let contentType: string | undefined;

    const onResponse = (upstreamRes: http.IncomingMessage | StandInResponse): void => {
      x.status = upstreamRes.statusCode ?? 502;
      contentType = upstreamRes.headers['content-type'];
      responded = true;
      bodyKind = bodyKindOf(contentType);
      x.streamed = bodyKind !== 'json';
      res.writeHead(x.status, clientResponseHeaders(upstreamRes.headers));
      // The pipe first: each chunk is on its way to the agent before the recorder sees it. (The response
      // corks its socket until the end of the tick: a run is read on the next one, after the write.)
      upstreamRes.pipe(res);
      // A stream's headers go out at once (SDKs wait for them before the first event), but with its first
      // event when that came in the same read (the pipe writes it on the tick before): one write, not two.
      // A plain body's go with it. (headersSent is no help: it is true once writeHead stored them.)
      if (x.streamed) process.nextTick(() => x.firstChunkMs !== undefined || res.destroyed || res.writableEnded || res.flushHeaders());
      upstreamRes.on('data', (chunk: Buffer) => {
        x.firstChunkMs ??= nowMs();
        chunks?.push({ atMs: nowMs() - x.startMs, data: chunk });
        if (!modelCall) return;
        unread.push(chunk);
        unreadBytes += chunk.length;
        if (unreadBytes >= readRunBytes) process.nextTick(readUnread);
      });
      upstreamRes.on('end', () => finish());
      upstreamRes.on('error', (e) => {
        finish({ type: 'upstream_stream_error', message: `the ${r.provider} stream broke: ${e.message}` });
        res.destroy();
      });
    };

    if (pre && 'answer' in pre.verdict) {
      const answer = pre.verdict.answer;
      requestBody.push(pre.bytes);
      onResponse(answer);
      res.on('close', () => {
        if (res.writableFinished) return;
        answer.destroy();
        finish({ type: 'client_aborted', message: 'the agent aborted the request' });
      });
      return;
    }
    const replacement = pre && 'forward' in pre.verdict ? pre.verdict.forward : undefined;
    const client = r.upstream.protocol === 'https:' ? https : http;
    const headers = upstreamRequestHeaders(req.headers, r.upstream.host);
    if (replacement) headers['content-length'] = replacement.length;
    const upstreamReq = client.request({
      ...r.target, method: req.method, headers, agent: r.upstream.protocol === 'https:' ? keepAlive.https : keepAlive.http,
    });
    if (replacement) {
      requestBody.push(replacement);
      upstreamReq.end(replacement);
    } else {
      req.pipe(upstreamReq);
      req.on('data', (chunk: Buffer) => requestBody.push(chunk));
    }

    upstreamReq.on('response', onResponse);
    upstreamReq.on('error', (e) => {
      if (settled) return;
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      const message = `LLM gateway could not reach ${safeUrl(r.upstream)}: ${code === 'error' ? e.message : code}`;
      if (!res.headersSent) {
        const body = providerErrorBody(r.provider, 502, message);
        res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        x.status = 502;
      } else {
        res.destroy();
      }
      finish({ type: code, message });
    });
    // The agent gave up (abort, timeout, exit): so does the upstream call.
    res.on('close', () => {
      if (res.writableFinished) return;
      upstreamReq.destroy();
      finish({ type: 'client_aborted', message: 'the agent aborted the request' });
    });
    req.on('error', () => upstreamReq.destroy());
  }

  private record(x: Exchange, route: RunRoute, traceparent: string | string[] | undefined, requestBody: CappedBytes, recorder: ResponseRecorder | undefined, parser: ProviderParser): void {
    try {
      const parent = parseTraceparent(traceparent);
      x.traceId = parent?.traceId ?? route.traceId;
      x.spanId = newSpanId();
      x.parentSpanId = parent?.spanId ?? '';
      const requestJson = requestBody.json();
      let request: ParsedRequest | undefined;
      if (requestJson !== undefined) request = parser.request(x.path, requestJson);
      x.request = request;
      x.response = recorder?.finish();
      x.truncated = requestBody.overflowed || undefined;
      if (x.status !== undefined && x.status >= 400 && !x.response?.error && recorder) {
        x.response = { messages: [], finishReasons: [], usage: {}, ...x.response, error: recorder.text(2000) || `HTTP ${x.status}` };
      }
      const spans = request ? route.tools.resultsIn(request, x.startMs) : [];
      spans.push(exchangeSpan(x));
      if (x.response && !x.error) route.tools.callsIn(x.response, x.endMs, x.traceId, x.parentSpanId);
      this.options.sink(traceRequestOf(route, spans));
    } catch (e) {
      this.options.onError?.(`gateway: could not record a ${x.provider} call: ${(e as Error).message}`);
    }
  }
}

function plain(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(message);
}

function traceRequestOf(route: RunRoute, spans: TraceRequest['resourceSpans'][number]['scopeSpans'][number]['spans']): TraceRequest {
  const attributes = [{ key: 'service.name', value: { stringValue: route.serviceName ?? 'llm-gateway' } }];
  if (route.sessionId) attributes.push({ key: launcherSessionKey, value: { stringValue: route.sessionId } });
  return {
    resourceSpans: [{
      resource: { attributes, droppedAttributesCount: 0 },
      scopeSpans: [{ scope: { name: 'agent-debugger.gateway', version: '1', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
      schemaUrl: '',
    }],
  };
}
