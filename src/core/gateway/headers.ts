// Which headers cross the gateway. Credentials are forwarded to the provider (the agent's own key, for
// the agent's own call) and nowhere else: nothing in this module's callers records a header.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Headers that carry credentials: forwarded upstream, never stored, logged or exported. */
export const secretHeaders: ReadonlySet<string> = new Set([
  'authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'openai-organization', 'openai-project',
  'cookie', 'set-cookie', 'anthropic-admin-api-key',
]);

/** Connection-level headers (RFC 9110 section 7.6.1) and ones the gateway sets itself. */
const notForwarded: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'origin', 'accept-encoding',
]);

/** The request headers to send upstream (the client's, minus hop-by-hop; compression off so the recorder can read). */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, upstreamHost: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !notForwarded.has(k)) out[k] = v;
  out.host = upstreamHost;
  out['accept-encoding'] = 'identity';
  return out;
}

/** The response headers to pass back to the agent (hop-by-hop ones belong to each connection). */
export function clientResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !notForwarded.has(k) && k !== 'content-length') out[k] = v;
  if (headers['content-length'] !== undefined && headers['transfer-encoding'] === undefined) out['content-length'] = headers['content-length'];
  return out;
}

/** A URL fit for messages and spans: no query (Gemini takes its key as ?key=), no user info. */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
