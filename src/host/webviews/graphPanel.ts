import * as vscode from 'vscode';
import { sessionOfSteps, type AgentSession, type AgentStep } from '../../core/agent';
import { withSource } from '../../core/agent/detailText';
import type { EngineClient } from '../../core/engineClient';
import { ModelTooLargeError } from '../../core/modelBudget';
import type { GraphFeedAnswer } from '../../protocol/engine';
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
let feeds = 0;

/**
 * The "Agent Trace" panel for one session. The engine worker builds what the webview draws (a feed per
 * panel: packed snapshot, then deltas while the session grows) and answers its step details, windows of
 * rows and searches; this side relays them as they come and holds no steps. The one step the editor
 * needs (to open its source) is asked for by id and located here, where the workspace index is.
 */
export class GraphPanel implements vscode.Disposable {
  private readonly feed = `graph-${++feeds}`;
  /** The webview has a snapshot of the feed (deltas may follow). */
  private fed = false;
  private ready = false;
  private disposed = false;
  private stale = false;
  /** Counts selections and reveals: an editor follow that a newer one overtook while it was located is dropped. */
  private followTurn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Messages about steps of the session being sent: they wait for its snapshot (and for the webview to be ready). */
  private afterSnapshot: GraphToWebview[] = [];
  private snapshotInFlight = false;
  /** One feed request at a time: a delta asked for while a snapshot is built would race it. */
  private feeding: Promise<void> = Promise.resolve();
  /** Messages posted, by type: what the panel has told its webview so far. */
  readonly sent: Partial<Record<GraphToWebview['type'], number>> = {};
  /** Characters of JSON text relayed to the webview in snapshots and deltas (the host never parses them). */
  sentChars = 0;
  /** What the webview shows where a graph would be (no session yet, or one too large to model), last posted. */
  emptyMessage: string | undefined;

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
    // A hidden panel gets nothing; it resynchronises when shown again.
    panel.onDidChangeViewState(() => panel.visible && this.stale && this.scheduleUpdate(), undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    this.disposables.push(receiver.onDidChange(() => this.scheduleUpdate()));
    // New prices change the $ (the worker rebuilds the model with the new options).
    this.disposables.push(onSettingsChanged(['pricing.models'], () => this.scheduleUpdate()));
  }

  get currentSessionId(): string | undefined {
    return this.sessionId;
  }

  /** The whole session shown, steps located (tests). */
  async shownSession(): Promise<AgentSession | undefined> {
    const engine = await this.receiver.engine();
    const id = this.sessionId;
    if (!id || !engine.getSession(id)) return undefined;
    await this.sources.workspace.ready();
    return sessionOfSteps(await engine.sessionSteps(id, agentOptions(), true));
  }

  /** One step of the session shown, located in the workspace (the editor opens it). */
  async shownStep(stepId: string): Promise<AgentStep | undefined> {
    return (await this.locatedStep(stepId))?.step;
  }

  /** Shows another session in this panel, or asks again for the one it could not draw. */
  show(sessionId: string | undefined): void {
    if (sessionId && sessionId !== this.sessionId) {
      this.sessionId = sessionId;
      this.fed = false;
      if (this.ready) void this.postSnapshot();
    } else if (!this.fed && this.ready && !this.snapshotInFlight) {
      // It shows why there is no graph (a session too large to model): opened again, it asks again.
      void this.postSnapshot();
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
          const turn = ++this.followTurn;
          // A webview sent no ids names the step by index: the worker knows its id.
          const follow = setting('followInEditor');
          const step = follow || !message.id ? (await this.locatedStep(message.id, message.index))?.step : undefined;
          const stepId = message.id || step?.id;
          if (stepId) this.onSelect({ sessionId: message.sessionId, stepId });
          // While the user steps through time, the editor follows to the step's tool or prompt; unless a newer
          // selection or reveal (the debugger stepping on) came while this one was located: the editor is theirs.
          if (step && follow && turn === this.followTurn) await this.sources.open(step, { follow: true, label: `${step.kind} · ${step.name}` });
          break;
        }
        case 'openSource':
          await this.openSource(message.id);
          break;
        case 'rerunFromHere': {
          // The fork step is the call's order among the session's LLM calls (as the gateway recorded them).
          const found = message.sessionId === this.sessionId ? await this.locatedStep(message.id) : undefined;
          const command = message.mode === 'response' ? Commands.rerunWithEditedResponse : message.mode === 'playground' ? Commands.playground : Commands.rerunFromHere;
          if (found && found.llmOrdinal > 0) await vscode.commands.executeCommand(command, message.sessionId, found.llmOrdinal);
          break;
        }
        case 'requestStep': {
          const engine = await this.receiver.engine();
          // Located in the worker, with the copy of the workspace index this host sent it.
          await this.sources.workspace.ready();
          const answer = await engine.graph.stepDetail(this.feed, message.id, message.cursor, message.index);
          const detail = answer && withSource(answer.detail, answer.step);
          this.post({ type: 'stepDetail', requestId: message.requestId, detail, error: detail ? undefined : 'That step is no longer in the session.' });
          break;
        }
        case 'requestSearch': {
          const found = await (await this.receiver.engine()).graph.search(this.feed, message.query.slice(0, 1000));
          this.post({ type: 'searchResult', requestId: message.requestId, ids: found?.ids, indices: found?.indices, total: found?.total, error: found ? undefined : 'The session is gone.' });
          break;
        }
        case 'requestWindow': {
          const rows = await (await this.receiver.engine()).graph.window(this.feed, message.from, message.to);
          this.post({ type: 'window', requestId: message.requestId, rows, error: rows ? undefined : 'The session is gone.' });
          break;
        }
      }
    } catch (e) {
      this.log.error(`trace graph: ${message.type} failed: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }

  /** A step of the session shown, with its LLM call order and its source (located in the worker). */
  private async locatedStep(stepId: string, index?: number): Promise<{ step: AgentStep; llmOrdinal: number } | undefined> {
    const engine = await this.receiver.engine();
    const id = this.sessionId;
    await this.sources.workspace.ready();
    return id ? await engine.graph.step(id, stepId, agentOptions(), this.fed ? this.feed : undefined, index) : undefined;
  }

  private async openSource(stepId: string): Promise<void> {
    const step = await this.shownStep(stepId);
    if (!step) return;
    const editor = await this.sources.open(step, { follow: false, label: `${step.kind} · ${step.name}` });
    if (!editor) {
      const why = step.source ? `${step.source.path} was not found on this machine.` : (step.sourceMissing ?? 'No source location is known.');
      void vscode.window.showInformationMessage(`Agent Debugger: '${step.name}': ${why}`);
    }
  }

  /** The session to show (the newest when none was chosen), its title set; undefined when there is none. */
  private async shownSummary(engine: EngineClient): Promise<string | undefined> {
    const id = this.sessionId ?? engine.listSessions()[0]?.id;
    const summary = id ? engine.getSession(id) : undefined;
    if (!summary) return undefined;
    this.sessionId = summary.id;
    this.panel.title = `Agent Trace: ${summary.name}`;
    return summary.id;
  }

  /** Serialised: the worker answers one feed request after the other, in the order they were asked. */
  private serialised(work: () => Promise<void>): Promise<void> {
    const next = this.feeding.then(work, work);
    this.feeding = next.catch(() => undefined);
    return next;
  }

  private postSnapshot(): Promise<void> {
    this.stale = false;
    this.snapshotInFlight = true;
    return this.serialised(async () => {
      try {
        const engine = await this.receiver.engine();
        const id = await this.shownSummary(engine);
        const answer = id ? await engine.graph.snapshot(this.feed, id, agentOptions()).catch((e: unknown) => this.refused(e)) : undefined;
        if (answer === null) return;
        if (!id || !answer) {
          this.fed = false;
          this.post({ type: 'empty', message: 'No session yet: run an agent with its OTLP exporter pointed at the receiver in the status bar.' });
          return;
        }
        this.relay(answer);
        this.onDidShowSession(id);
      } finally {
        this.snapshotInFlight = false;
      }
      this.flushAfterSnapshot();
    });
  }

  /** Marks steps in the webview (and reveals the first), after the snapshot of their session if one is on its way. */
  highlightSteps(ids: string[], label: string): void {
    this.sendAfterSnapshot({ type: 'highlightSteps', ids, label });
  }

  /** Selects a step in the webview (and moves its cursor there), once the webview has its session. */
  revealStep(id: string): void {
    this.followTurn++;
    this.sendAfterSnapshot({ type: 'revealStep', id, seek: 'end' });
  }

  /** The latest message of each type wins: only the last highlight or reveal asked for matters. */
  private sendAfterSnapshot(message: GraphToWebview): void {
    this.afterSnapshot = [...this.afterSnapshot.filter((m) => m.type !== message.type), message];
    this.flushAfterSnapshot();
  }

  private flushAfterSnapshot(): void {
    if (!this.ready || this.snapshotInFlight) return;
    for (const m of this.afterSnapshot.splice(0)) void this.postNamed(m);
  }

  /** With the steps' indices in the webview's snapshot: a webview sent no ids finds steps by them. */
  private postNamed(message: GraphToWebview): Promise<void> {
    if (!this.fed || (message.type !== 'revealStep' && message.type !== 'highlightSteps')) return Promise.resolve(this.post(message));
    return this.serialised(async () => {
      const engine = await this.receiver.engine();
      if (message.type === 'revealStep') {
        const [index] = await engine.graph.indices(this.feed, [message.id]);
        this.post(index === undefined ? message : { ...message, index });
      } else this.post({ ...message, indices: await engine.graph.indices(this.feed, message.ids) });
    }).catch((e: unknown) => this.log.error(`trace graph: ${message.type} failed: ${e instanceof Error ? e.stack : String(e)}`));
  }

  private scheduleUpdate(): void {
    this.stale = true;
    if (!this.ready || !this.panel.visible) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.pushDelta();
    }, liveDelayMs);
  }

  private pushDelta(): Promise<void> {
    if (!this.fed) return this.postSnapshot();
    this.stale = false;
    return this.serialised(async () => {
      const engine = await this.receiver.engine();
      const id = await this.shownSummary(engine);
      const answer = id && this.fed ? await engine.graph.delta(this.feed, id, agentOptions()).catch((e: unknown) => this.refused(e)) : undefined;
      if (answer) this.relay(answer);
    }).catch((e: unknown) => this.log.error(`trace graph: update failed: ${e instanceof Error ? e.stack : String(e)}`));
  }

  /**
   * A session whose model does not fit the engine's heap: the panel says so (null: told), where the graph
   * would have been; any other failure is the caller's.
   */
  private refused(e: unknown): null {
    if (!(e instanceof ModelTooLargeError)) throw e;
    this.fed = false;
    this.post({ type: 'empty', message: e.message });
    return null;
  }

  /** The worker's JSON text, posted as it came. */
  private relay(answer: GraphFeedAnswer): void {
    this.fed = true;
    this.sentChars += answer.json.length;
    this.post(answer.kind === 'snapshot' ? { type: 'snapshot', snapshot: answer.json } : { type: 'delta', delta: answer.json });
  }

  private post(message: GraphToWebview): void {
    // An answer from the engine may arrive after the panel closed.
    if (!this.ready || this.disposed) return;
    this.sent[message.type] = (this.sent[message.type] ?? 0) + 1;
    if (message.type === 'empty') this.emptyMessage = message.message;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.onDisposed();
    // The worker forgets the feed (it keeps a few at most anyway).
    if (this.fed) void this.receiver.engine().then((engine) => engine.graph.close(this.feed)).catch(() => undefined);
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

  /** How many times a session was opened (by a command, a launch, a reveal): others can tell it moved on. */
  opened = 0;

  open(sessionId?: string): GraphPanel {
    this.opened++;
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
