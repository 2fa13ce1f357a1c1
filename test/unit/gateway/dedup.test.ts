// Agents instrumented AND recorded by the gateway: one step per call, nothing doubled. The openai SDK under
// @traceloop/instrumentation-openai (directly and under LangChain.js), the AI SDK's own telemetry, the Anthropic
// SDK under @traceloop/instrumentation-anthropic: each step's numbers are the gateway's (what the provider sent).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { withAgentEnv } from '../../../src/core/launch/agentEnv';
import { GatewayHarness, PLANTED_KEY } from './harness';

const usage1 = { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320 };
const usage2 = { prompt_tokens: 420, completion_tokens: 15, total_tokens: 435 };
const toolCall = { json: { id: 'c1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_r', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] } }], usage: usage1 } };
const answer = { json: { id: 'c2', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Rome: 24 °C' } }], usage: usage2 } };

async function runAgent(h: GatewayHarness, sessionId: string, flags: string[], script = 'instrumentedAgent.js'): Promise<void> {
  const receiver = await h.engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [], decodeWorker: false });
  const run = h.gateway.addRun({ sessionId, serviceName: 'instrumented-agent' });
  const env = withAgentEnv({ ...process.env, OPENAI_API_KEY: PLANTED_KEY, ANTHROPIC_API_KEY: PLANTED_KEY }, {
    httpEndpoint: `http://127.0.0.1:${receiver.http.port}`, sessionId, batchDelayMs: 10,
    gatewayUrls: { openai: h.gateway.baseUrl('openai', run)!, anthropic: h.gateway.baseUrl('anthropic', run)! },
  });
  const child = spawn(process.execPath, [join(__dirname, script), ...flags], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0);
  await new Promise((r) => setTimeout(r, 100));
}

describe('gateway + instrumentation: one step per call', function () {
  this.timeout(60000);
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start()));
  afterEach(() => h.stop());

  for (const flags of [[], ['--traceparent']]) {
    it(`merges the gateway's step into the instrumentation's (${flags.length ? 'matched by traceparent' : 'matched by time and model'})`, async () => {
      h.mock.answer(toolCall, answer);
      await runAgent(h, 's-dedup', flags);
      const { steps, totals } = await h.session('s-dedup');
      assert.deepEqual(steps.map((s) => s.kind), ['agent', 'llm', 'tool', 'llm'], steps.map((s) => s.name).join(', '));
      const llm = steps.filter((s) => s.kind === 'llm');
      assert.ok(llm.every((s) => typeof s.attributes['agent_debugger.gateway.span_id'] === 'string'), 'both calls merged with the gateway record');
      assert.ok(llm.every((s) => s.parentSpanId === steps[0]!.spanId), 'in the agent\'s structure');
      assert.equal(steps[2]!.attributes['agent_debugger.inferred'], undefined, 'the observed tool step, not the inferred one');
      assert.equal(totals.llmCalls, 2);
      assert.equal(totals.toolCalls, 1);
      assert.equal(totals.inputTokens, 720);
      assert.equal(totals.outputTokens, 35);
      assert.ok(totals.costUsd > 0);
    });
  }

  it('a failed-then-retried call inside one instrumented call shows both attempts, counted once each', async () => {
    h.mock.answer({ status: 500, json: { error: { message: 'upstream overloaded' } } }, toolCall, answer);
    await runAgent(h, 's-retry', ['--traceparent', '--retry']);
    const { steps, totals } = await h.session('s-retry');
    const llm = steps.filter((s) => s.kind === 'llm');
    assert.equal(llm.length, 3, steps.map((s) => `${s.kind}:${s.status}`).join(', '));
    assert.equal(llm.filter((s) => s.status === 'error').length, 1);
    assert.match(llm.find((s) => s.status === 'error')!.error ?? '', /upstream overloaded/);
    assert.equal(totals.inputTokens, 720);
    assert.equal(totals.outputTokens, 35);
    assert.equal(totals.errors, 1);
  });

  it('the AI SDK with its own telemetry: the gateway folds into each doGenerate; totals equal the gateway\'s alone', async () => {
    const response = (id: string, output: unknown[], u: { input: number; output: number; cached: number }) => ({ json: {
      id, object: 'response', created_at: 1767225600, status: 'completed', model: 'gpt-4o-mini-2024-07-18', output, incomplete_details: null, error: null,
      usage: { input_tokens: u.input, output_tokens: u.output, total_tokens: u.input + u.output, input_tokens_details: { cached_tokens: u.cached }, output_tokens_details: { reasoning_tokens: 0 } },
    } });
    h.mock.answer(
      response('resp_1', [{ type: 'function_call', id: 'fc_1', call_id: 'call_oslo', name: 'weather', arguments: '{"city":"Oslo"}', status: 'completed' }], { input: 90, output: 15, cached: 64 }),
      response('resp_2', [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Oslo: 4 °C.', annotations: [] }] }], { input: 130, output: 8, cached: 0 }),
    );
    await runAgent(h, 's-ai', ['ai-sdk'], 'instrumentedSdkAgents.js');
    const { steps, totals } = await h.session('s-ai');
    const llm = steps.filter((s) => s.kind === 'llm' && !s.aggregate);
    assert.equal(llm.length, 2, steps.map((s) => `${s.kind}:${s.name}${s.aggregate ? '(aggregate)' : ''}`).join(', '));
    assert.ok(llm.every((s) => typeof s.attributes['agent_debugger.gateway.span_id'] === 'string'), 'each call merged with the gateway record');
    assert.equal(steps.filter((s) => s.kind === 'tool').length, 1, 'the observed tool step only');
    assert.equal(totals.llmCalls, 2);
    assert.equal(totals.toolCalls, 1);
    assert.equal(totals.inputTokens, 220);
    assert.equal(totals.cacheReadTokens, 64);
    assert.equal(totals.outputTokens, 23);
    assert.ok(totals.costUsd > 0);
  });

  it('the Anthropic SDK under its instrumentation (and its own spans): one call each, cache tokens from the wire', async () => {
    const model = 'claude-sonnet-4-5';
    h.mock.answer(
      { json: { id: 'msg_1', type: 'message', role: 'assistant', model, content: [{ type: 'tool_use', id: 'toolu_1', name: 'calc', input: { expr: '6*7' } }], stop_reason: 'tool_use', usage: { input_tokens: 200, output_tokens: 30, cache_read_input_tokens: 100, cache_creation_input_tokens: 50 } } },
      { json: { id: 'msg_2', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: '42.' }], stop_reason: 'end_turn', usage: { input_tokens: 260, output_tokens: 4, cache_read_input_tokens: 150, cache_creation_input_tokens: 0 } } },
    );
    await runAgent(h, 's-anthropic', ['anthropic'], 'instrumentedSdkAgents.js');
    const { steps, totals } = await h.session('s-anthropic');
    // This SDK also traces itself (anthropic.messages.create under the instrumentation's chat span): the outer
    // span is the aggregate of the inner, and the gateway's record folds into the inner one.
    const calls = steps.filter((s) => s.kind === 'llm' && !s.aggregate);
    assert.equal(calls.length, 2, steps.map((s) => `${s.kind}:${s.name}${s.aggregate ? '(aggregate)' : ''}`).join(', '));
    assert.ok(calls.every((s) => typeof s.attributes['agent_debugger.gateway.span_id'] === 'string'), 'each call merged with the gateway record');
    assert.deepEqual(steps.filter((s) => s.kind === 'tool').map((s) => s.toolName), ['calc']);
    assert.equal(totals.llmCalls, 2);
    // Anthropic's input_tokens exclude the cache: the step's input is all three classes.
    assert.equal(totals.inputTokens, 200 + 100 + 50 + 260 + 150);
    assert.equal(totals.cacheReadTokens, 250);
    assert.equal(totals.cacheWriteTokens, 50);
    assert.equal(totals.outputTokens, 34);
    assert.ok(totals.costUsd > 0);
  });

  it('LangChain.js over the instrumented openai SDK: one step per call, the numbers of the wire', async () => {
    const completion = (id: string, message: unknown, finish: string, prompt: number, out: number, cached: number) => ({ json: {
      id, object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, finish_reason: finish, message }],
      usage: { prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out, prompt_tokens_details: { cached_tokens: cached } },
    } });
    h.mock.answer(
      completion('c1', { role: 'assistant', content: null, tool_calls: [{ id: 'call_lc', type: 'function', function: { name: 'get_time', arguments: '{"zone":"UTC"}' } }] }, 'tool_calls', 410, 22, 256),
      completion('c2', { role: 'assistant', content: 'It is noon.' }, 'stop', 455, 6, 384),
    );
    await runAgent(h, 's-langchain', ['langchain'], 'instrumentedSdkAgents.js');
    const { steps, totals } = await h.session('s-langchain');
    const calls = steps.filter((s) => s.kind === 'llm' && !s.aggregate);
    assert.equal(calls.length, 2, steps.map((s) => `${s.kind}:${s.name}${s.aggregate ? '(aggregate)' : ''}`).join(', '));
    assert.ok(calls.every((s) => typeof s.attributes['agent_debugger.gateway.span_id'] === 'string'), 'each call merged with the gateway record');
    assert.deepEqual(steps.filter((s) => s.kind === 'tool').map((s) => s.toolName), ['get_time']);
    assert.equal(totals.llmCalls, 2);
    assert.equal(totals.inputTokens, 865);
    assert.equal(totals.cacheReadTokens, 640);
    assert.equal(totals.outputTokens, 28);
    assert.ok(totals.costUsd > 0);
  });
});
