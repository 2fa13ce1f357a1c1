// The `agent` launch adapter over DAP with a real receiver: the example agents (Node with the OTel SDK,
// Python with only the standard library) run as child processes, their output reaches the client, the exit
// code shows, their spans land in one store session per run, and a trace breakpoint freezes the run on
// the matching step.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildSession } from '../../../src/core/agent';
import { readSession } from '../../../src/core/agent/fromStore';
import { AgentLaunchSession, type AgentLaunchArgs } from '../../../src/core/debug/agentLaunchSession';
import { LiveBreakWatcher, parseBreakOnList } from '../../../src/core/debug/breakOn';
import { localDebugSteps } from '../../../src/core/debug/debugView';
import { DebugMessages } from '../../../src/core/debug/stepSession';
import { TraceEngine } from '../../../src/core/engine';
import { repoRoot, serveAdapter, type Served } from './dapServer';

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('agent launch adapter (DAP) with a live receiver', function () {
  this.timeout(60000);
  let engine: TraceEngine;
  let endpoints: { http: string; grpc?: string };
  let served: Served;

  before(async () => {
    engine = await TraceEngine.create({ sessionGapMs: 3_600_000 });
    const a = await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] });
    endpoints = { http: `http://127.0.0.1:${a.http.port}` };
  });
  after(() => engine.dispose());
  beforeEach(async () => {
    served = await serveAdapter(
      () => new AgentLaunchSession({ defaultCwd: repoRoot, exitGraceMs: 300, loadSteps: async (id, breakOn) => localDebugSteps(buildSession(readSession(engine.store, id)).steps, breakOn) }),
      'agent',
    );
  });
  afterEach(() => served.close());

  const stepsOf = (id: string) => buildSession(readSession(engine.store, id)).steps;

  async function launch(args: AgentLaunchArgs): Promise<string> {
    const dc = served.client;
    const run = dc.waitForEvent(DebugMessages.run);
    await Promise.all([dc.configurationSequence(), dc.launch({ ...args, agentDebuggerEndpoints: endpoints } as DebugProtocol.LaunchRequestArguments)]);
    return ((await run).body as { sessionId: string }).sessionId;
  }

  for (const [label, program, expected] of [
    ['Node agent (OTel JS SDK)', 'examples/node-agent/agent.mjs', ['invoke_agent weather-assistant', 'chat gpt-4o-mini', 'execute_tool get_weather']],
    ['Python agent (standard library OTLP/JSON)', 'examples/python-stdlib-agent/agent.py', ['invoke_agent currency-assistant', 'chat gpt-4o-mini', 'execute_tool get_rate', 'execute_tool convert']],
  ] as const) {
    it(`runs the ${label}: output, exit code, spans in a new session`, async () => {
      const dc = served.client;
      const exited = dc.waitForEvent('exited', 30000);
      const terminated = dc.waitForEvent('terminated', 30000);
      const before = new Set(engine.store.listSessions().map((s) => s.id));
      const sessionId = await launch({ program, env: { AGENT_STEP_DELAY_MS: '20' } });
      assert.equal(before.has(sessionId), false);
      assert.equal(((await exited).body as { exitCode: number }).exitCode, 0);
      await terminated;
      const session = await waitFor('the spans', () => (engine.store.getSession(sessionId)?.spanCount ?? 0) >= expected.length + 1 && engine.store.getSession(sessionId));
      const names = new Set(stepsOf(sessionId).map((s) => s.name));
      for (const n of expected) assert.ok(names.has(n), `${n} in ${[...names].join(', ')}`);
      assert.equal(session.serviceName, path.basename(program));
    });
  }

  it('streams stdout to the client and reports a failing exit code', async () => {
    const dc = served.client;
    const output = dc.assertOutput('stdout', 'Paris: cloudy, 18°C', 30000);
    const exited = dc.waitForEvent('exited', 30000);
    await launch({ command: 'node examples/node-agent/agent.mjs "Paris please" && exit 3' });
    await output;
    assert.equal(((await exited).body as { exitCode: number }).exitCode, 3);
  });

  it('a bad configuration fails the launch with a readable message', async () => {
    const dc = served.client;
    await dc.initializeRequest();
    await assert.rejects(dc.launchRequest({ agentDebuggerEndpoints: endpoints } as DebugProtocol.LaunchRequestArguments), /needs 'program'.*or 'command'/);
    await assert.rejects(dc.launchRequest({ program: 'a.js', breakOn: ['costUsd>'], agentDebuggerEndpoints: endpoints } as DebugProtocol.LaunchRequestArguments), /not a trace breakpoint/);
  });

  it('breakOn tool:get_weather: the run freezes on that step (SIGSTOP), stack shows it, continue finishes the run', async function () {
    if (process.platform === 'win32') this.skip();
    const dc = served.client;
    const terminated = dc.waitForEvent('terminated', 40000);
    const sessionId = await launch({ program: 'examples/node-agent/agent.mjs', args: ['Paris and Tokyo'], env: { AGENT_STEP_DELAY_MS: '400' } });
    // What the extension host does on every store change: match arriving steps, break on a hit.
    const watcher = new LiveBreakWatcher(parseBreakOnList(['tool:get_weather']));
    const hit = await waitFor('a get_weather step', () => watcher.check(stepsOf(sessionId))[0], 20000);
    const [, stopped] = await Promise.all([
      dc.customRequest(DebugMessages.breakAt, { stepId: hit.step.id, description: 'breakOn tool:get_weather' }),
      dc.waitForEvent('stopped'),
    ]);
    assert.equal((stopped.body as DebugProtocol.StoppedEvent['body']).description, 'breakOn tool:get_weather');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((f) => f.name);
    assert.deepEqual(frames, ['tool get_weather']); // its parent, the agent span, is exported last
    const spansAtStop = engine.store.getSession(sessionId)!.spanCount;
    await new Promise((r) => setTimeout(r, 1500));
    // Frozen: nothing new arrives while stopped (a running agent would have sent the next chat span).
    assert.equal(engine.store.getSession(sessionId)!.spanCount, spansAtStop);
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    await waitFor('the whole run', () => engine.store.getSession(sessionId)!.spanCount >= 5);
  });
});
