// A standalone HTML report of one session: ONE file that opens offline in any browser. It inlines the built
// graph webview (JS + CSS + codicon font as a data URL), the session data, and a small "host" shim that
// answers the webview's requests from that data, so the same webview code runs read-only, in the page the
// webviews get (core/webviewAssets.ts): no network at all, scripts only with the page's nonce.
import { randomBytes } from 'node:crypto';
import type { Totals } from '../agent';
import type { BreakdownRowDto } from '../../protocol/cost';
import { formatUsd, plural } from '../format';
import { REPORT_DATA_ID, type ReportDataDto } from '../../protocol/report';
import { reportThemes } from './reportTheme';
import { escapeHtml, webviewPage, type InlineAssets } from '../webviewAssets';

export interface ReportAssets {
  graph: InlineAssets;
  /** dist/webview/reportShim.js (a classic script: it must run before the module), safe inside <script>. */
  shimJs: string;
}

export interface ReportCosts {
  totals: Totals;
  /** The Cost view's rows by model (core/cost byModel), so the report and the view agree. */
  byModel: BreakdownRowDto[];
}

export function renderHtmlReport(data: ReportDataDto, costs: ReportCosts, assets: ReportAssets): string {
  const title = `Agent Trace: ${data.snapshot.session.name}`;
  const nonce = randomBytes(16).toString('base64');
  const head = `<meta name="generator" content="Agent Debugger">
<style>${themeCss()}${reportCss}</style>
<script type="application/json" id="${REPORT_DATA_ID}">${scriptJson(data)}</script>
<script nonce="${nonce}">${assets.shimJs}</script>`;
  return `${webviewPage(assets.graph, { nonce, title, head, bodyClass: 'vscode-dark', body: costSummary(costs, data.generatedAt) })}\n`;
}

/** JSON inside <script>: `<` escaped everywhere, so neither `</script` nor `<!--` can end or confuse the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function themeCss(): string {
  const vars = (theme: Record<string, string>) => Object.entries(theme).map(([k, v]) => `--vscode-${k}:${v}`).join(';');
  const base = '--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:ui-monospace,monospace;--vscode-editor-font-size:12px';
  return `html{${base};${vars(reportThemes.dark)}}@media (prefers-color-scheme: light){html{${vars(reportThemes.light)}}}`;
}

// The cost summary is a status bar under the app (the app leaves it its height): closed, it covers nothing;
// opened, it grows upward over the graph until closed again.
const reportCss = `
#root{height:calc(100% - 26px)}
.report-costs{position:fixed;left:0;right:0;bottom:0;z-index:20;max-height:60vh;overflow:auto;box-sizing:border-box;
background:var(--vscode-editorWidget-background);color:var(--vscode-foreground);border-top:1px solid var(--vscode-widget-border);
padding:3px 12px;font-family:var(--vscode-font-family);font-size:var(--vscode-font-size)}
.report-costs summary{cursor:pointer;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.report-costs table{border-collapse:collapse;margin:6px 0}
.report-costs th,.report-costs td{text-align:right;padding:2px 8px;font-variant-numeric:tabular-nums}
.report-costs th:first-child,.report-costs td:first-child{text-align:left}
.report-costs p{color:var(--vscode-descriptionForeground);margin:4px 0}`;

function costSummary(costs: ReportCosts, generatedAt: string): string {
  const t = costs.totals;
  const int = (n: number) => n.toLocaleString('en-US');
  // Usage without a price is never shown as $0: "no price", or the priced part with a "+".
  const costText = (usd: number, priced: boolean, unpriced: boolean) => (!priced && unpriced ? 'no price' : formatUsd(usd) + (unpriced ? '+' : ''));
  const rows = costs.byModel
    .map((r) => `<tr><td>${escapeHtml(r.key)}</td><td>${int(r.calls)}</td><td>${int(r.inputTokens)}</td><td>${int(r.outputTokens)}</td><td>${escapeHtml(costText(r.costUsd, r.costUsd > 0, r.priceMissing))}</td></tr>`)
    .join('');
  const missing = t.modelsWithoutPrice.length ? `<p>No price for ${escapeHtml(t.modelsWithoutPrice.join(', '))}: their usage is not in the total.</p>` : '';
  return `<details class="report-costs" id="report-costs">
<summary>Cost ${escapeHtml(costText(t.costUsd, t.pricedCalls > 0, t.unpricedCalls > 0))} · ${int(t.inputTokens)} in / ${int(t.outputTokens)} out tokens</summary>
<table><thead><tr><th>Model</th><th>Calls</th><th>In</th><th>Out</th><th>$</th></tr></thead><tbody>${rows}</tbody></table>
<p>${plural(t.steps, 'step')} · ${plural(t.llmCalls, 'LLM call')} · ${plural(t.toolCalls, 'tool call')} · ${plural(t.errors, 'error')} · ${escapeHtml((t.wallTimeMs / 1000).toFixed(2))} s</p>
${missing}<p>Read-only report generated ${escapeHtml(generatedAt)} by Agent Debugger.</p>
</details>`;
}
