// Narrowing helpers for provider JSON (every field is untrusted and may be any type).

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A non-negative integer count, or undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined;
}

/** Sum of the counts that are known; undefined when none is. */
export function sumKnown(...values: (number | undefined)[]): number | undefined {
  let total: number | undefined;
  for (const v of values) if (v !== undefined) total = (total ?? 0) + v;
  return total;
}

/** Tool-call arguments: providers send a JSON string; keep the parsed value when it parses. */
export function parseArgs(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

const paramNames: Record<string, string> = {
  temperature: 'temperature', top_p: 'top_p', top_k: 'top_k', max_tokens: 'max_tokens', max_completion_tokens: 'max_tokens',
  max_output_tokens: 'max_tokens', maxOutputTokens: 'max_tokens', num_predict: 'max_tokens', topP: 'top_p', topK: 'top_k',
  frequency_penalty: 'frequency_penalty', presence_penalty: 'presence_penalty', seed: 'seed', stop: 'stop_sequences',
  stop_sequences: 'stop_sequences', stopSequences: 'stop_sequences', n: 'choice.count', candidateCount: 'choice.count',
};

/** gen_ai.request.* values picked from a parameters object (unknown and non-scalar ones are left out). */
export function requestParams(...sources: (Json | undefined)[]): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const source of sources) {
    if (!source) continue;
    for (const [key, name] of Object.entries(paramNames)) {
      const v = source[key];
      if (typeof v === 'number' || typeof v === 'boolean') out[name] = v;
      else if (typeof v === 'string') out[name] = name === 'stop_sequences' ? [v] : v;
      else if (Array.isArray(v) && v.every((s) => typeof s === 'string')) out[name] = v as string[];
    }
  }
  return out;
}
