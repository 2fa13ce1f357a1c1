// Debug sessions whose spans go to a store session (an `agent` launch, or any configuration with
// "agentDebugger": true): the graph opens on the run, arriving steps are matched against trace
// breakpoints (breakOn, "Break on..."), the budget meter follows the run's $, and the graph cursor and
// the debugger follow each other (replays included).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentStep } from '../../core/agent';
import { parseBreakOnList, type BreakCondition } from '../../core/debug/breakOn';
import type { RunCheck } from '../../protocol/engine';
import type { SafetyOptions } from '../../core/safety';
import { DebugMessages } from '../../core/debug/stepSession';
import type { Log } from '../log';
import type { ReceiverService } from '../receiverService';
import { agentOptions, setting } from '../settings';
import type { GraphPanels } from '../webviews/graphPanel';
import { formatUsd } from '../../core/format';
import { ModelTooLargeError } from '../../core/modelBudget';
import type { BudgetMeter } from './budgetMeter';
import { DebugTypes, type TracedConfigFields } from './debugTypes';

export type BudgetAction = 'warn' | 'pause' | 'stop';

export interface TracedRun {
  storeSessionId: string;
  name: string;
  owner: vscode.DebugSession;
  /** The owner and its child sessions (js-debug starts one per process). */
  sessions: Set<vscode.DebugSession>;
  /** Its trace breakpoints: the worker judges the run's steps against them (core/debug/runChecks.ts). */
  conditions: BreakCondition[];
  /** What its safety breakpoints use (policy, taint sources and sinks): the user's settings. */
  safety: SafetyOptions;
  /** The launch's own budgetUsd (the Cost view shows it); budgetUsd falls back to the setting. */
  launchBudgetUsd?: number;
  budgetUsd?: number;
  budgetAction: BudgetAction;
  budgetCrossed: boolean;
  openGraph: boolean;
  graphOpened: boolean;
  /** How many sessions the graph had opened when the run started: one opened since is not taken over. */
  openedBefore: number;
  costUsd: number;
  /** Spans of the session already checked: a check runs only when more arrived. */
  seenSpans: number;
  /** Its model outgrew the engine's heap: its trace breakpoints and budget no longer apply (said once). */
  unmodelled?: boolean;
}

export interface BreakHit {
  run: TracedRun;
  stepId: string;
  description: string;
}

const checkDelayMs = 200;

export class TracedRuns implements vscode.Disposable {
  readonly runs = new Map<string, TracedRun>();
  /** Conditions added with "Break on..." (they apply to every run from now on). */
  readonly extraConditions: BreakCondition[] = [];
  /** Warnings that a run's trace breakpoints and budget no longer apply (its model outgrew the engine's heap). */
  readonly unmodelledWarnings: string[] = [];
  private readonly broke = new vscode.EventEmitter<BreakHit>();
  readonly onDidBreak = this.broke.event;
  private readonly started = new vscode.EventEmitter<TracedRun>();
  readonly onDidStartRun = this.started.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Which store session each debugger session shows (replays included), for graph -> debugger. */
  private readonly shown = new Map<vscode.DebugSession, string>();
  private readonly revealedAt = new Map<string, number>();

  constructor(
    private readonly receiver: ReceiverService,
    private readonly graph: GraphPanels,
    private readonly meter: BudgetMeter,
    private readonly log: Log,
  ) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => this.onStart(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.onEnd(s)),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => this.onCustomEvent(e)),
      receiver.onDidChange(() => this.schedule()),
      graph.onDidSelectStep((sel) => void this.onGraphSelect(sel.sessionId, sel.stepId)),
    );
  }

  private onStart(session: vscode.DebugSession): void {
    const config = session.configuration as vscode.DebugConfiguration & TracedConfigFields;
    if (session.type === DebugTypes.replay && typeof config.sessionId === 'string') this.shown.set(session, config.sessionId);
    const id = config.agentDebuggerSessionId;
    if (!id) return;
    const existing = this.runs.get(id);
    if (existing) {
      existing.sessions.add(session);
      return;
    }
    let conditions: BreakCondition[] = [];
    try {
      conditions = parseBreakOnList(config.breakOn);
    } catch (e) {
      void vscode.window.showErrorMessage(`Agent Debugger: ${(e as Error).message}`);
    }
    const launchBudgetUsd = typeof config.budgetUsd === 'number' && config.budgetUsd > 0 ? config.budgetUsd : undefined;
    const run: TracedRun = {
      storeSessionId: id, name: session.name, owner: session, sessions: new Set([session]),
      conditions: [...conditions, ...this.extraConditions], safety: {},
      launchBudgetUsd, budgetUsd: launchBudgetUsd ?? (setting('budget.sessionUsd') || undefined), budgetAction: config.budgetAction ?? setting('budget.action'), budgetCrossed: false,
      openGraph: config.openGraph !== false, graphOpened: false, openedBefore: this.graph.opened, costUsd: 0, seenSpans: 0,
    };
    this.runs.set(id, run);
    this.shown.set(session, id);
    this.log.info(`debug session '${session.name}' traces to session ${id}${conditions.length ? `; breakOn ${conditions.map((c) => c.text).join(', ')}` : ''}`);
    this.meter.show(run.name, 0, run.budgetUsd);
    this.markLaunch(id, run.name, launchFolder(config));
    this.started.fire(run);
    this.schedule();
  }

  /** The store names the run's session after its launch configuration, and keeps it live until it ends. */
  private markLaunch(storeSessionId: string, name: string, folder: string | undefined): void {
    void this.receiver.launchStarted(storeSessionId, name, folder);
  }

  private async endLaunch(storeSessionId: string): Promise<void> {
    await this.receiver.launchEnded(storeSessionId);
    await (await this.receiver.engine()).derived.endRunCheck(storeSessionId);
  }

  private onEnd(session: vscode.DebugSession): void {
    this.shown.delete(session);
    for (const [id, run] of this.runs) {
      if (!run.sessions.delete(session)) continue;
      if (run.sessions.size === 0 || run.owner === session) {
        this.runs.delete(id);
        // One last look: spans exported at exit still count towards the meter.
        void this.check(run);
        void this.endLaunch(id);
      }
    }
    if (this.runs.size === 0 && ![...this.shown.keys()].length) setTimeout(() => this.runs.size === 0 && this.meter.hide(), 5000);
  }

  private onCustomEvent(e: vscode.DebugSessionCustomEvent): void {
    const body = e.body as { sessionId?: string; stepId?: string } | undefined;
    if (e.event === DebugMessages.run && body?.sessionId) {
      // A restart of an `agent` launch: the same debug session, a new store session.
      for (const [id, run] of this.runs) {
        if (run.owner !== e.session || id === body.sessionId) continue;
        this.runs.delete(id);
        void this.endLaunch(id);
        this.markLaunch(body.sessionId, run.name, launchFolder(e.session.configuration));
        Object.assign(run, { storeSessionId: body.sessionId, graphOpened: false, openedBefore: this.graph.opened, budgetCrossed: false, costUsd: 0, seenSpans: 0 });
        this.runs.set(body.sessionId, run);
        this.started.fire(run);
      }
      this.shown.set(e.session, body.sessionId);
    } else if (e.event === DebugMessages.step && body?.sessionId && body.stepId) {
      this.shown.set(e.session, body.sessionId);
      this.revealStep(body.sessionId, body.stepId);
    }
  }

  /** The graph shows the step (opening on its session if it shows another). */
  revealStep(sessionId: string, stepId: string): void {
    this.revealedAt.set(stepId, Date.now());
    const panel = this.graph.current?.currentSessionId === sessionId ? this.graph.current : this.graph.open(sessionId);
    panel.revealStep(stepId);
  }

  private async onGraphSelect(sessionId: string, stepId: string): Promise<void> {
    // The webview echoes the steps we revealed: only a selection of the user's own moves the debugger.
    const revealed = this.revealedAt.get(stepId);
    if (revealed !== undefined && Date.now() - revealed < 2000) return;
    for (const [session, shown] of this.shown) {
      if (shown !== sessionId || (session.type !== DebugTypes.replay && session.type !== DebugTypes.agent)) continue;
      try {
        await session.customRequest(DebugMessages.goto, { stepId });
      } catch (e) {
        this.log.warn(`debugger could not follow the graph to ${stepId}: ${(e as Error).message}`);
      }
    }
  }

  private schedule(): void {
    if (this.runs.size === 0) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      for (const run of [...this.runs.values()]) void this.check(run);
    }, checkDelayMs);
  }

  private async check(run: TracedRun): Promise<void> {
    try {
      const engine = await this.receiver.engine();
      const summary = engine.getSession(run.storeSessionId);
      if (!summary || summary.spanCount === run.seenSpans) return;
      // Judged in the worker, where the steps are: a long run's steps never cross, only the hit and the $.
      const check = await engine.derived.checkRun(run.storeSessionId, agentOptions(), run.conditions.map((c) => c.text), run.safety);
      run.seenSpans = summary.spanCount;
      if (run.openGraph && !run.graphOpened && check.steps) {
        run.graphOpened = true;
        // A session opened since the run started (by you, or by a test after the run's program ended) keeps the panel.
        if (this.graph.opened === run.openedBefore) this.graph.open(run.storeSessionId);
      }
      const hit = check.hit;
      if (hit && this.runs.get(run.storeSessionId) === run) await this.breakRun(run, hit.step.id, `breakOn ${hit.condition}`, hit.step);
      this.updateBudget(run, check);
    } catch (e) {
      if (e instanceof ModelTooLargeError) {
        if (run.unmodelled) return;
        run.unmodelled = true;
        const text = `'${run.name}': its trace breakpoints and budget no longer apply. ${e.message}`;
        this.log.warn(text);
        this.unmodelledWarnings.push(text);
        void vscode.window.showWarningMessage(`Agent Debugger: ${text}`);
        return;
      }
      this.log.error(`traced run ${run.name}: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }

  private updateBudget(run: TracedRun, check: RunCheck): void {
    run.costUsd = check.costUsd;
    this.meter.show(run.name, run.costUsd, run.budgetUsd);
    if (!run.budgetUsd || run.budgetCrossed || run.costUsd <= run.budgetUsd) return;
    run.budgetCrossed = true;
    const text = `'${run.name}' has cost ${formatUsd(run.costUsd)}, over its budget of ${formatUsd(run.budgetUsd)}`;
    this.log.warn(text);
    if (run.budgetAction === 'stop') {
      void vscode.window.showWarningMessage(`Agent Debugger: ${text}: stopped.`);
      void vscode.debug.stopDebugging(run.owner);
    } else if (run.budgetAction === 'pause' && this.runs.has(run.storeSessionId) && check.lastStepId) {
      void this.breakRun(run, check.lastStepId, 'Budget exceeded');
    } else {
      void vscode.window.showWarningMessage(`Agent Debugger: ${text}.`);
    }
  }

  /** Pauses the run at a step: an `agent` launch stops on it; a real debugger is paused. */
  async breakRun(run: TracedRun, stepId: string, description: string, step?: AgentStep): Promise<void> {
    this.log.info(`trace breakpoint: ${description} at ${step?.name ?? stepId} in '${run.name}'`);
    this.broke.fire({ run, stepId, description });
    if (run.owner.type === DebugTypes.agent) {
      await run.owner.customRequest(DebugMessages.breakAt, { stepId, description, text: step?.error });
      return; // the stop event reveals the step
    }
    this.revealStep(run.storeSessionId, stepId);
    await Promise.all([...run.sessions].map((s) => pauseAll(s)));
    void vscode.window.showInformationMessage(`Agent Debugger: ${description}${step ? ` matched '${step.name}'` : ''}: paused '${run.name}'.`);
  }

  /** "Break on...": applies to the runs going on now and to later ones. */
  addCondition(condition: BreakCondition): void {
    this.extraConditions.push(condition);
    for (const run of this.runs.values()) run.conditions = [...run.conditions, condition];
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.broke.dispose();
    this.started.dispose();
  }
}

/** Pauses every thread of a real debugger's session (js-debug, debugpy, ...). */
async function pauseAll(session: vscode.DebugSession): Promise<void> {
  try {
    const threads = ((await session.customRequest('threads')) as { threads?: { id: number }[] }).threads ?? [];
    await Promise.all(threads.map((t) => session.customRequest('pause', { threadId: t.id }).then(undefined, () => undefined)));
  } catch {
    /* a parent session without threads */
  }
}

/** The folder of the program a launch runs, else its working directory: where its own tools most likely are. */
function launchFolder(config: vscode.DebugConfiguration): string | undefined {
  const absolute = (v: unknown) => (typeof v === 'string' && path.isAbsolute(v) ? v : undefined);
  const program = absolute(config.program);
  return program ? path.dirname(program) : absolute(config.cwd);
}
