import * as vscode from 'vscode';
import { Commands } from '../contributions';
import type { ReceiverService } from '../receiverService';

/** `OTLP 127.0.0.1:4318 · 42 spans`, refreshed at most 4 times a second while spans stream in. */
export class ReceiverStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('agentDebugger.receiver', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly receiver: ReceiverService) {
    this.item.name = 'Agent Debugger: OTLP receiver';
    this.subscription = receiver.onDidChange(() => this.schedule());
    this.render();
    this.item.show();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, 250);
  }

  private render(): void {
    const state = this.receiver.state;
    if (state.kind === 'running') {
      const spans = state.spans.toLocaleString('en-US');
      this.item.text = `$(radio-tower) OTLP ${state.http.host}:${state.http.port} · ${spans} spans`;
      const fellBack = state.http.fellBack ? `\n\nPort ${state.http.requestedPort} was taken, so ${state.http.port} is used.` : '';
      const grpc = state.grpc ? `\ngRPC: ${state.grpc.host}:${state.grpc.port}` : '';
      this.item.tooltip = new vscode.MarkdownString(
        `**Agent Debugger receiver**\n\nOTLP/HTTP: \`http://${state.http.host}:${state.http.port}\`${grpc}${fellBack}\n\n${spans} spans in ${state.sessions} sessions. Click to copy the endpoint.`,
      );
      this.item.command = Commands.copyEndpoint;
      this.item.backgroundColor = state.http.fellBack ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    } else if (state.kind === 'failed') {
      this.item.text = '$(error) OTLP receiver failed';
      this.item.tooltip = `${state.error}\nClick to retry.`;
      this.item.command = Commands.startReceiver;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      this.item.text = state.kind === 'starting' ? '$(loading~spin) OTLP starting' : '$(circle-slash) OTLP off';
      this.item.tooltip = 'Agent Debugger: the OTLP receiver is not running. Click to start it.';
      this.item.command = Commands.startReceiver;
      this.item.backgroundColor = undefined;
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.item.dispose();
  }
}
