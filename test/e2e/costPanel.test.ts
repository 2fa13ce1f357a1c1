// The judged flow of the Cost view in the real VS Code UI: a recorded agent session (GenAI semconv,
// four claude-sonnet-4-5 calls and a search_flights loop) is sent to the extension's receiver; the view's
// totals and breakdowns must match, to the cent, figures computed here by hand from the span token counts
// and the per-million prices in @pydantic/genai-prices' data (not through the extension's pricing code);
// a budget below the session's cost shows as exceeded; clicking a breakdown row selects its steps in the
// trace graph.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { findProvider } from '@pydantic/genai-prices';
import type { Frame } from 'playwright-core';
import { root } from '../harness/codeServer';
import { artifactsDir, findWebviewFrame, openWorkbench, type Workbench } from './workbench';

const fixture = join(root, 'test/fixtures/genai-semconv.otlp.json');

/**
 * The recording's invoke_agent span as an agent SDK sends it: naming the model it runs
 * (gen_ai.request.model is recommended on invoke_agent spans), which must not make it a model call.
 */
function withAgentModel(text: string): string {
  type Span = { name: string; attributes: { key: string; value: { stringValue?: string } }[] };
  const doc = JSON.parse(text) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] };
  for (const s of doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((x) => x.spans))) {
    if (s.name.startsWith('invoke_agent')) s.attributes.push({ key: 'gen_ai.request.model', value: { stringValue: 'claude-sonnet-4-5-20250929' } });
  }
  return JSON.stringify(doc);
}

/** The recording holds spans and the GenAI log records joined to them: both signals are posted. */
function postFile(endpoint: string, file: string, signal: 'traces' | 'logs'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(signal === 'traces' ? withAgentModel(readFileSync(file, 'utf8')) : readFileSync(file));
  });
}

interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

/** The LLM spans' token counts, in time order, read straight from the OTLP JSON. */
function usageOfFixture(): Usage[] {
  type Attr = { key: string; value: { intValue?: string | number; stringValue?: string } };
  type JsonSpan = { startTimeUnixNano: string; attributes: Attr[] };
  const doc = JSON.parse(readFileSync(fixture, 'utf8')) as { resourceSpans: { scopeSpans: { spans: JsonSpan[] }[] }[] };
  const spans = doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  const n = (s: JsonSpan, key: string) => Number(s.attributes.find((a) => a.key === key)?.value.intValue ?? 0);
  return spans
    .filter((s) => s.attributes.some((a) => a.key === 'gen_ai.usage.input_tokens'))
    .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1))
    .map((s) => ({
      input: n(s, 'gen_ai.usage.input_tokens'), output: n(s, 'gen_ai.usage.output_tokens'), cacheRead: n(s, 'gen_ai.usage.cache_read.input_tokens'),
      cacheWrite: n(s, 'gen_ai.usage.cache_creation.input_tokens'), reasoning: n(s, 'gen_ai.usage.reasoning.output_tokens'),
    }));
}

/** $ per million tokens of claude-sonnet-4-5 from the price data (base tier: these prompts are far below 200k). */
function sonnetPrices(): { input: number; output: number; cacheRead: number; cacheWrite: number } {
  const model = findProvider({ providerId: 'anthropic' })?.models.find((m) => m.id === 'claude-sonnet-4-5');
  assert.ok(model, 'claude-sonnet-4-5 is in the price data');
  const p = model.prices as Record<string, number | { base: number }>;
  const base = (k: string) => {
    const v = p[k];
    return typeof v === 'number' ? v : v.base;
  };
  return { input: base('input_mtok'), output: base('output_mtok'), cacheRead: base('cache_read_mtok'), cacheWrite: base('cache_write_mtok') };
}

/** Uncached input at the input price, cache reads and writes at theirs, output at the output price. */
function dollars(u: Usage, price: ReturnType<typeof sonnetPrices>): number {
  return ((u.input - u.cacheRead - u.cacheWrite) * price.input + u.cacheRead * price.cacheRead + u.cacheWrite * price.cacheWrite + u.output * price.output) / 1e6;
}

/** The view shows $ with 4 decimals below $1: the same rounding of the hand-computed figure. */
const shown = (usd: number) => `$${usd.toFixed(4)}`;
const toTheCent = (text: string, usd: number) => {
  const value = Number(text.replace(/[^0-9.]/g, ''));
  assert.ok(Math.abs(value - usd) < 0.005, `${text} is not ${usd} to the cent`);
  assert.equal(text.replace(/\+$/, ''), shown(usd));
};

describe('e2e: Cost view in the real VS Code UI', function () {
  this.timeout(180000);
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench({ name: 'cost', settings: { 'agentDebugger.budget.sessionUsd': 0.005, 'workbench.colorTheme': 'Default Dark Modern' } });
  });
  after(async () => wb?.close());

  it('totals and breakdowns match the hand-computed cost; the exceeded budget shows; a row selects its steps in the graph', async () => {
    const { page } = wb;
    const usage = usageOfFixture();
    const price = sonnetPrices();
    const calls = usage.map((u) => dollars(u, price));
    const total = calls.reduce((a, b) => a + b, 0);
    // Every LLM call after the first reads a search_flights result (the tool was called after each of the first three).
    const toolTotal = calls.slice(1).reduce((a, b) => a + b, 0);
    const tokens = (u: Usage) => u.input + u.output;
    assert.equal(usage.length, 4);

    await page.locator('.activitybar .action-item a[aria-label^="Agent Debugger"]').first().click();
    const cost: Frame = await findWebviewFrame(page, '#endpoint');
    await cost.locator('#endpoint', { hasText: /http:\/\/127\.0\.0\.1:\d+/ }).waitFor({ timeout: 30000 });
    assert.match(await cost.locator('#how-f5').innerText(), /F5/);
    const endpoint = (await cost.locator('#endpoint').innerText()).trim();
    assert.equal(await postFile(endpoint, fixture, 'logs'), 200);
    assert.equal(await postFile(endpoint, fixture, 'traces'), 200);

    await cost.locator('#total-cost').waitFor({ timeout: 30000 });
    await cost.locator('#total-llm', { hasText: '4' }).waitFor({ timeout: 30000 });
    toTheCent(await cost.locator('#total-cost').innerText(), total);
    const sum = (f: (u: Usage) => number) => usage.reduce((a, u) => a + f(u), 0).toLocaleString('en-US');
    assert.equal(await cost.locator('#total-input').innerText(), sum((u) => u.input));
    assert.equal(await cost.locator('#total-output').innerText(), sum((u) => u.output));
    assert.equal(await cost.locator('#total-cached').innerText(), sum((u) => u.cacheRead + u.cacheWrite));
    assert.equal(await cost.locator('#total-reasoning').innerText(), sum((u) => u.reasoning));
    assert.equal(await cost.locator('#total-tools').innerText(), '3');
    assert.equal(await cost.locator('#total-errors').innerText(), '1');

    const row = (table: string, name: string) => cost.locator(`#${table}-table tbody tr`, { hasText: name }).first();
    const cells = async (table: string, name: string) => row(table, name).locator('td').allInnerTexts();
    // One row per real model: the agent span naming a model is not a model call.
    assert.deepEqual(await cost.locator('#by-model-table tbody tr td:first-child').allInnerTexts(), ['claude-sonnet-4-5']);
    const [model, modelCalls, , modelCost] = await cells('by-model', 'claude-sonnet-4-5');
    assert.deepEqual([model, modelCalls], ['claude-sonnet-4-5', '4']);
    toTheCent(modelCost, total);
    const [, agentSteps, , agentCost] = await cells('by-agent', 'travel_planner');
    assert.equal(agentSteps, '8');
    toTheCent(agentCost, total);
    const [, llmSteps, llmTokens, llmCost] = await cells('by-kind', 'llm');
    assert.deepEqual([llmSteps, llmTokens], ['4', sum(tokens)]);
    toTheCent(llmCost, total);
    const [, toolCalls, toolTokens, toolCost] = await cells('by-tool', 'search_flights');
    assert.deepEqual([toolCalls, toolTokens], ['3', usage.slice(1).reduce((a, u) => a + tokens(u), 0).toLocaleString('en-US')]);
    toTheCent(toolCost, toolTotal);
    const top = await cost.locator('#top-table tbody tr td:last-child').allInnerTexts();
    assert.deepEqual(top, [...calls].sort((a, b) => b - a).map(shown));

    // The budget (0.005 in the settings) is exceeded.
    await cost.locator('#budget[data-state="exceeded"]').waitFor({ timeout: 10000 });
    assert.match(await cost.locator('#budget-text').innerText(), new RegExp(`Over budget: \\${shown(total)} of \\$0\\.0050`));
    assert.match(await cost.locator('#findings').innerText(), /search_flights was called 3 times with the same arguments/);
    await page.screenshot({ path: join(artifactsDir, 'vscode-cost-panel.png') });

    // Clicking the tool row opens the graph on the session with its six steps marked, the first selected.
    await row('by-tool', 'search_flights').click();
    const graph: Frame = await findWebviewFrame(page, '#highlight-chip:not([hidden])', 30000);
    assert.match(await graph.locator('#highlight-chip').innerText(), /Tool search_flights · 3 calls \+ 3 LLM calls reading its results · 6 steps/);
    await graph.locator('.node.highlighted').first().waitFor({ timeout: 10000 });
    const selected = await graph.locator('.node.selected').getAttribute('data-key');
    assert.ok(selected, 'a step is selected');
    assert.equal(await graph.locator(`.node.highlighted[data-key="${selected}"]`).count(), 1, 'the selected step is one of the marked steps');
    await graph.locator('#inspector[data-step-id]').waitFor({ timeout: 10000 });
    assert.match(await graph.locator('#inspector').innerText(), /search_flights/);
    await page.screenshot({ path: join(artifactsDir, 'vscode-cost-to-graph.png') });

    // Esc clears the marked set.
    await graph.locator('.node.selected').click();
    await page.keyboard.press('Escape');
    await graph.locator('#highlight-chip[hidden]').waitFor({ state: 'attached', timeout: 10000 });
  });
});
