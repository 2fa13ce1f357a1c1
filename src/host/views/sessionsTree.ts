import * as vscode from 'vscode';
import type { SessionSummary } from '../../core/store/types';
import { ContextKeys } from '../contributions';
import type { ReceiverService } from '../receiverService';

export class SessionItem extends vscode.TreeItem {
  constructor(readonly session: SessionSummary) {
    super(session.name, vscode.TreeItemCollapsibleState.None);
    this.id = session.id;
    this.contextValue = 'session';
    const when = new Date(session.firstSpanMs).toLocaleTimeString();
    const errors = session.errorCount ? ` · ${session.errorCount} errors` : '';
    this.description = `${when} · ${session.spanCount} spans${errors}`;
    this.iconPath = new vscode.ThemeIcon(session.errorCount ? 'error' : 'pulse');
    this.tooltip = new vscode.MarkdownString(
      `**${escapeMd(session.name)}**\n\n${session.spanCount} spans in ${session.traceCount} traces · ${session.errorCount} errors\n\n` +
        `${new Date(session.firstSpanMs).toLocaleString()} → ${new Date(session.lastSpanMs).toLocaleTimeString()}\n\nid \`${session.id}\``,
    );
  }
}

/** Sessions newest first. Refreshes are coalesced: a busy agent changes the store many times a second. */
export class SessionsTree implements vscode.TreeDataProvider<SessionItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly receiver: ReceiverService) {
    this.subscription = receiver.onDidChange(() => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.changed.fire();
      }, 250);
    });
  }

  getTreeItem(element: SessionItem): vscode.TreeItem {
    return element;
  }

  async getChildren(element?: SessionItem): Promise<SessionItem[]> {
    if (element) return [];
    // Opening the view is a "first need": it loads the store and starts the receiver.
    void this.receiver.start();
    const engine = await this.receiver.engine();
    const sessions = engine.store.listSessions();
    void vscode.commands.executeCommand('setContext', ContextKeys.hasSessions, sessions.length > 0);
    return sessions.map((s) => new SessionItem(s));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
