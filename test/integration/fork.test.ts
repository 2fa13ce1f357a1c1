// "Re-run from here" in the real VS Code: F5 on the agent without OpenTelemetry (openai SDK, its own mock
// provider), fork it at its second LLM call with an edited system prompt: the fork's first call is
// answered from the recording ($0, nothing sent), the second goes out with the edit.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import { parseCassette } from '../../src/core/gateway/cassette';
import { loadSqlJs } from '../../src/core/store/sqlite';
import { uriOf } from '../../src/host/fork/forkCodeLens';
import { activeApi } from './extension.test';
import { runToEnd } from './launches';
import { waitFor, webviewTestMs } from './otlpPost';

/** The right side of the newest parent/fork comparison. */
async function comparison(): Promise<{ left: string; right: string }> {
  const diff = await waitFor('the parent/fork comparison', () => {
    const input = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.input).find((i) => i instanceof vscode.TabInputTextDiff && i.original.scheme === 'agent-debugger-compare');
    return input instanceof vscode.TabInputTextDiff ? input : undefined;
  }, 30000);
  return { left: (await vscode.workspace.openTextDocument(diff.original)).getText(), right: (await vscode.workspace.openTextDocument(diff.modified)).getText() };
}

async function closeComparisons(): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff);
  await vscode.window.tabGroups.close(tabs);
}

/** Replaces a document's whole text (an untitled editor the user types into). */
async function setText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

async function llmSteps(sessionId: string, count: number) {
  const api = await activeApi();
  return waitFor(`the LLM steps of ${sessionId}`, async () => {
    const s = (await (await api.receiver.engine()).sessionSteps(sessionId, {})).filter((x) => x.kind === 'llm');
    return s.length === count ? s : undefined;
  }, 30000);
}

const configName = 'Agent without OpenTelemetry (LLM gateway)';
const french = 'You are a weather assistant who answers in French.';

describe('Fork: re-run from an LLM step', function () {
  // Several runs of the agent in one test.
  this.timeout(4 * webviewTestMs);
  let parent = '';
  let forked = '';

  it('forks the no-OpenTelemetry agent at step 2 with an edited system prompt: step 1 replayed at $0, step 2 carries the edit', async () => {
    const api = await activeApi();
    await api.receiver.start();
    parent = await runToEnd(() => vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], configName), /^Agent without OpenTelemetry \(LLM gateway\)$/);
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
    request.messages[0]!.content = french;
    await setText(doc, JSON.stringify(request, null, 2));

    console.log('fork test: running the fork');
    const fork = (forked = await runToEnd(() => vscode.commands.executeCommand<boolean>('agentDebugger.runFork', doc), /forked at step 2/));
    console.log(`fork test: fork run ${fork} ended`);
    assert.notEqual(fork, parent);
    const steps = await waitFor('the fork\'s steps', async () => {
      const s = await (await api.receiver.engine()).sessionSteps(fork, {});
      return s.filter((x) => x.kind === 'llm').length === 2 ? s : undefined;
    }, 30000);
    const [first, second] = steps.filter((s) => s.kind === 'llm');
    assert.equal(first!.attributes['agent_debugger.replay'], 'replayed');
    assert.equal(first!.costUsd, 0);
    assert.equal(first!.attributes['agent_debugger.fork.parent_session'], parent);
    assert.equal(second!.attributes['agent_debugger.replay'], 'forked');
    assert.equal(second!.attributes['agent_debugger.fork.step'], 2);
    assert.equal(second!.systemPrompt, french);
    assert.ok(second!.costUsd! > 0, 'the live step is priced');

    // The Sessions view shows the fork under its parent, not at the top.
    const top = await api.sessions.getChildren();
    assert.ok(!top.some((n) => n.kind === 'session' && n.session.id === fork), 'the fork is not a top-level session');
    const parentItem = top.find((n) => n.kind === 'session' && n.session.id === parent)!;
    assert.ok(parentItem, 'the parent is listed');
    const forkItem = (await api.sessions.getChildren(parentItem)).find((n) => n.kind === 'session' && n.session.id === fork);
    assert.ok(forkItem, 'the fork is a child of its parent');
    assert.match(String(forkItem.description), /^forked at step 2 · /);
    // Its LLM calls as the user sees them in the Sessions view: the first replayed at $0, the second the edit.
    const forkLlm = (await api.sessions.getChildren(forkItem)).filter((n) => n.kind === 'step' && n.contextValue === 'step.llm');
    assert.match(String(forkLlm[0]!.description), /^llm · replayed · .* · \$0(\.00)?$/);
    assert.match(String(forkLlm[1]!.description), /^llm · forked · .* · \$0\.0/);

    // The run comparison opened on parent vs fork when the fork ended: the edit is on the right side.
    const { left, right } = await comparison();
    assert.match(right, /answers in French/);
    assert.doesNotMatch(left, /answers in French/);
    await closeComparisons();
  });

  it('replays the forked session in the debugger; from its stop on LLM step 2, forks again with an edited answer (debug toolbar command)', async () => {
    assert.ok(forked, 'the fork of the test before');
    const stop = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidChangeActiveStackItem((item) => item && (sub.dispose(), resolve()));
    });
    assert.equal(await vscode.commands.executeCommand('agentDebugger.replaySession', forked), true);
    await stop;
    const session = vscode.debug.activeDebugSession!;
    assert.equal(session.type, 'agent-replay');
    const top = async () => ((await session.customRequest('stackTrace', { threadId: 1 })) as { stackFrames: { name: string; line: number; source?: { path?: string } }[] }).stackFrames[0]!;
    const frames: string[] = [];
    // Step through the fork's steps to its second LLM call (the forked one).
    let llmSeen = 0;
    for (let i = 0; i < 12 && llmSeen < 2; i++) {
      const f = await top();
      frames.push(f.name);
      if (f.name.startsWith('llm')) llmSeen++;
      if (llmSeen < 2) {
        const before = f.name + i;
        await session.customRequest('next', { threadId: 1 });
        await waitFor('the next frame', async () => ((await top()).name + (i + 1) !== before ? true : undefined));
      }
    }
    console.log(`fork test: replay frames ${JSON.stringify(frames)}`);
    assert.equal(llmSeen, 2, `the replay reached LLM step 2: ${JSON.stringify(frames)}`);
    // The debug toolbar / Call Stack command: the answer of the step the debugger is on, as JSON to edit.
    const doc = (await vscode.commands.executeCommand<vscode.TextDocument | undefined>('agentDebugger.rerunFromDebugStepWithEditedResponse'))!;
    assert.ok(doc, 'the answer opened');
    const answer = JSON.parse(doc.getText()) as { object: string; choices: { message: { content: string } }[] };
    assert.equal(answer.object, 'chat.completion', 'a streamed answer is offered as the plain body');
    assert.match(answer.choices[0]!.message.content, /Paris/);
    answer.choices[0]!.message.content = 'What if: it snows in Paris.';
    await setText(doc, JSON.stringify(answer, null, 2));
    await vscode.debug.stopDebugging(session);
    const whatIf = await runToEnd(() => vscode.commands.executeCommand<boolean>('agentDebugger.runFork', doc), /forked at step 2/);
    const [first, second] = await llmSteps(whatIf, 2);
    assert.equal(first!.attributes['agent_debugger.replay'], 'replayed');
    assert.equal(second!.attributes['agent_debugger.replay'], 'forked');
    assert.equal(second!.costUsd, 0, 'an edited answer is not a call');
    const text = JSON.stringify(second!.outputMessages);
    assert.match(text, /What if: it snows in Paris\./);
    await comparison();
    await closeComparisons();
  });

  it('a CodeLens on the source line of the LLM step the replay debugger stopped on opens the step to fork (an OTel agent whose spans carry their source)', async () => {
    const run = await runToEnd(() => vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
      type: 'agent', request: 'launch', name: 'Node agent (fork lens)', program: '${workspaceFolder}/node-agent/agent.mjs', args: ['What is the weather in Paris?'], env: { AGENT_STEP_DELAY_MS: '0' },
    }), /^Node agent \(fork lens\)$/);
    await llmSteps(run, 2);
    const stop = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidChangeActiveStackItem((item) => item && (sub.dispose(), resolve()));
    });
    assert.equal(await vscode.commands.executeCommand('agentDebugger.replaySession', run), true);
    await stop;
    const session = vscode.debug.activeDebugSession!;
    const top = async () => ((await session.customRequest('stackTrace', { threadId: 1 })) as { stackFrames: { name: string; line: number; source?: { path?: string } }[] }).stackFrames[0]!;
    await session.customRequest('stepIn', { threadId: 1 });
    const frame = await waitFor('the LLM frame', async () => {
      const f = await top();
      return f.name.startsWith('llm') ? f : undefined;
    });
    assert.ok(frame.source?.path, 'the LLM step has a source line');
    const lenses = await waitFor('the Re-run CodeLens', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uriOf(frame.source!.path!));
      const mine = all.filter((l) => l.command?.command === 'agentDebugger.rerunFromHere' || l.command?.command === 'agentDebugger.rerunWithEditedResponse');
      return mine.length === 2 ? mine : undefined;
    }, 15000);
    assert.equal(lenses[0]!.range.start.line, frame.line - 1, 'on the step\'s line');
    assert.equal(lenses[0]!.command!.title, '$(debug-rerun) Re-run from here (LLM step 1)');
    assert.equal(lenses[1]!.command!.title, 'What if the model had answered…');
    // The first fork says, once, that tools run for real (a modal the test cannot click).
    await (await activeApi()).forks.toolsRunForRealAcknowledged();
    // Clicking it: the step's request (rebuilt from the spans, in OpenAI format) opens to edit.
    const doc = (await vscode.commands.executeCommand<vscode.TextDocument | undefined>(lenses[0]!.command!.command, ...lenses[0]!.command!.arguments!))!;
    const request = JSON.parse(doc.getText()) as { model: string; messages: { role: string; content: string }[] };
    assert.equal(request.model, 'gpt-4o-mini');
    assert.equal(request.messages[0]!.role, 'system');
    assert.match(request.messages[1]!.content, /Paris/);
    await vscode.debug.stopDebugging(session);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('the cassette leaves with the session: SQLite export -> import keeps it (and the launch), and the imported session forks; *.cassette.json export; a hostile cassette is left out with the reason', async () => {
    const api = await activeApi();
    const dir = await mkdtemp(join(tmpdir(), 'fork-export-'));
    try {
      const sqlite = join(dir, 'parent.sqlite');
      assert.equal(await vscode.commands.executeCommand('agentDebugger.exportSession', parent, { format: 'sqlite', path: sqlite }), sqlite);
      const file = join(dir, 'parent.cassette.json');
      assert.equal(await vscode.commands.executeCommand('agentDebugger.exportSession', parent, { format: 'cassette', path: file }), file);
      const exported = parseCassette(await readFile(file, 'utf8'));
      assert.equal(exported.exchanges.length, 2);
      assert.equal(exported.launch?.config.name, configName);
      assert.equal(exported.synthesized, undefined);

      const result = (await vscode.commands.executeCommand<{ sessionIds: string[]; warnings?: string[] }>('agentDebugger.importSession', sqlite))!;
      const imported = result.sessionIds[0]!;
      assert.notEqual(imported, parent);
      assert.equal(result.warnings, undefined);
      const cassette = (await api.forks.cassette(imported))!;
      assert.deepEqual(cassette.exchanges.map((x) => x.step), [1, 2]);
      assert.equal(cassette.launch?.config.name, configName);
      const doc = (await vscode.commands.executeCommand<vscode.TextDocument | undefined>('agentDebugger.rerunFromHere', imported, 2))!;
      const request = JSON.parse(doc.getText()) as { messages: { content: string }[] };
      request.messages[0]!.content = french;
      await setText(doc, JSON.stringify(request));
      const fork = await runToEnd(() => vscode.commands.executeCommand<boolean>('agentDebugger.runFork', doc), /forked at step 2/);
      const [first, second] = await llmSteps(fork, 2);
      assert.equal(first!.attributes['agent_debugger.replay'], 'replayed');
      assert.equal(first!.attributes['agent_debugger.fork.parent_session'], imported);
      assert.equal(second!.systemPrompt, french);
      await comparison();
      await closeComparisons();

      // The same file with its cassette made hostile: the import says why it left the cassette out, and keeps the spans.
      const db = new (await loadSqlJs()).Database(await readFile(sqlite));
      db.run(`UPDATE meta SET value = '{"format":"agent-debugger.cassette","version":99}' WHERE key = ?`, [`cassette:${parent}`]);
      const hostile = join(dir, 'hostile.sqlite');
      await writeFile(hostile, db.export());
      db.close();
      const refused = (await vscode.commands.executeCommand<{ sessionIds: string[]; spans: number; warnings?: string[] }>('agentDebugger.importSession', hostile))!;
      assert.equal(refused.sessionIds.length, 1);
      assert.ok(refused.spans > 0, 'the spans are imported');
      assert.match(refused.warnings![0]!, /"version" is 99; this version of Agent Debugger reads version 1; the session was imported without it/);
      assert.equal(await api.forks.cassette(refused.sessionIds[0]!), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a session recorded without the gateway (OTLP import, no cassette) forks from its spans: answers rebuilt in OpenAI format', async () => {
    const api = await activeApi();
    const dir = await mkdtemp(join(tmpdir(), 'fork-otlp-'));
    try {
      const otlp = join(dir, 'parent.otlp.json');
      await vscode.commands.executeCommand('agentDebugger.exportSession', parent, { format: 'otlp-json', path: otlp });
      const imported = (await vscode.commands.executeCommand<{ sessionIds: string[] }>('agentDebugger.importSession', otlp))!.sessionIds[0]!;
      assert.equal(await api.forks.cassette(imported), undefined, 'no cassette came with it');
      const found = await api.forks.cassetteFor(imported);
      assert.ok('cassette' in found && found.cassette.synthesized, JSON.stringify(found).slice(0, 300));
      // The session does not say how it was launched: the launch configuration is named (else asked for).
      const doc = (await vscode.commands.executeCommand<vscode.TextDocument | undefined>('agentDebugger.rerunFromHere', imported, 2, { launchName: configName }))!;
      const request = JSON.parse(doc.getText()) as { messages: { role: string; content: string }[] };
      assert.equal(request.messages[0]!.role, 'system');
      request.messages[0]!.content = french;
      await setText(doc, JSON.stringify(request));
      const fork = await runToEnd(() => vscode.commands.executeCommand<boolean>('agentDebugger.runFork', doc), /forked at step 2/);
      const [first, second] = await llmSteps(fork, 2);
      assert.equal(first!.attributes['agent_debugger.replay'], 'replayed');
      assert.equal(first!.costUsd, 0);
      assert.equal(second!.attributes['agent_debugger.replay'], 'forked');
      assert.equal(second!.systemPrompt, french);
      assert.ok(second!.outputMessages?.length, 'the live step answered');
      await comparison();
      await closeComparisons();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('one call again: LLM step 2 re-sent with an edit to the local mock provider; old and new answers side by side with tokens and $', async () => {
    const mockModule = pathToFileURL(join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'no-otel-agent', 'mockProvider.mjs')).href;
    const { startMockProvider } = (await import(mockModule)) as { startMockProvider: (port: number) => Promise<{ url: string; close: () => void }> };
    // Where the recorded launch points OPENAI_BASE_URL (launch.json).
    const mock = await startMockProvider(18080);
    try {
      const doc = (await vscode.commands.executeCommand<vscode.TextDocument | undefined>('agentDebugger.playground', parent, 2))!;
      const request = JSON.parse(doc.getText()) as { messages: { role: string; content: string }[]; stream?: boolean };
      // Without the tool results the mock answers with a tool call again: a different answer to compare.
      request.messages = request.messages.filter((m) => m.role !== 'tool' && m.role !== 'assistant');
      delete request.stream;
      await setText(doc, JSON.stringify(request, null, 2));
      const result = (await vscode.commands.executeCommand<{ recorded: { text: string; costUsd?: number; inputTokens?: number; toolCalls: string[] }; now: { text: string; costUsd?: number; inputTokens?: number; toolCalls: string[] } }>('agentDebugger.sendPlayground', doc))!;
      assert.match(result.recorded.text, /Paris/);
      assert.equal(result.now.toolCalls.length, 2, JSON.stringify(result.now));
      assert.ok(result.recorded.costUsd! > 0 && result.now.costUsd! > 0, 'both priced');
      assert.notEqual(result.now.inputTokens, result.recorded.inputTokens);
      const diff = await waitFor('the side-by-side view', () => {
        const input = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.input).find((i) => i instanceof vscode.TabInputTextDiff && i.original.scheme === 'agent-debugger-playground');
        return input instanceof vscode.TabInputTextDiff ? input : undefined;
      }, 15000);
      const left = (await vscode.workspace.openTextDocument(diff.original)).getText();
      const right = (await vscode.workspace.openTextDocument(diff.modified)).getText();
      assert.match(left, /recorded answer/);
      assert.match(left, /- cost: \$\d/);
      assert.match(right, /- cost: \$\d/);
      assert.match(right, /current_weather\(\{"city":"Tokyo"\}\)/);
    } finally {
      mock.close();
    }
  });
});
