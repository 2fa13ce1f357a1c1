// Loaded into a traced Node agent with NODE_OPTIONS=--require (bundled as dist/gatewayPreload.js): calls
// that fetch() or node:http / node:https send to a provider's default URL, from clients that hard-code it
// or ignore the base-URL variables, go to the recording gateway instead. AGENT_DEBUGGER_GATEWAY_ROUTES maps
// URL prefixes to gateway base URLs. Only Node built-ins are imported: it runs before the agent's code.
// Default imports: the modules' own objects, which the replacements below must change (a namespace is a copy).
import http from 'node:http';
import https from 'node:https';
import nodeModule from 'node:module';

function routesFromEnv(): [string, string][] {
  try {
    const parsed = JSON.parse(process.env.AGENT_DEBUGGER_GATEWAY_ROUTES ?? '{}') as Record<string, unknown>;
    return Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string');
  } catch {
    return [];
  }
}

function reroute(url: string, routes: [string, string][]): string | undefined {
  for (const [from, to] of routes) if (url === from || url.startsWith(`${from}/`) || url.startsWith(`${from}?`)) return to + url.slice(from.length);
  return undefined;
}

type Callback = (res: http.IncomingMessage) => void;
type RequestArgs = [url: string | URL | http.RequestOptions, options?: http.RequestOptions | Callback, callback?: Callback];
type RequestFn = (...args: RequestArgs) => http.ClientRequest;

/** The URL a node:http(s) call would reach, and its options merged as Node merges them (options win over the URL). */
function callOf(defaultProtocol: string, args: RequestArgs): { url: string; options: http.RequestOptions; callback?: Callback } {
  const [first, second, third] = args;
  const fromUrl = typeof first === 'string' || first instanceof URL ? new URL(first) : undefined;
  const options: http.RequestOptions = { ...(fromUrl ? {} : (first as http.RequestOptions)), ...(typeof second === 'object' ? second : {}) };
  const callback = typeof second === 'function' ? second : third;
  const protocol = options.protocol ?? fromUrl?.protocol ?? defaultProtocol;
  const hostname = options.hostname ?? options.host ?? fromUrl?.hostname ?? 'localhost';
  const port = options.port ?? (fromUrl?.port || '');
  const path = options.path ?? (fromUrl ? fromUrl.pathname + fromUrl.search : '/');
  const defaultPort = protocol === 'https:' ? '443' : '80';
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  return { url: `${protocol}//${host}${port && String(port) !== defaultPort ? `:${port}` : ''}${path}`, options, callback };
}

/** The client's headers with its Host dropped (it named the provider; Node sets the gateway's). */
function withoutHost(headers: http.OutgoingHttpHeaders | readonly string[] | undefined): http.OutgoingHttpHeaders | string[] | undefined {
  if (Array.isArray(headers)) {
    const out: string[] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() !== 'host') out.push(String(headers[i]), String(headers[i + 1]));
    return out;
  }
  if (!headers) return undefined;
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'host'));
}

const routes = routesFromEnv();
const original = { fetch: globalThis.fetch, http: http.request, https: https.request };

function routedRequest(defaultProtocol: 'http:' | 'https:'): RequestFn {
  const own = defaultProtocol === 'https:' ? original.https : original.http;
  return function request(...args: RequestArgs): http.ClientRequest {
    const call = callOf(defaultProtocol, args);
    const target = reroute(call.url, routes);
    if (target === undefined) return (own as RequestFn)(...args);
    const to = new URL(target);
    // The caller's agent and socket options belong to the provider's host (an https agent cannot carry http).
    const { agent: _agent, host: _host, socketPath: _socket, createConnection: _create, ...rest } = call.options;
    const options: http.RequestOptions = { ...rest, protocol: to.protocol, hostname: to.hostname, port: to.port, path: to.pathname + to.search, headers: withoutHost(call.options.headers) };
    const send = (to.protocol === 'https:' ? original.https : original.http) as (o: http.RequestOptions, cb?: Callback) => http.ClientRequest;
    return send(options, call.callback);
  };
}

function get(request: RequestFn): RequestFn {
  return (...args) => {
    const req = request(...args);
    req.end();
    return req;
  };
}

if (routes.length) {
  const f = original.fetch;
  if (typeof f === 'function') {
    globalThis.fetch = function routedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const target = reroute(url, routes);
      if (target === undefined) return f(input, init);
      return f(typeof input === 'string' || input instanceof URL ? target : new Request(target, input), init);
    };
  }
  // http.get calls the module's own request, not the export: both are replaced.
  const httpRequest = routedRequest('http:');
  const httpsRequest = routedRequest('https:');
  Object.assign(http, { request: httpRequest, get: get(httpRequest) });
  Object.assign(https, { request: httpsRequest, get: get(httpsRequest) });
  // ES modules' named imports (`import { request } from 'node:https'`) see the replacements too.
  nodeModule.syncBuiltinESMExports();
}
