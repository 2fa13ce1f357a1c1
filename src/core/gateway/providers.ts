// The LLM providers the gateway speaks to: where each one lives by default, the path prefix that
// selects it on the gateway's one port, and the shape of its error bodies (an agent's SDK parses
// the gateway's own errors as if the provider had sent them).

export type ProviderId = 'openai' | 'anthropic' | 'gemini' | 'ollama';

export const providerIds: readonly ProviderId[] = ['openai', 'anthropic', 'gemini', 'ollama'];

/** The base URL each official SDK uses when none is set: the path after the gateway's prefix is appended to it. */
export const defaultUpstreams: Readonly<Record<ProviderId, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
  ollama: 'http://127.0.0.1:11434',
};

/** gen_ai.provider.name values (semconv well-known names). */
export const semconvProviderNames: Readonly<Record<ProviderId, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  ollama: 'ollama',
};

export function isProviderId(s: string): s is ProviderId {
  return (providerIds as readonly string[]).includes(s);
}

/** A body the provider's SDK reads as an error of its own API (status + message). */
export function providerErrorBody(provider: ProviderId, status: number, message: string): string {
  switch (provider) {
    case 'anthropic':
      return JSON.stringify({ type: 'error', error: { type: status === 504 ? 'timeout_error' : 'api_error', message } });
    case 'gemini':
      return JSON.stringify({ error: { code: status, message, status: status === 504 ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE' } });
    case 'ollama':
      return JSON.stringify({ error: message });
    case 'openai':
      return JSON.stringify({ error: { message, type: 'gateway_error', param: null, code: 'upstream_unreachable' } });
  }
}

/** Paths that are model calls (a step each); others (model lists, files, token counts) pass through unrecorded. */
const callPaths: Readonly<Record<ProviderId, RegExp>> = {
  openai: /\/(chat\/completions|completions|responses|embeddings)$/,
  anthropic: /\/v1\/messages$/,
  gemini: /:(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/,
  ollama: /^\/(api\/(chat|generate|embed|embeddings)|v1\/(chat\/completions|completions|responses|embeddings))$/,
};

export function isModelCall(provider: ProviderId, path: string): boolean {
  return callPaths[provider].test(path.replace(/\/+$/, ''));
}
