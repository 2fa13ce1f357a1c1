// "Re-run from here" in the real VS Code: F5 on the agent without OpenTelemetry (openai SDK, its own mock
// provider), fork it at its second LLM call with an edited system prompt: the fork's first call is
// answered from the recording ($0, nothing sent), the second goes out with the edit.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TracedRun } from '../../src/host/debug/tracedRuns';
import { activeApi } from './extension.test';
import { waitFor, webviewTestMs } from './otlpPost';

async function runToEnd(start: () => Thenable<boolean>, name: RegExp): Promise<string> {
  const api = await activeApi();
  const run = new Promise<TracedRun>((resolve) => {
    const sub = api.debug.runs.onDidStartRun((r) => (sub.dispose(), resolve(r)));
  });
  const done = new Promise<void>((resolve) => {
    const sub = vscode.debug.onDidTerminateDebugSession((s) => name.test(s.name) && (sub.dispose(), resolve()));
  });
  assert.equal(await start(), true);
  console.log(`fork test: started ${name.source}`);
  const { storeSessionId } = await run;
  console.log(`fork test: run ${storeSessionId}`);
  await done;
  return storeSessionId;
}

describe('Fork: re-run from an LLM step', function () {
  // Two runs of the agent in one test.
  this.timeout(2 * webviewTestMs);

  it('forks the no-OpenTelemetry agent at step 2 with an edited system prompt: step 1 replayed at $0, step 2 carries the edit', async () => {
    const api = await activeApi();
    await api.receiver.start();
    const config = 'Agent without OpenTelemetry (LLM gateway)';
    const parent = await runToEnd(() => vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], config), /^Agent without OpenTelemetry \(LLM gateway\)$/);
    console.log(`fork test: parent run ${parent} ended`);
    await waitFor('the parent cassette', async () => ((await api.forks.cassette(parent))?.exchanges.length === 2 ? true : undefined), 30000);

    await api.forks.toolsRunForRealAcknowledged();
    // From the Sessions view: the context menu of the parent's second LLM step item.
    const parentNode = (await api.sessions.getChildren()).find((n) => n.kind === 'session' && n.session.id === parent)!;
    const llmItems = (await api.sessions.getChildren(parentNode)).filter((n) => n.kind === 'step' && n.contextValue === 'step.llm');
    assert.deepEqual(llmItems.map((n) => n.kind === 'step' && n.llmStep), [1, 2]);
    const doc = (await vscode.commands.executeCommand<vscode.TextDocument | undefined>('agentDebugger.rerunFromHere', llmItems[1]))!;
    assert.equal(doc.languageId, 'json');
    const request = JSON.parse(doc.getText()) as { messages: { role: string; content: string }[] };
    assert.equal(request.messages[0]!.role, 'system');
    request.messages[0]!.content = 'You are a weather assistant who answers in French.';
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), JSON.stringify(request, null, 2));
    assert.ok(await vscode.workspace.applyEdit(edit));

    console.log('fork test: running the fork');
    const fork = await runToEnd(() => vscode.commands.executeCommand<boolean>('agentDebugger.runFork', doc), /forked at step 2/);
    console.log(`fork test: fork run ${fork} ended`);
    assert.notEqual(fork, parent);
    const steps = await waitFor('the fork\'s steps', async () => {
      const s = await api.debug.adapters.steps(fork);
      return s.filter((x) => x.kind === 'llm').length === 2 ? s : undefined;
    }, 30000);
    const [first, second] = steps.filter((s) => s.kind === 'llm');
    assert.equal(first!.attributes['agent_debugger.replay'], 'replayed');
    assert.equal(first!.costUsd, 0);
    assert.equal(first!.attributes['agent_debugger.fork.parent_session'], parent);
    assert.equal(second!.attributes['agent_debugger.replay'], 'forked');
    assert.equal(second!.attributes['agent_debugger.fork.step'], 2);
    assert.equal(second!.systemPrompt, 'You are a weather assistant who answers in French.');
    assert.ok(second!.costUsd! > 0, 'the live step is priced');

    // The Sessions view shows the fork under its parent, not at the top.
    const top = await api.sessions.getChildren();
    assert.ok(!top.some((n) => n.kind === 'session' && n.session.id === fork), 'the fork is not a top-level session');
    const parentItem = top.find((n) => n.kind === 'session' && n.session.id === parent)!;
    assert.ok(parentItem, 'the parent is listed');
    const forkItem = (await api.sessions.getChildren(parentItem)).find((n) => n.kind === 'session' && n.session.id === fork);
    assert.ok(forkItem, 'the fork is a child of its parent');
    assert.match(String(forkItem.description), /^forked at step 2 · /);

    // The run comparison opened on parent vs fork when the fork ended: the edit is on the right side.
    const diff = await waitFor('the parent/fork comparison', () => {
      const input = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.input).find((i) => i instanceof vscode.TabInputTextDiff && i.original.scheme === 'agent-debugger-compare');
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    }, 30000);
    const right = (await vscode.workspace.openTextDocument(diff.modified)).getText();
    const left = (await vscode.workspace.openTextDocument(diff.original)).getText();
    assert.match(right, /answers in French/);
    assert.doesNotMatch(left, /answers in French/);
  });
});
