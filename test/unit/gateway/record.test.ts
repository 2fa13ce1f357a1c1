// `agent-debugger record` on the no-OpenTelemetry example: the built CLI points OPENAI_BASE_URL at its
// gateway, chains the mock provider URL the user had set, and the file holds LLM and tool steps.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSession, spanInputsFromRequests } from '../../../src/core/agent';
import type { TraceRequest } from '../../../src/core/otlp/model';

const root = resolve(__dirname, '../../../..');

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

describe('gateway: agent-debugger record on an agent without OpenTelemetry', function () {
  this.timeout(90000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agent-debugger-gateway-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records every LLM call (exact tokens and $) and the tool steps between them; the key is not in the file', async () => {
    const port = await freePort();
    const out = join(dir, 'run.otlp.json');
    const key = 'sk-planted-record-test-91d2';
    const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'record', '--out', out, '--', process.execPath, join(root, 'examples/no-otel-agent/agent.mjs'), 'Weather in Oslo?'], {
      cwd: root, encoding: 'utf8', timeout: 60000,
      env: { ...process.env, OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, MOCK_PROVIDER_PORT: String(port), OPENAI_API_KEY: key },
    });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /asking through http:\/\/127\.0\.0\.1:\d+\/r\/[\w-]+\/openai/);
    assert.match(r.stdout, /Oslo: \d+ °C/);
    const text = readFileSync(out, 'utf8');
    assert.ok(!text.includes(key));
    const { steps, totals } = buildSession(spanInputsFromRequests([JSON.parse(text) as TraceRequest]));
    assert.deepEqual(steps.map((s) => s.kind), ['llm', 'tool', 'llm']);
    assert.equal(steps[1]!.toolName, 'current_weather');
    assert.equal(totals.inputTokens, 180 + 220);
    assert.equal(totals.outputTokens, 48);
    assert.ok(totals.costUsd > 0);
  });
});
