import * as vscode from 'vscode';
import type { Totals } from '../../core/agent';
import type { OutlineStep } from '../../core/agent/outline';
import { describeFilter, isActive, type SessionFilter } from '../../core/sessions/filter';
import type { ForkOrigin } from '../../core/sessions/forkOrigin';
import type { SessionSummary, TraceSummary } from '../../core/store/types';
import type { EngineClient } from '../../core/engineClient';
import { formatMs, formatUsd, plural } from '../../core/format';
import { SessionModels } from '../sessionModels';
import { unlessTooLarge } from '../../core/modelBudget';
import { Commands, ContextKeys } from '../contributions';
import type { ReceiverService } from '../receiverService';
import { agentOptions } from '../settings';


export class SessionItem extends vscode.TreeItem {
  readonly kind = 'session';
  constructor(readonly session: SessionSummary, totals: Totals | undefined, fork?: ForkOrigin) {
    super(session.name, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = session.id;
    this.contextValue = 'session';
    this.command = { command: Commands.openTraceGraph, title: 'Open Trace Graph', arguments: [session.id] };
    const steps = totals ? plural(totals.steps, 'step') : plural(session.spanCount, 'span');
    const errors = session.errorCount ? ` · ${plural(session.errorCount, 'error')}` : '';
    const when = new Date(session.firstSpanMs).toLocaleTimeString();
    this.description = `${fork ? `forked at step ${fork.step} · ` : ''}${session.live ? '● live · ' : ''}${when} · ${formatMs(session.lastSpanMs - session.firstSpanMs)} · ${steps}${cost(totals)}${errors}`;
    this.iconPath = new vscode.ThemeIcon(session.live ? 'pulse' : session.errorCount ? 'error' : 'history');
    const usage = totals
      ? `${plural(totals.llmCalls, 'LLM call')} · ${plural(totals.toolCalls, 'tool call')} · ${totals.inputTokens.toLocaleString('en-US')} in / ${totals.outputTokens.toLocaleString('en-US')} out tokens · ${formatUsd(totals.costUsd)}` +
        (totals.modelsWithoutPrice.length ? `\n\nNo price for ${totals.modelsWithoutPrice.map(escapeMd).join(', ')}: add one in \`agentDebugger.pricing.models\`.` : '')
      : `Cost is computed when the session is opened (over ${SessionModels.eagerLimit.toLocaleString('en-US')} spans).`;
    this.tooltip = new vscode.MarkdownString(
      `**${escapeMd(session.name)}**${session.live ? ' (live)' : ''}\n\n${plural(session.spanCount, 'span')} in ${plural(session.traceCount, 'trace')} · ${plural(session.errorCount, 'error')}\n\n${usage}\n\n` +
        `${new Date(session.firstSpanMs).toLocaleString()} → ${new Date(session.lastSpanMs).toLocaleTimeString()}\n\nid \`${escapeMd(session.id)}\``,
    );
  }
}

export class TraceItem extends vscode.TreeItem {
  readonly kind = 'trace';
  constructor(readonly sessionId: string, readonly trace: TraceSummary) {
    super(trace.rootName ?? `trace ${trace.traceId.slice(0, 8)}`, vscode.TreeItemCollapsibleState.None);
    this.id = `${sessionId}/trace/${trace.traceId}`;
    this.contextValue = 'trace';
    this.description = `trace ${trace.traceId.slice(0, 8)} · ${plural(trace.spanCount, 'span')} · ${formatMs(trace.endMs - trace.startMs)}${trace.errorCount ? ` · ${plural(trace.errorCount, 'error')}` : ''}`;
    this.iconPath = new vscode.ThemeIcon('git-commit');
    this.command = { command: Commands.openTraceGraph, title: 'Open Trace Graph', arguments: [sessionId] };
  }
}

export class StepItem extends vscode.TreeItem {
  readonly kind = 'step';
  /** For an LLM step: its 1-based order among the session's LLM calls (what "Re-run from Here" forks at). */
  constructor(readonly sessionId: string, readonly step: OutlineStep, readonly llmStep?: number) {
    super(step.kind === 'tool' ? (step.toolName ?? step.name) : step.kind === 'llm' ? (step.model ?? step.name) : step.name, vscode.TreeItemCollapsibleState.None);
    this.id = `${sessionId}/step/${step.traceId}/${step.id}`;
    this.contextValue = llmStep ? 'step.llm' : 'step';
    const usage = step.costUsd !== undefined ? ` · ${formatUsd(step.costUsd)}` : step.priceMissing ? ' · no price' : '';
    // A fork's calls say how they were answered: replayed (from the recording), forked (the edit), diverged.
    const replay = step.attributes['agent_debugger.replay'];
    this.description = `${step.kind}${typeof replay === 'string' ? ` · ${replay}` : ''} · ${formatMs(step.durationMs)}${usage}${step.status === 'error' ? ' · failed' : ''}`;
    if (replay === 'diverged') this.tooltip = `Diverged from the recording at step ${String(step.attributes['agent_debugger.replay.diverged_at'])}: ${String(step.attributes['agent_debugger.replay.divergence'])}`;
    this.iconPath = new vscode.ThemeIcon(step.status === 'error' ? 'error' : step.kind === 'llm' ? 'sparkle' : step.kind === 'tool' ? 'tools' : step.kind === 'agent' ? 'hubot' : 'symbol-event');
    this.command = { command: Commands.openStep, title: 'Show Step and Its Source', arguments: [sessionId, step.id] };
  }
}

export type SessionsNode = SessionItem | TraceItem | StepItem;

/** The session a node of this view belongs to (a bare `{ session }` works too: other extensions, tests). */
export function sessionIdOf(node: SessionsNode | { session: { id: string } } | undefined): string | undefined {
  if (!node) return undefined;
  return 'session' in node ? node.session.id : node.sessionId;
}

/**
 * Sessions newest first, each with its traces and then its top-level steps; an optional filter (text in
 * names, prompts and tool args, model, errors). Refreshes are coalesced: a busy agent changes the store many
 * times a second. Files dropped on the view are imported.
 */
export class SessionsTree implements vscode.TreeDataProvider<SessionsNode>, vscode.TreeDragAndDropController<SessionsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  private filterValue: SessionFilter | undefined;

  readonly dropMimeTypes = ['text/uri-list', 'files'];
  readonly dragMimeTypes: string[] = [];

  constructor(private readonly receiver: ReceiverService, private readonly models: SessionModels) {
    this.subscription = receiver.onDidChange(() => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.changed.fire();
      }, 250);
    });
  }

  /** Sets (or with undefined, clears) the filter; returns its description, '' when none is active. */
  setFilter(filter: SessionFilter | undefined): string {
    this.filterValue = isActive(filter) ? filter : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.sessionsFiltered, this.filterValue !== undefined);
    this.changed.fire();
    return this.filterValue ? describeFilter(this.filterValue) : '';
  }

  getTreeItem(element: SessionsNode): vscode.TreeItem {
    return element;
  }

  async getChildren(element?: SessionsNode): Promise<SessionsNode[]> {
    if (element && !(element instanceof SessionItem)) return [];
    // Opening the view is a "first need": it loads the store and starts the receiver.
    void this.receiver.start();
    const engine = await this.receiver.engine();
    if (element) {
      const traces = (await engine.tracesOfSession(element.session.id)).map((t) => new TraceItem(element.session.id, t));
      // Rows made in the worker: a long live session's steps do not cross for its top level.
      // A session whose model does not fit the engine's heap lists its traces only.
      const outline = (await engine.derived.sessionOutline(element.session.id, agentOptions()).catch(unlessTooLarge)) ?? [];
      const top = outline.map((r) => new StepItem(element.session.id, r.step, r.llmStep));
      const forks = (await this.sessionsWithOrigin(engine)).filter((f) => f.fork?.parentSessionId === element.session.id);
      const forkItems = await Promise.all(forks.map(async (f) => new SessionItem(f.session, await this.models.totals(engine, f.session), f.fork)));
      return [...forkItems, ...traces, ...top];
    }
    // Newest first (by first span).
    let sessions = engine.listSessions().sort((a, b) => b.firstSpanMs - a.firstSpanMs);
    this.models.retain(new Set(sessions.map((s) => s.id)));
    void vscode.commands.executeCommand('setContext', ContextKeys.hasSessions, sessions.length > 0);
    const filter = this.filterValue;
    if (filter) {
      // Searched in the worker: the sessions' steps do not cross to this thread for it.
      const matches = await engine.derived.matchSessions(sessions.map((s) => s.id), agentOptions(), filter);
      sessions = sessions.filter((_, i) => matches[i]);
    }
    // A fork shows under its parent ("forked at step N") while the parent is listed.
    const listed = new Set(sessions.map((s) => s.id));
    const origins = new Map((await this.sessionsWithOrigin(engine)).map((f) => [f.session.id, f.fork]));
    const shown = sessions.filter((s) => !listed.has(origins.get(s.id)?.parentSessionId ?? ''));
    return Promise.all(shown.map(async (s) => new SessionItem(s, await this.models.totals(engine, s), origins.get(s.id))));
  }

  private sessionsWithOrigin(engine: EngineClient): Promise<{ session: SessionSummary; fork: ForkOrigin | undefined }[]> {
    // Sessions too big to model eagerly are not forks of interest here: reading them would stall the view.
    return Promise.all(engine.listSessions().map(async (session) => ({
      session,
      fork: session.spanCount <= SessionModels.eagerLimit ? (await this.models.digest(engine, session).catch(unlessTooLarge))?.fork : undefined,
    })));
  }

  async handleDrop(_target: SessionsNode | undefined, data: vscode.DataTransfer): Promise<void> {
    const uris = new Set<string>();
    const list = await data.get('text/uri-list')?.asString();
    for (const line of list?.split(/\r?\n/) ?? []) if (line.trim() && !line.startsWith('#')) uris.add(line.trim());
    data.forEach((item) => {
      const file = item.asFile();
      if (file?.uri) uris.add(file.uri.toString());
    });
    for (const uri of uris) await vscode.commands.executeCommand(Commands.importSession, vscode.Uri.parse(uri));
  }

  dispose(): void {
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
