// Golden tests: each recorded fixture (test/fixtures/*.otlp.json, recorded from a real client by
// test/fixtures/recorders/*.ts) -> the agent model -> a text dump compared with test/golden/<name>.txt.
// UPDATE_GOLDENS=1 rewrites the dumps. Each fixture also has a hand-checked expectation below, with the
// prices used (from @pydantic/genai-prices' bundled data, $ per million tokens) written out.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSession, spanInputsFromRequests, type AgentSession } from '../../src/core/agent';
import { parseOtlpText } from '../../src/core/sessionFiles';
import { dumpSession } from './agentDump';

const root = path.resolve(__dirname, '../../..');

function load(name: string): AgentSession {
  const { traces, logs } = parseOtlpText(readFileSync(path.join(root, 'test/fixtures', `${name}.otlp.json`), 'utf8'));
  return buildSession(spanInputsFromRequests(traces, logs));
}

function checkGolden(name: string, session: AgentSession): void {
  const file = path.join(root, 'test/golden', `${name}.txt`);
  const actual = dumpSession(session);
  if (process.env.UPDATE_GOLDENS) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name}: dump differs from ${path.relative(root, file)} (UPDATE_GOLDENS=1 rewrites it)`);
}

const close = (actual: number | undefined, expected: number) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);
const dataflow = (s: AgentSession) => s.graph.edges.filter((e) => e.kind === 'dataflow').map((e) => `${s.steps.findIndex((x) => x.id === e.from) + 1}->${s.steps.findIndex((x) => x.id === e.to) + 1}`);

describe('agent model on recorded fixtures', () => {
  it('(a) Vercel AI SDK agent (ai/test mock model, telemetry on)', () => {
    const s = load('vercel-ai-agent');
    checkGolden('vercel-ai-agent', s);
    assert.deepEqual(s.steps.map((x) => x.kind), ['agent', 'llm', 'tool', 'tool', 'llm', 'agent', 'llm']);
    const llms = s.steps.filter((x) => x.kind === 'llm');
    assert.deepEqual(llms.map((x) => x.model), ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07-18']);
    assert.deepEqual(llms.map((x) => [x.inputTokens, x.outputTokens, x.cacheReadTokens]), [[120, 30, 0], [210, 45, 100], [60, 8, 0]]);
    assert.deepEqual(s.steps.filter((x) => x.kind === 'tool').map((x) => [x.toolName, x.toolCallId]), [['getWeather', 'call_paris'], ['getWeather', 'call_tokyo']]);
    assert.deepEqual(s.steps[2].toolResult, { city: 'Paris', tempC: 18, condition: 'cloudy' });
    // gpt-4o-mini: input 0.15, cache read 0.075, output 0.60
    //   call 1: 120*0.15 + 30*0.60                = 36     -> $0.000036
    //   call 2: 110*0.15 + 100*0.075 + 45*0.60    = 51     -> $0.000051
    //   stream: 60*0.15 + 8*0.60                  = 13.8   -> $0.0000138
    close(llms[0].costUsd, 36e-6);
    close(llms[1].costUsd, 51e-6);
    close(llms[2].costUsd, 13.8e-6);
    assert.equal(s.totals.inputTokens, 390);
    assert.equal(s.totals.outputTokens, 83);
    assert.equal(s.totals.cacheReadTokens, 100);
    close(s.totals.costUsd, 100.8e-6);
    // The ai.generateText / ai.streamText roots repeat their calls' usage: shown, not counted twice.
    assert.deepEqual([s.steps[0].aggregate, s.steps[0].inputTokens, s.steps[5].aggregate], [true, 330, true]);
    assert.deepEqual([s.steps[1].agentName, s.steps[6].agentName], ['weather-agent', 'advice']);
    assert.equal(s.steps[1].systemPrompt, 'You are a concise weather assistant. Use the getWeather tool for every city.');
    assert.deepEqual(dataflow(s), ['2->3', '3->5', '2->4', '4->5']);
    assert.deepEqual(s.findings, []);
  });

  it('(b) LangChain.js + OpenInference instrumentation (fake chat model, one tool)', () => {
    const s = load('langchain-openinference');
    checkGolden('langchain-openinference', s);
    assert.deepEqual(s.steps.map((x) => x.kind), ['chain', 'llm', 'tool', 'llm']);
    assert.deepEqual([s.steps[1].model, s.steps[3].model], ['claude-3-5-haiku-20241022', 'claude-3-5-haiku-20241022']);
    assert.deepEqual([s.totals.inputTokens, s.totals.outputTokens, s.totals.cacheReadTokens], [215, 32, 64]);
    // claude-3-5-haiku: input 0.80, cache read 0.08, output 4.00
    //   call 1: 85*0.80 + 20*4              = 148     -> $0.000148
    //   call 2: 66*0.80 + 64*0.08 + 12*4    = 105.92  -> $0.00010592
    close(s.steps[1].costUsd, 148e-6);
    close(s.steps[3].costUsd, 105.92e-6);
    close(s.totals.costUsd, 253.92e-6);
    assert.deepEqual([s.steps[2].toolName, s.steps[2].toolCallId], ['get_weather', 'call_wx_1']);
    assert.deepEqual(s.steps[2].toolResult, { city: 'Lisbon', tempC: 21, condition: 'windy' });
    // OpenInference keeps no tool-call ids on LLM spans: the edges come from the tool name and order.
    assert.deepEqual(dataflow(s), ['2->3', '3->4']);
    const call = s.steps[1].outputMessages?.[0].parts[0];
    assert.deepEqual(call, { type: 'tool_call', name: 'get_weather', arguments: { city: 'Lisbon' } });
  });

  it('(c) openai SDK + @traceloop/instrumentation-openai against a mock Chat Completions server', () => {
    const s = load('traceloop-openai');
    checkGolden('traceloop-openai', s);
    assert.deepEqual(s.steps.map((x) => x.kind), ['chain', 'llm', 'tool', 'llm']);
    assert.deepEqual([s.steps[1].model, s.steps[1].provider], ['gpt-4o-2024-08-06', 'openai']);
    assert.deepEqual([s.totals.inputTokens, s.totals.outputTokens], [235, 27]);
    // gpt-4o: input 2.50, output 10.00
    //   call 1: 95*2.5 + 18*10   = 417.5 -> $0.0004175
    //   call 2: 140*2.5 + 9*10   = 440   -> $0.00044
    close(s.steps[1].costUsd, 417.5e-6);
    close(s.steps[3].costUsd, 440e-6);
    close(s.totals.costUsd, 857.5e-6);
    assert.deepEqual([s.steps[2].toolName, s.steps[2].toolArgs], ['get_weather', { city: 'Berlin' }]);
    assert.deepEqual(dataflow(s), ['2->3', '3->4']);
    assert.equal(s.graph.edges.find((e) => e.kind === 'dataflow')?.label, 'call_berlin');
  });

  it('(d) raw GenAI semconv spans + log events from the OTel JS SDK', () => {
    const s = load('genai-semconv');
    checkGolden('genai-semconv', s);
    assert.deepEqual(s.steps.map((x) => x.kind), ['agent', 'llm', 'tool', 'llm', 'tool', 'llm', 'tool', 'llm']);
    const llms = s.steps.filter((x) => x.kind === 'llm');
    assert.ok(llms.every((x) => x.model === 'claude-sonnet-4-5' && x.provider === 'anthropic'));
    assert.deepEqual(
      [s.totals.inputTokens, s.totals.outputTokens, s.totals.cacheReadTokens, s.totals.cacheWriteTokens, s.totals.reasoningTokens],
      [5700, 300, 4200, 200, 50],
    );
    // claude-sonnet-4-5 (below the 200k tier): input 3.00, cache read 0.30, cache write 3.75, output 15.00
    //   #1: 200*3 + 800*0.3 + 200*3.75 + 80*15  = 2790 -> $0.00279
    //   #2: 350*3 + 1000*0.3 + 60*15            = 2250 -> $0.00225
    //   #3: 500*3 + 1000*0.3 + 40*15            = 2400 -> $0.0024
    //   #4: 250*3 + 1400*0.3 + 120*15           = 2970 -> $0.00297
    llms.forEach((x, i) => close(x.costUsd, [2790e-6, 2250e-6, 2400e-6, 2970e-6][i]));
    close(s.totals.costUsd, 10410e-6);
    assert.deepEqual(s.steps.filter((x) => x.kind === 'tool').map((x) => [x.toolName, x.toolCallId, x.status]), [
      ['search_flights', 'toolu_1', 'error'],
      ['search_flights', 'toolu_2', 'unset'],
      ['search_flights', 'toolu_3', 'unset'],
    ]);
    assert.equal(s.steps[2].error, 'flight search timed out after 30s');
    // Content from log records (#2, #4: old events and the structured operation-details event), span
    // attributes (#6) and span events (#8).
    assert.equal(s.steps[1].systemPrompt, 'You plan trips. Use search_flights.');
    assert.deepEqual(s.steps[1].outputMessages?.[0].parts[0], { type: 'tool_call', id: 'toolu_1', name: 'search_flights', arguments: { from: 'LIS', to: 'NRT', date: '2026-03-01' } });
    assert.equal(s.steps[3].systemPrompt, 'You plan trips. Use search_flights.');
    assert.deepEqual(s.steps[3].inputMessages?.[2].parts[0], { type: 'tool_result', id: 'toolu_1', result: 'error: flight search timed out after 30s' });
    assert.deepEqual(s.steps[5].outputMessages?.[0].parts[0], { type: 'reasoning', text: 'Double-check the price.' });
    assert.deepEqual(s.steps[7].outputMessages?.[0].parts, [{ type: 'text', text: 'TP123 on 2026-03-01 for 870 EUR.' }]);
    assert.ok(s.steps.slice(1).every((x) => x.agentName === 'travel_planner'));
    assert.deepEqual(dataflow(s), ['2->3', '3->4', '4->5', '5->6', '6->7', '7->8']);
    assert.equal(s.findings.length, 1);
    assert.equal(s.findings[0].kind, 'repeated-tool-call');
    assert.deepEqual(s.findings[0].stepIds, [s.steps[2].id, s.steps[4].id, s.steps[6].id]);
  });
});
