// "Re-run from Here" (a step's request opened for editing) and "Run Fork" (launch it).
import * as vscode from 'vscode';
import { Commands } from '../contributions';
import type { DisposableStore } from '../disposables';
import type { GatewayService } from '../gateway/gatewayService';
import { ForkService } from './forkService';

export function registerFork(root: DisposableStore, gateway: GatewayService, memento: vscode.Memento): ForkService {
  const forks = root.add(new ForkService(memento));
  gateway.routeHooks = (config, sessionId) => forks.routeOptions(config, sessionId);
  root.add(vscode.commands.registerCommand(Commands.rerunFromHere, (sessionId: string, llmStep: number) => forks.openStep(sessionId, llmStep)));
  root.add(vscode.commands.registerCommand(Commands.runFork, (doc?: vscode.TextDocument) => {
    const target = doc ?? vscode.window.activeTextEditor?.document;
    return target ? forks.run(target) : false;
  }));
  return forks;
}
