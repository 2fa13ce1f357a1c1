// Golden tests for the frameworks recorded by test/fixtures/recorders/ (real npm packages against local
// mock providers): kinds, parent/child structure, the agent of every LLM call, every token class and the
// $ of every call computed here by hand from the provider's usage and @pydantic/genai-prices' per-million
// prices (written out), plus a text dump in test/golden/<name>.txt (UPDATE_GOLDENS=1 rewrites it).
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSession, spanInputsFromRequests, type AgentSession } from '../../src/core/agent';
import type { AgentStep } from '../../src/core/agent/types';
import { parseOtlpText } from '../../src/core/sessionFiles';
import { dumpSession } from './agentDump';

const root = path.resolve(__dirname, '../../..');

function load(name: string): AgentSession {
  const { traces, logs } = parseOtlpText(readFileSync(path.join(root, 'test/fixtures', `${name}.otlp.json`), 'utf8'));
  const session = buildSession(spanInputsFromRequests(traces, logs));
  const file = path.join(root, 'test/golden', `${name}.txt`);
  const actual = dumpSession(session);
  if (process.env.UPDATE_GOLDENS) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name}: dump differs from ${path.relative(root, file)} (UPDATE_GOLDENS=1 rewrites it)`);
  return session;
}

const close = (actual: number | undefined, expected: number, what = '') => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);
/** [kind, parent's position (0 = root)] for every step, in order. */
const shape = (s: AgentSession) => s.steps.map((x) => [x.kind, x.parentSpanId === undefined ? 0 : s.steps.findIndex((p) => p.id === x.parentSpanId) + 1]);
/** The model calls that count (not the wrapper span of a call traced twice). */
const calls = (s: AgentSession) => s.steps.filter((x) => x.kind === 'llm' && !x.aggregate);
const usage = (x: AgentStep) => [x.inputTokens, x.cacheReadTokens ?? 0, x.cacheWriteTokens ?? 0, x.outputTokens, x.reasoningTokens ?? 0];

describe('agent model on recorded framework fixtures', () => {
  // Anthropic's usage for the two calls (input_tokens EXCLUDES the cache):
  //   call 1: input 170, cache read 2000, cache write 2300, output 45 -> total input 170+2000+2300 = 4470
  //   call 2: input 260, cache read 4300, cache write 0,    output 30 -> total input 260+4300      = 4560
  // claude-sonnet-4-5 ($/M): input 3, cache read 0.30, cache write 3.75, output 15
  //   call 1: 170*3 + 2000*0.3 + 2300*3.75 + 45*15 = 510 + 600 + 8625 + 675 = 10410 -> $0.01041
  //   call 2: 260*3 + 4300*0.3 + 30*15             = 780 + 1290 + 450      = 2520  -> $0.00252
  const sonnet = [10410e-6, 2520e-6];
  const anthropicCalls = [[4470, 2000, 2300, 45, 0], [4560, 4300, 0, 30, 0]];

  it('(e) Anthropic SDK + OpenInference: wrapper LLM spans over the SDK\'s own, a retried call, a failed call, a bare-string tool input', () => {
    const s = load('anthropic-openinference');
    assert.deepEqual(shape(s), [['agent', 0], ['llm', 1], ['llm', 2], ['tool', 1], ['llm', 1], ['llm', 5], ['llm', 1], ['llm', 7]]);
    // Both layers read to the same totals (OpenInference adds the cache to llm.token_count.prompt; the SDK's gen_ai spans too).
    assert.deepEqual([s.steps[1], s.steps[2], s.steps[4], s.steps[5]].map(usage), [anthropicCalls[0], anthropicCalls[0], anthropicCalls[1], anthropicCalls[1]]);
    assert.deepEqual(calls(s).map((x) => [x.name, x.agentName, x.model, x.status]), [
      ['anthropic.messages.create', 'weather_agent', 'claude-sonnet-4-5-20250929', 'ok'],
      ['anthropic.messages.create', 'weather_agent', 'claude-sonnet-4-5-20250929', 'ok'],
      ['anthropic.messages.create', 'weather_agent', 'claude-sonnet-4-5-20250929', 'error'],
    ]);
    close(calls(s)[0].costUsd, sonnet[0], 'call 1');
    close(calls(s)[1].costUsd, sonnet[1], 'call 2');
    // The retried call (529, then 200) is one call; the SDK says it was re-sent.
    assert.equal(calls(s)[1].attributes['http.request.resend_count'], 1);
    assert.deepEqual(s.steps.map((x) => x.retries), [undefined, undefined, undefined, undefined, undefined, 1, undefined, undefined]);
    assert.equal(s.totals.llmCalls, 3, 'a call traced by the wrapper and the SDK counts once');
    assert.equal(s.totals.errors, 1);
    assert.match(s.steps[6].error ?? '', /prompt is too long/);
    assert.deepEqual([s.steps[3].toolName, s.steps[3].toolArgs], ['get_weather', { city: 'Paris' }], 'the bare "Paris" becomes the LLM call\'s arguments');
    // The tool's result comes back as a *user* message with tool_call_id: it is read as that result, so the data
    // flows LLM -> tool -> next LLM, and the tool_use block is not shown a second time beside tool_calls.
    const flow = s.graph.edges.filter((e) => e.kind === 'dataflow').map((e) => [s.steps.findIndex((x) => x.id === e.from) + 1, s.steps.findIndex((x) => x.id === e.to) + 1, e.label]);
    assert.deepEqual(flow, [[2, 4, 'toolu_paris'], [4, 5, 'toolu_paris']]);
    assert.deepEqual(s.steps[4].inputMessages?.[2], { role: 'user', parts: [{ type: 'tool_result', id: 'toolu_paris', result: { city: 'Paris', tempC: 18, condition: 'cloudy' } }] });
    assert.deepEqual(s.steps[1].outputMessages?.[0]?.parts.map((p) => p.type), ['tool_call']);
    assert.deepEqual([s.totals.inputTokens, s.totals.cacheReadTokens, s.totals.cacheWriteTokens, s.totals.outputTokens], [9030, 6300, 2300, 75]);
    close(s.totals.costUsd, sonnet[0] + sonnet[1], 'total');
  });

  it('(f) Anthropic SDK + Traceloop: the raw input_tokens (170) is read as uncached and normalised to 4470', () => {
    const s = load('anthropic-traceloop');
    assert.deepEqual(shape(s), [['agent', 0], ['llm', 1], ['llm', 2], ['tool', 1], ['llm', 1], ['llm', 5], ['llm', 1], ['llm', 7]]);
    assert.equal(s.steps[1].attributes['gen_ai.usage.input_tokens'], 170);
    assert.deepEqual([s.steps[1], s.steps[4]].map(usage), anthropicCalls);
    close(s.steps[1].costUsd, sonnet[0], 'traceloop span');
    assert.deepEqual(calls(s).map((x) => x.agentName), ['weather_agent', 'weather_agent', 'weather_agent']);
    close(calls(s)[0].costUsd, sonnet[0]);
    close(calls(s)[1].costUsd, sonnet[1]);
    assert.deepEqual([s.totals.llmCalls, s.totals.errors], [3, 1]);
    assert.deepEqual(s.steps[3].toolArgs, { city: 'Paris' });
    close(s.totals.costUsd, sonnet[0] + sonnet[1], 'total');
    // The conversation shown while the SDK's own span runs is the wrapper's: only it recorded the messages.
    assert.equal(s.timeline.lastLlm[s.timeline.endAt[2]], 1);
    assert.ok(s.steps[1].outputMessages?.length && !s.steps[2].outputMessages?.length);
  });

  it('(k) Anthropic SDK + OpenLIT offline: raw input_tokens normalised; its gen_ai.usage.cost of 0 is not a price', () => {
    const s = load('openlit-anthropic');
    assert.deepEqual(shape(s), [['agent', 0], ['llm', 1], ['llm', 2], ['tool', 1], ['llm', 1], ['llm', 5], ['llm', 1], ['llm', 7]]);
    const openlit = [s.steps[1], s.steps[4]];
    assert.deepEqual(openlit.map((x) => [x.attributes['gen_ai.usage.input_tokens'], x.attributes['gen_ai.usage.cost']]), [[170, 0], [260, 0]]);
    assert.deepEqual(openlit.map(usage), anthropicCalls);
    assert.deepEqual(openlit.map((x) => x.costSource), ['database', 'database']);
    close(openlit[0].costUsd, sonnet[0], 'openlit call 1');
    close(openlit[1].costUsd, sonnet[1], 'openlit call 2');
    assert.equal(s.steps[1].toolName, undefined, 'the tools a chat span asked for do not make it a tool step');
    assert.deepEqual(s.steps[3].toolArgs, { city: 'Paris' });
    assert.deepEqual(calls(s).map((x) => x.agentName), ['weather_agent', 'weather_agent', 'weather_agent']);
    assert.deepEqual([s.totals.llmCalls, s.totals.errors], [3, 1]);
    close(s.totals.costUsd, sonnet[0] + sonnet[1], 'total');
  });

  it('(g) AI SDK + @ai-sdk/anthropic: inputTokens is the total; cache classes priced apart', () => {
    const s = load('ai-sdk-anthropic');
    assert.deepEqual(shape(s), [['agent', 0], ['llm', 1], ['tool', 1], ['llm', 1]]);
    assert.deepEqual(calls(s).map(usage), anthropicCalls);
    assert.deepEqual(calls(s).map((x) => [x.agentName, x.model]), [['rome-weather', 'claude-haiku-4-5-20251001'], ['rome-weather', 'claude-haiku-4-5-20251001']]);
    // claude-haiku-4-5 ($/M): input 1, cache read 0.10, cache write 1.25, output 5
    //   call 1: 170*1 + 2000*0.1 + 2300*1.25 + 45*5 = 170 + 200 + 2875 + 225 = 3470
    //   call 2: 260*1 + 4300*0.1 + 30*5             = 260 + 430 + 150       = 840
    close(calls(s)[0].costUsd, 3470e-6);
    close(calls(s)[1].costUsd, 840e-6);
    assert.deepEqual([s.steps[0].aggregate, s.steps[2].toolArgs], [true, { city: 'Rome' }]);
    close(s.totals.costUsd, 4310e-6);
  });

  it('(h) AI SDK + @ai-sdk/openai on o4-mini: cached tokens inside input, reasoning inside output', () => {
    const s = load('ai-sdk-openai-reasoning');
    assert.deepEqual(shape(s), [['agent', 0], ['llm', 1]]);
    const [call] = calls(s);
    assert.deepEqual(usage(call), [1800, 1024, 0, 900, 768]);
    assert.deepEqual([call.model, call.provider, call.agentName], ['o4-mini-2025-04-16', 'openai.responses', 'price-compare']);
    // o4-mini ($/M): input 1.10, cache read 0.275, output 4.40 (reasoning billed as output)
    //   (1800-1024)*1.1 + 1024*0.275 + 900*4.4 = 853.6 + 281.6 + 3960 = 5095.2
    close(call.costUsd, 5095.2e-6);
    close(s.totals.costUsd, 5095.2e-6);
    assert.equal(s.totals.reasoningTokens, 768);
  });

  it('(i) LangGraph.js + OpenInference: graph nodes that call the model become agent steps and own their calls', () => {
    const s = load('langgraph-openinference');
    assert.deepEqual(shape(s), [['chain', 0], ['chain', 1], ['agent', 1], ['llm', 3], ['chain', 1], ['tool', 5], ['agent', 1], ['llm', 7]]);
    assert.deepEqual(s.steps.filter((x) => x.kind === 'agent').map((x) => x.name), ['researcher', 'writer']);
    assert.deepEqual(calls(s).map((x) => [x.agentName, x.model]), [['researcher', 'gpt-4o-mini'], ['writer', 'gpt-4o-mini']]);
    assert.deepEqual(calls(s).map(usage), [[120, 0, 0, 25, 0], [210, 128, 0, 15, 0]]);
    // gpt-4o-mini ($/M): input 0.15, cache read 0.075, output 0.60
    //   researcher: 120*0.15 + 25*0.6              = 18 + 15       = 33
    //   writer:     82*0.15 + 128*0.075 + 15*0.6   = 12.3 + 9.6 + 9 = 30.9
    close(calls(s)[0].costUsd, 33e-6);
    close(calls(s)[1].costUsd, 30.9e-6);
    // ToolNode recorded the input as the bare string; the researcher's tool call gives it its shape.
    assert.deepEqual([s.steps[5].toolName, s.steps[5].toolCallId, s.steps[5].toolArgs], ['search_papers', 'call_papers', { topic: 'prompt caching' }]);
    close(s.totals.costUsd, 63.9e-6);
  });

  it('(j) OpenAI Agents SDK + OpenInference: handoff, LLM steps named by agent + model, the doubled workflow root folded', () => {
    const s = load('openai-agents-openinference');
    assert.deepEqual(shape(s), [['agent', 0], ['agent', 1], ['chain', 2], ['llm', 3], ['tool', 3], ['agent', 1], ['chain', 6], ['llm', 7], ['tool', 7], ['chain', 6], ['llm', 10]]);
    assert.equal(s.steps.filter((x) => x.name === 'Agent workflow').length, 1);
    assert.deepEqual(calls(s).map((x) => [x.name, x.agentName]), [
      ['triage_agent · gpt-4.1-mini-2025-04-14', 'triage_agent'],
      ['weather_agent · gpt-4.1-mini-2025-04-14', 'weather_agent'],
      ['weather_agent · gpt-4.1-mini-2025-04-14', 'weather_agent'],
    ]);
    assert.deepEqual(calls(s).map(usage), [[300, 0, 0, 12, 0], [420, 256, 0, 18, 0], [480, 384, 0, 10, 0]]);
    // gpt-4.1-mini ($/M): input 0.40, cache read 0.10, output 1.60 (OpenAI's input_tokens include cached_tokens)
    //   triage:    300*0.4 + 12*1.6             = 120 + 19.2        = 139.2
    //   weather 1: 164*0.4 + 256*0.1 + 18*1.6   = 65.6 + 25.6 + 28.8 = 120
    //   weather 2: 96*0.4 + 384*0.1 + 10*1.6    = 38.4 + 38.4 + 16  = 92.8
    close(calls(s)[0].costUsd, 139.2e-6);
    close(calls(s)[1].costUsd, 120e-6);
    close(calls(s)[2].costUsd, 92.8e-6);
    assert.deepEqual(s.steps.filter((x) => x.kind === 'tool').map((x) => [x.toolName, x.agentName]), [['handoff_to_weather_agent', 'triage_agent'], ['get_weather', 'weather_agent']]);
    assert.deepEqual(s.steps[8].toolArgs, { city: 'Oslo' });
    close(s.totals.costUsd, 352e-6);
  });
});
