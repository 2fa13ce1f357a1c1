import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, Views } from '../../src/host/contributions';
import type { AgentDebuggerApi } from '../../src/extension';

export const extensionId = 'agent-debugger.agent-debugger';

export async function activeApi(): Promise<AgentDebuggerApi> {
  const ext = vscode.extensions.getExtension<AgentDebuggerApi>(extensionId);
  assert.ok(ext, `${extensionId} is installed`);
  return ext.activate();
}

describe('extension inside a real VS Code', () => {
  it('runs in a real extension host', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.equal(typeof process.versions.node, 'string');
  });

  it('activates and exposes its API', async () => {
    const api = await activeApi();
    assert.ok(api.receiver, 'receiver service exported');
    assert.equal(vscode.extensions.getExtension(extensionId)?.isActive, true);
  });

  it('registers every command that package.json contributes, and no contributed command is missing from contributions.ts', async () => {
    await activeApi();
    const pkg = vscode.extensions.getExtension(extensionId)!.packageJSON as { contributes: { commands: { command: string; category: string }[] } };
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'Agent Debugger', `${c.command} has the category`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], 'every contributed command is registered');
  });

  it('opens the Agent Debugger container and both of its views', async () => {
    await vscode.commands.executeCommand(`workbench.view.extension.${Views.container}`);
    await vscode.commands.executeCommand(`${Views.sessions}.focus`);
    await vscode.commands.executeCommand(`${Views.cost}.focus`);
  });

  it('contributes its settings under agentDebugger.*', () => {
    const config = vscode.workspace.getConfiguration('agentDebugger');
    assert.equal(typeof config.get('receiver.port'), 'number');
    assert.equal(config.get('receiver.autoStart'), true);
    assert.equal(config.inspect('store.maxSpans')?.defaultValue, 2000000);
  });
});
