// "Re-run from Here" (a step's request opened for editing) and "Run Fork" (launch it).
import * as vscode from 'vscode';
import { Commands } from '../contributions';
import type { DisposableStore } from '../disposables';
import type { GatewayService } from '../gateway/gatewayService';
import type { StepItem } from '../views/sessionsTree';
import { ForkService } from './forkService';

export function registerFork(root: DisposableStore, gateway: GatewayService, memento: vscode.Memento): ForkService {
  const forks = root.add(new ForkService(memento));
  gateway.routeHooks = (config, sessionId) => forks.routeOptions(config, sessionId);
  // Arguments: a session id and 1-based LLM step, or an LLM step item of the Sessions view (its context menu).
  root.add(
    vscode.commands.registerCommand(Commands.rerunFromHere, (target: string | StepItem, llmStep?: number) => {
      if (typeof target === 'string') return forks.openStep(target, llmStep ?? 0);
      return target.llmStep ? forks.openStep(target.sessionId, target.llmStep) : undefined;
    }),
  );
  root.add(vscode.commands.registerCommand(Commands.runFork, (doc?: vscode.TextDocument) => {
    const target = doc ?? vscode.window.activeTextEditor?.document;
    return target ? forks.run(target) : false;
  }));
  return forks;
}
