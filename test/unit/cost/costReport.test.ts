import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { normaliseSession, spanInputsFromRequests, type AgentStep } from '../../../src/core/agent';
import { budgetOf, byAgent, byKind, byModel, byTool, compareRuns, costFindings, costReport, costReportWork, cumulativeSeries, runawayGrowth, topSteps } from '../../../src/core/cost';
import { totalsOf } from '../../../src/core/agent/rollups';
import { findLoops, loopPlaces } from '../../../src/core/agent/loops';
import { parseOtlpText } from '../../../src/core/sessionFiles';
import { spanInput } from '../agent/synthetic';
import { seededInts } from '../seeded';

const root = path.resolve(__dirname, '../../../..');
const T = 1_767_225_600_000;
const close = (actual: number | undefined, expected: number, what = '') => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${what} ${actual} != ${expected}`);

function fixture(name: string): AgentStep[] {
  const { traces, logs } = parseOtlpText(readFileSync(path.join(root, 'test/fixtures', `${name}.otlp.json`), 'utf8'));
  return normaliseSession(spanInputsFromRequests(traces, logs));
}

const chat = (i: number, model: string, input: number, output = 10, extra: Record<string, unknown> = {}) =>
  spanInput({ startMs: T + i * 10, endMs: T + i * 10 + 5, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output, ...extra } });

// claude-sonnet-4-5 in @pydantic/genai-prices: input 3, cache write 3.75, cache read 0.30, output 15 ($/M).
// genai-semconv calls (in incl. cache / out / cacheRead / cacheWrite):
//   #2 1200/80/800/200: 200*3 + 800*0.3 + 200*3.75 + 80*15 = 2790
//   #4 1350/60/1000/0:  350*3 + 1000*0.3 + 60*15          = 2250
//   #6 1500/40/1000/0:  500*3 + 1000*0.3 + 40*15          = 2400
//   #8 1650/120/1400/0: 250*3 + 1400*0.3 + 120*15         = 2970   (all / 1e6 $)
describe('cost: breakdowns, top steps, series, findings (recorded GenAI semconv session)', () => {
  const steps = fixture('genai-semconv');

  it('by model and by kind sum to the session total; aggregates are never counted twice', () => {
    const models = byModel(steps);
    assert.deepEqual(models.map((r) => [r.key, r.calls, r.inputTokens, r.outputTokens]), [['claude-sonnet-4-5', 4, 5700, 300]]);
    close(models[0].costUsd, 0.01041);
    assert.equal(models[0].stepIds.length, 4);
    const kinds = byKind(steps);
    assert.deepEqual(kinds.map((r) => [r.key, r.calls]), [['llm', 4], ['tool', 3], ['agent', 1]]);
    close(kinds[0].costUsd, 0.01041);
    assert.equal(kinds[1].errors, 1);
    const agents = byAgent(steps);
    assert.deepEqual(agents.map((r) => [r.key, r.calls]), [['travel_planner', 8]]);
    close(agents[0].costUsd, 0.01041);
  });

  it('an agent span naming its model is not a model call: one row per real model (issue #16 item 10)', () => {
    const agent = spanInput({ name: 'invoke_agent planner', spanId: 'ag', startMs: T, endMs: T + 100, attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'gen_ai.request.model': 'gpt-4o-mini' } });
    const call = spanInput({ spanId: 'c1', parentSpanId: 'ag', startMs: T + 1, endMs: T + 9, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10 } });
    const session = normaliseSession([agent, call]);
    const rows = byModel(session);
    assert.deepEqual(rows.map((r) => [r.key, r.calls, r.inputTokens, r.outputTokens]), [['gpt-4o-mini', 1, 100, 10]]);
    assert.deepEqual(rows[0].stepIds, [session.find((s) => s.kind === 'llm')?.id]);
    // An agent span that is the only record of its call's usage still counts (its $ would be lost otherwise).
    const lone = normaliseSession([spanInput({ startMs: T, endMs: T + 5, attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'solo', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 50, 'gen_ai.usage.output_tokens': 5 } })]);
    assert.deepEqual(byModel(lone).map((r) => [r.key, r.calls]), [['gpt-4o-mini', 1]]);
  });

  it('a tool costs its own $ plus the LLM calls that consumed its results', () => {
    const [tool] = byTool(steps);
    assert.equal(tool.key, 'search_flights');
    assert.deepEqual([tool.calls, tool.consumerCalls, tool.errors], [3, 3, 1]);
    close(tool.ownCostUsd, 0);
    close(tool.consumerCostUsd, (2250 + 2400 + 2970) / 1e6);
    close(tool.costUsd, (2250 + 2400 + 2970) / 1e6);
    // tools #3 #5 #7 and their consumers #4 #6 #8, in time order
    assert.deepEqual(tool.stepIds, [2, 3, 4, 5, 6, 7].map((i) => steps[i].id));
  });

  it('top steps: the most expensive first, at most 10', () => {
    const top = topSteps(steps, steps[0].startMs);
    assert.deepEqual(top.map((t) => Math.round((t.costUsd ?? 0) * 1e6)), [2970, 2790, 2400, 2250]);
    assert.equal(top[0].id, steps[7].id);
  });

  it('top steps are what a stable sort of every used step gives, ties and all (500 random sessions)', () => {
    for (let run = 0; run < 500; run++) {
      const r = seededInts(run + 1);
      const many = Array.from({ length: r(60) }, (_, i) => ({ ...steps[0]!, id: `s${i}`, startMs: r(5), aggregate: r(9) === 0, costUsd: r(4) ? r(4) / 1000 : undefined, inputTokens: r(3) ? r(3) * 10 : undefined, outputTokens: r(2) }) as AgentStep);
      const limit = 1 + r(12);
      const tokens = (s: AgentStep) => (s.inputTokens ?? 0) + (s.outputTokens ?? 0);
      const want = many.filter((s) => !s.aggregate && ((s.costUsd ?? 0) > 0 || tokens(s) > 0))
        .sort((a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0) || tokens(b) - tokens(a) || a.startMs - b.startMs).slice(0, limit);
      assert.deepEqual(topSteps(many, 0, limit).map((t) => t.id), want.map((s) => s.id), `run ${run}`);
    }
  });

  it('cumulative series ends at the total, LLM calls marked, times from the session start', () => {
    const series = cumulativeSeries(steps, steps[0].startMs);
    assert.equal(series.length, 4);
    assert.ok(series.every((p) => p.llm));
    close(series[series.length - 1].costUsd, 0.01041);
    assert.equal(series[series.length - 1].tokens, 6000);
    assert.ok(series.every((p, i) => i === 0 || p.t >= series[i - 1].t));
  });

  it('the search loop is a finding priced by its repeats', () => {
    const findings = costFindings(steps);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].kind, 'repeated-tool-call');
    assert.deepEqual(findings[0].stepIds, [steps[2].id, steps[4].id, steps[6].id]);
    close(findings[0].costUsd, 0); // the tool calls themselves cost nothing
  });

  it('the report puts it together, with the budget', () => {
    const r = costReport({ session: { id: 's', name: 'run', live: false }, steps, budget: { settingUsd: 0.005 } });
    close(r.totals.costUsd, 0.01041);
    assert.equal(r.session.startEpochMs, steps[0].startMs);
    assert.deepEqual(r.budget, { limitUsd: 0.005, source: 'setting', usedUsd: r.totals.costUsd, exceeded: true });
    assert.deepEqual(Object.keys(r.breakdowns), ['model', 'agent', 'tool', 'kind']);
    JSON.parse(JSON.stringify(r)); // JSON-safe
  });
});

describe('cost: edge cases', () => {
  it('parallel calls of one tool consumed by one LLM call count that call once (Vercel fixture)', () => {
    const steps = fixture('vercel-ai-agent');
    const [tool] = byTool(steps);
    assert.deepEqual([tool.key, tool.calls, tool.consumerCalls], ['getWeather', 2, 1]);
    close(tool.consumerCostUsd, 0.000051);
    // The aggregate ai.generateText root is not an LLM call of its own in the model view.
    assert.equal(byModel(steps).reduce((n, r) => n + r.calls, 0), 3);
  });

  it('a tool run inside a call of the same tool counts once in its row: its own $ and what ran under it', () => {
    const tool = (spanId: string, parentSpanId: string, i: number) => spanInput({ name: 'execute_tool search', spanId, parentSpanId, startMs: T + i, endMs: T + 100 - i, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } });
    const under = (spanId: string, parentSpanId: string, i: number, input: number) => spanInput({ spanId, parentSpanId, startMs: T + i, endMs: T + i + 5, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': 10 } });
    const steps = normaliseSession([tool('outer', '', 0), under('c1', 'outer', 2, 1000), tool('inner', 'outer', 10), under('c2', 'inner', 20, 3000)]);
    // A tool that reports usage of its own (an agent called as a tool, say).
    const inner = steps.find((s) => s.id === 'inner')!;
    Object.assign(inner, { costUsd: 0.5, inputTokens: 7, outputTokens: 3 });
    const calls = steps.filter((s) => s.kind === 'llm');
    const [row] = byTool(steps);
    assert.deepEqual([row.key, row.calls, row.stepIds], ['search', 2, ['outer', 'c1', 'inner', 'c2']]);
    close(row.ownCostUsd, 0.5 + calls[0].costUsd! + calls[1].costUsd!, 'own $');
    assert.equal(row.inputTokens, 1000 + 7 + 3000);
    assert.equal(row.outputTokens, 10 + 3 + 10);
  });

  it('a deep run (20k nested tool and LLM steps) is priced in linear time: its tool row owns every call below it', () => {
    const inputs = Array.from({ length: 20_000 }, (_, i) => {
      const parentSpanId = i > 0 ? i.toString(16).padStart(16, '0') : '';
      const spanId = (i + 1).toString(16).padStart(16, '0');
      return i % 2
        ? spanInput({ spanId, parentSpanId, startMs: T + i, endMs: T + 40_000 - i, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10 } })
        : spanInput({ name: 'execute_tool search', spanId, parentSpanId, startMs: T + i, endMs: T + 40_000 - i, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.arguments': '{"q":"same"}' } });
    });
    const steps = normaliseSession(inputs);
    const started = performance.now();
    const report = costReport({ session: { id: 's', name: 's', live: false }, steps });
    const ms = performance.now() - started;
    const [tool] = report.breakdowns.tool;
    assert.deepEqual([tool.key, tool.calls, tool.stepIds.length], ['search', 10_000, 20_000]);
    close(tool.ownCostUsd, report.totals.costUsd, 'own $');
    // The loop of 10k identical searches: each repeat's $ is what ran under it.
    const loop = report.findings.find((f) => f.kind === 'repeated-tool-call');
    assert.ok(loop && loop.stepIds.length === 10_000 && loop.costUsd > report.totals.costUsd);
    // ~75 ms; a walk of each tool's whole subtree took ~1.5 s for the row and ~4 s for the loop's price.
    assert.ok(ms < 700, `${ms.toFixed(0)} ms`);
  });

  it('unpriced models are flagged on their rows and never show as $0 spent', () => {
    const steps = normaliseSession([chat(0, 'gpt-4o', 1000, 100), chat(1, 'my-local-llama', 5000, 100)]);
    const rows = byModel(steps);
    assert.deepEqual(rows.map((r) => [r.key, r.priceMissing]), [['gpt-4o', false], ['my-local-llama', true]]);
    const top = topSteps(steps, T);
    assert.deepEqual(top.map((t) => [t.model, t.priceMissing, t.costUsd]), [['gpt-4o', false, (1000 * 2.5 + 100 * 10) / 1e6], ['my-local-llama', true, undefined]]);
  });

  it('runaway token growth: >= 4 growing calls, x3 and >= 2000 tokens; steady or small growth is not flagged', () => {
    const growing = normaliseSession([1000, 1800, 2600, 3500, 900].map((n, i) => chat(i, 'gpt-4o', n)));
    const found = runawayGrowth(growing);
    assert.equal(found.length, 1);
    assert.equal(found[0].stepIds.length, 4);
    assert.match(found[0].message, /grew from 1,000 to 3,500 over 4 consecutive LLM calls \(×3\.5\)/);
    close(found[0].costUsd, ((1000 + 1800 + 2600 + 3500) * 2.5 + 4 * 10 * 10) / 1e6);
    assert.deepEqual(runawayGrowth(normaliseSession([100, 200, 300, 400].map((n, i) => chat(i, 'gpt-4o', n)))), []);
    assert.deepEqual(runawayGrowth(normaliseSession([3000, 3100, 3200, 3300].map((n, i) => chat(i, 'gpt-4o', n)))), []);
  });

  it('identical LLM inputs repeated: the repeats are the waste', () => {
    const msgs = { 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"same"}]}]' };
    const steps = normaliseSession([chat(0, 'gpt-4o', 1000, 0, msgs), chat(1, 'gpt-4o', 1000, 0, msgs), chat(2, 'gpt-4o', 1000, 0, msgs)]);
    const [f] = costFindings(steps);
    assert.equal(f.kind, 'repeated-llm-input');
    assert.equal(f.stepIds.length, 3);
    close(f.costUsd, 2 * 1000 * 2.5 / 1e6);
  });

  it('a loop is priced by its steps\' places when it was found in these steps, by their ids otherwise: the same $', () => {
    const msgs = (k: number) => ({ 'gen_ai.input.messages': `[{"role":"user","parts":[{"type":"text","content":"ask ${k}"}]}]` });
    const steps = normaliseSession(Array.from({ length: 40 }, (_, i) => chat(i, 'gpt-4o', 1000 + i, 10, msgs(i % 7))));
    const loops = findLoops(steps);
    assert.equal(loops.length, 7);
    // Found in these steps: each finding knows where its steps are.
    for (const f of loops) assert.deepEqual(loopPlaces(f, steps)?.map((i) => steps[i]!.id), f.stepIds);
    // Found in the steps reversed: its places are not these steps', so the ids decide.
    const elsewhere = findLoops([...steps].reverse());
    assert.ok(elsewhere.every((f) => loopPlaces(f, steps) === undefined));
    const byPlace = costFindings(steps, {}, undefined, loops);
    const byId = costFindings(steps, {}, undefined, elsewhere.map((f) => ({ ...f, stepIds: [...f.stepIds].reverse() })));
    assert.deepEqual(byPlace.map((f) => [f.stepIds, f.costUsd]), byId.map((f) => [f.stepIds, f.costUsd]));
    // The repeats beyond the first: (1000 + i) * 2.5 + 10 * 10 millionths of $ each.
    const first = byPlace.find((f) => f.stepIds[0] === steps[0]!.id)!;
    close(first.costUsd, [7, 14, 21, 28, 35].reduce((sum, i) => sum + ((1000 + i) * 2.5 + 100) / 1e6, 0));
  });

  it('an empty session gives an empty report', () => {
    const r = costReport({ session: { id: 'e', name: 'e', live: true }, steps: [] });
    assert.equal(r.totals.costUsd, 0);
    assert.deepEqual([r.topSteps, r.series, r.findings, r.breakdowns.model], [[], [], [], []]);
    assert.equal(r.budget, undefined);
  });

  it('long series are thinned to maxPoints, keeping the first and last point', () => {
    const steps = normaliseSession(Array.from({ length: 1000 }, (_, i) => chat(i, 'gpt-4o', 100)));
    const s = cumulativeSeries(steps, T, 50);
    assert.equal(s.length, 50);
    assert.equal(s[s.length - 1].tokens, 1000 * 110);
    assert.equal(s[0].tokens, 110);
    // Evenly spaced, each point the sums up to its step (only the kept points are made).
    assert.deepEqual(s.map((p) => p.tokens), Array.from({ length: 50 }, (_, k) => (Math.round((k * 999) / 49) + 1) * 110));
  });

  it('budget: a launch budget wins over the setting; 0 or nonsense means none', () => {
    assert.deepEqual(budgetOf(2, 1, 5), { limitUsd: 1, source: 'launch', usedUsd: 2, exceeded: true });
    assert.deepEqual(budgetOf(2, undefined, 5), { limitUsd: 5, source: 'setting', usedUsd: 2, exceeded: false });
    assert.equal(budgetOf(2, 0, 0), undefined);
    assert.equal(budgetOf(2, Number.NaN, -1), undefined);
  });

  it('run comparison: newest first, $ delta against the previous run of the same service', () => {
    const totals = (usd: number) => ({ ...totalsOf([]), costUsd: usd });
    const rows = compareRuns([
      { id: 'c', name: 'c', serviceName: 'bot', startEpochMs: 3, totals: totals(0.5) },
      { id: 'x', name: 'x', serviceName: 'other', startEpochMs: 2, totals: totals(9) },
      { id: 'b', name: 'b', serviceName: 'bot', startEpochMs: 1, totals: totals(0.8) },
      { id: 'a', name: 'a', serviceName: 'bot', startEpochMs: 0 },
    ], 'b');
    assert.deepEqual(rows.map((r) => [r.id, r.current, r.deltaUsd === undefined ? undefined : Math.round(r.deltaUsd * 100) / 100, r.pending ?? false]), [
      ['c', false, -0.3, false], ['x', false, undefined, false], ['b', true, undefined, false], ['a', false, undefined, true],
    ]);
  });

  it('is made between turns in the engine worker (a pass each: ~0.5 s at 1M steps), the same report', () => {
    const steps = fixture('vercel-ai-agent');
    const input = { session: { id: 's', name: 's', live: false }, steps };
    const work = costReportWork(input);
    let yields = 0;
    let step = work.next();
    for (; !step.done; step = work.next()) yields++;
    assert.ok(yields >= 4, `${yields} yields`);
    assert.deepStrictEqual(step.value, costReport(input));
  });
});
