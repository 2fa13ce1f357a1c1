// Does a span's input-token count include its cache reads and writes? Every step is normalised to ONE
// convention, the GenAI semconv one: inputTokens is the TOTAL input, cache reads and writes included, and
// cacheRead/cacheWrite are its breakdown. Dialects state a meaning, but instrumentations often pass the
// provider's raw number through, and providers differ (Anthropic's input_tokens leaves the cache out,
// OpenAI's prompt_tokens has cached_tokens in it). The rules, each with its source:
//
// | tokens read from            | provider  | instrumentation (scope name)          | incl. cache | source
// |-----------------------------|-----------|---------------------------------------|-------------|------------------------------------------
// | gen_ai.usage.input_tokens   | any       | (default)                             | yes         | GenAI semconv: input_tokens SHOULD include cached tokens
// | gen_ai.usage.input_tokens   | anthropic | @traceloop/instrumentation-anthropic  | no          | 0.27.0 dist/index.js: ATTR_GEN_AI_USAGE_INPUT_TOKENS = usage.input_tokens
// | gen_ai.usage.input_tokens   | anthropic | @openlit/* (or resource sdk 'openlit') | no         | openlit 1.15.0 dist/instrumentation/anthropic/wrapper.js: input = usage.input_tokens
// | llm.usage.prompt_tokens     | anthropic | opentelemetry.instrumentation.anthropic (Python) | yes | openllmetry python: prompt_tokens + cache_read + cache_creation
// | llm.usage.prompt_tokens     | anthropic | other Traceloop (JS)                  | no          | same raw pass-through as its gen_ai keys
// | llm.token_count.prompt      | any       | OpenInference                         | yes         | OpenInference spec (prompt_details.* are sub-counts of prompt);
// |                             |           |                                       |             | @arizeai/openinference-instrumentation-anthropic 0.2.8 adds cache_read + cache_creation
// | ai.usage.inputTokens (5+)   | any       | Vercel AI SDK                         | yes         | ai 6 records usage.inputTokens.total; @ai-sdk/anthropic 3 convertAnthropicUsage:
// |                             |           |                                       |             | total = input_tokens + cache_creation + cache_read (noCacheTokens is the raw one)
// | any                         | openai    | any                                   | yes         | OpenAI API: prompt_tokens_details.cached_tokens is part of prompt_tokens
//
// Whatever the rule says, a count smaller than its own cache parts cannot be a total: it is read as raw.

export type InputConvention = 'total' | 'uncached';

export interface ConventionContext {
  /** Which key family the input count came from. */
  keys: 'genai' | 'traceloop' | 'openinference' | 'vercel';
  provider?: string;
  /** The instrumentation scope's name, and the resource's telemetry.sdk.name. */
  scopeName?: string;
  sdkName?: string;
}

export function inputConvention(c: ConventionContext): InputConvention {
  const anthropic = /anthropic|claude/i.test(c.provider ?? '');
  if (!anthropic) return 'total';
  const scope = c.scopeName ?? '';
  if (c.keys === 'genai') {
    if (scope === '@traceloop/instrumentation-anthropic') return 'uncached';
    if (/^@?openlit/i.test(scope) || c.sdkName?.toLowerCase() === 'openlit') return 'uncached';
    return 'total';
  }
  if (c.keys === 'traceloop') return scope === 'opentelemetry.instrumentation.anthropic' ? 'total' : 'uncached';
  return 'total';
}

export interface RawUsage {
  inputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** The input count as a total (cache included), per the rule above. */
export function totalInput(u: RawUsage, convention: InputConvention): number | undefined {
  const cache = (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0);
  if (u.inputTokens === undefined) return cache > 0 ? cache : undefined;
  if (convention === 'uncached' || u.inputTokens < cache) return u.inputTokens + cache;
  return u.inputTokens;
}

/** A reader's usage fields: input as a total, the cache counts as its breakdown. */
export function usageFields(u: RawUsage, c: ConventionContext): RawUsage {
  return { inputTokens: totalInput(u, inputConvention(c)), cacheReadTokens: u.cacheReadTokens, cacheWriteTokens: u.cacheWriteTokens };
}
