import * as vscode from 'vscode';
import { registerReceiverCommands } from './host/commands/receiverCommands';
import { registerDebug, type DebugApi } from './host/debug/registerDebug';
import { GatewayService } from './host/gateway/gatewayService';
import { registerFork } from './host/fork/registerFork';
import type { ForkService } from './host/fork/forkService';
import { registerSessionCommands, sessionOfArg } from './host/commands/sessionCommands';
import { Commands, otlpEditorViewType, Views } from './host/contributions';
import { DisposableStore } from './host/disposables';
import { registerSourceLinks, type SourceLinkServices } from './host/editor/registerSourceLinks';
import { createLog } from './host/log';
import { ReceiverService } from './host/receiverService';
import { SessionModels } from './host/sessionModels';
import { agentOptions, setting } from './host/settings';
import { ReceiverStatusBar } from './host/views/statusBar';
import { sessionIdOf, SessionsTree, type SessionsNode } from './host/views/sessionsTree';
import { registerCompareCommand } from './host/compare/compareCommand';
import { OtlpFileEditor } from './host/editor/otlpFileEditor';
import { registerForwardCommands, type LiveMirror } from './host/forward/forwardCommands';
import { CostViewProvider } from './host/webviews/costViewProvider';
import { GraphPanels, graphViewType } from './host/webviews/graphPanel';
import { SafetyDiagnostics } from './host/safety/safetyDiagnostics';
import { SafetySettings } from './host/safety/safetySettings';

/** What activate() returns: used by the integration tests (and by other extensions, if they like). */
export interface AgentDebuggerApi {
  readonly receiver: ReceiverService;
  readonly sessions: SessionsTree;
  readonly graph: GraphPanels;
  readonly sources: SourceLinkServices;
  readonly mirror: LiveMirror;
  readonly otlpEditor: OtlpFileEditor;
  readonly cost: CostViewProvider;
  readonly debug: DebugApi;
  readonly safety: SafetyDiagnostics;
  readonly forks: ForkService;
}

export function activate(context: vscode.ExtensionContext): AgentDebuggerApi {
  const root = new DisposableStore();
  context.subscriptions.push(root);

  const log = root.add(createLog());
  const receiver = root.add(new ReceiverService(log));
  root.add(new ReceiverStatusBar(receiver));

  // One agent-model cache for the Sessions view and the Cost view.
  const models = root.add(new SessionModels());
  const sessions = root.add(new SessionsTree(receiver, models));
  const sessionsView = root.add(vscode.window.createTreeView(Views.sessions, { treeDataProvider: sessions, showCollapseAll: true, canSelectMany: true, dragAndDropController: sessions }));

  const sources = registerSourceLinks(root, context.extensionUri, receiver, log);
  const graph = root.add(new GraphPanels(context.extensionUri, receiver, log, sources.links));
  graph.onDidShowSession = (id) => sources.codeLens.selectSession(id);
  root.add(sessionsView.onDidChangeSelection(({ selection: [node] }) => node && sources.codeLens.selectSession(sessionIdOf(node))));
  root.add(
    // Steps by id, or a CodeLens's source line (the engine knows which steps ran there).
    vscode.commands.registerCommand(Commands.showStepsInGraph, async (sessionId: string, steps: string[] | { path: string; line: number }, label: string) => {
      await receiver.start();
      const ids = Array.isArray(steps) ? steps : await (await receiver.engine()).derived.codeLensSteps(sessionId, agentOptions(), steps.path, steps.line);
      graph.showSteps(sessionId, ids, label);
    }),
  );
  root.add(
    // A step in the Sessions view: the graph moves to it and its code opens beside.
    vscode.commands.registerCommand(Commands.openStep, async (sessionId: string, stepId: string) => {
      await receiver.start();
      const panel = graph.open(sessionId);
      panel.revealStep(stepId);
      const step = await panel.shownStep(stepId);
      if (step) await sources.links.open(step, { follow: true, label: `${step.kind} · ${step.name}` });
    }),
  );
  root.add(vscode.window.registerWebviewPanelSerializer(graphViewType, graph));
  const safetySettings = root.add(new SafetySettings(log));
  const cost = root.add(new CostViewProvider(context.extensionUri, receiver, graph, models, safetySettings, log));
  root.add(vscode.window.registerWebviewViewProvider(Views.cost, cost));
  root.add(
    vscode.commands.registerCommand(Commands.showSessionCost, (arg?: string | SessionsNode) => {
      return cost.showSession(sessionOfArg(arg, sessionsView));
    }),
  );
  root.add(
    vscode.commands.registerCommand(Commands.openTraceGraph, async (arg?: string | SessionsNode) => {
      await receiver.start();
      return graph.open(sessionOfArg(arg, sessionsView)).currentSessionId;
    }),
  );

  registerReceiverCommands(root, receiver, log);
  registerSessionCommands(root, receiver, sessionsView, sessions, context.extensionUri);
  registerCompareCommand(root, receiver, sessionsView);
  const mirror = registerForwardCommands(root, receiver, sessionsView, context.secrets, log);
  const otlpEditor = new OtlpFileEditor(context.extensionUri, receiver, log, sources.links);
  root.add(vscode.window.registerCustomEditorProvider(otlpEditorViewType, otlpEditor, { webviewOptions: { enableFindWidget: false } }));
  const gateway = root.add(new GatewayService(receiver, log, context.extensionPath));
  const forks = registerFork(root, gateway, context.globalState, receiver);
  const debug = registerDebug(root, receiver, graph, log, sources.links, gateway);
  root.add(debug.runs.onDidStartRun((run) => cost.setSessionBudget(run.storeSessionId, run.launchBudgetUsd)));
  const safety = root.add(new SafetyDiagnostics(receiver, sources.links, safetySettings, log));
  // breakOn policy / taint in live runs use the user's policy and tool patterns.
  root.add(debug.runs.onDidStartRun((run) => void safetySettings.options().then((o) => (run.safety = o))));

  // Activation stays cheap: sql.js and the sockets start after it, and only if the user wants them now.
  if (setting('receiver.autoStart')) setTimeout(() => void receiver.start(), 0);
  log.info(`Agent Debugger ${context.extension.packageJSON.version} activated`);
  return { receiver, sessions, graph, sources, mirror, otlpEditor, cost, debug, safety, forks };
}

export function deactivate(): void {
  // Everything hangs on context.subscriptions.
}
