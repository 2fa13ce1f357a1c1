import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { readInlineAssets, webviewPage, type WebviewBundle } from '../../core/webviewAssets';

/** The HTML of a webview: everything inline, so it fetches nothing (why: core/webviewAssets.ts). */
export function webviewHtml(extensionUri: vscode.Uri, bundle: WebviewBundle, title: string): string {
  return webviewPage(readInlineAssets(extensionUri.fsPath, bundle), { nonce: randomBytes(16).toString('base64'), title });
}

/** Scripts on; no local resource roots: nothing in the page is loaded from disk. */
export function webviewOptions(): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [] };
}
