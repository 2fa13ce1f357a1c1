// A session whose agent model does not fit the engine worker's heap, inside the real VS Code: the graph
// panel and the Cost view say why, the Sessions view still lists its traces, its spans stay in the store
// and the worker does not die (before the budget, building it ran the worker out of memory and every span of
// every session went with it). The budget is made tiny through the worker's test request, so that a small
// session stands for a large one; test/unit/engine/modelBudget.test.ts meets the real limit with a real heap.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/host/contributions';
import { activeApi } from './extension.test';
import { postJsonSpans, waitFor, webviewBootMs } from './otlpPost';

const spans = [{ name: 'invoke_agent planner' }, { name: 'chat gpt-4o', model: 'gpt-4o' }, { name: 'execute_tool search', tool: 'search' }];

describe('a session too large to model, inside VS Code', () => {
  it('the graph and the Cost view say why, the Sessions view lists its traces, and its spans stay', async () => {
    const { receiver, graph, cost, sessions } = await activeApi();
    await receiver.start();
    const engine = await receiver.engine();
    assert.equal(engine.inWorker, true);
    const crashes = receiver.crashWarnings.length;
    assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'budget-too-large', spans, 71), 200);
    await engine.flush();
    await waitFor('the session', () => engine.getSession('budget-too-large'));
    const stored = engine.spanCount;

    await engine.test.modelBudget({ share: 1e-9, every: 1 });
    try {
      graph.current?.panel.dispose(); // a new panel: what it was sent is this test's
      await vscode.commands.executeCommand(Commands.openTraceGraph, 'budget-too-large');
      const panel = graph.current!;
      const shown = await waitFor('the reason in the panel', () => panel.emptyMessage, webviewBootMs);
      assert.match(shown, /^Session ".+" \(3 spans\) is too large to model in the trace engine's memory: building it took the heap to \d+ MB of its \d+ MB\. Its spans stay in the store/);
      assert.equal(panel.sent.snapshot ?? 0, 0, 'no graph was sent');

      await cost.showSession('budget-too-large');
      const notice = await waitFor('the reason in the Cost view', () => cost.lastSnapshot?.notice?.includes('(3 spans) is too large to model') && cost.lastSnapshot.notice, webviewBootMs);
      assert.equal(cost.lastSnapshot?.report, undefined, notice);
      assert.equal(cost.lastSnapshot?.unmodelled, 'budget-too-large', 'on the session picked, not the empty state');

      const item = (await sessions.getChildren()).find((i) => i.kind === 'session' && i.session.id === 'budget-too-large');
      assert.ok(item, 'the session is listed');
      const children = await sessions.getChildren(item);
      assert.deepEqual(children.map((c) => c.kind), ['trace'], 'its trace, without steps');

      // Nothing died: the same worker holds every span, and takes more.
      assert.equal(engine.spanCount, stored);
      assert.equal(receiver.crashWarnings.length, crashes, receiver.crashWarnings.join('\n'));
      assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'budget-other', [{ name: 'chat gpt-4o', model: 'gpt-4o' }], 72), 200);
      await engine.flush();
      assert.equal(engine.spanCount, stored + 1);
    } finally {
      await engine.test.modelBudget({});
    }
    // With its own budget back (a refusal judged by another budget does not stand), the panel opened again draws it.
    const panel = graph.current!;
    const before = panel.sent.snapshot ?? 0;
    await waitFor('the graph', async () => {
      await vscode.commands.executeCommand(Commands.openTraceGraph, 'budget-too-large');
      await new Promise((resolve) => setTimeout(resolve, 500));
      return (panel.sent.snapshot ?? 0) > before;
    }, 20_000);
    panel.panel.dispose();
    await cost.showSession(undefined);
  });
});
