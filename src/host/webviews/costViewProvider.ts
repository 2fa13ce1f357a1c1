import * as vscode from 'vscode';
import { compareRuns } from '../../core/cost';
import type { CostSnapshotDto, CostStepsRef, CostToHost, CostToWebview } from '../../protocol/cost';
import type { CostParams } from '../../protocol/engine';
import { Commands, settingsSection, Views } from '../contributions';
import type { ReceiverService } from '../receiverService';
import type { SessionModels } from '../sessionModels';
import { ModelTooLargeError } from '../../core/modelBudget';
import { formatUsd } from '../../core/format';
import { agentOptions, onSettingsChanged, setting } from '../settings';
import type { SafetySettings } from '../safety/safetySettings';
import type { GraphPanel, GraphPanels } from './graphPanel';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** Live updates are coalesced to at most one snapshot per this many ms (<= 4 per second). */
export const costUpdateIntervalMs = 250;
/** Runs listed in the comparison. */
const comparedRuns = 8;

/**
 * The Cost view in the Agent Debugger side bar: totals, breakdowns, chart, findings and budget of the
 * newest session (or the one picked), computed here through core/cost; the webview only renders.
 * Ready handshake: nothing is posted before `ready`; a hidden view gets a fresh snapshot when shown.
 */
export class CostViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private pinned: string | undefined;
  private readonly launchBudgets = new Map<string, number>();
  /** Sessions of traced runs: their budget is enforced (warn / pause / stop) by the run, not here. */
  private readonly tracedRuns = new Set<string>();
  private readonly warned = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private lastPostMs = 0;
  /** Snapshots being built, and whether the store changed meanwhile (the next is scheduled when they are done). */
  private building = 0;
  private changedMeanwhile = false;
  private readonly disposables: vscode.Disposable[] = [];
  /** What the report shown was built from: a row's steps are asked for with the same, so the worker's cached report answers. */
  private reportParams: CostParams | undefined;
  /** What the view was last told, and how many snapshots it got (tests read these). */
  lastSnapshot: CostSnapshotDto | undefined;
  snapshotsPosted = 0;

  constructor(private readonly extensionUri: vscode.Uri, private readonly receiver: ReceiverService, private readonly graph: GraphPanels, private readonly models: SessionModels, private readonly safety: SafetySettings, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      receiver.onDidChange(() => this.schedule()),
      // SessionModels drops its models on new prices; this only redraws.
      onSettingsChanged(['pricing.models', 'budget.sessionUsd'], () => this.schedule()),
      safety.onDidChange(() => this.schedule()),
    );
  }

  /** A launcher's budget for its session (`budgetUsd` of an `agent` launch); wins over the setting. undefined clears it. */
  setSessionBudget(sessionId: string, usd: number | undefined): void {
    this.tracedRuns.add(sessionId);
    if (usd === undefined || !(usd > 0)) this.launchBudgets.delete(sessionId);
    else this.launchBudgets.set(sessionId, usd);
    this.warned.delete(sessionId);
    this.schedule();
  }

  /** Shows one session (undefined: follow the newest again) and brings the view up. */
  async showSession(sessionId: string | undefined): Promise<void> {
    this.pinned = sessionId;
    this.schedule();
    await vscode.commands.executeCommand(`${Views.cost}.focus`);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions();
    view.webview.html = webviewHtml(this.extensionUri, 'cost', 'Cost');
    view.webview.onDidReceiveMessage((m: CostToHost) => void this.onMessage(m), undefined, this.disposables);
    view.onDidChangeVisibility(() => view.visible && this.schedule(), undefined, this.disposables);
    view.onDidDispose(() => (this.view = undefined), undefined, this.disposables);
    void this.receiver.start();
  }

  private async onMessage(message: CostToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        return this.flush();
      case 'copyEndpoint':
        return void vscode.commands.executeCommand(Commands.copyEndpoint);
      case 'startReceiver':
        return void vscode.commands.executeCommand(Commands.startReceiver);
      case 'pickSession':
        this.pinned = message.sessionId;
        return this.flush();
      case 'showSteps':
        if (message.stepIds.length > 0) this.graph.showSteps(message.sessionId, message.stepIds, message.label);
        return;
      case 'showCostSteps':
        return void this.showCostSteps(message.sessionId, message.ref, message.label);
      case 'openSettings':
        return void vscode.commands.executeCommand('workbench.action.openSettings', `${settingsSection}.${message.setting === 'pricing' ? 'pricing.models' : 'budget.sessionUsd'}`);
    }
  }

  /**
   * Coalesces bursts of store changes: one snapshot per interval at most, the last change always shown. Not
   * while one is being built: the interval counts from its post (a slow build and a change during it made
   * two posts ~30 ms apart, 5 in 735 ms under load).
   */
  private schedule(): void {
    if (this.timer) return;
    if (this.building > 0) {
      this.changedMeanwhile = true;
      return;
    }
    const wait = Math.max(30, this.lastPostMs + costUpdateIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, wait);
  }

  private async flush(): Promise<void> {
    if (!this.view?.visible || !this.ready) return;
    this.building++;
    const snapshot = await this.snapshot().then(
      (s): CostSnapshotDto | undefined => s,
      (e: unknown) => {
        // E.g. the engine's worker died mid-report: the view keeps what it shows, and the new worker's
        // change notices schedule the next snapshot.
        this.log.warn(`Cost view: no snapshot: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      },
    );
    this.building--;
    if (snapshot && this.view?.visible) {
      this.lastPostMs = Date.now();
      this.lastSnapshot = snapshot;
      this.snapshotsPosted++;
      void this.view.webview.postMessage({ type: 'snapshot', snapshot } satisfies CostToWebview);
    }
    if (this.changedMeanwhile && this.building === 0) {
      this.changedMeanwhile = false;
      this.schedule();
    }
  }

  /** Selects a breakdown row's or a finding's steps in the graph (their ids come from the worker's report). */
  async showCostSteps(sessionId: string, ref: CostStepsRef, label: string): Promise<GraphPanel | undefined> {
    const params = this.reportParams?.sessionId === sessionId ? this.reportParams : undefined;
    if (!params) return undefined;
    const stepIds = await (await this.receiver.engine()).derived.costSteps({ ...params, ref });
    if (stepIds.length === 0) {
      void vscode.window.showInformationMessage('Agent Debugger: that row is no longer in the report; the session moved on.');
      return undefined;
    }
    return this.graph.showSteps(sessionId, stepIds, label);
  }

  private async snapshot(): Promise<CostSnapshotDto> {
    const state = this.receiver.state;
    const running = state.kind === 'running' ? state : undefined;
    const receiver = {
      httpEndpoint: this.receiver.httpEndpoint,
      grpcEndpoint: running?.grpc ? `http://${running.grpc.host}:${running.grpc.port}` : undefined,
      spans: running?.spans ?? 0,
      sessions: running?.sessions ?? 0,
    };
    const engine = await this.receiver.engine();
    const sessions = engine.listSessions();
    const picked = this.pinned !== undefined ? sessions.find((s) => s.id === this.pinned) : undefined;
    const current = picked ?? sessions[0];
    const snapshot: CostSnapshotDto = {
      receiver,
      sessions: sessions.map((s) => ({ id: s.id, name: s.name, live: s.live })),
      followLatest: picked === undefined,
      comparison: [],
    };
    if (this.pinned !== undefined && !picked && current) snapshot.notice = 'The picked session is gone; showing the newest one.';
    if (!current) return snapshot;

    // Built in the engine's worker: the view's report crosses, not the session's steps.
    this.reportParams = {
      sessionId: current.id, options: agentOptions(), safety: await this.safety.options(),
      report: { session: { id: current.id, name: current.name, live: current.live }, budget: { launchUsd: this.launchBudgets.get(current.id), settingUsd: setting('budget.sessionUsd') } },
    };
    let answer;
    try {
      answer = await engine.derived.costReport(this.reportParams);
    } catch (e) {
      // Its model does not fit the engine's heap: the view says so, and why.
      if (!(e instanceof ModelTooLargeError)) throw e;
      return { ...snapshot, notice: e.message, unmodelled: current.id };
    }
    const { report, safety } = answer;
    snapshot.safety = safety;
    snapshot.report = report;
    const runs = await Promise.all(sessions.slice(0, comparedRuns * 4).map(async (s) => ({
      id: s.id, name: s.name, serviceName: s.serviceName, startEpochMs: s.firstSpanMs,
      totals: s.id === current.id ? undefined : await this.models.totals(engine, s),
    })));
    snapshot.comparison = compareRuns(runs.map((r) => (r.id === current.id ? { ...r, totals: report.totals } : r)), current.id, comparedRuns);
    if (report.budget?.exceeded && current.live && !this.warned.has(current.id) && !this.tracedRuns.has(current.id)) {
      this.warned.add(current.id);
      void vscode.window.showWarningMessage(`Agent Debugger: '${current.name}' has spent ${formatUsd(report.budget.usedUsd)}, over its ${formatUsd(report.budget.limitUsd)} budget.`);
    }
    return snapshot;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
