// User price overrides (setting agentDebugger.pricing.models): $ per million tokens per model id or glob
// pattern, e.g. { "gpt-4o*": { "input": 2.5, "output": 10, "cacheRead": 1.25 } }. An exact id beats a
// pattern; among patterns the first one listed wins. Matching ignores case.

export interface ModelPriceOverride {
  /** $ per million uncached input tokens. */
  input: number;
  /** $ per million output tokens (reasoning tokens included). */
  output: number;
  /** $ per million cache-read input tokens; defaults to `input`. */
  cacheRead?: number;
  /** $ per million cache-write input tokens; defaults to `input`. */
  cacheWrite?: number;
}

export type PriceOverrides = Record<string, ModelPriceOverride>;

export interface TokenUsage {
  /** Total input tokens, cached ones included. */
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

interface CompiledOverrides {
  exact: Map<string, ModelPriceOverride>;
  patterns: { re: RegExp; price: ModelPriceOverride }[];
}

const compiled = new WeakMap<PriceOverrides, CompiledOverrides>();

function compile(overrides: PriceOverrides): CompiledOverrides {
  const hit = compiled.get(overrides);
  if (hit) return hit;
  const out: CompiledOverrides = { exact: new Map(), patterns: [] };
  for (const [key, price] of Object.entries(overrides)) {
    if (!isValidPrice(price)) continue;
    if (/[*?]/.test(key)) out.patterns.push({ re: globToRegExp(key), price });
    else out.exact.set(key.toLowerCase(), price);
  }
  compiled.set(overrides, out);
  return out;
}

export function isValidPrice(p: unknown): p is ModelPriceOverride {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  const ok = (v: unknown, optional: boolean) => (optional && v === undefined) || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
  return ok(o.input, false) && ok(o.output, false) && ok(o.cacheRead, true) && ok(o.cacheWrite, true);
}

export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function findOverride(overrides: PriceOverrides | undefined, model: string): ModelPriceOverride | undefined {
  if (!overrides) return undefined;
  const c = compile(overrides);
  const exact = c.exact.get(model.toLowerCase());
  if (exact) return exact;
  for (const p of c.patterns) if (p.re.test(model)) return p.price;
  return undefined;
}

/** $ for a usage at override prices. Cached tokens are billed at their own rate, the rest at `input`. */
export function costFromOverride(price: ModelPriceOverride, usage: TokenUsage): number {
  const input = usage.inputTokens ?? 0;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, input - cacheRead - cacheWrite);
  const dollars = uncached * price.input + cacheRead * (price.cacheRead ?? price.input) + cacheWrite * (price.cacheWrite ?? price.input) + (usage.outputTokens ?? 0) * price.output;
  return dollars / 1e6;
}
