// Session totals as both webviews receive them (graph and cost): pure JSON-safe data.
export interface TotalsDto {
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** input + output */
  totalTokens: number;
  steps: number;
  llmCalls: number;
  toolCalls: number;
  errors: number;
  /** From the first start to the last end. */
  wallTimeMs: number;
  /** Calls whose usage has a price / has none. */
  pricedCalls: number;
  unpricedCalls: number;
  /** Models (or "(no model)") that used tokens without a known price: their usage is not in costUsd. */
  modelsWithoutPrice: string[];
}
