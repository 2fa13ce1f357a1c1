// examples/weather-agent end to end: run it (tsx) against our own receiver with the environment the
// launcher injects, then read what arrived as agent steps.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { readSession } from '../../../src/core/agent/fromStore';
import { buildSession } from '../../../src/core/agent';
import { TraceEngine } from '../../../src/core/engine';
import { withAgentEnv } from '../../../src/core/launch/agentEnv';

const root = path.resolve(__dirname, '../../../..');

describe('examples/weather-agent', function () {
  this.timeout(120_000);

  it('runs offline and exports an agent trace: two getWeather calls, then the answer, with a cost', async () => {
    const engine = await TraceEngine.create();
    try {
      const { http } = await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] });
      const env = withAgentEnv(process.env, { httpEndpoint: `http://${http.host}:${http.port}`, sessionId: 'weather-test', serviceName: 'weather-agent' });
      const tsx = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
      const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
        const child = spawn(tsx, [path.join(root, 'examples/weather-agent/agent.ts'), 'Weather in Paris and Oslo?'], { env, cwd: root });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('exit', (c) => resolve({ code: c, stdout: out }));
      });
      assert.equal(code, 0);
      assert.match(stdout, /Paris is cloudy at 18°C; Oslo is snowy at 4°C\./);
      await engine.drain();
      const [session] = engine.store.listSessions();
      const { steps, totals } = buildSession(readSession(engine.store, session.id));
      assert.deepEqual(steps.map((s) => s.kind), ['agent', 'llm', 'tool', 'tool', 'llm']);
      assert.deepEqual(steps.filter((s) => s.kind === 'tool').map((s) => [s.toolName, s.toolArgs]), [['getWeather', { city: 'Paris' }], ['getWeather', { city: 'Oslo' }]]);
      assert.match(steps[1].systemPrompt ?? '', /concise weather assistant/);
      assert.equal(steps[0].agentName, 'weather-agent');
      assert.ok(totals.costUsd > 0 && totals.unpricedCalls === 0, JSON.stringify(totals));
    } finally {
      await engine.dispose();
      engine.store.dispose();
    }
  });
});
