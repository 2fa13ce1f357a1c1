// Cassettes that leave the machine with their session (SQLite export/import, *.cassette.json), cassettes
// rebuilt from spans for sessions the gateway did not record, edited answers, and "one call again":
// all through the real gateway, the official openai SDK and a mock provider.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSession } from '../../../src/core/export/sessionExport';
import { type Cassette, launchRecord, parseCassette } from '../../../src/core/gateway/cassette';
import { cassetteFromSteps } from '../../../src/core/gateway/cassetteFromSteps';
import { recordedAnswer, sendOnce, summarise, upstreamOf } from '../../../src/core/gateway/playground';
import Anthropic from '@anthropic-ai/sdk';
import { Replayer, type ReplayOptions } from '../../../src/core/gateway/replayer';
import { applyEdit } from '../../../src/core/gateway/requestEdit';
import { editableResponse } from '../../../src/core/gateway/responseEdit';
import { SpanStore } from '../../../src/core/store/spanStore';
import { loadSqlJs } from '../../../src/core/store/sqlite';
import { GatewayHarness, PLANTED_KEY } from '../gateway/harness';
import { agent, model, recordRun, script } from './replayAgent';

describe('replay: cassettes with their session, rebuilt from spans, edited answers, one call again', () => {
  let h: GatewayHarness;
  let cassette: Cassette;

  beforeEach(async () => {
    h = await new GatewayHarness().start('recorded');
    const recorder = await recordRun(h, 40);
    await h.session('recorded');
    const launch = launchRecord({ type: 'agent', request: 'launch', name: 'Agent', program: '/a/agent.mjs', env: { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', OPENAI_API_KEY: PLANTED_KEY }, agentDebuggerSessionId: 'x', __sessionId: 'y' }, 'examples');
    cassette = { ...recorder.cassette(), launch };
    h.mock.requests.length = 0;
  });
  afterEach(() => h.stop());

  function replayRun(sessionId: string, c: Cassette, options: ReplayOptions = {}): { replayer: Replayer; url: string } {
    const replayer = new Replayer(c, options);
    const run = h.gateway.addRun({ sessionId, upstreams: { openai: `${h.mockUrl}/v1` }, responder: replayer.responder });
    return { replayer, url: h.gateway.baseUrl('openai', run)! };
  }

  it('keeps the launch configuration without secrets or per-run fields', () => {
    assert.deepEqual(cassette.launch, { folder: 'examples', config: { type: 'agent', request: 'launch', name: 'Agent', program: '/a/agent.mjs', env: { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' } } });
    assert.deepEqual(parseCassette(JSON.stringify(cassette)).launch, cassette.launch);
    assert.throws(() => parseCassette(JSON.stringify({ ...cassette, launch: { config: { type: 1 } } })), /"launch.config" must have string type, request and name/);
  });

  it('goes into the SQLite export and back in on import; a hostile cassette row is refused and the spans still import', async () => {
    const store = h.engine.store;
    store.putCassette('recorded', JSON.stringify(cassette));
    const bytes = store.exportSessionSqlite('recorded');
    const other = await SpanStore.create();
    try {
      const result = other.importSqlite(bytes);
      assert.deepEqual(result.sessionIds, ['recorded']);
      assert.equal(result.warnings, undefined);
      assert.deepEqual(parseCassette(other.cassette('recorded')!), cassette);
      // The same file with its cassette row made hostile: the session comes in without it, with the reason.
      const file = new (await loadSqlJs()).Database(bytes);
      file.run("UPDATE meta SET value = ? WHERE key = 'cassette:recorded'", ['{"format":"agent-debugger.cassette","version":1,"recordedAt":"x","exchanges":[{"step":7}]}']);
      const again = other.importSqlite(file.export());
      file.close();
      assert.equal(again.sessionIds.length, 1);
      assert.ok(again.spans > 0, 'the spans are imported');
      assert.match(again.warnings![0]!, /exchanges\[0\]\.step must be 1; the session was imported without it/);
      assert.equal(other.cassette(again.sessionIds[0]!), undefined);
      other.deleteSession('recorded');
      assert.equal(other.cassette('recorded'), undefined, 'deleting a session deletes its cassette');
    } finally {
      other.dispose();
    }
  });

  it('exports as *.cassette.json: the stored one, else one rebuilt from the spans', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cassette-'));
    try {
      const rebuilt = join(dir, 'rebuilt.cassette.json');
      const result = await exportSession(h.engine.store, 'recorded', rebuilt, 'cassette');
      assert.equal(result.records, 2);
      const c = parseCassette(await readFile(rebuilt, 'utf8'));
      assert.equal(c.synthesized, true);
      h.engine.store.putCassette('recorded', JSON.stringify(cassette));
      const stored = join(dir, 'stored.cassette.json');
      await exportSession(h.engine.store, 'recorded', stored, 'cassette');
      assert.deepEqual(parseCassette(await readFile(stored, 'utf8')), cassette);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('replays a session from a cassette rebuilt from its spans: answers in OpenAI format, the stream as a stream, $0', async () => {
    const steps = (await h.session('recorded')).steps;
    const synthesis = cassetteFromSteps(steps);
    assert.ok('cassette' in synthesis, 'reason' in synthesis ? synthesis.reason : '');
    const { replayer, url } = replayRun('from-spans', synthesis.cassette);
    const { text, chunkTimes } = await agent(url);
    assert.equal(text, 'Sunny, 21C.');
    assert.ok(chunkTimes.length >= 2, 'streamed as several chunks');
    assert.equal(h.mock.requests.length, 0, 'nothing reached the provider');
    assert.deepEqual(replayer.replayedSteps, [1, 2]);
    assert.equal(replayer.calls, 2);
    assert.equal(replayer.forked, false, 'no fork step in a plain replay');
    const llm = (await h.session('from-spans')).steps.filter((s) => s.kind === 'llm');
    assert.deepEqual(llm.map((s) => s.costUsd), [0, 0]);
    assert.equal(llm[0]!.outputMessages?.[0]?.parts[0]?.type, 'tool_call', 'the tool call came back');
    assert.equal(llm[1]!.outputTokens, 6, 'usage as recorded');
  });

  it('says why a session cannot be rebuilt: no output on a step, or a provider it cannot write', async () => {
    const steps = (await h.session('recorded')).steps;
    const bare = steps.map((s) => (s.kind === 'llm' ? { ...s, outputMessages: undefined } : s));
    assert.deepEqual(cassetteFromSteps(bare), { reason: `LLM step 1 (${steps.find((s) => s.kind === 'llm')!.name}) has no recorded output: its spans do not carry the model's answer (turn on message content capture in the instrumentation, or run the agent with the LLM gateway)` });
    assert.match((cassetteFromSteps(steps.map((s) => ({ ...s, provider: 'gcp.vertex_ai' }))) as { reason: string }).reason, /was a call to gcp\.vertex_ai; answers can be rebuilt from spans for OpenAI and Anthropic calls only/);
    assert.deepEqual(cassetteFromSteps([]), { reason: 'the session has no LLM steps' });
  });

  it('a fork of a rebuilt cassette applies only the edit to the agent\'s own request (its tools and stream flag stay)', async () => {
    const synthesis = cassetteFromSteps((await h.session('recorded')).steps) as { cassette: Cassette };
    const base = synthesis.cassette.exchanges[1]!.request as { messages: { content: string }[] };
    const edited = structuredClone(base);
    edited.messages[0]!.content = 'Answer in French.';
    script(h);
    const { url } = replayRun('fork-rebuilt', synthesis.cassette, { fork: { step: 2, request: edited, base } });
    await agent(url);
    assert.equal(h.mock.requests.length, 1, 'only the fork step went out');
    const sent = JSON.parse(h.mock.requests[0]!.body) as { messages: { content: string }[]; tools: unknown[]; stream: boolean };
    assert.equal(sent.messages[0]!.content, 'Answer in French.');
    assert.equal(sent.tools.length, 1);
    assert.equal(sent.stream, true);
    assert.deepEqual(applyEdit({ a: 1, b: [1, 2], c: 3 }, { b: [1, 2], c: 3 }, { b: [1, 5] }), { a: 1, b: [1, 5] });
  });

  it('an edited answer of a streamed step: offered as the plain JSON body, played back as a stream', async () => {
    const edit = editableResponse(cassette.exchanges[1]!);
    assert.ok('body' in edit);
    const body = edit.body as { choices: { message: { content: string } }[] };
    assert.equal(body.choices[0]!.message.content, 'Sunny, 21C.');
    body.choices[0]!.message.content = 'What if: snow.';
    const { url } = replayRun('whatif-stream', cassette, { fork: { step: 2, response: { status: 200, contentType: 'application/json', chunks: [{ atMs: 0, text: JSON.stringify(body) }] } } });
    const { text } = await agent(url);
    assert.equal(text, 'What if: snow.');
    assert.equal(h.mock.requests.length, 0);
    const llm = (await h.session('whatif-stream')).steps.filter((s) => s.kind === 'llm');
    assert.equal(llm[1]!.costUsd, 0, 'an edited answer costs nothing');
  });

  it('one call again: the edited request goes to the provider once; both answers summarised with tokens and $', async () => {
    h.mock.answer({ json: { id: 'c7', object: 'chat.completion', created: 1, model, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Bonjour.' } }], usage: { prompt_tokens: 500, completion_tokens: 2, total_tokens: 502 } } });
    const x = cassette.exchanges[0]!;
    const env = { OPENAI_BASE_URL: `${h.mockUrl}/v1`, OPENAI_API_KEY: PLANTED_KEY };
    assert.equal(upstreamOf('openai', env), `${h.mockUrl}/v1`);
    const answer = await sendOnce('openai', x.path, { ...(x.request as object), temperature: 0 }, upstreamOf('openai', env), env);
    assert.equal(h.mock.requests.length, 1);
    assert.equal((JSON.parse(h.mock.requests[0]!.body) as { temperature: number }).temperature, 0);
    const now = summarise('openai', x.path, answer);
    const recorded = summarise('openai', x.path, recordedAnswer(x));
    assert.equal(now.text, 'Bonjour.');
    assert.equal(now.inputTokens, 500);
    assert.ok(now.costUsd! > 0);
    assert.deepEqual(recorded.toolCalls, ['get_weather({"city":"Paris"})']);
    assert.equal(recorded.inputTokens, 1000);
    assert.ok(recorded.costUsd! > now.costUsd!);
  });
});

describe('replay: a cassette rebuilt from the spans of an Anthropic run answers the Anthropic SDK', () => {
  const claude = 'claude-sonnet-4-5-20250929';
  const tools = [{ name: 'search', description: 'search', input_schema: { type: 'object' as const, properties: { q: { type: 'string' } } } }];
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start('anthropic-run')));
  afterEach(() => h.stop());

  /** A tool_use answer, then a streamed one after the tool result. */
  async function run(client: Anthropic): Promise<{ first: Anthropic.Message; second: Anthropic.Message }> {
    const first = await client.messages.create({ model: claude, max_tokens: 256, system: 'Be brief.', tools, messages: [{ role: 'user', content: 'find otel' }] });
    const use = first.content.find((b) => b.type === 'tool_use')!;
    const second = await client.messages.stream({
      model: claude, max_tokens: 256, tools,
      messages: [{ role: 'user', content: 'find otel' }, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'three results' }] }],
    }).finalMessage();
    return { first, second };
  }

  it('tool_use as a plain answer, the final answer as a stream, nothing sent, $0', async () => {
    h.mock.answer(
      { json: { id: 'msg_1', type: 'message', role: 'assistant', model: claude, stop_reason: 'tool_use', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'search', input: { q: 'otel' } }], usage: { input_tokens: 100, output_tokens: 20 } } },
      {
        sse: [
          { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_2', type: 'message', role: 'assistant', model: claude, content: [], stop_reason: null, usage: { input_tokens: 150, output_tokens: 1 } } } },
          { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
          { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Found ' } } },
          { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'it.' } } },
          { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
          { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5 } } },
          { event: 'message_stop', data: { type: 'message_stop' } },
        ],
      },
    );
    await run(new Anthropic({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('anthropic'), maxRetries: 0 }));
    const synthesis = cassetteFromSteps((await h.session('anthropic-run')).steps);
    assert.ok('cassette' in synthesis, 'reason' in synthesis ? synthesis.reason : '');
    assert.deepEqual(synthesis.cassette.exchanges.map((x) => `${x.provider} ${x.path}`), ['anthropic /v1/messages', 'anthropic /v1/messages']);
    h.mock.requests.length = 0;
    const replayer = new Replayer(synthesis.cassette);
    const route = h.gateway.addRun({ sessionId: 'anthropic-replay', upstreams: { anthropic: h.mockUrl }, responder: replayer.responder });
    const { first, second } = await run(new Anthropic({ apiKey: PLANTED_KEY, baseURL: h.gateway.baseUrl('anthropic', route)!, maxRetries: 0 }));
    assert.equal(h.mock.requests.length, 0);
    assert.equal(first.stop_reason, 'tool_use');
    assert.deepEqual(first.content.map((b) => b.type), ['text', 'tool_use']);
    assert.deepEqual(first.content[1]!.type === 'tool_use' && first.content[1]!.input, { q: 'otel' });
    assert.equal(second.content[0]!.type === 'text' && second.content[0]!.text, 'Found it.');
    assert.equal(second.usage.output_tokens, 5);
    const llm = (await h.session('anthropic-replay')).steps.filter((s) => s.kind === 'llm');
    assert.deepEqual(llm.map((s) => s.costUsd), [0, 0]);
  });
});
