import * as vscode from 'vscode';
import type { Totals } from '../../core/agent';
import type { SessionSummary } from '../../core/store/types';
import { formatUsd, SessionCosts } from '../sessionCosts';
import { Commands, ContextKeys } from '../contributions';
import type { ReceiverService } from '../receiverService';

export class SessionItem extends vscode.TreeItem {
  constructor(readonly session: SessionSummary, totals: Totals | undefined) {
    super(session.name, vscode.TreeItemCollapsibleState.None);
    this.id = session.id;
    this.contextValue = 'session';
    this.command = { command: Commands.openTraceGraph, title: 'Open Trace Graph', arguments: [session.id] };
    // Default names carry the start time already; the tooltip has the full times.
    const errors = session.errorCount ? ` · ${session.errorCount} errors` : '';
    this.description = `${session.spanCount} spans${cost(totals)}${errors}`;
    this.iconPath = new vscode.ThemeIcon(session.live ? 'pulse' : session.errorCount ? 'error' : 'history');
    const usage = totals
      ? `${totals.llmCalls} LLM calls · ${totals.toolCalls} tool calls · ${totals.inputTokens.toLocaleString('en-US')} in / ${totals.outputTokens.toLocaleString('en-US')} out tokens · ${formatUsd(totals.costUsd)}` +
        (totals.modelsWithoutPrice.length ? `\n\nNo price for ${totals.modelsWithoutPrice.map(escapeMd).join(', ')}: add one in \`agentDebugger.pricing.models\`.` : '')
      : `Cost is computed when the session is opened (over ${SessionCosts.eagerLimit.toLocaleString('en-US')} spans).`;
    this.tooltip = new vscode.MarkdownString(
      `**${escapeMd(session.name)}**${session.live ? ' (live)' : ''}\n\n${session.spanCount} spans in ${session.traceCount} traces · ${session.errorCount} errors\n\n${usage}\n\n` +
        `${new Date(session.firstSpanMs).toLocaleString()} → ${new Date(session.lastSpanMs).toLocaleTimeString()}\n\nid \`${escapeMd(session.id)}\``,
    );
  }
}

/** Sessions newest first. Refreshes are coalesced: a busy agent changes the store many times a second. */
export class SessionsTree implements vscode.TreeDataProvider<SessionItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;

  private readonly costs = new SessionCosts();

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
    return sessions.map((s) => new SessionItem(s, this.costs.totals(engine.store, s)));
  }

  dispose(): void {
    this.costs.dispose();
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** ` · $0.0012`, ` · no price` when tokens were used by a model without one, '' without usage. */
function cost(totals: Totals | undefined): string {
  if (!totals || totals.pricedCalls + totals.unpricedCalls === 0) return '';
  if (totals.pricedCalls === 0) return ' · no price';
  return ` · ${formatUsd(totals.costUsd)}${totals.unpricedCalls ? '+' : ''}`;
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
