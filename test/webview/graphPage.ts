// The graph bundle (dist/webview/graph.js) in headless Chromium behind the host's CSP, with a stubbed
// acquireVsCodeApi whose state survives reloads (as VS Code's webview state does), and a fake host that
// answers the webview exactly as the extension host should: GraphFeed snapshots, deltas, step details
// and windows (src/core/agent/graphDto.ts).
import { request } from 'node:http';
import type { Page } from 'playwright-core';
import type { AgentSession } from '../../src/core/agent';
import { GraphFeed, type GraphSessionInfo } from '../../src/core/agent/graphDto';
import { StepSearch } from '../../src/core/search/stepSearch';
import type { SpanInput } from '../../src/core/agent/types';
import type { GraphToHost, GraphToWebview } from '../../src/protocol/graph';
import { packedJson } from '../../src/protocol/graphPacking';
import { reportThemes } from '../../src/core/export/reportTheme';
import { hostPage, recordFontAtReady, testPage } from './webviewPage';

/** Dark+, Light+ (shared with the HTML report) and High Contrast values of every --vscode-* variable the graph uses. */
const themes = {
  ...reportThemes,
  hc: {
    foreground: '#ffffff', 'editor-background': '#000000', 'sideBar-background': '#000000', descriptionForeground: '#ffffff', focusBorder: '#f38518',
    contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518', 'textCodeBlock-background': '#000000', 'panel-border': '#6fc3df', 'widget-border': '#6fc3df',
    'editorWidget-background': '#0c141f', 'badge-background': '#000000', 'badge-foreground': '#ffffff', 'charts-blue': '#3794ff', 'charts-purple': '#b180d7',
    'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-yellow': '#cca700', 'charts-red': '#f14c4c', errorForeground: '#f48771',
    'editorWarning-foreground': '#ffd370', 'inputValidation-errorBackground': '#000000', 'list-hoverBackground': '#000000', 'list-inactiveSelectionBackground': '#000000',
    'textLink-foreground': '#21a6ff', disabledForeground: '#a5a5a5', 'editorIndentGuide-activeBackground1': '#ffffff', 'button-background': '#000000',
    'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff',
    'dropdown-background': '#000000', 'dropdown-border': '#6fc3df', 'dropdown-foreground': '#ffffff', 'icon-foreground': '#ffffff', 'panel-background': '#000000',
    'panelTitle-activeBorder': '#6fc3df', 'panelTitle-activeForeground': '#ffffff', 'panelTitle-inactiveForeground': '#ffffff',
    'settings-dropdownBackground': '#000000', 'settings-dropdownBorder': '#6fc3df', 'settings-dropdownForeground': '#ffffff', 'sideBarSectionHeader-background': '#000000',
  },
};

export type Theme = keyof typeof themes;
const bodyClass: Record<Theme, string> = { dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' };

/** strict: the host's CSP (script nonce only). open: inline scripts and handlers allowed, so an injection would run. */
function shell(theme: Theme, csp: 'strict' | 'open'): string {
  const vars = Object.entries(themes[theme]).map(([k, v]) => `--vscode-${k}:${v}`).join(';');
  const head = `<style>html{${vars};--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;--vscode-editor-font-size:12px}</style>
<script nonce="test">
window.__posted = []; window.__violations = [];
// Epoch ms a snapshot reached the page (the webview's own listener runs next): post-to-paint without polling.
// The system clock read now, as the host reads it when it posts: timeOrigin + now is the clock as it was at each
// process's start carried on, which a clock set since leaves behind (in one long bench run both sizes read a
// constant 32.6 s over what each measured alone, 0.15-0.38 s).
window.addEventListener('message', (e) => { if (e.data && e.data.type === 'snapshot') window.__snapshotAt = Date.now(); });
${recordFontAtReady}
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
const key = 'vscode-webview-state';
window.acquireVsCodeApi = () => ({
  postMessage: (m) => { window.__noteReady(m); window.__posted.push(m); window.__toHost(JSON.parse(JSON.stringify(m))); },
  getState: () => JSON.parse(sessionStorage.getItem(key) || 'null') ?? undefined,
  setState: (s) => sessionStorage.setItem(key, JSON.stringify(s)),
});
</script>`;
  const open = "default-src 'self'; style-src 'self' 'unsafe-inline'; font-src data:; img-src * data:; script-src 'self' 'unsafe-inline'";
  return testPage('graph', { head, bodyClass: bodyClass[theme], csp: csp === 'open' ? open : undefined });
}

export interface GraphHarness {
  page: Page;
  feed: GraphFeed;
  session: AgentSession;
  /** Every message the webview posted, in order. */
  toHost: GraphToHost[];
  send(message: GraphToWebview): Promise<void>;
  /** The next session state: answered to `ready` from now on, and sent as a delta. */
  update(session: AgentSession): Promise<void>;
  /** Set false to leave requests unanswered. */
  answering: boolean;
  /** performance.now() (Node) when the last snapshot was handed to the page, and its JSON size. */
  snapshotSentAt: number;
  /** Date.now() of the same moment: the page reads the same system clock when the snapshot arrives (postToPaint). */
  snapshotPostedAt: number;
  snapshotBytes: number;
  /** The last snapshot message, as the page was sent it. */
  snapshotJson: string;
  close(): Promise<void>;
}

export interface GraphHarnessOptions {
  session: AgentSession;
  info?: GraphSessionInfo;
  /** Raw spans by span id (exception stacks). */
  raw?: SpanInput[];
  theme?: Theme;
  csp?: 'strict' | 'open';
  viewport?: { width: number; height: number };
  /** Another host: answers every message the webview posts (the engine worker's graph requests, relayed). */
  host?: (message: GraphToHost) => Promise<GraphToWebview | undefined>;
}

/**
 * Host post to first paint of the last snapshot (ms): from the harness handing it over (JSON text, as VS Code
 * posts it) to the frame after the webview drew it; and the in-page part of that (message handler to frame).
 */
export async function postToPaint(g: GraphHarness): Promise<{ totalMs: number; inPageMs: number }> {
  type Marks = { __snapshotAt?: number; document: { body: { dataset: { paintMs?: string } } } };
  await g.page.waitForFunction(() => (globalThis as unknown as Marks).document.body.dataset.paintMs !== undefined, undefined, { timeout: 120_000 });
  const { at, paintMs } = await g.page.evaluate(() => {
    const w = globalThis as unknown as Marks;
    return { at: w.__snapshotAt ?? NaN, paintMs: Number(w.document.body.dataset.paintMs) };
  });
  return { totalMs: at + paintMs - g.snapshotPostedAt, inPageMs: paintMs };
}

export async function openGraph(opts: GraphHarnessOptions): Promise<GraphHarness> {
  const theme = opts.theme ?? 'dark';
  const info = opts.info ?? { id: 'session-1', name: 'test session' };
  const raw = new Map((opts.raw ?? []).map((r) => [String(r.span.spanId).toLowerCase(), r]));
  const hosted = await hostPage('graph', shell(theme, opts.csp ?? 'strict'), theme === 'light' ? 'light' : 'dark');
  const { page } = hosted;
  try {
    if (opts.viewport) await page.setViewportSize(opts.viewport);
    const harness: GraphHarness = {
      page,
      feed: new GraphFeed(info),
      session: opts.session,
      toHost: [],
      answering: true,
      snapshotSentAt: 0,
      snapshotPostedAt: 0,
      snapshotBytes: 0,
      snapshotJson: '',
      // As JSON text, like VS Code's postMessage (CDP's object serialisation is far slower for big snapshots).
      send: (message) => {
        const json = JSON.stringify(message);
        if (message.type === 'snapshot') harness.snapshotJson = json;
        return page.evaluate((text) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(JSON.parse(text), '*'), json);
      },
      async update(session) {
        harness.session = session;
        const delta = harness.feed.packedDelta(session);
        if (delta) await harness.send({ type: 'delta', delta: packedJson(delta) });
      },
      close: () => hosted.close(),
    };
    await page.exposeFunction('__toHost', async (m: GraphToHost) => {
      harness.toHost.push(m);
      if (opts.host) {
        const reply = await opts.host(m);
        if (reply?.type === 'snapshot') {
          harness.snapshotSentAt = performance.now();
          harness.snapshotPostedAt = Date.now();
        }
        if (reply) await harness.send(reply);
        if (reply?.type === 'snapshot') harness.snapshotBytes = harness.snapshotJson.length;
        return;
      }
      if (m.type === 'ready') {
        const snapshot = packedJson(harness.feed.packedSnapshot(harness.session));
        harness.snapshotSentAt = performance.now();
        harness.snapshotPostedAt = Date.now();
        await harness.send({ type: 'snapshot', snapshot });
        harness.snapshotBytes = harness.snapshotJson.length;
      }
      if (!harness.answering) return;
      if (m.type === 'requestStep') {
        // A webview sent no span ids names the step by index.
        const id = m.id || harness.feed.idAt(m.index) || '';
        const detail = harness.feed.stepDetail(harness.session, id, m.cursor, raw.get(id));
        await harness.send(detail ? { type: 'stepDetail', requestId: m.requestId, detail } : { type: 'stepDetail', requestId: m.requestId, error: 'no such step' });
      }
      if (m.type === 'requestWindow') await harness.send({ type: 'window', requestId: m.requestId, rows: harness.feed.window(harness.session, m.from, m.to) });
      if (m.type === 'requestSearch') {
        const found = new StepSearch(harness.session.steps, opts.raw ?? []).find(m.query);
        await harness.send({ type: 'searchResult', requestId: m.requestId, ids: found.ids, indices: harness.feed.indicesOf(found.ids), total: found.total });
      }
    });
    await hosted.load();
    return harness;
  } catch (e) {
    await hosted.close().catch(() => undefined);
    throw e;
  }
}

/** Posts an OTLP/JSON trace request to a local receiver; resolves with the status. */
export function postOtlpJson(port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
