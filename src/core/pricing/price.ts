// $ for one LLM call: user override > @pydantic/genai-prices (bundled data, offline). A model nobody
// prices gives { priceMissing: true }, never a silent $0. (A cost already on the span wins over both;
// the normaliser reads that, see agent/session.ts.)
//
// genai-prices is exact but slow per call (~25 us: it re-matches provider and model each time), so the
// model lookup is memoised and flat per-token prices are applied here with the library's own rule:
// uncached input at input_mtok, cache reads/writes at their rate (input_mtok when absent), output at
// output_mtok. Long-context tiers reprice the whole call once the prompt crosses the tier start, so
// below it the base price is applied here too; above it, and for time-of-day prices, calcPrice runs with
// the call's timestamp.
import { calcPrice, TieredPrices, type ModelPrice, type Usage } from '@pydantic/genai-prices';
import { costFromOverride, findOverride, type PriceOverrides, type TokenUsage } from './overrides';
import { priceProviderId } from './providers';

export interface PricingOptions {
  overrides?: PriceOverrides;
}

export interface PriceRequest extends TokenUsage {
  model?: string;
  provider?: string;
  /** When the call happened (epoch ms): picks time-dependent prices. */
  timeMs?: number;
}

export type PriceResult =
  | { costUsd: number; source: 'override' | 'database'; pricedModel: string; pricedProvider?: string }
  | { priceMissing: true };

interface FlatPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Input-token count from which a long-context tier applies (Infinity: none). */
  tierStart: number;
}

type Resolution =
  | { kind: 'missing' }
  | { kind: 'flat'; price: FlatPrice; model: string; provider: string; modelId: string; providerId?: string }
  | { kind: 'complex'; model: string; provider: string; modelId: string; providerId?: string };

const resolutions = new Map<string, Resolution>();

/** undefined when there is nothing to price (no tokens at all). */
export function priceUsage(req: PriceRequest, options: PricingOptions = {}): PriceResult | undefined {
  if (!hasTokens(req)) return undefined;
  const model = req.model?.trim();
  if (!model) return { priceMissing: true };
  const override = findOverride(options.overrides, model);
  if (override) return { costUsd: costFromOverride(override, req), source: 'override', pricedModel: model };
  const r = resolve(model, req.provider);
  if (r.kind === 'missing') return { priceMissing: true };
  if (r.kind === 'flat' && (toUsage(req).input_tokens ?? 0) <= r.price.tierStart) {
    return { costUsd: flatCost(r.price, req), source: 'database', pricedModel: r.model, pricedProvider: r.provider };
  }
  const calc = safeCalc(toUsage(req), r.modelId, r.providerId, req.timeMs);
  return calc ? { costUsd: calc.total, source: 'database', pricedModel: r.model, pricedProvider: r.provider } : { priceMissing: true };
}

function hasTokens(u: TokenUsage): boolean {
  return (u.inputTokens ?? 0) > 0 || (u.outputTokens ?? 0) > 0 || (u.cacheReadTokens ?? 0) > 0 || (u.cacheWriteTokens ?? 0) > 0;
}

function toUsage(u: TokenUsage): Usage {
  // genai-prices wants input_tokens as the TOTAL including cached tokens, which is what the dialect readers
  // normalise every step to (agent/dialects/cacheConvention.ts). The max only keeps a hand-made request
  // that breaks that rule from pricing negative uncached tokens.
  const input = Math.max(u.inputTokens ?? 0, (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0));
  return { input_tokens: input, output_tokens: u.outputTokens ?? 0, cache_read_tokens: u.cacheReadTokens ?? 0, cache_write_tokens: u.cacheWriteTokens ?? 0 };
}

function flatCost(p: FlatPrice, u: TokenUsage): number {
  const usage = toUsage(u);
  const cacheRead = usage.cache_read_tokens ?? 0;
  const cacheWrite = usage.cache_write_tokens ?? 0;
  const uncached = (usage.input_tokens ?? 0) - cacheRead - cacheWrite;
  return (uncached * p.input + cacheRead * (p.cacheRead ?? p.input) + cacheWrite * (p.cacheWrite ?? p.input) + (usage.output_tokens ?? 0) * p.output) / 1e6;
}

function resolve(model: string, provider: string | undefined): Resolution {
  const providerId = priceProviderId(provider);
  const key = `${providerId ?? ''}\u0000${model}`;
  let r = resolutions.get(key);
  if (!r) {
    r = lookUp(model, providerId);
    resolutions.set(key, r);
  }
  return r;
}

function lookUp(model: string, providerId: string | undefined): Resolution {
  // 'models/gemini-1.5-pro', 'openai/gpt-4o': also try the bare model id.
  const candidates = model.includes('/') ? [model, model.slice(model.lastIndexOf('/') + 1)] : [model];
  const attempts: (string | undefined)[] = providerId ? [providerId, undefined] : [undefined];
  for (const pid of attempts) {
    for (const id of candidates) {
      const probe = safeProbe(id, pid);
      if (!probe) continue;
      const base = { model: probe.model.id, provider: probe.provider.id, modelId: id, providerId: pid };
      const flat = Array.isArray(probe.model.prices) ? undefined : flatPrice(probe.model_price);
      return flat ? { kind: 'flat', price: flat, ...base } : { kind: 'complex', ...base };
    }
  }
  return { kind: 'missing' };
}

function safeProbe(modelId: string, providerId: string | undefined): ReturnType<typeof calcPrice> {
  try {
    return calcPrice({ input_tokens: 1, output_tokens: 1 }, modelId, providerId ? { providerId } : {});
  } catch {
    return null;
  }
}

function safeCalc(usage: Usage, modelId: string, providerId: string | undefined, timeMs: number | undefined): { total: number } | undefined {
  try {
    const options = { ...(providerId ? { providerId } : {}), ...(timeMs ? { timestamp: new Date(timeMs) } : {}) };
    const r = calcPrice(usage, modelId, options);
    return r ? { total: r.total_price } : undefined;
  } catch {
    return undefined;
  }
}

/** The base per-token prices we use, and where tiers start; undefined for shapes we do not know. */
function flatPrice(p: ModelPrice): FlatPrice | undefined {
  let tierStart = Infinity;
  const num = (v: unknown): number | undefined | null => {
    if (v === undefined || typeof v === 'number') return v;
    if (v instanceof TieredPrices || (typeof v === 'object' && v !== null && 'base' in v && 'tiers' in v)) {
      const t = v as TieredPrices;
      for (const tier of t.tiers) tierStart = Math.min(tierStart, tier.start);
      return typeof t.base === 'number' ? t.base : null;
    }
    return null;
  };
  const input = num(p.input_mtok);
  const output = num(p.output_mtok);
  const cacheRead = num(p.cache_read_mtok);
  const cacheWrite = num(p.cache_write_mtok);
  if (input === null || output === null || cacheRead === null || cacheWrite === null) return undefined;
  const out: FlatPrice = { input: input ?? 0, output: output ?? 0, tierStart };
  if (cacheRead !== undefined) out.cacheRead = cacheRead;
  if (cacheWrite !== undefined) out.cacheWrite = cacheWrite;
  return out;
}
