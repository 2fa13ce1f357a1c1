import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withAgentEnv } from '../../src/core/launch/agentEnv';
import { Commands } from '../../src/host/contributions';
import { activeApi } from './extension.test';
import { postJsonSpans, waitFor, webviewBootMs } from './otlpPost';

const examples = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

function runPython(endpoint: string, sessionId: string): Promise<number | null> {
  const env = withAgentEnv(process.env, { httpEndpoint: endpoint, sessionId, serviceName: 'travel-agent-py' });
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [path.join(examples(), 'travel-agent-py', 'agent.py')], { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', resolve);
  });
}

describe('Spans <-> source inside VS Code', () => {
  it('locates every step of the Python example, opens each at its line and marks it, with CodeLens facts', async () => {
    const { receiver, graph, sources } = await activeApi();
    await receiver.start();
    await sources.index.ready();
    assert.equal(await runPython(receiver.httpEndpoint!, 'py-sources'), 0);
    await waitFor('the session', async () => (await receiver.engine()).getSession('py-sources')?.spanCount === 6);
    await vscode.commands.executeCommand(Commands.openTraceGraph, 'py-sources');
    const session = await graph.current!.shownSession();
    const where: string[] = [];
    for (const step of session!.steps) {
      const editor = await sources.links.open(step, { follow: true, label: step.name });
      assert.ok(editor, `${step.name}: ${step.sourceMissing}`);
      const line = editor.selection.active.line + 1;
      assert.deepEqual(sources.links.decoration.current && [sources.links.decoration.current.uri.toString(), sources.links.decoration.current.line + 1], [editor.document.uri.toString(), line]);
      where.push(`${step.kind} ${path.relative(examples(), editor.document.uri.fsPath)}:${line} ${editor.document.lineAt(line - 1).text.trim().slice(0, 40)}`);
    }
    assert.deepEqual(where, [
      'agent travel-agent-py/planner.py:12 class TravelPlanner:',
      'llm travel-agent-py/prompts/planner.txt:1 You are TravelPlanner, a careful assista',
      'tool travel-agent-py/tools.py:15 def get_weather(city: str) -> dict:',
      'tool travel-agent-py/tools.py:22 def search_museums(city: str) -> list:',
      'tool travel-agent-py/tools.py:30 raise ValueError(f"no exchange rate for ',
      'llm travel-agent-py/prompts/planner.txt:1 You are TravelPlanner, a careful assista',
    ]);

    // The CodeLens shows the selected session's numbers at each definition.
    const tools = vscode.Uri.file(path.join(examples(), 'travel-agent-py', 'tools.py'));
    const lenses = await waitFor('lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', tools);
      return l.length >= 3 && l;
    });
    const titles = lenses.map((l) => `${l.range.start.line + 1} ${l.command?.title}`).sort();
    assert.equal(titles.length, 3);
    assert.match(titles[0]!, /^15 get_weather · 1 call · p50 \d+ ms$/);
    assert.match(titles[1]!, /^22 find_museums · 1 call · p50 \d+ ms$/);
    assert.match(titles[2]!, /^30 convert_currency · 1 call · 1 error · p50 \d+ ms$/);
    const prompt = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(path.join(examples(), 'travel-agent-py', 'prompts', 'planner.txt')));
    assert.match(prompt[0]?.command?.title ?? '', /^gpt-4o-mini call · 2 calls · p50 \d+ ms · \$0\.0\d+$/);
    // Clicking a lens shows its steps in the graph: the webview is told to highlight them. The count is
    // taken once the webview has its session (a first webview boot in a cold code-server can be slow;
    // a highlight asked for earlier waits for the snapshot, which another test covers).
    await waitFor('the graph webview to get its snapshot', () => (graph.current!.sent.snapshot ?? 0) > 0, webviewBootMs);
    const highlighted = graph.current!.sent.highlightSteps ?? 0;
    await vscode.commands.executeCommand(prompt[0]!.command!.command, ...prompt[0]!.command!.arguments!);
    assert.equal(graph.current?.currentSessionId, 'py-sources');
    await waitFor('the highlight posted', () => (graph.current!.sent.highlightSteps ?? 0) > highlighted);

    // A step in the Sessions view opens the graph on it and its code beside.
    const failing = session!.steps.find((s) => s.toolName === 'convert_currency')!;
    sources.links.decoration.clear();
    await vscode.commands.executeCommand(Commands.openStep, 'py-sources', failing.id);
    const mark = sources.links.decoration.current;
    assert.deepEqual(mark && [path.relative(examples(), mark.uri.fsPath), mark.line + 1], ['travel-agent-py/tools.py', 30]);
  });

  it('opens a file outside the workspace read-only, and says why a step has no source', async () => {
    const { receiver, graph, sources } = await activeApi();
    const dir = mkdtempSync(path.join(tmpdir(), 'outside-'));
    const file = path.join(dir, 'outside_tool.py');
    writeFileSync(file, 'import os\n\ndef outside_tool():\n    return os.getcwd()\n');
    assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'outside-session', [
      { name: 'execute_tool outside_tool', tool: 'outside_tool', attributes: { 'code.file.path': file, 'code.line.number': 3 } },
      { name: 'execute_tool nowhere_tool', tool: 'nowhere_tool' },
    ], 41), 200);
    await waitFor('the session', async () => (await receiver.engine()).getSession('outside-session')?.spanCount === 2);
    await vscode.commands.executeCommand(Commands.openTraceGraph, 'outside-session');
    const [outside, nowhere] = (await graph.current!.shownSession())!.steps;
    const editor = await sources.links.open(outside!, { follow: false });
    assert.equal(editor?.document.uri.scheme, 'agent-debugger-source');
    assert.equal(editor?.document.uri.path, vscode.Uri.file(file).path);
    assert.equal(editor?.selection.active.line, 2);
    assert.equal(editor?.document.getText(), 'import os\n\ndef outside_tool():\n    return os.getcwd()\n');
    assert.equal(await sources.links.open(nowhere!, { follow: true }), undefined);
    assert.equal(sources.links.decoration.current, undefined);
    assert.match(nowhere!.sourceMissing ?? '', /no tool or function named nowhere_tool in \d+ indexed files/);
  });
});
