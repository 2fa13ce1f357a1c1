// `agent`: runs an agent with tracing pointed at the receiver and shows its run as a debug session. The
// process's output goes to the Debug Console, its exit code shows, restart starts a new run (a new store
// session). A trace breakpoint (`agentDebugger/breakAt`) or Pause freezes the process (SIGSTOP on POSIX)
// and stops on a step: the call stack, Variables and stepping then work over the steps received so far.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Event, ExitedEvent, OutputEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { emptyDebugView, type DebugSteps } from './debugView';
import { withAgentEnv } from '../launch/agentEnv';
import { launchPlan, mergeEnv, parseEnvFile, type AgentLaunchConfig, type LaunchPlan } from './launchPlan';
import { DebugMessages, StepDebugSession, type StepLaunchArgs, type StepSessionOptions } from './stepSession';

/** Launch arguments after the host resolved them: where the receiver listens, and the run's session id. */
export interface AgentLaunchArgs extends AgentLaunchConfig, StepLaunchArgs {
  agentDebuggerSessionId?: string;
  agentDebuggerEndpoints?: { http: string; grpc?: string };
}

export interface AgentLaunchOptions extends StepSessionOptions {
  /** The run's steps as the store has them now, with its breakOn conditions (`breakOn`: their texts) judged. */
  loadSteps(sessionId: string, breakOn: string[]): Promise<DebugSteps>;
  /** Default folder for a relative program (the workspace folder). */
  defaultCwd?: string;
  /** After the process exits, late spans (and breakpoints on them) still land for this long (ms). */
  exitGraceMs?: number;
}

type Runner =
  | { kind: 'child'; child: ChildProcess; group: boolean }
  | { kind: 'terminal'; pid: number; poll: NodeJS.Timeout };

export class AgentLaunchSession extends StepDebugSession {
  private args!: AgentLaunchArgs;
  private plan!: LaunchPlan;
  private runner: Runner | undefined;
  private exited: Promise<number | undefined> = Promise.resolve(undefined);
  private hasExited = false;
  private paused = false;
  private stopping = false;
  private graceTimer: NodeJS.Timeout | undefined;
  private clientSupportsTerminal = false;

  constructor(private readonly options: AgentLaunchOptions) {
    super(options);
  }

  /** The store session of the current run. */
  get runSessionId(): string {
    return this.sessionId;
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientSupportsTerminal = args.supportsRunInTerminalRequest === true;
    response.body = { ...response.body, supportsRestartRequest: true };
    super.initializeRequest(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: AgentLaunchArgs): Promise<void> {
    try {
      this.applyCommonArgs(args);
      this.args = args;
      this.plan = launchPlan(args, this.options.defaultCwd ?? process.cwd());
      this.sourceRoots = [this.plan.cwd, ...this.sourceRoots];
      this.sessionName = this.plan.display;
      if (!args.agentDebuggerEndpoints) throw new Error('The OTLP receiver is not running, so the agent would have nowhere to send its traces.');
    } catch (e) {
      return this.fail(response, e);
    }
    this.ready();
    await this.configurationDone;
    try {
      await this.startRun(args.agentDebuggerSessionId ?? randomUUID());
    } catch (e) {
      return this.fail(response, e);
    }
    this.sendResponse(response);
  }

  private async startRun(sessionId: string): Promise<void> {
    this.sessionId = sessionId;
    this.hasExited = false;
    this.paused = false;
    this.setSteps({ view: emptyDebugView(), detail: async () => undefined });
    this.cursor = undefined;
    const a = this.args;
    const fromFile = a.envFile ? parseEnvFile(readText(path.resolve(this.plan.cwd, a.envFile)), a.envFile) : undefined;
    const base = mergeEnv(process.env, fromFile, a.env);
    const env = withAgentEnv(base, { httpEndpoint: a.agentDebuggerEndpoints!.http, grpcEndpoint: a.agentDebuggerEndpoints!.grpc, sessionId, serviceName: this.plan.display });
    this.sendEvent(new Event(DebugMessages.run, { sessionId }));
    const commandLine = [this.plan.file, ...this.plan.args].join(' ');
    this.sendEvent(new OutputEvent(`Agent Debugger: ${commandLine}  (traces -> ${env.OTEL_EXPORTER_OTLP_ENDPOINT}, session ${sessionId})\n`, 'console'));
    if (a.console === 'integratedTerminal' && this.clientSupportsTerminal) await this.runInTerminal(env, base);
    else this.runChild(env);
  }

  private runChild(env: NodeJS.ProcessEnv): void {
    // Its own process group on POSIX, so pause / stop reach the agent under a wrapper (npx, a shell).
    const group = process.platform !== 'win32';
    const child = spawn(this.plan.file, this.plan.args, { cwd: this.plan.cwd, env, shell: this.plan.shell, detached: group, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    this.runner = { kind: 'child', child, group };
    child.stdout!.setEncoding('utf8').on('data', (d: string) => this.sendEvent(new OutputEvent(d, 'stdout')));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => this.sendEvent(new OutputEvent(d, 'stderr')));
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => {
        this.sendEvent(new OutputEvent(`Could not start ${this.plan.file}: ${e.message}\n`, 'stderr'));
        resolve(127); // a second resolve is a no-op
        this.onExit(127, child);
      });
      child.on('exit', (code, signal) => {
        const exitCode = code ?? (signal ? 128 + (signalNumbers[signal] ?? 1) : 1);
        resolve(exitCode);
        this.onExit(exitCode, child, signal ?? undefined);
      });
    });
  }

  private runInTerminal(env: NodeJS.ProcessEnv, base: NodeJS.ProcessEnv): Promise<void> {
    // Only what differs from the terminal's own environment is passed.
    const changed: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(env)) if (base[k] !== v || process.env[k] !== v) changed[k] = v ?? null;
    for (const k of Object.keys(base)) if (!(k in env)) changed[k] = null;
    return new Promise((resolve, reject) => {
      const request: DebugProtocol.RunInTerminalRequestArguments = {
        kind: 'integrated', title: this.plan.display, cwd: this.plan.cwd, env: changed,
        args: this.plan.shell ? [this.plan.file] : [this.plan.file, ...this.plan.args], argsCanBeInterpretedByShell: this.plan.shell,
      };
      this.runInTerminalRequest(request, 15000, (r) => {
        const pid = r.body?.processId ?? r.body?.shellProcessId;
        if (!r.success || pid === undefined) return reject(new Error(`The terminal could not run the agent: ${r.message ?? 'no process id'}`));
        let settle!: (code: number | undefined) => void;
        this.exited = new Promise((res) => (settle = res));
        const poll = setInterval(() => {
          if (alive(pid)) return;
          clearInterval(poll);
          settle(undefined);
          this.onExit(undefined);
        }, 300);
        this.runner = { kind: 'terminal', pid, poll };
        resolve();
      });
    });
  }

  private onExit(code: number | undefined, child?: ChildProcess, signal?: string): void {
    if (child && (this.runner?.kind !== 'child' || this.runner.child !== child)) return; // an older run (restart)
    if (this.hasExited) return;
    this.hasExited = true;
    this.sendEvent(new OutputEvent(`\n${this.plan.display} exited with ${code === undefined ? 'an unknown code (it ran in the terminal)' : `code ${code}`}${signal ? ` (${signal})` : ''}\n`, 'console'));
    if (code !== undefined) this.sendEvent(new ExitedEvent(code));
    if (this.stopping) return;
    // Late spans (and trace breakpoints on them) still land; a paused session stays until continued.
    this.graceTimer = setTimeout(() => !this.paused && this.finish(), this.options.exitGraceMs ?? 1500);
  }

  private finish(): void {
    clearTimeout(this.graceTimer);
    if (this.stopping) return;
    this.stopping = true;
    this.sendEvent(new TerminatedEvent());
  }

  // --- pausing the process at a step -----------------------------------------------------------------

  private signal(sig: NodeJS.Signals): void {
    const r = this.runner;
    if (!r || this.hasExited || process.platform === 'win32') return;
    try {
      if (r.kind === 'child' && r.child.pid !== undefined) process.kill(r.group ? -r.child.pid : r.child.pid, sig);
      else if (r.kind === 'terminal') process.kill(r.pid, sig);
    } catch {
      /* already gone */
    }
  }

  private async stopAtStep(stepId: string | undefined, why: { reason: 'breakpoint' | 'pause'; description?: string; text?: string }): Promise<void> {
    this.signal('SIGSTOP');
    this.paused = true;
    this.setSteps(await this.options.loadSteps(this.sessionId, this.breakOn));
    const i = stepId !== undefined ? this.steps.indexOf(stepId) : undefined;
    this.stopOn(i ?? this.tree.length - 1, why);
  }

  private resume(): void {
    this.paused = false;
    this.signal('SIGCONT');
    if (this.hasExited) this.finish();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    void this.stopAtStep(undefined, { reason: 'pause', description: process.platform === 'win32' ? 'Paused (the agent keeps running on Windows)' : 'Paused the agent' });
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.resume();
  }

  /** Stepping past the last step received lets the agent run on. */
  protected override atEnd(): void {
    if (this.hasExited) return this.stopOn(this.tree.length - 1, { reason: 'end', description: 'The agent has exited: this is its last step' });
    this.resume();
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === DebugMessages.breakAt) {
      const a = (args ?? {}) as { stepId?: string; description?: string; text?: string };
      this.sendResponse(response);
      // Already paused: the user is looking at a step; later hits do not yank them away.
      if (!this.paused) void this.stopAtStep(a.stepId, { reason: 'breakpoint', description: a.description ?? 'Trace breakpoint', text: a.text });
      return;
    }
    // The graph may move the debugger only while the run is paused on a step.
    if (command === DebugMessages.goto && !this.paused) return this.sendResponse(response);
    super.customRequest(command, response, args);
  }

  // --- stop / restart -----------------------------------------------------------------------------

  private async kill(): Promise<void> {
    const r = this.runner;
    if (!r || this.hasExited) return;
    this.signal('SIGCONT');
    if (r.kind === 'child') {
      if (process.platform === 'win32') r.child.kill();
      else this.signal('SIGTERM');
    } else {
      this.signal('SIGTERM');
    }
    const forced = setTimeout(() => this.signal('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(forced);
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse): Promise<void> {
    this.stopping = true;
    clearTimeout(this.graceTimer);
    await this.kill();
    this.stopping = false;
    try {
      await this.startRun(randomUUID());
    } catch (e) {
      return this.fail(response, e);
    }
    this.sendResponse(response);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    this.stopping = true;
    await this.kill();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    this.stopping = true;
    clearTimeout(this.graceTimer);
    await this.kill();
    if (this.runner?.kind === 'terminal') clearInterval(this.runner.poll);
    this.sendResponse(response);
  }

  override dispose(): void {
    clearTimeout(this.graceTimer);
    if (this.runner?.kind === 'terminal') clearInterval(this.runner.poll);
    if (!this.hasExited) void this.kill();
    super.dispose();
  }
}

const signalNumbers: Partial<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`envFile ${file} could not be read: ${(e as Error).message}`);
  }
}
