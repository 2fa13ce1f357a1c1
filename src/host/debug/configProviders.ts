// Debug configuration providers: `agent` (proposes configurations from the workspace, F5 on an open
// script, receiver endpoints at resolve time), `agent-replay` (asks which session when none is named), and
// '*' (tracing for any configuration with "agentDebugger": true).
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GatewayService } from '../gateway/gatewayService';
import type { ReceiverService } from '../receiverService';
import { DebugTypes, type TracedConfigFields } from './debugTypes';
import { injectAgentEnv, receiverEndpoints, wantsTracing } from './injectEnv';

const scriptLanguages = new Set(['python', 'javascript', 'typescript']);

export class AgentConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly receiver: ReceiverService, private readonly gateway?: GatewayService) {}

  /** Proposes a configuration for each likely agent entry point in the workspace. */
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    const base = folder ? new vscode.RelativePattern(folder, '**/{agent,main,app}.{py,mjs,js,ts}') : '**/{agent,main,app}.{py,mjs,js,ts}';
    const files = await vscode.workspace.findFiles(base, '**/{node_modules,.venv,venv,dist,out}/**', 5);
    const configs = files.map((uri) => {
      const rel = folder ? path.relative(folder.uri.fsPath, uri.fsPath) : uri.fsPath;
      return { type: DebugTypes.agent, request: 'launch', name: `Agent: ${rel}`, program: folder ? `\${workspaceFolder}/${rel.split(path.sep).join('/')}` : rel, openGraph: true };
    });
    return configs.length ? configs : [{ type: DebugTypes.agent, request: 'launch', name: 'Agent: run with tracing', program: '${file}', openGraph: true }];
  }

  /** F5 without a launch.json: run the open script as an agent. */
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc || !scriptLanguages.has(doc.languageId)) {
        void vscode.window.showInformationMessage('Agent Debugger: open the agent script (Python, JavaScript or TypeScript) to run it, or add an "agent" configuration to launch.json.');
        return undefined;
      }
      return { type: DebugTypes.agent, request: 'launch', name: `Agent: ${path.basename(doc.fileName)}`, program: doc.fileName, openGraph: true };
    }
    return config;
  }

  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration & TracedConfigFields): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.program && !config.command) {
      void vscode.window.showErrorMessage(`Agent Debugger: the configuration '${config.name}' needs "program" (a script) or "command" (a shell command line).`);
      return null as unknown as undefined; // null: open launch.json
    }
    config.cwd ??= folder?.uri.fsPath;
    if (config.agentDebuggerEndpoints) return config;
    const endpoints = await receiverEndpoints(this.receiver);
    if (!endpoints) {
      void vscode.window.showErrorMessage('Agent Debugger: the OTLP receiver is not running, so the agent could not send traces. See the Agent Debugger log.');
      return undefined;
    }
    config.agentDebuggerEndpoints = endpoints;
    // The run's store session; a restart makes a new one (the adapter announces it).
    config.agentDebuggerSessionId ??= randomUUID();
    await this.gateway?.inject(config);
    return config;
  }
}

/** "agentDebugger": true on any other debugger's configuration. */
export class TracingInjectionProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly receiver: ReceiverService, private readonly gateway?: GatewayService) {}

  async resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration & TracedConfigFields): Promise<vscode.DebugConfiguration | undefined> {
    if (config.type === DebugTypes.agent || config.type === DebugTypes.replay || !wantsTracing(config) || config.agentDebuggerSessionId) return config;
    const endpoints = await receiverEndpoints(this.receiver);
    if (!endpoints) {
      void vscode.window.showWarningMessage('Agent Debugger: the OTLP receiver is not running; this session starts without tracing.');
      return config;
    }
    injectAgentEnv(config, endpoints);
    await this.gateway?.inject(config);
    return config;
  }
}

export class ReplayConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly receiver: ReceiverService) {}

  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (config.sessionId || config.file) return config;
    const engine = await this.receiver.engine();
    const sessions = engine.listSessions();
    if (sessions.length === 0) {
      void vscode.window.showInformationMessage('Agent Debugger: there is no recorded session to replay yet. Run an agent, or import a session file.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      sessions.map((s) => ({ label: s.name, description: `${s.spanCount} spans`, id: s.id })),
      { title: 'Replay which session in the debugger?' },
    );
    if (!pick) return undefined;
    return { ...config, type: DebugTypes.replay, request: 'launch', name: config.name ?? `Replay ${pick.label}`, sessionId: pick.id };
  }
}
