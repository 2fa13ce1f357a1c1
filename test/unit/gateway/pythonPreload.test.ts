// `agent-debugger record` (the built CLI) on a standard-library Python agent that HARD-CODES
// https://api.openai.com: the sitecustomize.py the CLI puts on PYTHONPATH reroutes urllib to the gateway,
// which forwards to the local mock. A dead proxy for everything but loopback keeps the test offline.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSession, spanInputsFromRequests } from '../../../src/core/agent';
import type { TraceRequest } from '../../../src/core/otlp/model';
import { PLANTED_KEY } from './harness';
import { MockProvider } from './mockProvider';
import { pythonAdderAgent } from './pythonAgent';

const root = resolve(__dirname, '../../../..');

const agent = pythonAdderAgent({ url: '"https://api.openai.com/v1/chat/completions"', authorization: `"Bearer ${PLANTED_KEY}"`, timeout: '20' });

describe('gateway: Python sitecustomize preload (hard-coded provider URL)', function () {
  this.timeout(60000);
  let dir: string;
  const mock = new MockProvider();
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agent-debugger-pypreload-'))));
  afterEach(async () => {
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reroutes urllib calls to api.openai.com through the gateway to the mock; steps with exact tokens', async () => {
    const mockUrl = await mock.start();
    mock.answer(
      { json: { id: 'a', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_add', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":3}' } }] } }], usage: { prompt_tokens: 44, completion_tokens: 11, total_tokens: 55 } } },
      { json: { id: 'b', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'It is 5.' } }], usage: { prompt_tokens: 66, completion_tokens: 4, total_tokens: 70 } } },
    );
    const out = join(dir, 'run.otlp.json');
    const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'record', '--out', out, '--', 'python3', '-c', agent], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      // The gateway's upstream is the mock; anything not rerouted would hit the dead proxy, never the network.
      env: { ...process.env, OPENAI_BASE_URL: `${mockUrl}/v1`, https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', no_proxy: '127.0.0.1,localhost' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    assert.equal(await new Promise((r) => child.on('exit', r)), 0, stderr);
    assert.equal(stdout.trim(), 'It is 5.');
    assert.equal(mock.requests.length, 2);
    assert.equal(mock.requests[0]!.url, '/v1/chat/completions');
    assert.equal(mock.requests[0]!.headers.authorization, `Bearer ${PLANTED_KEY}`);
    const text = readFileSync(out, 'utf8');
    assert.ok(!text.includes(PLANTED_KEY));
    const { steps, totals } = buildSession(spanInputsFromRequests([JSON.parse(text) as TraceRequest]));
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.toolName ?? s.model}`), ['llm:gpt-4o-mini', 'tool:add', 'llm:gpt-4o-mini']);
    assert.equal(totals.inputTokens, 44 + 66);
    assert.equal(totals.outputTokens, 15);
    assert.ok(totals.costUsd > 0);
  });
});
