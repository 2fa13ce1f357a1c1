// A built webview (dist/webview/<bundle>.js + .css + the codicon font) as text to inline in ONE HTML page.
// Webviews and the HTML report both inline it: a webview that fetches nothing keeps no request in VS Code's
// webview service worker. On the web (code-server) that worker is shared by every webview, and a webview
// closed while one of its fetches is in flight leaves the request to time out (30 s in VS Code 1.100),
// holding every webview opened meanwhile at "Waiting for controllerchange" (measured: 4 panels, 31 s).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export type WebviewBundle = 'graph' | 'cost';

export interface InlineAssets {
  /** The bundle (an ES module without imports), safe inside <script>. */
  js: string;
  /** The bundle's stylesheet, safe inside <style>. */
  css: string;
  /** codicon.css with its font as a data: URL, safe inside <style>. */
  codiconCss: string;
}

/** Reads a bundle from an extension (or package) root's dist/webview. Sync: ~1 ms, once per webview. */
export function readInlineAssets(root: string, bundle: WebviewBundle): InlineAssets {
  const dir = path.join(root, 'dist', 'webview');
  const text = (...p: string[]) => readFileSync(path.join(dir, ...p), 'utf8');
  return {
    js: scriptText(text(`${bundle}.js`)),
    css: styleText(text(`${bundle}.css`)),
    codiconCss: styleText(codiconCssInline(text('codicons', 'codicon.css'), readFileSync(path.join(dir, 'codicons', 'codicon.ttf')))),
  };
}

/** codicon.css names its font relatively (./codicon.ttf?hash): point every url() at an inlined copy. */
export function codiconCssInline(css: string, ttf: Uint8Array): string {
  const fontUrl = `data:font/ttf;base64,${Buffer.from(ttf).toString('base64')}`;
  return css.replace(/url\((["']?)[^)"']*codicon\.ttf[^)"']*\1\)/g, `url("${fontUrl}")`);
}

/** A script inside <script>: `</script` may occur in its strings; `<\/script` means the same to JS there. */
export function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/^\/\/# sourceMappingURL=.*$/gm, '');
}

export function styleText(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1').replace(/\/\*# sourceMappingURL=.*?\*\//g, '');
}

/** No network, no local files: styles inline, the font a data: URL, scripts only with the page's nonce. */
export function webviewCsp(nonce: string): string {
  return ["default-src 'none'", "style-src 'unsafe-inline'", 'font-src data:', 'img-src data:', `script-src 'nonce-${nonce}'`].join('; ');
}

export interface WebviewPageOptions {
  nonce: string;
  title: string;
  /** More head content (before the bundle runs): the tests' stubbed acquireVsCodeApi and theme variables. */
  head?: string;
  bodyClass?: string;
  /** More body content, after the bundle's root element. */
  body?: string;
  /** Another policy, for tests only (one that would let an injected script run). */
  csp?: string;
}

/** The page a webview bundle runs in, the same for the host and the tests. */
export function webviewPage(assets: InlineAssets, opts: WebviewPageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${opts.csp ?? webviewCsp(opts.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style id="vscode-codicon-stylesheet">${assets.codiconCss}</style>
<style>${assets.css}</style>
<title>${escapeHtml(opts.title)}</title>
${opts.head ?? ''}
</head>
<body${opts.bodyClass ? ` class="${opts.bodyClass}"` : ''}>
<div id="root" role="main"></div>
${opts.body ?? ''}
<script nonce="${opts.nonce}" type="module">${assets.js}</script>
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
