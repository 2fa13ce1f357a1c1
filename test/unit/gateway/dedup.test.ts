// The same agent instrumented AND recorded by the gateway: one step per call, nothing doubled.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { withAgentEnv } from '../../../src/core/launch/agentEnv';
import { GatewayHarness, PLANTED_KEY } from './harness';

const usage1 = { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320 };
const usage2 = { prompt_tokens: 420, completion_tokens: 15, total_tokens: 435 };
const toolCall = { json: { id: 'c1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_r', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] } }], usage: usage1 } };
const answer = { json: { id: 'c2', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Rome: 24 °C' } }], usage: usage2 } };

async function runAgent(h: GatewayHarness, sessionId: string, flags: string[]): Promise<void> {
  const receiver = await h.engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [], decodeWorker: false });
  const run = h.gateway.addRun({ sessionId, serviceName: 'instrumented-agent' });
  const env = withAgentEnv({ ...process.env, OPENAI_API_KEY: PLANTED_KEY }, {
    httpEndpoint: `http://127.0.0.1:${receiver.http.port}`, sessionId, gatewayUrls: { openai: h.gateway.baseUrl('openai', run)! }, batchDelayMs: 10,
  });
  const child = spawn(process.execPath, [join(__dirname, 'instrumentedAgent.js'), ...flags], { env, stdio: ['ignore', 'inherit', 'inherit'] });
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
});
