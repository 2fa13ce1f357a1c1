// Launches a debug configuration of the examples and waits for its run to end: the store session it made.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AgentStep } from '../../src/core/agent';
import { viewSteps } from '../../src/core/debug/debugView';
import type { TracedRun } from '../../src/host/debug/tracedRuns';
import { activeApi } from './extension.test';

export async function runToEnd(start: () => Thenable<boolean>, name: RegExp): Promise<string> {
  const api = await activeApi();
  const run = new Promise<TracedRun>((resolve) => {
    const sub = api.debug.runs.onDidStartRun((r) => (sub.dispose(), resolve(r)));
  });
  const done = new Promise<void>((resolve) => {
    const sub = vscode.debug.onDidTerminateDebugSession((s) => name.test(s.name) && (sub.dispose(), resolve()));
  });
  assert.equal(await start(), true);
  const { storeSessionId } = await run;
  await done;
  return storeSessionId;
}

/** Runs the examples' launch configuration `config` to its end. */
export function launchToEnd(config: string): Promise<string> {
  const exact = new RegExp(`^${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return runToEnd(() => vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], config), exact);
}

/** A session's steps as the debug adapters get them (the worker's view, located), each with its whole record (detail). */
export async function debuggerSteps(sessionId: string): Promise<AgentStep[]> {
  const api = await activeApi();
  const { view, detail } = await api.debug.adapters.steps(sessionId, []);
  return Promise.all(viewSteps(view).map(async (s) => {
    const step = await detail(s.id);
    assert.ok(step, `the worker has step ${s.id}`);
    return s.source ? { ...step, source: s.source } : step;
  }));
}
