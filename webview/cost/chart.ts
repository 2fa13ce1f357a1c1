// The cumulative $ / tokens chart: an SVG step line with LLM calls marked (circles with a text title).
// Built with createElementNS and text nodes only.
import type { SeriesPointDto } from '../../src/protocol/cost';
import { h } from '../shared/dom';
import { compact, duration, usd } from './format';
import { chartGeometry, type ChartMetric } from './viewModel';

const NS = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

export function chart(series: readonly SeriesPointDto[], metric: ChartMetric, onPoint: (p: SeriesPointDto) => void): HTMLElement {
  if (series.length === 0) return h('p', { class: 'muted', id: 'chart-empty' }, 'No tokens used yet.');
  const g = chartGeometry(series, metric);
  const fmt = (v: number) => (metric === 'cost' ? usd(v) : `${compact(v)} tok`);
  const root = svg('svg', { viewBox: `0 0 ${g.width} ${g.height}`, class: 'chart', id: 'chart', role: 'img', preserveAspectRatio: 'xMidYMid meet' });
  const last = series[series.length - 1];
  const llmCalls = g.markers.length;
  root.setAttribute('aria-label', `Cumulative ${metric === 'cost' ? 'cost' : 'tokens'}: ${fmt(metric === 'cost' ? last.costUsd : last.tokens)} after ${duration(g.maxTime)}, ${llmCalls} LLM calls marked`);
  root.append(svg('line', { x1: 4, y1: g.height - 4, x2: g.width - 4, y2: g.height - 4, class: 'axis' }));
  root.append(svg('path', { d: g.path, class: `line ${metric}` }));
  for (const m of g.markers) {
    const c = svg('circle', { cx: m.x.toFixed(1), cy: m.y.toFixed(1), r: 2.5, class: 'marker', 'data-step': m.point.stepId });
    const title = svg('title', {});
    title.textContent = `LLM call at ${duration(m.point.t)}: ${usd(m.point.costUsd)} · ${compact(m.point.tokens)} tokens so far`;
    c.append(title);
    c.addEventListener('click', () => onPoint(m.point));
    root.append(c);
  }
  return h('div', { class: 'chart-wrap' },
    h('div', { class: 'chart-axis-y muted' }, fmt(g.maxValue)),
    root as unknown as HTMLElement,
    h('div', { class: 'chart-axis-x muted' }, h('span', {}, '0'), h('span', {}, duration(g.maxTime))));
}
