// Number formatting of the Cost view (pure). Dollars keep four decimals below $1 so sub-cent LLM calls
// stay readable; the exact amount is in the title of every figure.

export function usd(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (a === 0) return '$0.00';
  if (a >= 1000) return `${sign}$${a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (a >= 1) return `${sign}$${a.toFixed(2)}`;
  if (a >= 0.0001) return `${sign}$${a.toFixed(4)}`;
  if (a >= 0.000001) return `${sign}$${a.toPrecision(2)}`;
  return `${sign}<$0.000001`;
}

/** Full precision, for titles. */
export function usdExact(v: number): string {
  return `$${v.toFixed(8).replace(/0+$/, '').replace(/\.$/, '.00')}`;
}

/** +$0.0012 / -$0.30 */
export function usdDelta(v: number): string {
  return v > 0 ? `+${usd(v)}` : usd(v);
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** 950, 12.3k, 4.5M */
export function compact(n: number): string {
  if (n < 10_000) return n.toLocaleString('en-US');
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m < 60 ? `${m}m ${String(s).padStart(2, '0')}s` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
