// `agent-debugger serve` (the built CLI) starts the LLM gateway and prints its base URLs: the openai SDK,
// pointed at the printed OPENAI_BASE_URL, reaches the mock provider set in serve's env, and Ctrl-C writes
// its calls as one session with exact tokens and the tool step between them.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { buildSession, spanInputsFromRequests } from '../../../src/core/agent';
import type { TraceRequest } from '../../../src/core/otlp/model';
import { PLANTED_KEY } from './harness';
import { MockProvider } from './mockProvider';

const root = resolve(__dirname, '../../../..');

describe('gateway: agent-debugger serve', function () {
  this.timeout(60000);
  let dir: string;
  let mock: MockProvider;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agent-debugger-serve-'))));
  afterEach(async () => {
    await mock?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the gateway base URLs and records the calls made through them as one session', async () => {
    mock = new MockProvider();
    const mockUrl = await mock.start();
    mock.answer(
      { json: { id: 'c1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', usage: { prompt_tokens: 150, completion_tokens: 20, total_tokens: 170 },
        choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] } }] } },
      { json: { id: 'c2', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', usage: { prompt_tokens: 190, completion_tokens: 9, total_tokens: 199 },
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'done' } }] } },
    );
    const out = join(dir, 'serve.otlp.json');
    const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'serve', '--port', '0', '--grpc-port', '0', '--out', out], {
      cwd: root, env: { ...process.env, OPENAI_BASE_URL: `${mockUrl}/v1` }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const baseURL = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // Every provider's line, not only the first: they can arrive in separate chunks.
        const m = /OPENAI_BASE_URL=(\S+)[\s\S]*OLLAMA_HOST=\S+\n/.exec(stdout);
        if (m) done(m[1]!);
      });
      void exited.then(() => fail(new Error(`serve exited: ${stderr}`)));
    });
    assert.match(stdout, /LLM gateway on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(stdout, /ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/r\/[\w-]+\/anthropic/);
    assert.match(baseURL, /^http:\/\/127\.0\.0\.1:\d+\/r\/[\w-]+\/openai$/);

    const client = new OpenAI({ apiKey: PLANTED_KEY, baseURL, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'look it up' }];
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: 'call_1', content: '{"ok":true}' });
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(second.choices[0]!.message.content, 'done');
    assert.equal(mock.requests[0]!.url, '/v1/chat/completions');

    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    const text = readFileSync(out, 'utf8');
    assert.ok(!text.includes(PLANTED_KEY));
    const { steps, totals } = buildSession(spanInputsFromRequests([JSON.parse(text) as TraceRequest]));
    assert.deepEqual(steps.map((s) => s.kind), ['llm', 'tool', 'llm']);
    assert.equal(steps[1]!.toolName, 'lookup');
    assert.equal(totals.inputTokens, 150 + 190);
    assert.equal(totals.outputTokens, 29);
    assert.ok(totals.costUsd > 0);
    const sessions = new Set(JSON.stringify(JSON.parse(text)).match(/"agent_debugger\.session\.id","value":\{"stringValue":"[^"]+"/g));
    assert.equal(sessions.size, 1);
  });

  /** serve with these flags until it prints the gateway's line: that line (then Ctrl-C). */
  async function gatewayLine(flags: string[]): Promise<string> {
    const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'serve', '--port', '0', '--grpc-port', '0', '--out', join(dir, 'x.json'), ...flags], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const line = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // The last base URL line: serve listens for Ctrl-C once it has printed them all.
        const m = /^agent-debugger: LLM gateway on .*$/m.exec(stdout);
        if (m && /OLLAMA_HOST=\S+\n/.test(stdout)) done(m[0]);
      });
      void exited.then(() => fail(new Error(`serve exited: ${stderr}`)));
    });
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    return line;
  }

  function listen(server: Server, port: number): Promise<number> {
    return new Promise((done) => server.listen(port, '127.0.0.1', () => done((server.address() as { port: number }).port)));
  }

  it('--gateway-port: the chosen port; a taken one falls back to a free port and says so; a bad one is refused', async () => {
    const holder = createServer();
    const taken = await listen(holder, 0);
    try {
      const fellBack = await gatewayLine(['--gateway-port', String(taken)]);
      const m = new RegExp(`LLM gateway on http://127\\.0\\.0\\.1:(\\d+) \\(port ${taken} was taken\\)`).exec(fellBack);
      assert.ok(m, fellBack);
      assert.notEqual(Number(m[1]), taken);
    } finally {
      holder.close();
    }
    // A port that was free a moment ago (the holder just let it go).
    const chosen = await gatewayLine(['--gateway-port', String(taken)]);
    assert.match(chosen, new RegExp(`LLM gateway on http://127\\.0\\.0\\.1:${taken}; `));
    const bad = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'serve', '--gateway-port', '70000'], { cwd: root, encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--gateway-port must be a port number \(0-65535\), not '70000'/);
  });
});
