// "Re-run from Here" (a step's request, or its answer, opened for editing) from the Sessions view, the
// graph inspector, the replay debugger (the step it is stopped on) and a CodeLens; "Run Fork" launches it.
import * as vscode from 'vscode';
import { DebugMessages } from '../../core/debug/stepSession';
import { Commands } from '../contributions';
import { DebugTypes } from '../debug/debugTypes';
import type { DisposableStore } from '../disposables';
import type { GatewayService } from '../gateway/gatewayService';
import type { ReceiverService } from '../receiverService';
import type { StepItem } from '../views/sessionsTree';
import { registerPlayground } from '../playground/playground';
import { ForkCodeLens } from './forkCodeLens';
import { ForkService, type OpenStepOptions } from './forkService';

/** A session id and 1-based LLM step, or an LLM step item of the Sessions view (its context menu). */
type StepTarget = string | StepItem;

export function registerFork(root: DisposableStore, gateway: GatewayService, memento: vscode.Memento, receiver: ReceiverService): ForkService {
  const forks = root.add(new ForkService(memento, receiver));
  gateway.routeHooks = (config, sessionId) => forks.routeOptions(config, sessionId);
  const open = (target: StepTarget, llmStep: number | undefined, options: OpenStepOptions) => {
    if (typeof target === 'string') return forks.openStep(target, llmStep ?? 0, options);
    return target.llmStep ? forks.openStep(target.sessionId, target.llmStep, options) : undefined;
  };
  // Where each replay debug session is stopped (its adapter reports every stop).
  const stoppedAt = new Map<string, { sessionId: string; stepId: string }>();
  const lens = root.add(new ForkCodeLens());
  root.add(vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
    const body = e.body as { sessionId?: string; stepId?: string } | undefined;
    if (e.event !== DebugMessages.step || e.session.type !== DebugTypes.replay || !body?.sessionId || !body.stepId) return;
    stoppedAt.set(e.session.id, { sessionId: body.sessionId, stepId: body.stepId });
    void lensAt(e.session, body.sessionId, body.stepId).then((at) => lens.show(at), () => lens.show(undefined));
  }));
  root.add(vscode.debug.onDidTerminateDebugSession((s) => {
    if (stoppedAt.delete(s.id) && stoppedAt.size === 0) lens.show(undefined);
  }));
  /** The stopped frame's line, when the step is an LLM call with a source location. */
  const lensAt = async (session: vscode.DebugSession, sessionId: string, stepId: string) => {
    const llmStep = await forks.llmStepOf(sessionId, stepId);
    if (!llmStep) return undefined;
    const trace = (await session.customRequest('stackTrace', { threadId: 1, startFrame: 0, levels: 1 })) as { stackFrames?: { line: number; source?: { path?: string } }[] };
    const frame = trace.stackFrames?.[0];
    return frame?.source?.path ? { path: frame.source.path, line: frame.line, sessionId, llmStep } : undefined;
  };
  const fromDebugger = async (options: OpenStepOptions) => {
    const at = vscode.debug.activeDebugSession && stoppedAt.get(vscode.debug.activeDebugSession.id);
    if (!at) {
      void vscode.window.showWarningMessage('Re-run from here works on a replay debug session (Replay Session in Debugger) stopped on an LLM step.');
      return undefined;
    }
    const llmStep = await forks.llmStepOf(at.sessionId, at.stepId);
    if (!llmStep) {
      void vscode.window.showWarningMessage('The debugger is not stopped on an LLM step: step to one (F10) to re-run from it.');
      return undefined;
    }
    return forks.openStep(at.sessionId, llmStep, options);
  };
  root.add(vscode.commands.registerCommand(Commands.rerunFromHere, (target: StepTarget, llmStep?: number, options?: OpenStepOptions) => open(target, llmStep, options ?? {})));
  root.add(vscode.commands.registerCommand(Commands.rerunWithEditedResponse, (target: StepTarget, llmStep?: number, options?: OpenStepOptions) => open(target, llmStep, { ...options, response: true })));
  root.add(vscode.commands.registerCommand(Commands.rerunFromDebugStep, (options?: OpenStepOptions) => fromDebugger(options ?? {})));
  root.add(vscode.commands.registerCommand(Commands.rerunFromDebugStepWithEditedResponse, (options?: OpenStepOptions) => fromDebugger({ ...options, response: true })));
  root.add(vscode.commands.registerCommand(Commands.runFork, (doc?: vscode.TextDocument) => {
    const target = doc ?? vscode.window.activeTextEditor?.document;
    return target ? forks.run(target) : false;
  }));
  registerPlayground(root, forks);
  return forks;
}
