import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');

describe('CLI: agent-debugger serve', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agent-debugger-serve-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('receives until Ctrl-C, then writes every session it received', async () => {
    const out = join(dir, 'all.otlp.json');
    const server = spawn(process.execPath, [join(root, 'dist/cli.js'), 'serve', '--port', '0', '--grpc-port', '0', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const endpoint = await new Promise<string>((res, rej) => {
      server.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /OTLP\/HTTP on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) res(m[1]!);
      });
      server.once('exit', (code) => rej(new Error(`serve exited ${code}: ${stdout}`)));
    });
    for (const name of ['agent-a', 'agent-b']) {
      const run = spawnSync(process.execPath, [join(root, 'examples/hello-otlp/agent.mjs')], { env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: name }, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
    }
    const exited = new Promise<number | null>((r) => server.once('exit', r));
    server.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(stdout, /wrote 6 spans in 2 traces \(2 sessions\)/);
    const file = JSON.parse(readFileSync(out, 'utf8')) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[] };
    const services = file.resourceSpans.map((rs) => rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).sort();
    assert.deepEqual(services, ['agent-a', 'agent-b']);
  });
});
