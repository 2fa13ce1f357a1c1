import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');
const cli = join(root, 'dist/cli.js');
const agent = join(root, 'examples/hello-otlp/agent.mjs');

interface OtlpFile {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string; status?: { code?: number } }[] }[] }[];
}

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60000 });
}

describe('CLI: agent-debugger record (the built dist/cli.js running a real OTel SDK agent)', function () {
  this.timeout(90000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agent-debugger-cli-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const protocol of ['http/protobuf', 'http/json']) {
    it(`records every span the agent exports (${protocol}) into one session file`, () => {
      const out = join(dir, 'run.otlp.json');
      const r = run(['record', '--out', out, '--', process.execPath, agent], { OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /wrote 3 spans in 1 traces/);
      const file = JSON.parse(readFileSync(out, 'utf8')) as OtlpFile;
      const spans = file.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      assert.deepEqual(spans.map((s) => s.name).sort(), ['chat gpt-4o-mini', 'execute_tool get_weather', 'invoke_agent weather']);
      const attrs = file.resourceSpans[0]!.resource.attributes;
      const sessionId = attrs.find((a) => a.key === 'agent_debugger.session.id')?.value.stringValue;
      assert.match(sessionId ?? '', /^[0-9a-f-]{36}$/, 'the launcher tags the run with a session id');
      assert.deepEqual(readdirSync(dir), ['run.otlp.json'], 'atomic write leaves no temp file');
    });
  }

  it('forwards the command\'s exit code, and keeps the spans of a failing run', () => {
    const out = join(dir, 'fail.otlp.json');
    const r = run(['record', '--out', out, '--', process.execPath, agent, '--fail']);
    assert.equal(r.status, 3);
    const file = JSON.parse(readFileSync(out, 'utf8')) as OtlpFile;
    const tool = file.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).find((s) => s.name === 'execute_tool get_weather');
    assert.equal(tool?.status?.code, 2);
  });

  it('reports a command that cannot start, and bad usage, clearly', () => {
    const missing = run(['record', '--out', join(dir, 'x.json'), '--', join(dir, 'no-such-program')]);
    assert.equal(missing.status, 127);
    assert.match(missing.stderr, /could not run/);
    const usage = run(['record', '--', 'node']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /record needs --out FILE/);
    const badPort = run(['serve', '--port', 'abc']);
    assert.equal(badPort.status, 2);
    assert.match(badPort.stderr, /--port must be a port number/);
  });
});
