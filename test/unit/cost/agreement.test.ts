// `agent-debugger steps FILE` text and --json, the Cost view's report DTO and the HTML report agree on
// every number, for every recorded fixture. Each is produced by its own path: the CLI imports the file
// through a real store; the Cost view's report and the HTML report are built from the file's spans.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runSteps } from '../cliCapture';
import { buildSession, spanInputsFromRequests } from '../../../src/core/agent';
import { costReport } from '../../../src/core/cost';
import { htmlOf } from '../../../src/core/export/sessionExport';
import { formatUsd, formatUsdPrecise } from '../../../src/core/format';
import { parseOtlpText } from '../../../src/core/sessionFiles';

const root = path.resolve(__dirname, '../../../..');
const fixtures = readdirSync(path.join(root, 'test/fixtures')).filter((f) => f.endsWith('.otlp.json')).sort();

async function cli(argv: string[]): Promise<string> {
  const run = await runSteps(argv);
  assert.equal(run.code, 0);
  return run.out;
}

const int = (text: string) => Number(text.replace(/,/g, ''));
const emptyAssets = { graph: { js: '', css: '', codiconCss: '' }, shimJs: '' };

describe('cost: the steps CLI (text and --json), the Cost view and the HTML report agree on every fixture', function () {
  this.timeout(60_000);
  for (const file of fixtures) {
    it(file, async () => {
      const full = path.join(root, 'test/fixtures', file);
      const json = JSON.parse(await cli([full, '--json'])) as { totals: Record<string, number>; steps: { kind: string; aggregate?: boolean; costUsd?: number; inputTokens?: number }[] };
      const text = await cli([full]);

      const { traces, logs } = parseOtlpText(readFileSync(full, 'utf8'));
      const inputs = spanInputsFromRequests(traces, logs);
      const session = buildSession(inputs);
      const view = costReport({ session: { id: 's', name: file, live: false }, steps: session.steps });
      const html = htmlOf(session, { id: 's', name: file }, inputs, emptyAssets as Parameters<typeof htmlOf>[3]);

      const t = view.totals;
      // --json
      for (const k of ['steps', 'llmCalls', 'toolCalls', 'errors', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens'] as const) {
        assert.equal(json.totals[k], t[k], `--json ${k}`);
      }
      assert.ok(Math.abs(json.totals.costUsd - t.costUsd) < 1e-12, '--json $');
      const stepSum = json.steps.filter((s) => !s.aggregate).reduce((a, s) => a + (s.costUsd ?? 0), 0);
      assert.ok(Math.abs(stepSum - t.costUsd) < 1e-12, 'the steps add up to the total');

      // text: the totals line
      const line = /totals: ([\d,]+) steps?, ([\d,]+) LLM calls?, ([\d,]+) tool calls?, ([\d,]+) errors?; tokens ([\d,]+) in(?: \(([^)]*)\))? \/ ([\d,]+) out(?: \(([\d,]+) reasoning\))?; (\$[\d.]+|\$0)/.exec(text);
      assert.ok(line, `a totals line in:\n${text}`);
      assert.deepEqual([int(line[1]), int(line[2]), int(line[3]), int(line[4]), int(line[5]), int(line[7]), int(line[8] ?? '0')], [t.steps, t.llmCalls, t.toolCalls, t.errors, t.inputTokens, t.outputTokens, t.reasoningTokens], 'text counts');
      const cache = line[6] ?? '';
      assert.equal(int(/([\d,]+) cache read/.exec(cache)?.[1] ?? '0'), t.cacheReadTokens, 'text cache read');
      assert.equal(int(/([\d,]+) cache write/.exec(cache)?.[1] ?? '0'), t.cacheWriteTokens, 'text cache write');
      assert.equal(line[9], formatUsdPrecise(t.costUsd), 'text $');

      // The Cost view: by-model rows sum to the totals, one row per model actually called.
      const models = view.breakdowns.model;
      assert.ok(Math.abs(models.reduce((a, r) => a + r.costUsd, 0) - t.costUsd) < 1e-12, 'by-model $ = total');
      assert.equal(models.reduce((a, r) => a + r.inputTokens, 0), t.inputTokens, 'by-model input = total');
      const called = json.steps.filter((s) => (s.kind === 'llm' || s.kind === 'embedding') && !s.aggregate).length;
      assert.equal(models.reduce((a, r) => a + r.calls, 0), called, 'by-model calls = model calls');

      // The HTML report: its summary and its by-model table.
      const summary = /<summary>Cost ([^<]*?) · ([\d,]+) in \/ ([\d,]+) out tokens<\/summary>/.exec(html);
      assert.ok(summary, 'the report has a cost summary');
      assert.deepEqual([int(summary[2]), int(summary[3])], [t.inputTokens, t.outputTokens], 'report tokens');
      if (t.unpricedCalls === 0) assert.equal(summary[1], formatUsd(t.costUsd), 'report $');
      const rows = [...html.matchAll(/<tr><td>([^<]*)<\/td><td>([\d,]+)<\/td><td>([\d,]+)<\/td><td>([\d,]+)<\/td><td>[^<]*<\/td><\/tr>/g)].map((m) => [m[1], int(m[2]), int(m[3]), int(m[4])]);
      assert.deepEqual(rows, models.map((r) => [r.key, r.calls, r.inputTokens, r.outputTokens]), 'report by-model rows = Cost view rows');
      const counts = /<p>([\d,]+) steps? · ([\d,]+) LLM calls? · ([\d,]+) tool calls? · ([\d,]+) errors?/.exec(html);
      assert.ok(counts, 'the report has the counts');
      assert.deepEqual([int(counts[1]), int(counts[2]), int(counts[3]), int(counts[4])], [t.steps, t.llmCalls, t.toolCalls, t.errors], 'report counts');
    });
  }
});
