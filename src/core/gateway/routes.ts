// Where a gateway request goes: `/<provider>/<rest>` (the gateway's default upstreams) or
// `/r/<run>/<provider>/<rest>` (a launched run: its session, and the base URLs the agent had set).
import { randomBytes } from 'node:crypto';
import { defaultUpstreams, isModelCall, isProviderId, type ProviderId } from './providers';
import { newTraceId } from './traceContext';
import { ToolCallTracker } from './toolSteps';
import type { ExchangeListener, GatewayResponder } from './replayHooks';

export interface RunRouteOptions {
  /** The store session the run's steps go to (agent_debugger.session.id). */
  sessionId?: string;
  serviceName?: string;
  /** Base URLs the agent had set before the launch: the run's upstreams (chained, not replaced). */
  upstreams?: Partial<Record<ProviderId, string>>;
  /** Replay: answers (or rewrites) each call before it goes upstream. */
  responder?: GatewayResponder;
  /** Cassettes: each exchange's raw bytes once it ends. */
  onExchange?: ExchangeListener;
}

export interface RunRoute extends RunRouteOptions {
  id: string;
  /** Steps of an agent that sends no traceparent share one trace per run. */
  traceId: string;
  tools: ToolCallTracker;
}

export interface ResolvedRequest {
  route: RunRoute;
  provider: ProviderId;
  upstream: URL;
  /** `upstream` as http.request options (read only: spread it). */
  target: { protocol: string; hostname: string; port: string; path: string; auth?: string };
  /** Whether it is a model call (a step); other paths pass through unrecorded. */
  modelCall: boolean;
  /** Path after the provider prefix, without the query. */
  path: string;
}

type Resolution = ResolvedRequest | { unknownRun: string } | undefined;

/** Resolutions kept (an agent calls the same few paths again and again); the cache starts over past this. */
const maxCached = 256;

export class RouteTable {
  private readonly runs = new Map<string, RunRoute>();
  readonly defaultRoute: RunRoute;
  /** By raw request target: parsing two URLs is a good part of a call's time in the gateway. */
  private readonly cache = new Map<string, Resolution>();

  constructor(private readonly upstreams: Partial<Record<ProviderId, string>>) {
    this.defaultRoute = { id: '', traceId: newTraceId(), tools: new ToolCallTracker(), serviceName: 'llm-gateway' };
  }

  add(options: RunRouteOptions): RunRoute {
    const route: RunRoute = { ...options, id: randomBytes(9).toString('base64url'), traceId: newTraceId(), tools: new ToolCallTracker() };
    this.runs.set(route.id, route);
    this.cache.clear();
    return route;
  }

  get(id: string): RunRoute | undefined {
    return this.runs.get(id);
  }

  remove(id: string): void {
    this.runs.delete(id);
    this.cache.clear();
  }

  /** undefined: not a gateway path (or an unknown run); the caller answers 404. The answer is shared: read it only. */
  resolve(rawUrl: string): Resolution {
    // A query may carry a key (Gemini's ?key=): such targets are not kept.
    if (rawUrl.includes('?')) return this.parse(rawUrl);
    if (this.cache.has(rawUrl)) return this.cache.get(rawUrl);
    if (this.cache.size >= maxCached) this.cache.clear();
    const resolution = this.parse(rawUrl);
    this.cache.set(rawUrl, resolution);
    return resolution;
  }

  private parse(rawUrl: string): Resolution {
    const url = new URL(rawUrl, 'http://gateway');
    const segments = url.pathname.split('/');
    let route = this.defaultRoute;
    let i = 1;
    if (segments[1] === 'r') {
      const found = this.runs.get(segments[2] ?? '');
      if (!found) return { unknownRun: segments[2] ?? '' };
      route = found;
      i = 3;
    }
    const provider = segments[i] ?? '';
    if (!isProviderId(provider)) return undefined;
    const rest = '/' + segments.slice(i + 1).join('/');
    const base = (route.upstreams?.[provider] ?? this.upstreams[provider] ?? defaultUpstreams[provider]).replace(/\/+$/, '');
    const upstream = new URL(base + (rest === '/' ? '' : rest) + url.search);
    // What http.request makes of a URL (urlToHttpOptions), once per target rather than per call.
    const target: ResolvedRequest['target'] = { protocol: upstream.protocol, hostname: upstream.hostname.replace(/^\[(.*)\]$/, '$1'), port: upstream.port, path: upstream.pathname + upstream.search };
    if (upstream.username || upstream.password) target.auth = `${decodeURIComponent(upstream.username)}:${decodeURIComponent(upstream.password)}`;
    return { route, provider, upstream, target, path: rest, modelCall: isModelCall(provider, rest) };
  }
}
