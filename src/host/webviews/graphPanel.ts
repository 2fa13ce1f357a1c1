import * as vscode from 'vscode';
import { buildSession, type AgentSession, type AgentStep, type SpanInput } from '../../core/agent';
import { GraphFeed } from '../../core/agent/graphDto';
import { StepSearch } from '../../core/search/stepSearch';
import type { GraphSavedStateDto, GraphToHost, GraphToWebview } from '../../protocol/graph';
import { Commands } from '../contributions';
import type { Log } from '../log';
import type { ReceiverService } from '../receiverService';
import { agentOptions, onSettingsChanged, setting } from '../settings';
import type { SourceLinks } from '../editor/sourceLinks';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const graphViewType = 'agentDebugger.traceGraph';
/** Live updates are coalesced: new steps show within this, whatever the span rate. */
const liveDelayMs = 150;

/**
 * The "Agent Trace" panel for one session. Data stays here: the webview gets a snapshot after `ready`,
 * deltas while the session grows, and asks for step details and windows of rows.
 */
export class GraphPanel implements vscode.Disposable {
  private session: AgentSession | undefined;
  /** The spans behind the session: the inspector reads exception stacks from them. */
  private inputs: SpanInput[] = [];
  /** The search index of the session shown (rebuilt when its steps change). */
  private search?: { steps: readonly AgentStep[]; index: StepSearch };
  private feed: GraphFeed | undefined;
  private ready = false;
  private disposed = false;
  private stale = false;
  /** What the built session reflects: another session's spans, or nothing new, rebuild nothing. */
  private builtKey: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Messages about steps of the session being sent: they wait for its snapshot (and for the webview to be ready). */
  private afterSnapshot: GraphToWebview[] = [];
  private snapshotInFlight = false;
  /** Messages posted, by type: what the panel has told its webview so far. */
  readonly sent: Partial<Record<GraphToWebview['type'], number>> = {};

  constructor(
    readonly panel: vscode.WebviewPanel,
    private sessionId: string | undefined,
    extensionUri: vscode.Uri,
    private readonly receiver: ReceiverService,
    private readonly log: Log,
    private readonly sources: SourceLinks,
    private readonly onDidShowSession: (sessionId: string) => void,
    private readonly onDisposed: () => void,
    private readonly onSelect: (selection: { sessionId: string; stepId: string }) => void = () => undefined,
  ) {
    panel.webview.options = webviewOptions();
    panel.webview.html = webviewHtml(extensionUri, 'graph', 'Agent Trace');
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-bar.svg');
    panel.webview.onDidReceiveMessage((m: GraphToHost) => void this.onMessage(m), undefined, this.disposables);
    // A hidden panel gets nothing; it resynchronises with a snapshot when shown again.
    panel.onDidChangeViewState(() => panel.visible && this.stale && this.scheduleUpdate(), undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    this.disposables.push(receiver.onDidChange(() => this.scheduleUpdate()));
    // Edited or new files can locate steps that had no source (or move them); new prices change the $.
    this.disposables.push(sources.workspace.onDidChange(() => this.scheduleUpdate()));
    this.disposables.push(onSettingsChanged(['pricing.models'], () => {
      this.builtKey = undefined;
      this.scheduleUpdate();
    }));
  }

  get currentSessionId(): string | undefined {
    return this.sessionId;
  }

  /** The session as last shown, steps located (tests, and commands acting on the graph's steps). */
  async shownSession(): Promise<AgentSession | undefined> {
    return this.current();
  }

  /** Shows another session in this panel. */
  show(sessionId: string | undefined): void {
    if (sessionId && sessionId !== this.sessionId) {
      this.sessionId = sessionId;
      this.session = undefined;
      this.feed = undefined;
      if (this.ready) void this.postSnapshot();
    }
    this.panel.reveal(undefined, false);
  }

  private async onMessage(message: GraphToHost): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          this.ready = true;
          this.sessionId ??= message.state?.sessionId;
          await this.postSnapshot();
          break;
        case 'selectStep': {
          this.onSelect({ sessionId: message.sessionId, stepId: message.id });
          // While the user steps through time, the editor follows to the step's tool or prompt.
          const step = (await this.current())?.steps.find((s) => s.id === message.id);
          if (step && setting('followInEditor')) await this.sources.open(step, { follow: true, label: `${step.kind} · ${step.name}` });
          break;
        }
        case 'openSource':
          await this.openSource(message.id);
          break;
        case 'rerunFromHere': {
          // The fork step is the call's order among the session's LLM calls (as the gateway recorded them).
          const session = await this.current();
          const llmStep = (session?.steps.filter((s) => s.kind === 'llm').findIndex((s) => s.id === message.id) ?? -1) + 1;
          const command = message.mode === 'response' ? Commands.rerunWithEditedResponse : message.mode === 'playground' ? Commands.playground : Commands.rerunFromHere;
          if (session && llmStep > 0 && message.sessionId === this.sessionId) await vscode.commands.executeCommand(command, message.sessionId, llmStep);
          break;
        }
        case 'requestStep': {
          const session = await this.current();
          const raw = this.inputs.find((i) => i.span.spanId === message.id);
          const detail = session && this.feed?.stepDetail(session, message.id, message.cursor, raw);
          this.post({ type: 'stepDetail', requestId: message.requestId, detail, error: detail ? undefined : 'That step is no longer in the session.' });
          break;
        }
        case 'requestSearch': {
          const session = await this.current();
          if (session && this.search?.steps !== session.steps) this.search = { steps: session.steps, index: new StepSearch(session.steps, this.inputs) };
          const found = session && this.search?.index.find(message.query.slice(0, 1000));
          this.post({ type: 'searchResult', requestId: message.requestId, ids: found?.ids, total: found?.total, error: found ? undefined : 'The session is gone.' });
          break;
        }
        case 'requestWindow': {
          const session = await this.current();
          const rows = session && this.feed?.window(session, message.from, message.to);
          this.post({ type: 'window', requestId: message.requestId, rows, error: rows ? undefined : 'The session is gone.' });
          break;
        }
      }
    } catch (e) {
      this.log.error(`trace graph: ${message.type} failed: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }

  private async openSource(stepId: string): Promise<void> {
    const step = (await this.current())?.steps.find((s) => s.id === stepId);
    if (!step) return;
    const editor = await this.sources.open(step, { follow: false, label: `${step.kind} · ${step.name}` });
    if (!editor) {
      const why = step.source ? `${step.source.path} was not found on this machine.` : (step.sourceMissing ?? 'No source location is known.');
      void vscode.window.showInformationMessage(`Agent Debugger: '${step.name}': ${why}`);
    }
  }

  /** The session as the agent model sees it, rebuilt when the store changed. */
  private async current(): Promise<AgentSession | undefined> {
    if (this.session && !this.stale) return this.session;
    const engine = await this.receiver.engine();
    const id = this.sessionId ?? engine.listSessions()[0]?.id;
    const summary = id ? engine.getSession(id) : undefined;
    if (!summary) return undefined;
    this.sessionId = summary.id;
    this.panel.title = `Agent Trace: ${summary.name}`;
    const key = `${summary.id}\0${summary.spanCount}\0${summary.logCount}\0${this.sources.workspace.generation}`;
    if (!this.session || key !== this.builtKey) {
      this.inputs = await engine.readSession(summary.id);
      const session = buildSession(this.inputs, agentOptions());
      await this.sources.annotate(session.steps, this.inputs);
      this.session = session;
      this.builtKey = key;
      this.onDidShowSession(summary.id);
    }
    this.stale = false;
    const info = { id: summary.id, name: summary.name, live: summary.live };
    if (this.feed) this.feed.setInfo(info);
    else this.feed = new GraphFeed(info);
    return this.session;
  }

  private async postSnapshot(): Promise<void> {
    this.stale = true;
    this.snapshotInFlight = true;
    try {
      const session = await this.current();
      if (!session || !this.feed) {
        this.post({ type: 'empty', message: 'No session yet: run an agent with its OTLP exporter pointed at the receiver in the status bar.' });
        return;
      }
      this.post({ type: 'snapshot', snapshot: this.feed.packedSnapshot(session) });
    } finally {
      this.snapshotInFlight = false;
    }
    this.flushAfterSnapshot();
  }

  /** Marks steps in the webview (and reveals the first), after the snapshot of their session if one is on its way. */
  highlightSteps(ids: string[], label: string): void {
    this.sendAfterSnapshot({ type: 'highlightSteps', ids, label });
  }

  /** Selects a step in the webview (and moves its cursor there), once the webview has its session. */
  revealStep(id: string): void {
    this.sendAfterSnapshot({ type: 'revealStep', id, seek: 'end' });
  }

  /** The latest message of each type wins: only the last highlight or reveal asked for matters. */
  private sendAfterSnapshot(message: GraphToWebview): void {
    this.afterSnapshot = [...this.afterSnapshot.filter((m) => m.type !== message.type), message];
    this.flushAfterSnapshot();
  }

  private flushAfterSnapshot(): void {
    if (!this.ready || this.snapshotInFlight) return;
    for (const m of this.afterSnapshot.splice(0)) this.post(m);
  }

  private scheduleUpdate(): void {
    this.stale = true;
    if (!this.ready || !this.panel.visible) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.pushDelta();
    }, liveDelayMs);
  }

  private async pushDelta(): Promise<void> {
    const hadFeed = this.feed !== undefined && this.session !== undefined;
    const session = await this.current();
    if (!session || !this.feed) return;
    if (!hadFeed) return void this.post({ type: 'snapshot', snapshot: this.feed.packedSnapshot(session) });
    const delta = this.feed.packedDelta(session);
    if (delta) this.post({ type: 'delta', delta });
  }

  private post(message: GraphToWebview): void {
    // A snapshot read from the engine may arrive after the panel closed.
    if (!this.ready || this.disposed) return;
    this.sent[message.type] = (this.sent[message.type] ?? 0) + 1;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.onDisposed();
  }
}

/** One panel at a time (reused for the next session), revived after a reload by the serializer. */
export class GraphPanels implements vscode.WebviewPanelSerializer<GraphSavedStateDto>, vscode.Disposable {
  current: GraphPanel | undefined;
  private readonly selected = new vscode.EventEmitter<{ sessionId: string; stepId: string }>();
  /** The user selected a step in the graph (the debugger follows). */
  readonly onDidSelectStep = this.selected.event;

  /** Called with the session a panel shows (the CodeLens follows it). */
  onDidShowSession: (sessionId: string) => void = () => undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly receiver: ReceiverService, private readonly log: Log, private readonly sources: SourceLinks) {}

  open(sessionId?: string): GraphPanel {
    if (this.current) {
      this.current.show(sessionId);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(graphViewType, 'Agent Trace', vscode.ViewColumn.Active, { enableFindWidget: false } /* Ctrl+F is the graph's own step search */);
    return this.adopt(panel, sessionId);
  }

  /** Opens (or reveals) the graph on a session and marks a set of its steps, e.g. from a Cost view row. */
  showSteps(sessionId: string, stepIds: string[], label: string): GraphPanel {
    const panel = this.open(sessionId);
    panel.highlightSteps(stepIds, label);
    return panel;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: GraphSavedStateDto | undefined): Promise<void> {
    this.current?.dispose();
    this.adopt(panel, state?.sessionId);
  }

  private adopt(panel: vscode.WebviewPanel, sessionId: string | undefined): GraphPanel {
    const graph = new GraphPanel(panel, sessionId, this.extensionUri, this.receiver, this.log, this.sources, (id) => this.onDidShowSession(id), () => {
      if (this.current === graph) this.current = undefined;
    }, (selection) => this.selected.fire(selection));
    this.current = graph;
    return graph;
  }

  dispose(): void {
    this.current?.dispose();
    this.selected.dispose();
  }
}
