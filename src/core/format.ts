// Numbers as the host shows them (tree, CodeLens, notifications). The webviews have their own copy in
// their view-models: they may not import core.

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  // Two significant digits, without trailing zeros and never in exponent notation.
  if (usd < 0.01) return `$${usd.toFixed(Math.min(12, 1 - Math.floor(Math.log10(usd)))).replace(/0+$/, '')}`;
  return `$${usd.toFixed(2)}`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}
