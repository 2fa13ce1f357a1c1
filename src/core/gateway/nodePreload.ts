// Loaded into a traced Node agent with NODE_OPTIONS=--require (bundled as dist/gatewayPreload.js): calls
// that fetch() sends to a provider's default URL, from clients that hard-code it or ignore the base-URL
// variables, go to the recording gateway instead. AGENT_DEBUGGER_GATEWAY_ROUTES maps URL prefixes to
// gateway base URLs. Only fetch is routed (node:http clients are not). Kept free of imports: it runs first.

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

const routes = routesFromEnv();
const original = globalThis.fetch;
if (routes.length && typeof original === 'function') {
  globalThis.fetch = function routedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const target = reroute(url, routes);
    if (target === undefined) return original(input, init);
    return original(typeof input === 'string' || input instanceof URL ? target : new Request(target, input), init);
  };
}
