// The built CLI end to end: `record --cassette` an agent (openai SDK, no OpenTelemetry) against a mock
// provider, then `replay --cassette` it: unchanged, it passes with no call reaching the provider;
// with its prompt edited, it fails naming the step and the field.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCassette } from '../../../src/core/gateway/cassette';
import { MockProvider } from '../gateway/mockProvider';

const root = resolve(__dirname, '../../../..');
const key = 'sk-planted-replay-cli-5e1';

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: root, timeout: 60000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('replay: agent-debugger record --cassette / replay --cassette', function () {
  this.timeout(120000);
  const mock = new MockProvider();
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-debugger-replay-'));
    env = { OPENAI_BASE_URL: `${await mock.start()}/v1`, OPENAI_API_KEY: key, NODE_PATH: join(root, 'node_modules') };
  });
  after(async () => {
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records, replays unchanged with zero provider calls, and fails on a prompt edit naming step and field', async () => {
    const agent = join(dir, 'agent.js');
    const source = readFileSync(join(__dirname, 'cliAgent.js'), 'utf8');
    writeFileSync(agent, source);
    const cassette = join(dir, 'run.cassette.json');
    const out = join(dir, 'run.otlp.json');
    const model = 'gpt-4o-mini';
    mock.answer(
      { json: { id: 'c1', object: 'chat.completion', created: 1, model, choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }] } }], usage: { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 } } },
      { gapMs: 30, done: true, sse: ['Cold', ', 4C.'].map((content) => ({ data: { id: 's', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { content }, finish_reason: null }] } })) },
    );

    const recorded = await cli(['record', '--cassette', cassette, '--out', out, '--', process.execPath, agent], env);
    assert.equal(recorded.code, 0, recorded.stderr);
    assert.match(recorded.stdout, /agent: Cold, 4C\./);
    assert.match(recorded.stderr, /wrote 2 LLM calls to /);
    assert.equal(mock.requests.length, 2);
    const text = readFileSync(cassette, 'utf8');
    assert.ok(!text.includes(key), 'no key in the cassette');
    assert.equal(parseCassette(text).exchanges.length, 2);

    mock.requests.length = 0;
    const replayed = await cli(['replay', '--cassette', cassette, '--', process.execPath, agent], env);
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.match(replayed.stdout, /agent: Cold, 4C\./);
    assert.match(replayed.stderr, /replay passed: 2 LLM calls answered from the cassette/);
    assert.equal(mock.requests.length, 0, 'the mock provider got no request');

    writeFileSync(agent, source.replace('You are a terse weather bot.', 'You are a chatty weather bot.'));
    const diverged = await cli(['replay', '--cassette', cassette, '--', process.execPath, agent], env);
    assert.notEqual(diverged.code, 0);
    assert.match(diverged.stderr, /replay diverged at step 1 of 2: field messages\[0\]\.content/);
    assert.match(diverged.stderr, /recorded: "You are a terse weather bot\."\n\s+now:\s+"You are a chatty weather bot\."/);
    assert.match(diverged.stderr, /agent failed: 400 Agent Debugger replay: the run diverged/);
    assert.equal(mock.requests.length, 0, 'still no request: onDivergence fail');
  });

  it('refuses a hostile cassette with a clear error and runs nothing', async () => {
    const bad = join(dir, 'bad.cassette.json');
    writeFileSync(bad, JSON.stringify({ format: 'agent-debugger.cassette', version: 1, recordedAt: 'x', exchanges: [{ step: 1 }] }));
    const r = await cli(['replay', '--cassette', bad, '--', process.execPath, '-e', 'console.log("ran")'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a valid cassette: exchanges\[0\]\.provider must be/);
    assert.doesNotMatch(r.stdout, /ran/);
  });
});
