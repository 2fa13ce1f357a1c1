// Loads a built webview bundle (dist/webview/NAME.js) into headless Chromium behind the same kind of
// shell and CSP the host uses, with acquireVsCodeApi() stubbed to record what the webview posts.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, root } from '../harness/codeServer';

const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html', '.map': 'application/json' };

/**
 * Stub JS: whether the codicon font had loaded when the webview first said `ready` (window.__codiconAtReady).
 * A webview closed mid-fetch stalls VS Code web's webviews, so `ready` must come after its resources.
 */
export const recordFontAtReady = `window.__noteReady = (m) => { if (m && m.type === 'ready' && window.__codiconAtReady === undefined)
  window.__codiconAtReady = [...document.fonts].some((f) => f.family.replace(/["']/g, '') === 'codicon' && f.status === 'loaded'); };`;

/** What recordFontAtReady saw. */
export function codiconAtReady(page: Page): Promise<boolean | undefined> {
  return page.evaluate(() => (globalThis as unknown as { __codiconAtReady?: boolean }).__codiconAtReady);
}

function shell(bundle: string, theme: 'dark' | 'light'): string {
  const csp = "default-src 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'; img-src 'self' data:; script-src 'nonce-test'";
  const vars = theme === 'dark'
    ? '--vscode-foreground:#ccc;--vscode-editor-background:#1e1e1e;--vscode-sideBar-background:#252526;--vscode-descriptionForeground:#999;--vscode-focusBorder:#007fd4;--vscode-textCodeBlock-background:#0a0a0a'
    : '--vscode-foreground:#333;--vscode-editor-background:#fff;--vscode-sideBar-background:#f3f3f3;--vscode-descriptionForeground:#717171;--vscode-focusBorder:#0090f1;--vscode-textCodeBlock-background:#dcdcdc';
  return `<!DOCTYPE html><html><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="/codicons/codicon.css" id="vscode-codicon-stylesheet"><link rel="stylesheet" href="/${bundle}.css">
<style>html{${vars};--vscode-font-family:sans-serif;--vscode-font-size:13px}</style>
<script nonce="test">
window.__posted = []; let state;
${recordFontAtReady}
window.acquireVsCodeApi = () => ({ postMessage: (m) => { window.__noteReady(m); window.__posted.push(m); }, getState: () => state, setState: (s) => { state = s; } });
</script></head><body class="vscode-${theme}"><div id="root"></div><script nonce="test" type="module" src="/${bundle}.js"></script></body></html>`;
}

export interface WebviewPage {
  page: Page;
  /** Messages the webview posted to the "host", in order. */
  posted(): Promise<unknown[]>;
  /** Delivers a host -> webview message. */
  send(message: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function openWebview(bundle: string, opts: { theme?: 'dark' | 'light' } = {}): Promise<WebviewPage> {
  const theme = opts.theme ?? 'dark';
  const dist = join(root, 'dist/webview');
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(shell(bundle, theme));
      return;
    }
    const file = normalize(join(dist, url.pathname));
    if (!file.startsWith(dist)) return void res.writeHead(403).end();
    try {
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  let context: BrowserContext | undefined;
  try {
    context = await launchChromium(join(root, '.vscode-test/runs', `webview-${bundle}-${process.pid}-${Date.now()}`), { colorScheme: theme });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`http://127.0.0.1:${port}/`);
    const ctx = context;
    return {
      page,
      posted: () => page.evaluate(() => (globalThis as unknown as { __posted: unknown[] }).__posted.slice()),
      send: async (message) => {
        await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), message);
      },
      async close() {
        await ctx.close();
        server.close();
        if (errors.length) throw new Error(`the webview logged errors:\n${errors.join('\n')}`);
      },
    };
  } catch (e) {
    await context?.close();
    server.close();
    throw e;
  }
}
