// `agent-debugger steps FILE [--json]` through the real store (importSessionFile into a SpanStore).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runSteps } from '../cliCapture';
import { syntheticSession } from './synthetic';

const root = path.resolve(__dirname, '../../../..');

const capture = runSteps;

describe('CLI: agent-debugger steps', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'agent-steps-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a recorded session as steps with totals', async () => {
    const { code, out } = await capture([path.join(root, 'test/fixtures/genai-semconv.otlp.json')]);
    assert.equal(code, 0);
    assert.match(out, /^session genai-semconv/);
    assert.match(out, /llm\s+chat claude-sonnet-4-5\s+claude-sonnet-4-5\s+1,200 in \(800 cache read, 200 cache write\) \/ 80 out\s+\$0\.00279/);
    assert.match(out, /ERROR flight search timed out after 30s/);
    assert.match(out, /totals: 8 steps, 4 LLM calls, 3 tool calls, 1 error; tokens 5,700 in \(4,200 cache read, 200 cache write\) \/ 300 out \(50 reasoning\); \$0\.0104;/);
    assert.match(out, /finding \(repeated-tool-call\): search_flights was called 3 times/);
  });

  it('reads well on a recorded framework: totals in words, cache classes, price sources, aggregates explained', async () => {
    const { out } = await capture([path.join(root, 'test/fixtures/anthropic-traceloop.otlp.json')]);
    // The Traceloop span over the SDK's own span: its $ in parentheses, explained once.
    assert.match(out, /2 +llm +chat claude-sonnet-4-5-20250929 +claude-sonnet-4-5-20250929 +4,470 in \(2,000 cache read, 2,300 cache write\) \/ 45 out +\(\$0\.0104\)/);
    assert.match(out, /\(\$\) sums up the calls below it: not added again to the totals/);
    assert.match(out, /6 +llm +anthropic\.messages\.create \(retried 1×\) /, 'the call re-sent after a 529 says so');
    assert.match(out, /ERROR 400 invalid_request_error: prompt is too long/);
    assert.match(out, /totals: 8 steps, 3 LLM calls, 1 tool call, 1 error; tokens 9,030 in \(6,300 cache read, 2,300 cache write\) \/ 75 out; \$0\.0129;/);
    assert.doesNotMatch(out, /\b1 (errors|calls|steps)\b/);
  });

  it('--json prints { steps: AgentStep[], totals } with the architecture field names', async () => {
    const { out } = await capture([path.join(root, 'test/fixtures/vercel-ai-agent.otlp.json'), '--json']);
    const parsed = JSON.parse(out) as { steps: Record<string, unknown>[]; totals: Record<string, number> };
    assert.deepEqual(parsed.steps.map((s) => s.kind), ['agent', 'llm', 'tool', 'tool', 'llm', 'agent', 'llm']);
    const llm = parsed.steps[1];
    assert.deepEqual([llm.model, llm.inputTokens, llm.outputTokens, llm.costUsd], ['gpt-4o-mini-2024-07-18', 120, 30, 0.000036]);
    assert.deepEqual([parsed.steps[2].toolName, parsed.steps[2].toolCallId], ['getWeather', 'call_paris']);
    assert.equal(parsed.steps[1].attributes, undefined, 'raw attributes only with --attributes');
    assert.deepEqual([parsed.totals.inputTokens, parsed.totals.outputTokens], [390, 83]);
  });

  it('applies --prices overrides ($ per million tokens, glob patterns)', async () => {
    const prices = path.join(dir, 'prices.json');
    writeFileSync(prices, JSON.stringify({ 'gpt-4o-mini*': { input: 1, output: 1 } }));
    const { out } = await capture([path.join(root, 'test/fixtures/vercel-ai-agent.otlp.json'), '--json', '--prices', prices]);
    const parsed = JSON.parse(out) as { totals: { costUsd: number } };
    assert.ok(Math.abs(parsed.totals.costUsd - (390 + 83) / 1e6) < 1e-12);
  });

  it('handles a 100k-span OTLP JSON file in seconds', async () => {
    const file = path.join(dir, 'big.otlp.json');
    const spans = syntheticSession(100_000).map((i) => i.span);
    writeFileSync(file, JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'big' } }] }, scopeSpans: [{ scope: { name: 'synthetic' }, spans }] }] }));
    const start = performance.now();
    const { code, out } = await capture([file, '--json']);
    const seconds = (performance.now() - start) / 1000;
    console.log(`      steps --json on 100k spans: ${seconds.toFixed(1)} s (${Math.round(100_000 / seconds).toLocaleString('en-US')} spans/s, import through the store included)`);
    assert.equal(code, 0);
    assert.equal((JSON.parse(out) as { steps: unknown[] }).steps.length, 100_000);
    assert.ok(seconds < 120, `took ${seconds.toFixed(1)} s`);
  });
});
