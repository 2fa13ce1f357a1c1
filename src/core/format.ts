// Numbers as the host shows them (tree, CodeLens, notifications). The webviews have their own copy in
// their view-models: they may not import core.

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  // Two significant digits, without trailing zeros and never in exponent notation.
  if (usd < 0.01) return `$${usd.toFixed(Math.min(12, 1 - Math.floor(Math.log10(usd)))).replace(/0+$/, '')}`;
  return `$${usd.toFixed(2)}`;
}

/** Three significant digits (four decimals from $1): where a figure is read closely (CLI, debugger variables). */
export function formatUsdPrecise(usd: number): string {
  if (usd === 0) return '$0';
  return usd >= 1 ? `$${usd.toFixed(4)}` : `$${usd.toPrecision(3)}`;
}

/** "4,470 in (2,000 cache read, 2,300 cache write)": total input (cache included), then its cached part. */
export function formatInputTokens(input: number, cacheRead = 0, cacheWrite = 0): string {
  const cache = [cacheRead ? `${formatCount(cacheRead)} cache read` : '', cacheWrite ? `${formatCount(cacheWrite)} cache write` : ''].filter(Boolean);
  return `${formatCount(input)} in${cache.length ? ` (${cache.join(', ')})` : ''}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 error", "2 errors". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
