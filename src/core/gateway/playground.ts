// "One call again": one recorded LLM request, edited, sent straight to its provider (no agent, no
// gateway, nothing recorded), and both answers summarised the same way (text, tool calls, tokens, $) so
// they can be read side by side. Prices come from the same pricing code as every step's.
import { formatUsdPrecise } from '../format';
import { priceUsage, type PricingOptions } from '../pricing/price';
import { bodyKindOf, ResponseRecorder } from './bodyRecorder';
import { chunkBytes, type CassetteExchange } from './cassette';
import { parserFor } from './gateway';
import { baseUrlVariables } from './launchEnv';
import { defaultUpstreams, type ProviderId } from './providers';
import type { ParsedResponse } from './types';

/** Answers larger than this are cut off (a playground answer is read by a person). */
const maxAnswerBytes = 32 * 1024 * 1024;

export interface PlaygroundAnswer {
  status: number;
  contentType?: string;
  body: Buffer;
  durationMs: number;
}

export interface AnswerSummary {
  status: number;
  model?: string;
  text: string;
  toolCalls: string[];
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  priceMissing?: boolean;
  durationMs: number;
  error?: string;
}

/** Where `provider` lives for this agent: the base URL its env sets, else the provider's own. */
export function upstreamOf(provider: ProviderId, env: Record<string, string | undefined>): string {
  for (const name of baseUrlVariables[provider]) {
    const v = env[name];
    if (v && /^https?:\/\//.test(v)) return v.replace(/\/+$/, '');
  }
  return defaultUpstreams[provider];
}

function authHeaders(provider: ProviderId, env: Record<string, string | undefined>): Record<string, string> {
  if (provider === 'anthropic') return { 'anthropic-version': '2023-06-01', ...(env.ANTHROPIC_API_KEY ? { 'x-api-key': env.ANTHROPIC_API_KEY } : {}) };
  if (provider === 'gemini') return env.GEMINI_API_KEY ? { 'x-goog-api-key': env.GEMINI_API_KEY } : {};
  if (provider === 'openai') return env.OPENAI_API_KEY ? { authorization: `Bearer ${env.OPENAI_API_KEY}` } : {};
  return {};
}

/** Sends `body` to `provider`'s `path` under `upstream`; the answer as bytes (never throws for an HTTP error). */
export async function sendOnce(provider: ProviderId, path: string, body: unknown, upstream: string, env: Record<string, string | undefined>, timeoutMs = 120_000): Promise<PlaygroundAnswer> {
  const t0 = performance.now();
  const res = await fetch(`${upstream}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(provider, env) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    const b = Buffer.from(chunk as Uint8Array);
    size += b.length;
    if (size > maxAnswerBytes) break;
    chunks.push(b);
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: Buffer.concat(chunks), durationMs: performance.now() - t0 };
}

/** The recorded answer of a cassette exchange, as bytes. */
export function recordedAnswer(x: CassetteExchange): PlaygroundAnswer {
  return { status: x.response.status, contentType: x.response.contentType, body: Buffer.concat(x.response.chunks.map(chunkBytes)), durationMs: x.durationMs };
}

export function summarise(provider: ProviderId, path: string, answer: PlaygroundAnswer, pricing: PricingOptions = {}): AnswerSummary {
  const recorder = new ResponseRecorder(bodyKindOf(answer.contentType), parserFor(provider, path), maxAnswerBytes);
  recorder.push(answer.body);
  let parsed: ParsedResponse | undefined;
  try {
    parsed = recorder.finish();
  } catch {
    parsed = undefined;
  }
  const base = { status: answer.status, durationMs: answer.durationMs };
  if (!parsed) return { ...base, text: '', toolCalls: [], error: answer.body.subarray(0, 2000).toString('utf8') || `HTTP ${answer.status}` };
  const parts = parsed.messages.flatMap((m) => m.parts);
  const usage = { inputTokens: parsed.usage.input, outputTokens: parsed.usage.output, cacheReadTokens: parsed.usage.cacheRead, cacheWriteTokens: parsed.usage.cacheWrite };
  const price = priceUsage({ ...usage, model: parsed.model, provider }, pricing);
  return {
    ...base, model: parsed.model,
    text: parts.flatMap((p) => (p.type === 'text' ? [p.content] : [])).join(''),
    toolCalls: parts.flatMap((p) => (p.type === 'tool_call' ? [`${p.name}(${typeof p.arguments === 'string' ? p.arguments : JSON.stringify(p.arguments ?? {})})`] : [])),
    inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
    ...(price && 'costUsd' in price ? { costUsd: price.costUsd } : price ? { priceMissing: true } : {}),
    ...(parsed.error ? { error: parsed.error } : {}),
  };
}

/** One side of the comparison, as Markdown (the same lines on both sides, so a diff shows what changed). */
export function renderSummary(title: string, s: AnswerSummary): string {
  const cost = s.costUsd !== undefined ? formatUsdPrecise(s.costUsd) : s.priceMissing ? 'price unknown' : '—';
  return [
    `# ${title}`, '',
    `- status: ${s.status}`,
    `- model: ${s.model ?? '—'}`,
    `- tokens: ${s.inputTokens ?? '?'} in / ${s.outputTokens ?? '?'} out`,
    `- cost: ${cost}`,
    `- time: ${Math.round(s.durationMs)} ms`,
    ...(s.error ? [`- error: ${s.error}`] : []),
    '', '## Tool calls', '', ...(s.toolCalls.length ? s.toolCalls.map((c) => `- ${c}`) : ['(none)']),
    '', '## Text', '', s.text || '(none)', '',
  ].join('\n');
}
