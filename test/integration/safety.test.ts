// Safety findings inside the real VS Code: examples/poisoned-agent fetches a page whose hidden comment says
// to mail the user's contacts to an address on the page, and its scripted model obeys. A `breakOn: ["taint"]`
// launch pauses at the model's send_email call before the mail goes out; the taint finding (fetch_page ->
// send_email.to) and the injection show in the Problems panel at the tools' source lines.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { GraphFeed } from '../../src/core/agent/graphDto';
import { Views } from '../../src/host/contributions';
import type { TracedRun } from '../../src/host/debug/tracedRuns';
import { activeApi } from './extension.test';
import { debuggerSteps } from './launches';
import { waitFor, webviewTestMs } from './otlpPost';

const folder = () => vscode.workspace.workspaceFolders![0];

describe('safety findings: the poisoned agent', function () {
  this.timeout(webviewTestMs);

  it('a breakOn taint launch pauses before send_email runs; Problems show the taint and the injection at the tools\' lines', async () => {
    const api = await activeApi();
    await api.receiver.start();
    const name = 'poisoned agent, breakOn taint';
    const run = new Promise<TracedRun>((resolve) => {
      const sub = api.debug.runs.onDidStartRun((r) => (sub.dispose(), resolve(r)));
    });
    const broke = new Promise<{ stepId: string; description: string }>((resolve) => {
      const sub = api.debug.runs.onDidBreak((hit) => (sub.dispose(), resolve(hit)));
    });
    const done = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidTerminateDebugSession((s) => s.name === name && (sub.dispose(), resolve()));
    });
    assert.equal(await vscode.debug.startDebugging(folder(), {
      type: 'agent', request: 'launch', name, program: '${workspaceFolder}/poisoned-agent/agent.mjs',
      env: { AGENT_STEP_DELAY_MS: '1500' }, breakOn: ['taint'], openGraph: false,
    }), true);
    const { owner, storeSessionId } = await run;
    const hit = await broke;
    assert.equal(hit.description, 'breakOn taint');
    const before = await debuggerSteps(storeSessionId);
    const at = before.find((s) => s.id === hit.stepId);
    assert.equal(at?.kind, 'llm', 'paused at the model step that asked for send_email');
    assert.ok(at.outputMessages?.some((m) => m.parts.some((p) => p.type === 'tool_call' && p.name === 'send_email')));
    // Paused: the mail is not sent while we wait longer than the agent's own step delay.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await debuggerSteps(storeSessionId)).some((s) => s.toolName === 'send_email'), false, 'send_email has not run');

    // Let it finish: the tool step arrives and the taint finding moves onto it.
    const finish = async () => {
      for (let i = 0; i < 3 && vscode.debug.activeDebugSession === owner; i++) {
        await owner.customRequest('continue', { threadId: 1 }).then(undefined, () => undefined);
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    await Promise.all([finish(), done]);

    const toolsUri = vscode.Uri.joinPath(folder().uri, 'poisoned-agent/tools.mjs');
    const lines = readFileSync(toolsUri.fsPath, 'utf8').split('\n');
    const sourceLine = (tool: string) => lines.findIndex((l, i) => l.includes('source: here()') && lines.slice(Math.max(0, i - 4), i).some((p) => p.includes(`${tool}:`)));
    const diagnostics = await waitFor('taint and injection in Problems', () => {
      const list = vscode.languages.getDiagnostics(toolsUri);
      return list.some((d) => d.code === 'taint/untrusted-to-sensitive') && list.some((d) => String(d.code).startsWith('injection/')) ? list : undefined;
    }, 30000);
    const taint = diagnostics.find((d) => d.code === 'taint/untrusted-to-sensitive')!;
    assert.equal(taint.range.start.line, sourceLine('send_email'));
    assert.match(taint.message, /^text from `fetch_page` \(step 3\) reached `send_email\.to` \(step 5\): path 3 -> 4 -> 5 \(heuristic\)$/);
    assert.equal(taint.source, 'Agent Debugger');
    const injection = diagnostics.find((d) => String(d.code).startsWith('injection/'))!;
    assert.equal(injection.range.start.line, sourceLine('fetch_page'));
    // Nothing in Problems carries the address unmasked.
    assert.ok(diagnostics.every((d) => !d.message.includes('offers-desk@mailbox-relay.net')));
    assert.equal(api.safety.sessionId, storeSessionId);
    assert.ok(api.safety.findings.some((f) => f.kind === 'taint'));

    // The graph on the run: what its webview is sent carries the taint path (fetch_page -> LLM -> send_email).
    const panel = api.graph.open(storeSessionId);
    await waitFor('the graph snapshot', () => (panel.sent.snapshot ?? 0) >= 1, 45000);
    const shown = await panel.shownSession();
    assert.ok(shown);
    const findings = new GraphFeed({ id: storeSessionId, name }).snapshot(shown).findings.filter((f) => f.kind.startsWith('safety:'));
    const taintPath = findings.find((f) => f.kind === 'safety:taint')?.steps.map((i) => shown.steps[i]?.toolName ?? shown.steps[i]?.kind);
    assert.deepEqual(taintPath, ['fetch_page', 'llm', 'send_email']);

    // The Cost view's Safety findings section counts them by kind, masked.
    await vscode.commands.executeCommand(`${Views.cost}.focus`);
    const section = await waitFor('the Safety section', () => api.cost.lastSnapshot?.report?.session.id === storeSessionId && api.cost.lastSnapshot.safety, 20000);
    assert.deepEqual(section.counts, { injection: 2, taint: 1, secret: 0, pii: 1, policy: 0 });
    assert.ok(!JSON.stringify(section).includes('offers-desk@mailbox-relay.net'));
  });
});
