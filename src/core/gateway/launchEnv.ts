// The variables the official SDKs read for their base URL, pointed at the gateway. A base URL the user
// had set becomes the run's upstream (chained, not replaced).
import { delimiter } from 'node:path';
import { defaultUpstreams, type ProviderId, providerIds } from './providers';

/** Per provider: the variable the SDKs read, and older spellings some libraries still read. */
export const baseUrlVariables: Readonly<Record<ProviderId, readonly string[]>> = {
  openai: ['OPENAI_BASE_URL', 'OPENAI_API_BASE'],
  anthropic: ['ANTHROPIC_BASE_URL'],
  ollama: ['OLLAMA_HOST'],
  gemini: ['GOOGLE_GEMINI_BASE_URL'],
};

/** OLLAMA_HOST may be "host:port" or "0.0.0.0" (a bind address): as a URL the client would call. */
function asUrl(provider: ProviderId, value: string): string | undefined {
  let v = value.trim();
  if (!v) return undefined;
  if (!/^https?:\/\//i.test(v)) v = `http://${v}`;
  try {
    const url = new URL(v);
    if (provider === 'ollama') {
      if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
      if (!/:\d+$/.test(url.host)) url.port = '11434';
    }
    return url.href.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/** The base URLs `base` already sets (not ones pointing at this gateway: a nested launch must not loop). */
export function chainedUpstreams(base: Record<string, string | undefined>, gatewayEndpoint: string, providers: readonly ProviderId[] = providerIds): Partial<Record<ProviderId, string>> {
  const out: Partial<Record<ProviderId, string>> = {};
  for (const p of providers) {
    for (const name of baseUrlVariables[p]) {
      const url = base[name] !== undefined ? asUrl(p, base[name]!) : undefined;
      if (url && !url.startsWith(gatewayEndpoint) && url !== defaultUpstreams[p]) {
        out[p] = url;
        break;
      }
    }
  }
  return out;
}

/** Default URLs a client may hard-code, per provider: the Node preload routes them to the gateway. */
const hardCodedUrls: Readonly<Record<ProviderId, readonly string[]>> = {
  openai: [defaultUpstreams.openai],
  anthropic: [defaultUpstreams.anthropic],
  gemini: [defaultUpstreams.gemini],
  ollama: [defaultUpstreams.ollama, 'http://localhost:11434'],
};

/**
 * The variables to set for the providers the gateway records; with `nodePreload` (the path of
 * dist/gatewayPreload.js), NODE_OPTIONS also loads it, so hard-coded provider URLs reach the gateway too.
 */
export function gatewayEnv(urls: Partial<Record<ProviderId, string>>, nodePreload?: { path: string; nodeOptions: string | undefined }, pythonPreload?: { dir: string; pythonPath: string | undefined }): Record<string, string> {
  const env: Record<string, string> = {};
  const routes: Record<string, string> = {};
  for (const [p, url] of Object.entries(urls) as [ProviderId, string][]) {
    for (const name of baseUrlVariables[p]) env[name] = url;
    for (const from of hardCodedUrls[p]) routes[from] = url;
  }
  if (nodePreload && Object.keys(routes).length) {
    const flag = `--require ${JSON.stringify(nodePreload.path)}`;
    const existing = nodePreload.nodeOptions ?? '';
    env.NODE_OPTIONS = existing.includes(flag) ? existing : `${existing} ${flag}`.trim();
    env.AGENT_DEBUGGER_GATEWAY_ROUTES = JSON.stringify(routes);
  }
  // dist/python holds a sitecustomize.py that Python loads at start: it reroutes urllib, httpx and requests the same way.
  if (pythonPreload && Object.keys(routes).length) {
    const existing = pythonPreload.pythonPath ? pythonPreload.pythonPath.split(delimiter) : [];
    env.PYTHONPATH = existing.includes(pythonPreload.dir) ? pythonPreload.pythonPath! : [pythonPreload.dir, ...existing].join(delimiter);
    env.AGENT_DEBUGGER_GATEWAY_ROUTES = JSON.stringify(routes);
  }
  return env;
}
