// The debugger's view of agent steps, shared by the replay debugger and the live `agent` launcher: one
// thread, a call stack that is the step's ancestry (agent -> chain -> llm/tool) at each step's source line,
// Variables from the step, and stepping through the step tree with step back. Line breakpoints, the
// exception filters (Errors, Budget exceeded, Loops) and `breakOn` decide where continue stops.
import * as path from 'node:path';
import { Event, Handles, InitializedEvent, LoggingDebugSession, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread, Variable } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { parseBreakOnList, type BreakCondition } from './breakOn';
import { emptyDebugView, ViewedSteps, type DebugStep, type DebugSteps } from './debugView';
import { pathKey, resolveSourcePath } from './sourcePaths';
import { formatUsdPrecise } from '../format';
import { stepScopes, type VarNode } from './stepVariables';
import { StepTree } from './stepTree';

export const threadId = 1;

/** Custom DAP messages between the adapters and the extension host. */
export const DebugMessages = {
  /** event: the debugger stopped on a step `{ sessionId, stepId }` (the graph follows). */
  step: 'agentDebugger/step',
  /** event: a launch started a run, i.e. a new store session `{ sessionId }`. */
  run: 'agentDebugger/run',
  /** request: move to a step `{ stepId }` (the graph selected it). */
  goto: 'agentDebugger/goto',
  /** request: stop at a step that met a trace breakpoint `{ stepId, description }`. */
  breakAt: 'agentDebugger/breakAt',
} as const;

export const ExceptionFilters = {
  errors: 'errors',
  budget: 'budget',
  loops: 'loops',
} as const;

export interface StepSessionOptions {
  /** Folders relative source paths are tried against (launch cwd, workspace folders). */
  sourceRoots?: string[];
  /**
   * Runs before each stop is announced: the host opens the step's source beside the graph, so the editor
   * VS Code reveals for the top frame is that one (it reuses an open editor) and not a second one.
   */
  beforeStop?: (step: DebugStep) => Promise<void>;
}

export interface StepLaunchArgs extends DebugProtocol.LaunchRequestArguments {
  budgetUsd?: number;
  breakOn?: string[];
}

interface StopReason {
  reason: 'breakpoint' | 'exception' | 'step' | 'entry' | 'pause' | 'goto' | 'end';
  description?: string;
  text?: string;
  breakpointIds?: number[];
}

export abstract class StepDebugSession extends LoggingDebugSession {
  protected tree = new StepTree(new Int32Array(0));
  protected steps = new ViewedSteps(emptyDebugView());
  protected cursor: number | undefined;
  protected sessionId = '';
  protected sessionName = 'agent';
  private cumulative: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private repeats = new Set<number>();
  /** Steps that meet a breakOn condition -> its text (judged where the steps are, see debugView). */
  private breaks = new Map<number, string>();
  private detail: DebugSteps['detail'] = async () => undefined;
  protected sourceRoots: string[];
  /** Located places (paths resolved against the roots), and each step's place (-1: none). */
  private places: { path: string; line?: number }[] = [];
  private place: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private readonly breakpoints = new Map<string, { id: number; line: number }[]>();
  private nextBreakpointId = 1;
  private filters = new Set<string>([ExceptionFilters.errors]);
  protected budgetUsd: number | undefined;
  protected conditions: BreakCondition[] = [];
  private handles = new Handles<() => VarNode[]>();
  private lastStop: StopReason | undefined;
  private readonly beforeStop: ((step: DebugStep) => Promise<void>) | undefined;
  /** Stops are announced in order, each after its beforeStop. */
  private announced = Promise.resolve();
  private configured!: () => void;
  protected readonly configurationDone = new Promise<void>((r) => (this.configured = r));

  constructor(options: StepSessionOptions = {}) {
    super();
    this.sourceRoots = options.sourceRoots ?? [];
    this.beforeStop = options.beforeStop;
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** The id of the step the debugger is on. */
  get currentStepId(): string | undefined {
    return this.cursor === undefined ? undefined : this.steps.ids[this.cursor];
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, _args?: DebugProtocol.InitializeRequestArguments): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsExceptionInfoRequest: true,
      supportsTerminateRequest: true,
      exceptionBreakpointFilters: [
        { filter: ExceptionFilters.errors, label: 'Errors', description: 'Stop at steps that failed', default: true },
        { filter: ExceptionFilters.budget, label: 'Budget exceeded', description: 'Stop at the step where the session cost crosses budgetUsd' },
        { filter: ExceptionFilters.loops, label: 'Loops', description: 'Stop at a repeat of an identical tool call or LLM input' },
      ],
    };
    this.sendResponse(response);
  }

  /** Launch arguments shared by both adapters; throws a readable error for a bad breakOn or budget. */
  protected applyCommonArgs(args: StepLaunchArgs): void {
    this.conditions = parseBreakOnList(args.breakOn);
    if (args.budgetUsd !== undefined && !(typeof args.budgetUsd === 'number' && args.budgetUsd > 0)) {
      throw new Error(`budgetUsd must be a positive number of dollars, not ${JSON.stringify(args.budgetUsd)}`);
    }
    this.budgetUsd = args.budgetUsd;
  }

  /** The breakOn texts, as the view's `breaks` were judged with. */
  protected get breakOn(): string[] {
    return this.conditions.map((c) => c.text);
  }

  /** Steps arrive (replay: all at once; live: as spans come in). The cursor stays on its step. */
  protected setSteps({ view, detail }: DebugSteps): void {
    const current = this.currentStepId;
    this.steps = new ViewedSteps(view);
    this.tree = new StepTree(view.parent);
    this.detail = detail;
    this.cumulative = view.cumulativeUsd;
    this.repeats = new Set(view.repeats);
    this.breaks = new Map(view.breaks);
    // Per place, not per step: resolving a relative path tries the roots on disk.
    this.places = view.places.map((loc) => ({ path: resolveSourcePath(loc.path, this.sourceRoots), line: loc.line }));
    this.place = view.place;
    const n = this.steps.length;
    this.cursor = current !== undefined ? this.steps.indexOf(current) : this.cursor !== undefined && n ? Math.min(this.cursor, n - 1) : undefined;
  }

  /** Step i as the adapter shows it; i is a valid index (the tree's). */
  protected stepAt(i: number): DebugStep {
    return this.steps.step(i)!;
  }

  private locationOf(i: number): { path: string; line?: number } | undefined {
    const p = this.place[i];
    return p !== undefined && p >= 0 ? this.places[p] : undefined;
  }

  /** Tells VS Code it may send breakpoints now (call once the steps are known, so they verify). */
  protected ready(): void {
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured();
    this.sendResponse(response);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const file = args.source.path ? pathKey(this.convertClientPathToDebugger(args.source.path)) : undefined;
    const lines = (args.breakpoints ?? []).map((b) => this.convertClientLineToDebugger(b.line));
    const set = lines.map((line) => ({ id: this.nextBreakpointId++, line }));
    if (file) this.breakpoints.set(file, set);
    response.body = {
      breakpoints: set.map((b) => {
        const verified = file !== undefined && this.places.some((l) => l.line === b.line && pathKey(l.path) === file);
        return {
          id: b.id,
          verified,
          line: this.convertDebuggerLineToClient(b.line),
          message: verified ? undefined : 'No step of this session is located on this line (yet).',
        };
      }),
    };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.filters = new Set(args.filters);
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(threadId, this.sessionName)] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const all = this.cursor === undefined ? [] : this.tree.ancestry(this.cursor);
    const start = args.startFrame ?? 0;
    const frames = all.slice(start, args.levels ? start + args.levels : undefined).map((i) => this.frameOf(i));
    response.body = { stackFrames: frames, totalFrames: all.length };
    this.sendResponse(response);
  }

  private frameOf(i: number): StackFrame {
    const step = this.stepAt(i);
    const label = step.kind === 'tool' ? `tool ${step.toolName ?? step.name}` : step.kind === 'llm' ? `llm ${step.model ?? step.name}` : `${step.kind} ${step.name}`;
    const loc = this.locationOf(i);
    const source = loc ? new Source(path.basename(loc.path), this.convertDebuggerPathToClient(loc.path)) : undefined;
    const frame = new StackFrame(i + 1, label, source, this.convertDebuggerLineToClient(loc?.line ?? 1), this.convertDebuggerColumnToClient(1));
    if (!loc) (frame as DebugProtocol.StackFrame).presentationHint = 'label';
    return frame;
  }

  protected override async scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): Promise<void> {
    const i = args.frameId - 1;
    const shown = this.steps.step(i);
    // The step's whole record (messages, payloads, attributes) is fetched for the frame the user looks at.
    const step = shown && (await this.detail(shown.id).catch(() => undefined));
    if (!shown || !step) {
      response.body = { scopes: [] };
      return this.sendResponse(response);
    }
    const scopes = stepScopes(step, { cumulativeUsd: this.cumulative[i] ?? 0, source: shown.source });
    response.body = { scopes: scopes.map((s) => new Scope(s.name, this.handles.create(() => s.vars), s.name === 'Attributes')) };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const children = this.handles.get(args.variablesReference)?.() ?? [];
    response.body = {
      variables: children.map((v) => {
        const variable: DebugProtocol.Variable = new Variable(v.name, v.value, v.expand ? this.handles.create(v.expand) : 0);
        if (v.type) variable.type = v.type;
        return variable;
      }),
    };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const step = this.cursor === undefined ? undefined : this.steps.step(this.cursor);
    response.body = {
      exceptionId: this.lastStop?.description ?? 'step',
      description: this.lastStop?.text ?? step?.error,
      breakMode: 'always',
      details: step ? { message: step.error ?? this.lastStop?.text, typeName: `${step.kind} ${step.name}` } : undefined,
    };
    this.sendResponse(response);
  }

  // --- stepping -------------------------------------------------------------------------------------

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.sendResponse(response);
    this.move(this.cursor === undefined ? this.first() : this.tree.over(this.cursor), 'forward');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.sendResponse(response);
    this.move(this.cursor === undefined ? this.first() : this.tree.into(this.cursor), 'forward');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    this.move(this.cursor === undefined ? undefined : this.tree.out(this.cursor), 'out');
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.sendResponse(response);
    this.move(this.cursor === undefined ? undefined : this.tree.back(this.cursor), 'back');
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.sendResponse(response);
    const from = this.cursor ?? this.tree.length;
    const hit = this.tree.backward(from, (j) => this.stopAt(j) !== undefined);
    if (hit !== undefined) this.stopOn(hit, this.stopAt(hit)!);
    else this.stopOn(0, { reason: 'entry', description: 'Start of the session' });
  }

  /** Replay: run forward to the next stop (a breakpoint, a filter, breakOn) or to the last step. */
  protected continueThroughSteps(): void {
    const from = this.cursor ?? -1;
    const hit = this.tree.forward(from, (j) => this.stopAt(j) !== undefined);
    if (hit !== undefined) this.stopOn(hit, this.stopAt(hit)!);
    else this.atEnd();
  }

  /** Moves to `target`; with nowhere to go, forward ends the session's steps and the others stay put. */
  protected move(target: number | undefined, direction: 'forward' | 'out' | 'back'): void {
    if (target !== undefined) return this.stopOn(target, { reason: 'step' });
    if (direction === 'forward') return this.atEnd();
    const description = direction === 'back' ? 'Start of the session' : 'Top of the call stack';
    this.stopOn(this.cursor ?? 0, { reason: direction === 'back' ? 'entry' : 'step', description });
  }

  /** Nothing more forward: stay on the last step. Live sessions override this to let the agent run on. */
  protected atEnd(): void {
    this.stopOn(Math.max(0, this.tree.length - 1), { reason: 'end', description: 'End of the recorded session' });
  }

  protected first(): number | undefined {
    return this.tree.length > 0 ? 0 : undefined;
  }

  protected stopOn(i: number, why: StopReason): void {
    if (this.tree.length === 0) {
      this.cursor = undefined;
      this.lastStop = why;
      this.sendEvent(new StoppedEvent(why.reason, threadId, why.text));
      return;
    }
    this.cursor = Math.max(0, Math.min(i, this.tree.length - 1));
    this.lastStop = why;
    this.handles.reset();
    const event = new StoppedEvent(why.reason, threadId, why.text) as DebugProtocol.StoppedEvent;
    if (why.description) event.body.description = why.description;
    if (why.breakpointIds) event.body.hitBreakpointIds = why.breakpointIds;
    event.body.allThreadsStopped = true;
    const step = this.stepAt(this.cursor);
    const announce = () => {
      this.sendEvent(event);
      this.sendEvent(new Event(DebugMessages.step, { sessionId: this.sessionId, stepId: step.id }));
    };
    const before = this.beforeStop;
    if (!before) return announce();
    this.announced = this.announced.then(() => before(step)).catch(() => undefined).then(announce);
  }

  /** Why execution would stop at step j, if it would. */
  protected stopAt(j: number): StopReason | undefined {
    const step = this.stepAt(j);
    const loc = this.locationOf(j);
    if (loc?.line !== undefined) {
      const hits = (this.breakpoints.get(pathKey(loc.path)) ?? []).filter((b) => b.line === loc.line);
      if (hits.length) return { reason: 'breakpoint', description: `Breakpoint at ${path.basename(loc.path)}:${loc.line}`, breakpointIds: hits.map((b) => b.id) };
    }
    if (this.filters.has(ExceptionFilters.errors) && step.status === 'error') {
      return { reason: 'exception', description: 'Error', text: step.error ?? `${step.name} failed` };
    }
    if (this.filters.has(ExceptionFilters.budget) && this.budgetUsd !== undefined) {
      const before = j > 0 ? this.cumulative[j - 1] : 0;
      if (this.cumulative[j] > this.budgetUsd && before <= this.budgetUsd) {
        return { reason: 'exception', description: 'Budget exceeded', text: `The session cost ${formatUsdPrecise(this.cumulative[j]!)}, over the budget of ${formatUsdPrecise(this.budgetUsd)}` };
      }
    }
    if (this.filters.has(ExceptionFilters.loops) && this.repeats.has(j)) {
      return { reason: 'exception', description: 'Loop', text: `${step.name} repeats an identical earlier call` };
    }
    const condition = this.breaks.get(j);
    if (condition !== undefined) return { reason: 'breakpoint', description: `breakOn ${condition}` };
    return undefined;
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === DebugMessages.goto) {
      const stepId = (args as { stepId?: unknown } | undefined)?.stepId;
      const i = typeof stepId === 'string' ? this.steps.indexOf(stepId) : undefined;
      if (i === undefined) return this.sendErrorResponse(response, 4001, `No step ${String(stepId)} in this session`);
      this.sendResponse(response);
      if (i !== this.cursor) this.stopOn(i, { reason: 'goto', description: 'Selected in the trace graph' });
      return;
    }
    super.customRequest(command, response, args);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse, _args?: DebugProtocol.TerminateArguments): void {
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  /** An error response whose message the user sees as is. */
  protected fail(response: DebugProtocol.Response, error: unknown): void {
    this.sendErrorResponse(response, 4000, error instanceof Error ? error.message : String(error));
  }
}
