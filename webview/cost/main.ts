// The Cost view: whole snapshots from the host (at most 4 a second), rendered as text; sorting, the chart
// metric and the focused row survive live updates. Every string from a span goes in as a text node.
import './cost.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { BreakdownKind, BreakdownRowDto, ComparisonRowDto, CostReportDto, CostSnapshotDto, CostStepsRef, CostToHost, CostToWebview, ReceiverInfoDto, SafetyKindDto, SafetySectionDto, TopStepDto } from '../../src/protocol/cost';
import { adoptCodiconsInShadowRoots } from '../shared/codicons';
import { h } from '../shared/dom';
import { hostClient } from '../shared/vscodeApi';
import { chart } from './chart';
import { compact, count, duration, usd, usdDelta, usdExact } from './format';
import { table } from './table';
import { breakdownTitle, columns, defaultSort, meter, nextSort, rowLabel, sortRows, stepLabel, unpricedNote, type ChartMetric, type Sort } from './viewModel';

interface SavedState {
  sorts: Record<string, Sort>;
  metric: ChartMetric;
}

adoptCodiconsInShadowRoots();
const host = hostClient<CostToHost, CostToWebview, SavedState>();
const saved = host.getState();
const sorts: Record<string, Sort> = { ...saved?.sorts };
let metric: ChartMetric = saved?.metric ?? 'cost';
let last: CostSnapshotDto | undefined;
const root = document.getElementById('root')!;
const kinds: BreakdownKind[] = ['model', 'agent', 'tool', 'kind'];

function save(): void {
  host.setState({ sorts, metric });
}

function button(id: string, label: string, icon: string, onClick: () => void, opts: { secondary?: boolean; aria?: string } = {}): HTMLElement {
  const b = h('vscode-button', { id, icon, secondary: opts.secondary, 'aria-label': opts.aria ?? label, 'data-focus': `button:${id}` }, label);
  b.addEventListener('click', onClick);
  return b;
}

function section(id: string, title: string, ...children: (Node | null)[]): HTMLElement {
  return h('section', { id, 'aria-labelledby': `${id}-h` }, h('h3', { id: `${id}-h` }, title), ...children);
}

function money(v: number, priceMissing = false): HTMLElement {
  const text = priceMissing && v === 0 ? 'no price' : `${usd(v)}${priceMissing ? '+' : ''}`;
  return h('span', { class: priceMissing ? 'money partial' : 'money', title: priceMissing ? `${usdExact(v)} plus usage without a price` : usdExact(v) }, text);
}

// ---- empty state -------------------------------------------------------------------------------

function endpointRow(receiver: ReceiverInfoDto): HTMLElement {
  const endpoint = receiver.httpEndpoint;
  return endpoint
    ? h('div', { class: 'endpoint' }, h('code', { id: 'endpoint', title: endpoint }, endpoint),
      button('copy-endpoint', 'Copy', 'copy', () => host.post({ type: 'copyEndpoint' }), { secondary: true, aria: 'Copy OTLP endpoint' }))
    : h('div', { class: 'endpoint' }, h('span', { class: 'muted', id: 'endpoint' }, 'The receiver is not running.'),
      button('start-receiver', 'Start receiver', 'debug-start', () => host.post({ type: 'startReceiver' }), { aria: 'Start the OTLP receiver' }));
}

function counts(receiver: ReceiverInfoDto): HTMLElement {
  return h('div', { class: 'counts', 'aria-live': 'polite' },
    h('div', {}, h('strong', { id: 'span-count' }, count(receiver.spans)), h('span', { class: 'muted' }, 'spans')),
    h('div', {}, h('strong', { id: 'session-count' }, count(receiver.sessions)), h('span', { class: 'muted' }, 'sessions')));
}

function emptyState(s: CostSnapshotDto): HTMLElement {
  const endpoint = s.receiver.httpEndpoint ?? 'http://127.0.0.1:4318';
  return h('section', { class: 'empty', 'aria-label': 'Cost', id: 'empty' },
    h('h2', {}, 'Cost of your agent runs'),
    h('p', { class: 'muted' }, 'Tokens and dollars per session, model, agent and tool, with budgets and loop alarms, appear here as soon as a run arrives.'),
    s.notice ? h('p', { class: 'notice', role: 'status' }, s.notice) : null,
    counts(s.receiver),
    h('h2', {}, 'Start a run'),
    h('ol', { class: 'steps' },
      h('li', { id: 'how-f5' }, 'Press ', h('kbd', {}, 'F5'), ' with an ', h('code', {}, 'agent'), ' launch configuration in ', h('code', {}, '.vscode/launch.json'),
        ' (', h('code', {}, '"type": "agent"'), '): the debugger starts your agent with its OpenTelemetry exporter pointed here, and its budget (',
        h('code', {}, 'budgetUsd'), ') shows on the meter.'),
      h('li', { id: 'how-otlp' }, 'Or point any OTLP exporter (HTTP or gRPC, any SDK) at the receiver:', endpointRow(s.receiver),
        h('code', { class: 'block' }, `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}`)),
      h('li', {}, 'Or record from a terminal: ', h('code', {}, 'npx agent-debugger record --out run.otlp.json -- node agent.js'))));
}

// ---- the session report ------------------------------------------------------------------------

function picker(s: CostSnapshotDto, current: string): HTMLElement {
  const select = h('vscode-single-select', { id: 'session-picker', 'aria-label': 'Session', 'data-focus': 'picker' }) as HTMLElement & { value: string };
  select.append(h('vscode-option', { value: '' }, 'Newest session (follow)'));
  for (const o of s.sessions) select.append(h('vscode-option', { value: o.id }, `${o.name}${o.live ? ' (live)' : ''}`));
  select.value = s.followLatest ? '' : current;
  select.addEventListener('change', () => host.post({ type: 'pickSession', sessionId: select.value || undefined }));
  return select;
}

function budgetMeter(r: CostReportDto): HTMLElement | null {
  const b = r.budget;
  if (!b) return null;
  const m = meter(b);
  const state = m.exceeded ? 'exceeded' : m.warning ? 'warning' : 'ok';
  const text = m.exceeded
    ? `Over budget: ${usd(b.usedUsd)} of ${usd(b.limitUsd)} (${m.percent}%)`
    : `${usd(b.usedUsd)} of ${usd(b.limitUsd)} budget (${m.percent}%)`;
  const bar = h('div', { class: 'meter-fill' });
  bar.style.width = `${(m.fill * 100).toFixed(1)}%`;
  return h('div', { class: `budget ${state}`, id: 'budget', 'data-state': state },
    h('div', { class: 'meter', role: 'meter', 'aria-label': 'Budget used', 'aria-valuemin': '0', 'aria-valuemax': String(b.limitUsd), 'aria-valuenow': String(b.usedUsd), 'aria-valuetext': text }, bar),
    h('div', { class: 'budget-text', id: 'budget-text', role: m.exceeded ? 'alert' : undefined },
      m.exceeded ? h('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }) : null, ' ', text,
      h('span', { class: 'muted' }, b.source === 'launch' ? ' · from the launch configuration' : ' · agentDebugger.budget.sessionUsd')));
}

function totals(r: CostReportDto): HTMLElement {
  const t = r.totals;
  const cell = (id: string, label: string, value: string | Node, title?: string) =>
    h('div', { class: 'stat', title }, h('span', { class: 'muted' }, label), h('strong', { id }, value));
  const cached = t.cacheReadTokens + t.cacheWriteTokens;
  return h('div', { class: 'totals', id: 'totals' },
    cell('total-cost', 'Cost', money(t.costUsd, t.unpricedCalls > 0)),
    cell('total-input', 'Input tokens', count(t.inputTokens), 'Including cached input'),
    cell('total-output', 'Output tokens', count(t.outputTokens)),
    cell('total-cached', 'Cached tokens', count(cached), `${count(t.cacheReadTokens)} read · ${count(t.cacheWriteTokens)} written`),
    cell('total-reasoning', 'Reasoning tokens', count(t.reasoningTokens), 'Part of the output tokens'),
    cell('total-llm', 'LLM calls', count(t.llmCalls)),
    cell('total-tools', 'Tool calls', count(t.toolCalls)),
    cell('total-errors', 'Errors', count(t.errors)),
    cell('total-wall', 'Wall time', duration(t.wallTimeMs)));
}

function unpriced(r: CostReportDto): HTMLElement | null {
  const note = unpricedNote(r.totals);
  if (!note) return null;
  return h('div', { class: 'unpriced', id: 'unpriced', role: 'note' },
    h('span', { class: 'codicon codicon-info', 'aria-hidden': 'true' }), ' ', note, ' Add a price in ', h('code', {}, 'agentDebugger.pricing.models'),
    ', e.g. ', h('code', {}, `{ "${r.totals.modelsWithoutPrice[0] ?? 'my-model'}": { "input": 1, "output": 4 } }`), ' ($ per million tokens).',
    h('div', {}, button('open-pricing', 'Open setting', 'settings-gear', () => host.post({ type: 'openSettings', setting: 'pricing' }), { secondary: true, aria: 'Open the price override setting' })));
}

function showSteps(r: CostReportDto, stepIds: string[], label: string): void {
  if (stepIds.length > 0) host.post({ type: 'showSteps', sessionId: r.session.id, stepIds, label });
}

/** Rows and findings name their steps by reference: the ids stay in the engine until one is clicked. */
function showCostSteps(r: CostReportDto, ref: CostStepsRef, count: number, label: string): void {
  if (count > 0) host.post({ type: 'showCostSteps', sessionId: r.session.id, ref, label });
}

function findings(r: CostReportDto): HTMLElement {
  if (r.findings.length === 0) return section('findings', 'Findings', h('p', { class: 'muted', id: 'findings-none' }, 'No loops, repeated inputs or runaway token growth.'));
  const icon = { 'repeated-tool-call': 'sync', 'repeated-llm-input': 'copy', 'runaway-tokens': 'graph-line' } as const;
  const more = r.moreFindings ?? 0;
  return section('findings', `Findings (${r.findings.length + more})`, h('ul', { class: 'findings' }, ...r.findings.map((f, i) =>
    h('li', { class: `finding ${f.kind}` },
      h('span', { class: `codicon codicon-${icon[f.kind]}`, 'aria-hidden': 'true' }), ' ',
      h('span', { class: 'finding-text' }, f.message), f.costUsd > 0 ? h('span', { class: 'muted' }, ` · ${usd(f.costUsd)}`) : null, ' ',
      button(`finding-${i}`, `Show ${f.stepCount} steps`, 'go-to-file', () => showCostSteps(r, { finding: f.kind, firstStepId: f.firstStepId }, f.stepCount, f.message), { secondary: true, aria: `Show the ${f.stepCount} steps in the trace graph` })))),
    more ? h('p', { class: 'muted', id: 'findings-more' }, `${more} more with less $ not listed.`) : null);
}

const safetyKinds: { kind: SafetyKindDto; label: string; icon: string }[] = [
  { kind: 'injection', label: 'injection', icon: 'warning' },
  { kind: 'taint', label: 'taint', icon: 'arrow-swap' },
  { kind: 'secret', label: 'secret', icon: 'key' },
  { kind: 'pii', label: 'personal data', icon: 'person' },
  { kind: 'policy', label: 'policy', icon: 'shield' },
];

/** Safety findings (heuristics): counts by kind, then each finding with a button that selects its steps. */
function safety(r: CostReportDto, s: SafetySectionDto | undefined): HTMLElement | null {
  if (!s) return null;
  const total = safetyKinds.reduce((n, k) => n + s.counts[k.kind], 0);
  const counts = h('div', { class: 'safety-counts', id: 'safety-counts' }, ...safetyKinds.map((k) =>
    h('span', { class: `safety-count ${k.kind}${s.counts[k.kind] ? ' some' : ''}`, 'data-kind': k.kind, title: `${s.counts[k.kind]} ${k.label} finding(s)` },
      h('span', { class: `codicon codicon-${k.icon}`, 'aria-hidden': 'true' }), ` ${k.label} `, h('strong', {}, String(s.counts[k.kind])))));
  if (total === 0) return section('safety', 'Safety findings', counts, h('p', { class: 'muted', id: 'safety-none' }, 'No injection, taint, secret, personal data or policy findings (heuristics).'));
  return section('safety', `Safety findings (${total})`, counts,
    h('p', { class: 'muted' }, 'Heuristics: pattern matches can be wrong both ways. Secrets and personal data are masked.'),
    h('ul', { class: 'findings' }, ...s.findings.map((f, i) =>
      h('li', { class: `finding safety ${f.kind}` },
        h('span', { class: 'finding-kind' }, f.kind), ' ', h('span', { class: 'finding-text' }, f.message), ' ',
        button(`safety-${i}`, f.stepIds.length > 1 ? `Show path (${f.stepIds.length} steps)` : 'Show step', 'go-to-file', () => showSteps(r, f.stepIds, f.message), { secondary: true, aria: `Show the finding's steps in the trace graph` })))),
    s.more ? h('p', { class: 'muted' }, `${s.more} more not listed (agent-debugger steps FILE lists them all).`) : null);
}

function chartSection(r: CostReportDto): HTMLElement {
  const toggle = (m: ChartMetric, label: string) => {
    const b = h('button', { type: 'button', class: 'seg', 'aria-pressed': String(metric === m), 'data-focus': `metric:${m}`, id: `metric-${m}` }, label);
    b.addEventListener('click', () => {
      metric = m;
      save();
      rerender();
    });
    return b;
  };
  return section('over-time', 'Over time',
    h('div', { class: 'segmented', role: 'group', 'aria-label': 'Chart shows' }, toggle('cost', 'Cost'), toggle('tokens', 'Tokens')),
    chart(r.series, metric, (p) => showSteps(r, [p.stepId], 'LLM call on the chart')));
}

function breakdown(r: CostReportDto, kind: BreakdownKind): HTMLElement {
  const sort = sorts[kind] ?? defaultSort;
  const cols = columns(kind).map((c) => ({ ...c, sortable: true }));
  return section(`by-${kind}`, breakdownTitle[kind], table<BreakdownRowDto>({
    id: `by-${kind}`,
    caption: `${breakdownTitle[kind]}: click a row to select its steps in the trace graph`,
    columns: cols,
    rows: sortRows(r.breakdowns[kind], sort),
    rowKey: (row) => row.key,
    cells: (row) => [h('span', { class: 'name' }, row.key), count(row.calls), compact(row.inputTokens + row.outputTokens), money(row.costUsd, row.priceMissing)],
    rowTitle: (row) => kind === 'tool'
      ? `${row.key}: own ${usd(row.ownCostUsd ?? 0)} + ${row.consumerCalls ?? 0} LLM calls reading its results ${usd(row.consumerCostUsd ?? 0)}`
      : `${row.key}: ${count(row.inputTokens)} in / ${count(row.outputTokens)} out tokens${row.errors ? ` · ${row.errors} errors` : ''}`,
    activate: (row) => showCostSteps(r, { breakdown: kind, key: row.key }, row.stepCount, rowLabel(kind, row)),
    actionLabel: 'Selects its steps in the trace graph',
    sort,
    onSort: (key) => {
      sorts[kind] = nextSort(sort, key);
      save();
      rerender();
    },
    emptyText: kind === 'tool' ? 'No tool calls.' : 'Nothing yet.',
  }));
}

function top(r: CostReportDto): HTMLElement {
  return section('top-steps', 'Most expensive steps', table<TopStepDto>({
    id: 'top',
    caption: 'The 10 most expensive steps: click one to select it in the trace graph',
    columns: [{ key: 'name', label: 'Step', numeric: false, sortable: false }, { key: 'tokens', label: 'Tokens', numeric: true, sortable: false }, { key: 'cost', label: 'Cost', numeric: true, sortable: false }],
    rows: r.topSteps,
    rowKey: (s) => s.id,
    cells: (s) => [h('span', { class: 'name' }, stepLabel(s)), compact(s.inputTokens + s.outputTokens), money(s.costUsd ?? 0, s.priceMissing)],
    rowTitle: (s) => `${s.kind} at ${duration(s.start)}: ${count(s.inputTokens)} in / ${count(s.outputTokens)} out tokens`,
    activate: (s) => showSteps(r, [s.id], stepLabel(s)),
    actionLabel: 'Selects the step in the trace graph',
    emptyText: 'No step used tokens yet.',
  }));
}

function comparison(s: CostSnapshotDto): HTMLElement | null {
  if (s.comparison.length < 2) return null;
  return section('runs', 'Recent runs', table<ComparisonRowDto>({
    id: 'runs',
    caption: 'The last runs: click one to show it here',
    columns: [
      { key: 'name', label: 'Run', numeric: false, sortable: false }, { key: 'cost', label: 'Cost', numeric: true, sortable: false },
      { key: 'delta', label: 'vs prev.', numeric: true, sortable: false }, { key: 'tokens', label: 'Tokens', numeric: true, sortable: false },
    ],
    rows: s.comparison,
    rowKey: (c) => c.id,
    rowClass: (c) => (c.current ? 'current' : undefined),
    cells: (c) => [
      h('span', { class: 'name' }, c.name),
      c.pending ? h('span', { class: 'muted' }, 'large') : money(c.costUsd, c.priceMissing),
      c.deltaUsd === undefined ? h('span', { class: 'muted' }, '—') : h('span', { class: c.deltaUsd > 0 ? 'delta up' : c.deltaUsd < 0 ? 'delta down' : 'delta' }, usdDelta(c.deltaUsd)),
      compact(c.totalTokens),
    ],
    rowTitle: (c) => `${c.serviceName} · ${c.llmCalls} LLM calls · ${c.toolCalls} tool calls · ${c.errors} errors · ${duration(c.wallTimeMs)}${c.current ? ' (shown above)' : ''}`,
    activate: (c) => host.post({ type: 'pickSession', sessionId: c.id }),
    actionLabel: 'Shows this run in the Cost view',
    emptyText: '',
  }));
}

/** A session whose model does not fit the engine's heap: why, and the picker to go to another. */
function unmodelled(s: CostSnapshotDto, sessionId: string): HTMLElement {
  return h('div', { class: 'report', id: 'unmodelled', 'data-session': sessionId },
    h('header', { class: 'head' }, picker(s, sessionId)),
    h('p', { class: 'notice', role: 'status' }, s.notice ?? ''),
    h('footer', { class: 'foot' }, h('span', { class: 'muted' }, 'Receiver'), endpointRow(s.receiver), counts(s.receiver)));
}

function report(s: CostSnapshotDto, r: CostReportDto): HTMLElement {
  return h('div', { class: 'report', id: 'report', 'data-session': r.session.id },
    h('header', { class: 'head' }, picker(s, r.session.id), r.session.live ? h('span', { class: 'live', id: 'live' }, 'live') : null),
    s.notice ? h('p', { class: 'notice', role: 'status' }, s.notice) : null,
    budgetMeter(r),
    totals(r),
    unpriced(r),
    findings(r),
    safety(r, s.safety),
    chartSection(r),
    ...kinds.map((k) => breakdown(r, k)),
    top(r),
    comparison(s),
    h('footer', { class: 'foot' }, h('span', { class: 'muted' }, 'Receiver'), endpointRow(s.receiver), counts(s.receiver)));
}

// ---- rendering with focus kept -----------------------------------------------------------------

function render(s: CostSnapshotDto): void {
  last = s;
  const focused = (document.activeElement as HTMLElement | null)?.closest?.<HTMLElement>('[data-focus]')?.dataset.focus;
  const scroll = document.scrollingElement?.scrollTop ?? 0;
  root.replaceChildren(s.report ? report(s, s.report) : s.unmodelled !== undefined ? unmodelled(s, s.unmodelled) : emptyState(s));
  if (document.scrollingElement) document.scrollingElement.scrollTop = scroll;
  if (focused === undefined) return;
  const again = [...root.querySelectorAll<HTMLElement>('[data-focus]')].find((el) => el.dataset.focus === focused);
  if (!again) return;
  if (again.tagName === 'TR') for (const row of again.parentElement?.children ?? []) (row as HTMLElement).tabIndex = row === again ? 0 : -1;
  again.focus({ preventScroll: true });
}

function rerender(): void {
  if (last) render(last);
}

host.onMessage((message) => {
  if (message.type === 'snapshot') render(message.snapshot);
});
render({ receiver: { spans: 0, sessions: 0 }, sessions: [], followLatest: true, comparison: [] });
host.postWhenLoaded({ type: 'ready' });
