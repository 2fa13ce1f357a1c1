// Cassettes and replay through the real gateway: the official openai SDK (no OpenTelemetry) records a
// run against a mock provider, then runs again answered from the cassette.
import * as assert from 'node:assert/strict';
import OpenAI from 'openai';
import { type Cassette, parseCassette } from '../../../src/core/gateway/cassette';
import { Replayer, type ReplayOptions } from '../../../src/core/gateway/replayer';
import { GatewayHarness, PLANTED_KEY } from '../gateway/harness';
import { agent, model, recordRun, script } from './replayAgent';

describe('replay: cassettes through the gateway', () => {
  let h: GatewayHarness;
  let cassette: Cassette;

  beforeEach(async () => {
    h = await new GatewayHarness().start('recorded');
    const recorder = await recordRun(h);
    await new Promise((r) => setTimeout(r, 30));
    // Through its own text, as a file would be read.
    cassette = parseCassette(JSON.stringify(recorder.cassette()));
    h.mock.requests.length = 0;
  });
  afterEach(() => h.stop());

  function replayRun(sessionId: string, options: ReplayOptions = {}): { replayer: Replayer; url: string } {
    const replayer = new Replayer(cassette, options);
    const run = h.gateway.addRun({ sessionId, upstreams: { openai: `${h.mockUrl}/v1` }, responder: replayer.responder });
    return { replayer, url: h.gateway.baseUrl('openai', run)! };
  }

  it('records every exchange with its chunks and their timing, and no credentials', () => {
    assert.equal(cassette.exchanges.length, 2);
    const [a, b] = cassette.exchanges;
    assert.equal(a!.path, '/chat/completions');
    assert.equal((a!.request as { model: string }).model, model);
    assert.equal(a!.response.contentType, 'application/json');
    assert.equal(b!.response.contentType, 'text/event-stream');
    assert.equal(b!.response.chunks.length, 5, 'four events and [DONE], one chunk each');
    const times = b!.response.chunks.map((c) => c.atMs);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 50, `gap ${i}: ${times[i]! - times[i - 1]!} ms`);
    assert.ok(!JSON.stringify(cassette).includes(PLANTED_KEY));
  });

  it('replays an unchanged run with zero upstream calls, streams as streams, marked replayed at $0', async () => {
    const { replayer, url } = replayRun('replay');
    const started = performance.now();
    const { text, chunkTimes } = await agent(url);
    const wall = performance.now() - started;
    assert.equal(text, 'Sunny, 21C.');
    assert.equal(h.mock.requests.length, 0, 'no call reached the provider');
    assert.deepEqual(replayer.replayedSteps, [1, 2]);
    assert.equal(replayer.divergence, undefined);
    assert.equal(chunkTimes.length, 4, 'the stream arrived as four SDK chunks');
    const recorded = cassette.exchanges.at(-1)!.startMs + cassette.exchanges.at(-1)!.durationMs;
    assert.ok(recorded >= 400 && wall < recorded / 2, `at once: ${wall} ms, recorded ${recorded} ms`);
    const { steps, totals } = await h.session('replay');
    const llm = steps.filter((s) => s.kind === 'llm');
    assert.equal(llm.length, 2);
    for (const s of llm) {
      assert.equal(s.attributes['agent_debugger.replay'], 'replayed');
      assert.equal(s.costUsd, 0);
    }
    assert.equal(llm[0]!.inputTokens, 1000, 'tokens as recorded');
    assert.equal(totals.costUsd, 0);
  });

  it('keeps the recorded stream timing at speed 1', async () => {
    const { url } = replayRun('paced', { speed: 1 });
    const { chunkTimes } = await agent(url);
    const gaps = chunkTimes.slice(1).map((t, i) => t - chunkTimes[i]!);
    for (const g of gaps) assert.ok(g >= 50 && g < 300, `gap ${g} ms (recorded ~100)`);
  });

  it('speeds the recorded stream timing up by a factor (speed 4: a quarter of each gap), chunk boundaries kept', async () => {
    const { url } = replayRun('fast', { speed: 4 });
    const { chunkTimes, text } = await agent(url);
    assert.equal(text, 'Sunny, 21C.');
    assert.equal(chunkTimes.length, 4, 'the same four SDK chunks');
    const gaps = chunkTimes.slice(1).map((t, i) => t - chunkTimes[i]!);
    for (const g of gaps) assert.ok(g >= 10 && g < 75, `gap ${g} ms (recorded ~100, a quarter is ~25)`);
  });

  it('diverges on a changed prompt: names the step and the field, then goes live (default)', async () => {
    script(h);
    const { replayer, url } = replayRun('diverged');
    await agent(url, 'You are verbose.');
    assert.equal(replayer.divergence?.step, 1);
    assert.equal(replayer.divergence?.field, 'messages[0].content');
    assert.equal(replayer.divergence?.recorded, '"You are terse."');
    assert.equal(h.mock.requests.length, 2, 'both calls went live');
    const llm = (await h.session('diverged')).steps.filter((s) => s.kind === 'llm');
    assert.equal(llm[0]!.attributes['agent_debugger.replay'], 'diverged');
    assert.equal(llm[0]!.attributes['agent_debugger.replay.diverged_at'], 1);
    assert.match(String(llm[0]!.attributes['agent_debugger.replay.divergence']), /messages\[0\]\.content: recorded "You are terse\.", now "You are verbose\."/);
    assert.ok(llm[0]!.costUsd! > 0, 'a live call is priced');
  });

  it("onDivergence 'fail': the agent's SDK gets a provider-shaped error naming the step and field", async () => {
    const { url } = replayRun('failed', { onDivergence: 'fail' });
    await assert.rejects(agent(url, 'You are verbose.'), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError, String(e));
      assert.match(e.message, /diverged from the recording at step 1 \(messages\[0\]\.content/);
      return true;
    });
    assert.equal(h.mock.requests.length, 0);
  });

  it('forks at step 2 with an edited request: step 1 replayed, step 2 sent live with the edit', async () => {
    const edited = structuredClone(cassette.exchanges[1]!.request) as { messages: { role: string; content: string }[] };
    edited.messages[0]!.content = 'Answer in French.';
    h.mock.answer({ json: { id: 'c9', object: 'chat.completion', created: 1, model, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Ensoleillé.' } }], usage: { prompt_tokens: 900, completion_tokens: 3, total_tokens: 903 } } });
    const { replayer, url } = replayRun('forked', { fork: { step: 2, request: { ...edited, stream: false } } });
    const client = new OpenAI({ apiKey: PLANTED_KEY, baseURL: url, maxRetries: 0 });
    // The agent asks what it asked before; the fork sends the edit instead.
    const first = await client.chat.completions.create(cassette.exchanges[0]!.request as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(first.choices[0]!.finish_reason, 'tool_calls');
    const second = await client.chat.completions.create({ ...(cassette.exchanges[1]!.request as OpenAI.ChatCompletionCreateParamsNonStreaming), stream: false });
    assert.equal(second.choices[0]!.message.content, 'Ensoleillé.');
    assert.deepEqual(replayer.replayedSteps, [1]);
    assert.equal(replayer.forked, true);
    assert.equal(h.mock.requests.length, 1);
    assert.equal((JSON.parse(h.mock.requests[0]!.body) as typeof edited).messages[0]!.content, 'Answer in French.');
    const llm = (await h.session('forked')).steps.filter((s) => s.kind === 'llm');
    assert.deepEqual(llm.map((s) => s.attributes['agent_debugger.replay']), ['replayed', 'forked']);
    assert.equal(llm[1]!.systemPrompt, 'Answer in French.');
  });

  it('forks at step 2 with an edited response: nothing goes upstream', async () => {
    const body = JSON.stringify({ id: 'c8', object: 'chat.completion', created: 1, model, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'What if: rain.' } }] });
    const { url } = replayRun('whatif', { fork: { step: 2, response: { status: 200, contentType: 'application/json', chunks: [{ atMs: 0, text: body }] } } });
    const client = new OpenAI({ apiKey: PLANTED_KEY, baseURL: url, maxRetries: 0 });
    await client.chat.completions.create(cassette.exchanges[0]!.request as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const second = await client.chat.completions.create({ ...(cassette.exchanges[1]!.request as OpenAI.ChatCompletionCreateParamsNonStreaming), stream: false });
    assert.equal(second.choices[0]!.message.content, 'What if: rain.');
    assert.equal(h.mock.requests.length, 0);
  });

  it('a call past the end of the cassette is a divergence', async () => {
    script(h);
    const { replayer, url } = replayRun('longer');
    await agent(url);
    const client = new OpenAI({ apiKey: PLANTED_KEY, baseURL: url, maxRetries: 0 });
    h.mock.answer({ json: { id: 'c3', object: 'chat.completion', created: 1, model, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'more' } }] } });
    await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'again' }] });
    assert.equal(replayer.divergence?.step, 3);
    assert.match(replayer.divergence!.reason, /has 2 call\(s\) to openai \/chat\/completions; this is call 3/);
  });
});
