// Where a gateway request goes: `/<provider>/<rest>` (the gateway's default upstreams) or
// `/r/<run>/<provider>/<rest>` (a launched run: its session, and the base URLs the agent had set).
import { randomBytes } from 'node:crypto';
import { defaultUpstreams, isProviderId, type ProviderId } from './providers';
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
  /** Path after the provider prefix, without the query. */
  path: string;
}

export class RouteTable {
  private readonly runs = new Map<string, RunRoute>();
  readonly defaultRoute: RunRoute;

  constructor(private readonly upstreams: Partial<Record<ProviderId, string>>) {
    this.defaultRoute = { id: '', traceId: newTraceId(), tools: new ToolCallTracker(), serviceName: 'llm-gateway' };
  }

  add(options: RunRouteOptions): RunRoute {
    const route: RunRoute = { ...options, id: randomBytes(9).toString('base64url'), traceId: newTraceId(), tools: new ToolCallTracker() };
    this.runs.set(route.id, route);
    return route;
  }

  get(id: string): RunRoute | undefined {
    return this.runs.get(id);
  }

  remove(id: string): void {
    this.runs.delete(id);
  }

  /** undefined: not a gateway path (or an unknown run); the caller answers 404. */
  resolve(rawUrl: string): ResolvedRequest | { unknownRun: string } | undefined {
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
    return { route, provider, upstream, path: rest };
  }
}
