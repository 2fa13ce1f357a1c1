// Loads a built webview bundle into headless Chromium in the very page the host gives it
// (src/core/webviewAssets.ts: everything inline, the same CSP), with acquireVsCodeApi() stubbed to record
// what the webview posts. The page is served alone: any other request it makes is an error.
import { createServer } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { readInlineAssets, webviewPage, type WebviewBundle, type WebviewPageOptions } from '../../src/core/webviewAssets';
import { launchChromium, root } from '../harness/codeServer';

/** Stub JS: whether the codicon font had loaded when the webview first said `ready` (window.__codiconAtReady). */
export const recordFontAtReady = `window.__noteReady = (m) => { if (m && m.type === 'ready' && window.__codiconAtReady === undefined)
  window.__codiconAtReady = [...document.fonts].some((f) => f.family.replace(/["']/g, '') === 'codicon' && f.status === 'loaded'); };`;

/** What recordFontAtReady saw. */
export function codiconAtReady(page: Page): Promise<boolean | undefined> {
  return page.evaluate(() => (globalThis as unknown as { __codiconAtReady?: boolean }).__codiconAtReady);
}

/** Whether a page's (or frame's) codicon face has loaded (fonts.check() also says true for a face nobody declared). */
export function codiconLoaded(frame: Pick<Page, 'evaluate'>): Promise<boolean> {
  return frame.evaluate(() => [...(globalThis as unknown as { document: { fonts: Iterable<{ family: string; status: string }> } }).document.fonts]
    .some((f) => f.family.replace(/["']/g, '') === 'codicon' && f.status === 'loaded'));
}

/** The host's page for a bundle, with the test's head (stubs, theme variables) and nonce 'test'. */
export function testPage(bundle: WebviewBundle, opts: Omit<WebviewPageOptions, 'nonce' | 'title'>): string {
  return webviewPage(readInlineAssets(root, bundle), { nonce: 'test', title: bundle, ...opts });
}

export interface HostedPage {
  page: Page;
  /** Page errors, console errors and requests other than the page itself. */
  errors: string[];
  /** Navigates to the page (after the caller exposed its functions). */
  load(): Promise<void>;
  /** Closes the browser, removes its profile; throws what `errors` collected. */
  close(): Promise<void>;
}

export async function hostPage(name: string, html: string, colorScheme: 'dark' | 'light'): Promise<HostedPage> {
  const errors: string[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    if (req.url === '/favicon.ico') return void res.writeHead(204).end(); // Chromium's own request
    errors.push(`the page requested ${req.url}`);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const profile = join(root, '.vscode-test/runs', `webview-${name}-${process.pid}-${Date.now()}`);
  let context: BrowserContext | undefined;
  const closeAll = async () => {
    await context?.close().catch(() => undefined);
    server.close();
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    context = await launchChromium(profile, { colorScheme });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    return {
      page, errors,
      load: async () => void (await page.goto(`http://127.0.0.1:${port}/`)),
      async close() {
        await closeAll();
        if (errors.length) throw new Error(`the webview logged errors:\n${errors.join('\n')}`);
      },
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

export interface WebviewPage {
  page: Page;
  /** Messages the webview posted to the "host", in order. */
  posted(): Promise<unknown[]>;
  /** Delivers a host -> webview message. */
  send(message: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function openWebview(bundle: WebviewBundle, opts: { theme?: 'dark' | 'light' } = {}): Promise<WebviewPage> {
  const theme = opts.theme ?? 'dark';
  const vars = theme === 'dark'
    ? '--vscode-foreground:#ccc;--vscode-editor-background:#1e1e1e;--vscode-sideBar-background:#252526;--vscode-descriptionForeground:#999;--vscode-focusBorder:#007fd4;--vscode-textCodeBlock-background:#0a0a0a'
    : '--vscode-foreground:#333;--vscode-editor-background:#fff;--vscode-sideBar-background:#f3f3f3;--vscode-descriptionForeground:#717171;--vscode-focusBorder:#0090f1;--vscode-textCodeBlock-background:#dcdcdc';
  const head = `<style>html{${vars};--vscode-font-family:sans-serif;--vscode-font-size:13px}</style>
<script nonce="test">
window.__posted = []; let state;
${recordFontAtReady}
window.acquireVsCodeApi = () => ({ postMessage: (m) => { window.__noteReady(m); window.__posted.push(m); }, getState: () => state, setState: (s) => { state = s; } });
</script>`;
  const hosted = await hostPage(bundle, testPage(bundle, { head, bodyClass: `vscode-${theme}` }), theme);
  const { page } = hosted;
  try {
    await hosted.load();
  } catch (e) {
    await hosted.close().catch(() => undefined);
    throw e;
  }
  return {
    page,
    posted: () => page.evaluate(() => (globalThis as unknown as { __posted: unknown[] }).__posted.slice()),
    send: async (message) => {
      await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), message);
    },
    close: () => hosted.close(),
  };
}
