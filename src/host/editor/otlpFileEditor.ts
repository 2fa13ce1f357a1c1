import * as vscode from 'vscode';
import type { Log } from '../log';
import type { ReceiverService } from '../receiverService';
import { GraphPanel } from '../webviews/graphPanel';
import type { SourceLinks } from './sourceLinks';

/**
 * Opening a `*.otlp.json` file shows it as a session in the trace graph: the file is imported once (per
 * modification time) and the editor hosts the same graph panel the Sessions view opens.
 */
export class OtlpFileEditor implements vscode.CustomReadonlyEditorProvider {
  private readonly imported = new Map<string, { mtime: number; sessionId: string }>();
  /** The graph panels open in these editors (tests read them). */
  readonly panels = new Set<GraphPanel>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly receiver: ReceiverService, private readonly log: Log, private readonly sources: SourceLinks) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const engine = await this.receiver.engine();
    const stat = await vscode.workspace.fs.stat(document.uri);
    const key = document.uri.toString();
    let sessionId = this.imported.get(key);
    if (!sessionId || sessionId.mtime !== stat.mtime || !engine.getSession(sessionId.sessionId)) {
      try {
        const result = await engine.importFile(document.uri.fsPath);
        sessionId = { mtime: stat.mtime, sessionId: result.sessionIds[0]! };
        this.imported.set(key, sessionId);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        panel.webview.html = errorHtml(message);
        void vscode.window.showErrorMessage(`Agent Debugger: could not open ${document.uri.path.split('/').pop()}: ${message}`);
        return;
      }
    }
    const graph = new GraphPanel(panel, sessionId.sessionId, this.extensionUri, this.receiver, this.log, this.sources, () => undefined, () => this.panels.delete(graph));
    this.panels.add(graph);
  }
}

function errorHtml(message: string): string {
  const text = message.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
  return `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>Could not open this file as an agent session.</p><pre>${text}</pre></body></html>`;
}
