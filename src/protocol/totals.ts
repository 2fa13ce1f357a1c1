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
  wallTimeMs: number;
  pricedCalls: number;
  unpricedCalls: number;
  /** Models that used tokens without a known price: their usage is not in costUsd. */
  modelsWithoutPrice: string[];
}
