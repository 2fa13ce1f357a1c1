// Everything debugging registers: the configuration providers, the in-process adapters, the traced-run
// tracker with its budget meter, and the "Break on..." / "Replay Session in Debugger" commands.
import * as vscode from 'vscode';
import { breakOnSyntax, parseBreakOn } from '../../core/debug/breakOn';
import { Commands } from '../contributions';
import type { DisposableStore } from '../disposables';
import type { SourceLinks } from '../editor/sourceLinks';
import type { GatewayService } from '../gateway/gatewayService';
import type { Log } from '../log';
import type { ReceiverService } from '../receiverService';
import { sessionIdOf, type SessionsNode } from '../views/sessionsTree';
import type { GraphPanels } from '../webviews/graphPanel';
import { AgentAdapterFactory } from './adapterFactory';
import { BudgetMeter } from './budgetMeter';
import { AgentConfigurationProvider, ReplayConfigurationProvider, TracingInjectionProvider } from './configProviders';
import { DebugTypes } from './debugTypes';
import { TracedRuns } from './tracedRuns';

export interface DebugApi {
  readonly runs: TracedRuns;
  readonly adapters: AgentAdapterFactory;
  readonly meter: BudgetMeter;
}

export function registerDebug(root: DisposableStore, receiver: ReceiverService, graph: GraphPanels, log: Log, sources?: SourceLinks, gateway?: GatewayService): DebugApi {
  const adapters = new AgentAdapterFactory(receiver, sources);
  const meter = root.add(new BudgetMeter());
  const runs = root.add(new TracedRuns(receiver, graph, meter, log));
  const { Initial, Dynamic } = vscode.DebugConfigurationProviderTriggerKind;
  root.add(vscode.debug.registerDebugConfigurationProvider(DebugTypes.agent, new AgentConfigurationProvider(receiver, gateway), Initial));
  root.add(vscode.debug.registerDebugConfigurationProvider(DebugTypes.agent, new AgentConfigurationProvider(receiver, gateway), Dynamic));
  root.add(vscode.debug.registerDebugConfigurationProvider(DebugTypes.replay, new ReplayConfigurationProvider(receiver)));
  root.add(vscode.debug.registerDebugConfigurationProvider('*', new TracingInjectionProvider(receiver, gateway)));
  root.add(vscode.debug.registerDebugAdapterDescriptorFactory(DebugTypes.agent, adapters));
  root.add(vscode.debug.registerDebugAdapterDescriptorFactory(DebugTypes.replay, adapters));

  root.add(
    vscode.commands.registerCommand(Commands.breakOn, async (expression?: string) => {
      const text = expression ?? (await vscode.window.showInputBox({
        title: 'Break on a trace condition',
        prompt: `Pause traced runs when a step matches: ${breakOnSyntax}`,
        placeHolder: 'tool:get_weather',
        validateInput: (v) => {
          try {
            parseBreakOn(v);
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
      }));
      if (!text) return undefined;
      const condition = parseBreakOn(text);
      runs.addCondition(condition);
      void vscode.window.showInformationMessage(`Agent Debugger: traced runs break on ${condition.text}.`);
      return condition.text;
    }),
  );
  root.add(
    vscode.commands.registerCommand(Commands.replaySession, async (arg?: string | SessionsNode) => {
      await receiver.start();
      const id = typeof arg === 'string' ? arg : (sessionIdOf(arg) ?? graph.current?.currentSessionId);
      const engine = await receiver.engine();
      const summary = id ? engine.getSession(id) : undefined;
      const config: vscode.DebugConfiguration = { type: DebugTypes.replay, request: 'launch', name: `Replay: ${summary?.name ?? 'a session'}` };
      if (summary) config.sessionId = summary.id;
      if (summary) graph.open(summary.id);
      return vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], config);
    }),
  );
  return { runs, adapters, meter };
}
