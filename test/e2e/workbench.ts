// An e2e fixture: code-server with the packaged VSIX installed the way a user installs it, opened in
// headless Chromium, plus helpers to drive VS Code's real UI.
import { mkdirSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { installVsix, launchChromium, prepareDirs, root, startCodeServer, type CodeServer, type Dirs } from '../harness/codeServer';

export interface Workbench {
  page: Page;
  server: CodeServer;
  dirs: Dirs;
  runDir: string;
  /** Requests for webview resources (vscode-resource URLs): ours inline everything, so none (core/webviewAssets.ts). */
  resourceRequests: string[];
  close(): Promise<void>;
}

export const artifactsDir = join(root, 'test-results');

// A run's folder (code-server, extension host and browser logs) is kept only when a test failed.
let failures = 0;
afterEach(function () {
  if (this.currentTest?.state === 'failed') failures++;
});

export async function openWorkbench(opts: { name: string; workspace?: string; colorScheme?: 'dark' | 'light'; settings?: Record<string, unknown> }): Promise<Workbench> {
  const vsix = process.env.AGENT_DEBUGGER_VSIX ?? join(root, 'agent-debugger.vsix');
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run 'npm run package' first`);
  const runDir = join(root, '.vscode-test/runs', `e2e-${opts.name}-${Date.now()}`);
  mkdirSync(runDir, { recursive: true });
  mkdirSync(artifactsDir, { recursive: true });
  const dirs = prepareDirs(runDir, { 'agentDebugger.receiver.port': 0, 'agentDebugger.receiver.grpcPort': 0, ...opts.settings });
  installVsix(dirs, vsix);
  const server = await startCodeServer({ dirs, logFile: join(runDir, 'code-server.log') });
  let context: BrowserContext | undefined;
  try {
    context = await launchChromium(join(runDir, 'chromium'), { colorScheme: opts.colorScheme });
    const page = context.pages()[0] ?? (await context.newPage());
    const resourceRequests: string[] = [];
    page.on('request', (r) => /\.vscode-resource\./.test(r.url()) && resourceRequests.push(r.url()));
    const workspace = opts.workspace ?? join(root, 'examples');
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60000 });
    const ctx = context;
    return {
      page, server, dirs, runDir, resourceRequests,
      async close() {
        await ctx.close().catch(() => undefined);
        await server.stop();
        if (failures === 0) rmSync(runDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close().catch(() => undefined);
    await server.stop();
    throw e;
  }
}

/** F1, type the command's label, Enter. The palette snapshots commands when it opens, so retry. */
export async function runCommand(page: Page, label: string, attempts = 4): Promise<void> {
  for (let i = 1; ; i++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill('>' + label);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 5000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (i >= attempts) throw e;
    }
  }
}

/** Webviews are nested iframes (page > iframe.webview > iframe#active-frame); find ours by its content. */
export async function findWebviewFrame(page: Page, selector: string, timeoutMs = 30000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        /* detached or navigating */
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview frame has ${selector}`);
}

/** The extension host's log of this run: where activation errors would show. */
export function extensionHostLog(dirs: Dirs): string {
  const logs = join(dirs.userDataDir, 'logs');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/exthost/i.test(p) && entry.name.endsWith('.log')) found.push(readFileSync(p, 'utf8'));
    }
  };
  if (existsSync(logs)) walk(logs);
  return found.join('\n');
}
