import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { costUpdateIntervalMs } from '../../src/host/webviews/costViewProvider';
import { Views } from '../../src/host/contributions';
import { agentOptions } from '../../src/host/settings';
import { costReport, reportDto } from '../../src/core/cost';
import { activeApi } from './extension.test';
import { postJsonSpans, waitFor, webviewBootMs } from './otlpPost';

// gpt-4o in @pydantic/genai-prices: $2.50 input, $10 output per million tokens.
const gpt4o = (input: number, output: number) => (input * 2.5 + output * 10) / 1e6;

describe('Cost view inside VS Code', () => {
  it('boots its webview (ready -> snapshot) and pushes live totals of the newest session, throttled', async () => {
    const { receiver, cost } = await activeApi();
    await receiver.start();
    await vscode.commands.executeCommand(`${Views.cost}.focus`);
    await waitFor('the first snapshot', () => cost.snapshotsPosted >= 1, webviewBootMs);

    assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'cost-it', [{ name: 'chat gpt-4o', model: 'gpt-4o', inputTokens: 1000, outputTokens: 100 }], 41), 200);
    const first = await waitFor('the session in the view', () => cost.lastSnapshot?.report?.session.id === 'cost-it' && cost.lastSnapshot.report, 10000);
    assert.equal(first.totals.llmCalls, 1);
    assert.ok(Math.abs(first.totals.costUsd - gpt4o(1000, 100)) < 1e-12);
    assert.deepEqual(first.breakdowns.model.map((r) => r.key), ['gpt-4o']);

    // 20 batches as fast as the receiver takes them: the view gets the final totals in a few snapshots.
    const before = cost.snapshotsPosted;
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'cost-it', [{ name: 'chat gpt-4o', model: 'gpt-4o', inputTokens: 1000, outputTokens: 100 }, { name: 'execute_tool search', tool: 'search' }], 42 + i), 200);
    }
    const last = await waitFor('the final totals', () => cost.lastSnapshot?.report?.totals.llmCalls === 21 && cost.lastSnapshot.report, 10000);
    const elapsed = Date.now() - started;
    const snapshots = cost.snapshotsPosted - before;
    console.log(`      21 LLM calls reached the view in ${elapsed} ms through ${snapshots} snapshots`);
    assert.ok(Math.abs(last.totals.costUsd - 21 * gpt4o(1000, 100)) < 1e-12);
    assert.equal(last.totals.toolCalls, 20);
    assert.ok(snapshots <= Math.ceil(elapsed / costUpdateIntervalMs) + 1, `${snapshots} snapshots in ${elapsed} ms is more than one per ${costUpdateIntervalMs} ms`);

    // Three more batches, each shown before the next: each report's rows are extended from the last one's
    // (only the trace the batch brought is summed), and the last equals a report made whole from the steps.
    let shown = last;
    for (let i = 0; i < 3; i++) {
      assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'cost-it', [{ name: 'chat gpt-4o', model: 'gpt-4o', inputTokens: 1000, outputTokens: 100 }, { name: 'execute_tool search', tool: 'search' }], 62 + i), 200);
      shown = await waitFor(`batch ${i + 22} in the view`, () => cost.lastSnapshot?.report?.totals.llmCalls === 22 + i && cost.lastSnapshot.report, 10000);
    }
    const engine = await receiver.engine();
    const steps = await engine.sessionSteps('cost-it', agentOptions());
    const whole = reportDto(costReport({ session: { id: 'cost-it', name: 'cost-it', live: true }, steps })).breakdowns;
    for (const kind of ['model', 'agent', 'tool', 'kind'] as const) {
      const rows = shown.breakdowns[kind];
      assert.deepEqual(rows.map((r) => [r.key, r.calls, r.stepCount, r.inputTokens, r.outputTokens, r.errors]), whole[kind].map((r) => [r.key, r.calls, r.stepCount, r.inputTokens, r.outputTokens, r.errors]), kind);
      rows.forEach((r, k) => assert.ok(Math.abs(r.costUsd - whole[kind][k]!.costUsd) < 1e-12, `${kind} ${r.key}: ${r.costUsd} against ${whole[kind][k]!.costUsd}`));
    }
    assert.deepEqual(whole.tool.map((r) => [r.key, r.calls]), [['search', 23]]);
  });

  it('a launch budget wins over the setting; exceeding it shows', async () => {
    const { cost } = await activeApi();
    const config = vscode.workspace.getConfiguration('agentDebugger');
    await config.update('budget.sessionUsd', 100, vscode.ConfigurationTarget.Global);
    try {
      const withSetting = await waitFor('the setting budget', () => cost.lastSnapshot?.report?.budget?.source === 'setting' && cost.lastSnapshot.report.budget, 10000);
      assert.deepEqual([withSetting.limitUsd, withSetting.exceeded], [100, false]);
      cost.setSessionBudget('cost-it', 0.01);
      const launch = await waitFor('the launch budget', () => cost.lastSnapshot?.report?.budget?.source === 'launch' && cost.lastSnapshot.report.budget, 10000);
      assert.deepEqual([launch.limitUsd, launch.exceeded], [0.01, true]);
      assert.ok(Math.abs(launch.usedUsd - 24 * gpt4o(1000, 100)) < 1e-12);
    } finally {
      cost.setSessionBudget('cost-it', undefined);
      await config.update('budget.sessionUsd', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a breakdown row\'s steps come from the engine: the graph opens on the session and marks them after its snapshot', async () => {
    const { cost } = await activeApi();
    const row = cost.lastSnapshot!.report!.breakdowns.tool[0];
    assert.ok(row.stepCount > 0 && !('stepIds' in row), 'the row crosses with a count, not its ids');
    const panel = await cost.showCostSteps('cost-it', { breakdown: 'tool', key: row.key }, 'Tool search');
    assert.ok(panel, 'the engine answered the row\'s steps');
    assert.equal(panel.currentSessionId, 'cost-it');
    await waitFor('snapshot then highlight', () => (panel.sent.snapshot ?? 0) >= 1 && (panel.sent.highlightSteps ?? 0) >= 1, webviewBootMs);
    panel.panel.dispose();
  });

  it('a recorded OpenLIT session: raw Anthropic input tokens and a span cost of 0 priced right, one row per model', async () => {
    const { receiver, cost } = await activeApi();
    const body = readFileSync(path.resolve(__dirname, '../../../test/fixtures/openlit-anthropic.otlp.json'));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${receiver.httpEndpoint!}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 200);
    const id = 'fixture-openlit-anthropic';
    await cost.showSession(id);
    const report = await waitFor('the OpenLIT session in the view', () => cost.lastSnapshot?.report?.session.id === id && cost.lastSnapshot.report.totals.llmCalls === 3 && cost.lastSnapshot.report, 10000);
    // claude-sonnet-4-5 ($/M): input 3, cache read 0.30, cache write 3.75, output 15; Anthropic's input_tokens exclude the cache:
    //   (170*3 + 2000*0.3 + 2300*3.75 + 45*15) + (260*3 + 4300*0.3 + 30*15) = 10410 + 2520 (millionths of $)
    assert.ok(Math.abs(report.totals.costUsd - 12930e-6) < 1e-12, `${report.totals.costUsd}`);
    assert.deepEqual([report.totals.inputTokens, report.totals.cacheReadTokens, report.totals.cacheWriteTokens, report.totals.outputTokens, report.totals.errors], [9030, 6300, 2300, 75, 1]);
    assert.deepEqual(report.breakdowns.model.map((r) => [r.key, r.calls, r.inputTokens]), [['claude-sonnet-4-5-20250929', 3, 9030]]);
    await cost.showSession(undefined);
  });

  it('a run with 60 loops: the engine sends the 50 with the most $ and how many more there are', async () => {
    const { receiver, cost } = await activeApi();
    const spans = Array.from({ length: 180 }, (_, i) => ({ name: `execute_tool tool_${i % 60}`, tool: `tool_${i % 60}`, attributes: { 'gen_ai.tool.call.arguments': '{"q":1}' } }));
    assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'cost-loops', spans, 90), 200);
    await cost.showSession('cost-loops');
    const report = await waitFor('the loops in the view', () => cost.lastSnapshot?.report?.session.id === 'cost-loops' && cost.lastSnapshot.report.totals.toolCalls === 180 && cost.lastSnapshot.report, 10000);
    assert.deepEqual([report.findings.length, report.moreFindings], [50, 10]);
    assert.ok(report.findings.every((f) => f.kind === 'repeated-tool-call' && f.stepCount === 3));
    await cost.showSession(undefined);
  });
});
