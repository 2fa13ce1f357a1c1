// `agent-debugger record` (the built CLI) on Python agents that HARD-CODE https://api.openai.com, sending
// with urllib, httpx (sync and async) or requests: the sitecustomize.py the CLI puts first on PYTHONPATH
// reroutes each to the gateway, which forwards to the local mock. A user's own sitecustomize still runs.
// A dead proxy for everything but loopback keeps the test offline (and checks a rerouted call goes direct).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSession, spanInputsFromRequests } from '../../../src/core/agent';
import type { TraceRequest } from '../../../src/core/otlp/model';
import { PLANTED_KEY } from './harness';
import { MockProvider } from './mockProvider';
import { type PythonClient, pythonAdderAgent, pythonWith } from './pythonAgent';

const root = resolve(__dirname, '../../../..');

describe('gateway: Python sitecustomize preload (hard-coded provider URL)', function () {
  this.timeout(60000);
  let dir: string;
  let mock: MockProvider;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agent-debugger-pypreload-'));
    mock = new MockProvider();
  });
  afterEach(async () => {
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function record(python: string, agent: string, env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string; text: string }> {
    const mockUrl = await mock.start();
    mock.answer(
      { json: { id: 'a', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_add', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":3}' } }] } }], usage: { prompt_tokens: 44, completion_tokens: 11, total_tokens: 55 } } },
      { json: { id: 'b', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'It is 5.' } }], usage: { prompt_tokens: 66, completion_tokens: 4, total_tokens: 70 } } },
    );
    const out = join(dir, 'run.otlp.json');
    const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'record', '--out', out, '--', python, '-c', agent], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      // The gateway's upstream is the mock; anything not rerouted would hit the dead proxy, never the network.
      env: { ...process.env, OPENAI_BASE_URL: `${mockUrl}/v1`, https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', no_proxy: '127.0.0.1,localhost', NO_PROXY: '127.0.0.1,localhost', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    assert.equal(await new Promise((r) => child.on('exit', r)), 0, stderr);
    return { stdout, stderr, text: readFileSync(out, 'utf8') };
  }

  function assertRecorded(r: { stdout: string; text: string }): void {
    assert.equal(r.stdout.trim().split('\n').pop(), 'It is 5.');
    assert.equal(mock.requests.length, 2);
    assert.equal(mock.requests[0]!.url, '/v1/chat/completions');
    assert.equal(mock.requests[0]!.headers.authorization, `Bearer ${PLANTED_KEY}`);
    assert.ok(!r.text.includes(PLANTED_KEY));
    const { steps, totals } = buildSession(spanInputsFromRequests([JSON.parse(r.text) as TraceRequest]));
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.toolName ?? s.model}`), ['llm:gpt-4o-mini', 'tool:add', 'llm:gpt-4o-mini']);
    assert.equal(steps[1]!.toolResult, '5');
    assert.equal(totals.inputTokens, 44 + 66);
    assert.equal(totals.outputTokens, 15);
    assert.ok(totals.costUsd > 0);
  }

  for (const client of ['urllib', 'httpx', 'httpx-async', 'requests'] as PythonClient[]) {
    it(`reroutes ${client} calls to api.openai.com through the gateway to the mock; steps with exact tokens`, async function () {
      const python = pythonWith(client);
      // Said, not hidden: a machine without the library cannot run this client's case.
      if (!python) return this.skip();
      const agent = pythonAdderAgent({ client, url: '"https://api.openai.com/v1/chat/completions"', authorization: `"Bearer ${PLANTED_KEY}"` });
      assertRecorded(await record(python, agent));
    });
  }

  it("runs the user's own sitecustomize too (the preload hides it by coming first on PYTHONPATH)", async () => {
    const own = join(dir, 'own');
    mkdirSync(own);
    writeFileSync(join(own, 'sitecustomize.py'), 'import os\nprint("user sitecustomize ran", os.environ.get("AGENT_DEBUGGER_GATEWAY_ROUTES") is not None)\nUSER_MARK = 42\n');
    const agent = `import sitecustomize\nprint("mark", getattr(sitecustomize, "USER_MARK", None))\n${pythonAdderAgent({ url: '"https://api.openai.com/v1/chat/completions"', authorization: `"Bearer ${PLANTED_KEY}"` })}`;
    const r = await record('python3', agent, { PYTHONPATH: own });
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 2), ['user sitecustomize ran True', 'mark 42']);
    assertRecorded(r);
  });
});
