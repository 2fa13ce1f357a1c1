import * as vscode from 'vscode';
import type { CostToHost, CostToWebview } from '../../protocol/cost';
import { Commands } from '../contributions';
import type { ReceiverService } from '../receiverService';
import { webviewHtml, webviewOptions } from './webviewHtml';

/**
 * The Cost view in the Agent Debugger side bar. Until the cost model lands it shows the receiver's
 * endpoint, live counts and how to get a first session in. Ready handshake: nothing is posted before
 * the webview says `ready`; a hidden view gets a fresh snapshot when it becomes visible again.
 */
export class CostViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly receiver: ReceiverService) {
    this.disposables.push(receiver.onDidChange(() => this.post()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'cost', 'Cost');
    view.webview.onDidReceiveMessage((m: CostToHost) => this.onMessage(m), undefined, this.disposables);
    view.onDidChangeVisibility(() => view.visible && this.post(), undefined, this.disposables);
    view.onDidDispose(() => (this.view = undefined), undefined, this.disposables);
    void this.receiver.start();
  }

  private onMessage(message: CostToHost): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.post();
        break;
      case 'copyEndpoint':
        void vscode.commands.executeCommand(Commands.copyEndpoint);
        break;
      case 'startReceiver':
        void vscode.commands.executeCommand(Commands.startReceiver);
        break;
    }
  }

  private post(): void {
    if (!this.view?.visible || !this.ready) return;
    const state = this.receiver.state;
    const running = state.kind === 'running' ? state : undefined;
    const message: CostToWebview = {
      type: 'snapshot',
      receiver: {
        httpEndpoint: this.receiver.httpEndpoint,
        grpcEndpoint: running?.grpc ? `http://${running.grpc.host}:${running.grpc.port}` : undefined,
        spans: running?.spans ?? 0,
        sessions: running?.sessions ?? 0,
      },
    };
    void this.view.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
