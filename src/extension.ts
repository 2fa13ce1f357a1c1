import * as vscode from 'vscode';
import { registerReceiverCommands } from './host/commands/receiverCommands';
import { registerDebug, type DebugApi } from './host/debug/registerDebug';
import { registerSessionCommands } from './host/commands/sessionCommands';
import { Commands, Views } from './host/contributions';
import { DisposableStore } from './host/disposables';
import { createLog } from './host/log';
import { ReceiverService } from './host/receiverService';
import { setting } from './host/settings';
import { ReceiverStatusBar } from './host/views/statusBar';
import { SessionsTree, type SessionItem } from './host/views/sessionsTree';
import { CostViewProvider } from './host/webviews/costViewProvider';
import { GraphPanels, graphViewType } from './host/webviews/graphPanel';

/** What activate() returns: used by the integration tests (and by other extensions, if they like). */
export interface AgentDebuggerApi {
  readonly receiver: ReceiverService;
  readonly sessions: SessionsTree;
  readonly graph: GraphPanels;
  readonly debug: DebugApi;
}

export function activate(context: vscode.ExtensionContext): AgentDebuggerApi {
  const root = new DisposableStore();
  context.subscriptions.push(root);

  const log = root.add(createLog());
  const receiver = root.add(new ReceiverService(log));
  root.add(new ReceiverStatusBar(receiver));

  const sessions = root.add(new SessionsTree(receiver));
  const sessionsView = root.add(vscode.window.createTreeView(Views.sessions, { treeDataProvider: sessions, showCollapseAll: false }));
  const cost = root.add(new CostViewProvider(context.extensionUri, receiver));
  root.add(vscode.window.registerWebviewViewProvider(Views.cost, cost));

  const graph = root.add(new GraphPanels(context.extensionUri, receiver, log));
  root.add(vscode.window.registerWebviewPanelSerializer(graphViewType, graph));
  root.add(
    vscode.commands.registerCommand(Commands.openTraceGraph, async (arg?: string | SessionItem) => {
      await receiver.start();
      const id = typeof arg === 'string' ? arg : (arg?.session.id ?? sessionsView.selection[0]?.session.id);
      return graph.open(id).currentSessionId;
    }),
  );

  registerReceiverCommands(root, receiver, log);
  registerSessionCommands(root, receiver, sessionsView);
  const debug = registerDebug(root, receiver, graph, log);

  // Activation stays cheap: sql.js and the sockets start after it, and only if the user wants them now.
  if (setting('receiver.autoStart')) setTimeout(() => void receiver.start(), 0);
  log.info(`Agent Debugger ${context.extension.packageJSON.version} activated`);
  return { receiver, sessions, graph, debug };
}

export function deactivate(): void {
  // Everything hangs on context.subscriptions.
}
