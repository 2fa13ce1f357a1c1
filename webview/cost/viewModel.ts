// Pure view-model of the Cost view: table columns and sorting, the budget meter, the unpriced note and
// the chart's geometry. No DOM here: the render files turn these into text-only elements.
import type { BreakdownKind, BreakdownRowDto, BudgetDto, SeriesPointDto, TopStepDto, TotalsDto } from '../../src/protocol/cost';

export type SortKey = 'name' | 'calls' | 'tokens' | 'cost';
export interface Sort {
  key: SortKey;
  desc: boolean;
}
export const defaultSort: Sort = { key: 'cost', desc: true };

export interface Column {
  key: SortKey;
  label: string;
  numeric: boolean;
}

export const callsLabel: Record<BreakdownKind, string> = { model: 'Calls', agent: 'Steps', tool: 'Calls', kind: 'Steps' };
export const breakdownTitle: Record<BreakdownKind, string> = { model: 'By model', agent: 'By agent', tool: 'By tool', kind: 'By step kind' };

export function columns(kind: BreakdownKind): Column[] {
  return [
    { key: 'name', label: kind === 'kind' ? 'Kind' : kind === 'model' ? 'Model' : kind === 'agent' ? 'Agent' : 'Tool', numeric: false },
    { key: 'calls', label: callsLabel[kind], numeric: true },
    { key: 'tokens', label: 'Tokens', numeric: true },
    { key: 'cost', label: 'Cost', numeric: true },
  ];
}

function value(r: BreakdownRowDto, key: SortKey): number | string {
  switch (key) {
    case 'name':
      return r.key;
    case 'calls':
      return r.calls;
    case 'tokens':
      return r.inputTokens + r.outputTokens;
    case 'cost':
      return r.costUsd;
  }
}

/** Sorted copy; ties fall back to $ then name so the order never flickers between live updates. */
export function sortRows(rows: readonly BreakdownRowDto[], sort: Sort): BreakdownRowDto[] {
  const dir = sort.desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = value(a, sort.key);
    const vb = value(b, sort.key);
    const c = typeof va === 'string' ? va.localeCompare(vb as string) : va - (vb as number);
    return c * dir || b.costUsd - a.costUsd || a.key.localeCompare(b.key);
  });
}

/** Clicking a sorted column flips it; another column starts descending (names ascending). */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, desc: !current.desc };
  return { key, desc: key !== 'name' };
}

export function ariaSort(sort: Sort, key: SortKey): 'ascending' | 'descending' | 'none' {
  return sort.key !== key ? 'none' : sort.desc ? 'descending' : 'ascending';
}

/** What the graph chip says when a row's steps are selected. */
export function rowLabel(kind: BreakdownKind, r: BreakdownRowDto): string {
  switch (kind) {
    case 'model':
      return `Model ${r.key} · ${r.calls} calls`;
    case 'agent':
      return `Agent ${r.key} · ${r.calls} steps`;
    case 'kind':
      return `${r.key} steps · ${r.calls}`;
    case 'tool':
      return `Tool ${r.key} · ${r.calls} calls + ${r.consumerCalls ?? 0} LLM calls reading its results`;
  }
}

export function stepLabel(s: TopStepDto): string {
  return s.model && s.model !== s.label ? `${s.label} (${s.model})` : s.label;
}

export interface MeterView {
  /** 0..1, for the bar. */
  fill: number;
  percent: number;
  exceeded: boolean;
  /** Near the limit (>= 80%). */
  warning: boolean;
}

export function meter(b: BudgetDto): MeterView {
  const ratio = b.limitUsd > 0 ? b.usedUsd / b.limitUsd : 0;
  return { fill: Math.min(1, ratio), percent: Math.round(ratio * 100), exceeded: b.exceeded, warning: !b.exceeded && ratio >= 0.8 };
}

/** undefined when every call had a price. */
export function unpricedNote(t: TotalsDto): string | undefined {
  if (t.unpricedCalls === 0) return undefined;
  const models = t.modelsWithoutPrice.join(', ');
  const calls = `${t.unpricedCalls} call${t.unpricedCalls === 1 ? '' : 's'}`;
  return `No price for ${models} (${calls}): their tokens are counted, their cost is not in the total.`;
}

export type ChartMetric = 'cost' | 'tokens';

export interface ChartGeometry {
  width: number;
  height: number;
  /** SVG path of the cumulative line, from (0, 0). */
  path: string;
  markers: { x: number; y: number; point: SeriesPointDto }[];
  maxValue: number;
  maxTime: number;
}

/** The cumulative chart laid out in a width x height box (y up), padded so markers are not cut. */
export function chartGeometry(series: readonly SeriesPointDto[], metric: ChartMetric, width = 300, height = 110, pad = 4): ChartGeometry {
  const val = (p: SeriesPointDto) => (metric === 'cost' ? p.costUsd : p.tokens);
  const maxTime = Math.max(1, ...series.map((p) => p.t));
  const maxValue = series.length ? Math.max(...series.map(val)) : 0;
  const x = (t: number) => pad + (Math.max(0, t) / maxTime) * (width - 2 * pad);
  const y = (v: number) => height - pad - (maxValue > 0 ? (v / maxValue) * (height - 2 * pad) : 0);
  let path = `M${x(0).toFixed(1)},${y(0).toFixed(1)}`;
  let prev = 0;
  const markers: ChartGeometry['markers'] = [];
  for (const p of series) {
    // A step line: the total holds until the next call ends.
    path += ` L${x(p.t).toFixed(1)},${y(prev).toFixed(1)} L${x(p.t).toFixed(1)},${y(val(p)).toFixed(1)}`;
    prev = val(p);
    if (p.llm) markers.push({ x: x(p.t), y: y(val(p)), point: p });
  }
  return { width, height, path, markers, maxValue, maxTime };
}
