// The replay debugger over DAP: a recorded GenAI-semconv session (agent -> llm -> failing tool -> llm ->
// tool x2 -> llm, $0.0104 in all) stepped with stepIn / next / stepBack / stepOut, continued to a line
// breakpoint, to the Errors / Budget / Loops filters and to breakOn, and reverse-continued; call stacks
// and Variables are checked at each stop.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { AgentStep, SourceLocation } from '../../../src/core/agent';
import { localDebugSteps } from '../../../src/core/debug/debugView';
import { ReplaySession, type ReplayLaunchArgs } from '../../../src/core/debug/replaySession';
import { DebugMessages } from '../../../src/core/debug/stepSession';
import { fixtureSteps, serveAdapter, sourceFolder, type Served } from './dapServer';

// agent.py: the agent on line 3, its LLM calls on line 8; tools.py: search_flights on line 4.
const src = sourceFolder({
  'agent.py': ['import tools', '', 'def run(question):', '    messages = [question]', '    while True:', '        # ask the model', '        # ...', '        reply = llm(messages)', ''].join('\n'),
  'tools.py': ['# tools', '', '', 'def search_flights(origin, dest, date):', '    return []', ''].join('\n'),
});
const locate = (s: AgentStep): SourceLocation | undefined =>
  s.kind === 'tool' ? { path: 'tools.py', line: 4, how: 'tool-index', confidence: 0.9 } : s.kind === 'llm' ? { path: 'agent.py', line: 8, how: 'stacktrace', confidence: 0.8 } : s.kind === 'agent' ? { path: 'agent.py', line: 3, how: 'attribute', confidence: 1 } : undefined;

describe('agent-replay debug adapter (DAP over a socket)', function () {
  this.timeout(30000);
  const steps = fixtureSteps('genai-semconv');
  let served: Served;
  let loads = 0;
  const launchArgs = (extra: Partial<ReplayLaunchArgs> = {}): ReplayLaunchArgs => ({ sessionId: 'trip', ...extra });

  beforeEach(async () => {
    served = await serveAdapter(
      () => new ReplaySession({
        sourceRoots: [src],
        load: async (args, breakOn) => {
          loads++;
          if (args.sessionId !== 'trip') throw new Error(`No session '${args.sessionId}' in the store.`);
          return { id: 'trip', name: 'travel planner', ...localDebugSteps(steps, breakOn, locate) };
        },
      }),
      'agent-replay',
    );
  });
  afterEach(() => served.close());

  async function start(extra: Partial<ReplayLaunchArgs> = {}, setup: () => Promise<unknown> = async () => undefined): Promise<DebugProtocol.StoppedEvent> {
    const dc = served.client;
    const [, , stopped] = await Promise.all([
      dc.configurationSequence().then(setup),
      dc.launch(launchArgs(extra)),
      dc.waitForEvent('stopped'),
    ]);
    return stopped as DebugProtocol.StoppedEvent;
  }

  async function stack(): Promise<{ name: string; file?: string; line: number }[]> {
    const r = await served.client.stackTraceRequest({ threadId: 1 });
    return r.body.stackFrames.map((f) => ({ name: f.name, file: f.source?.path ? path.relative(src, f.source.path) : undefined, line: f.line }));
  }

  async function act(request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
    const [, stopped] = await Promise.all([request(), served.client.waitForEvent('stopped')]);
    return stopped as DebugProtocol.StoppedEvent;
  }

  async function scopeVars(name: string, frameId?: number): Promise<Map<string, DebugProtocol.Variable>> {
    const dc = served.client;
    const frame = frameId ?? (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
    const scope = (await dc.scopesRequest({ frameId: frame })).body.scopes.find((s) => s.name === name);
    assert.ok(scope, `scope ${name}`);
    const vars = (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
    return new Map(vars.map((v) => [v.name, v]));
  }

  it('announces step back, the three exception filters and exception info', async () => {
    const caps = (await served.client.initializeRequest()).body!;
    assert.equal(caps.supportsStepBack, true);
    assert.equal(caps.supportsExceptionInfoRequest, true);
    assert.deepEqual(caps.exceptionBreakpointFilters!.map((f) => f.label), ['Errors', 'Budget exceeded', 'Loops']);
  });

  it('stops on entry at the agent step; stepIn / next / stepBack / stepOut walk the step tree with stacks and variables', async () => {
    const dc = served.client;
    const stepEvent = dc.waitForEvent(DebugMessages.step);
    const entry = await start();
    assert.equal(entry.body.reason, 'entry');
    assert.equal(((await stepEvent).body as { stepId: string }).stepId, steps[0].id);
    assert.deepEqual(await stack(), [{ name: 'agent invoke_agent travel_planner', file: 'agent.py', line: 3 }]);
    assert.equal((await dc.threadsRequest()).body.threads[0].name, 'travel planner');

    assert.equal((await act(() => dc.stepInRequest({ threadId: 1 }))).body.reason, 'step');
    assert.deepEqual(await stack(), [
      { name: 'llm claude-sonnet-4-5', file: 'agent.py', line: 8 },
      { name: 'agent invoke_agent travel_planner', file: 'agent.py', line: 3 },
    ]);
    const input = await scopeVars('Input messages');
    assert.match(input.get('[1] user')!.value, /Find me a flight from Lisbon to Tokyo/);
    const usage = await scopeVars('Tokens & cost');
    assert.equal(usage.get('inputTokens')!.value, '1200');
    assert.equal(usage.get('cacheReadTokens')!.value, '800');
    assert.equal(usage.get('costUsd')!.value, '$0.00279');
    const output = await scopeVars('Output');
    const reply = output.get('[0] assistant')!;
    assert.match(reply.value, /search_flights\(/);
    // Expandable: the message's parts.
    const parts = (await dc.variablesRequest({ variablesReference: reply.variablesReference })).body.variables;
    assert.ok(parts.some((p) => p.name.startsWith('part 0 (tool_call)')));

    await act(() => dc.nextRequest({ threadId: 1 }));
    assert.deepEqual((await stack())[0], { name: 'tool search_flights', file: 'tools.py', line: 4 });
    const tool = await scopeVars('Tool');
    assert.equal(tool.get('name')!.value, '"search_flights"');
    const args = (await dc.variablesRequest({ variablesReference: tool.get('args')!.variablesReference })).body.variables;
    assert.deepEqual(args.map((a) => `${a.name}=${a.value}`), ['from="LIS"', 'to="NRT"', 'date="2026-03-01"']);
    assert.equal((await scopeVars('Step')).get('error')!.value, '"flight search timed out after 30s"');
    const attributes = await scopeVars('Attributes');
    assert.equal(attributes.get('gen_ai.tool.name')!.value, '"search_flights"');

    await act(() => dc.stepBackRequest({ threadId: 1 }));
    assert.equal((await stack())[0].name, 'llm claude-sonnet-4-5');
    await act(() => dc.stepOutRequest({ threadId: 1 }));
    assert.deepEqual(await stack(), [{ name: 'agent invoke_agent travel_planner', file: 'agent.py', line: 3 }]);
    // Stepping back past the first step stays there and says so.
    const start0 = await act(() => dc.stepBackRequest({ threadId: 1 }));
    assert.equal(start0.body.reason, 'entry');
    // Stop (the toolbar's square) ends the replay.
    await Promise.all([dc.terminateRequest({}), dc.waitForEvent('terminated')]);
  });

  it('continue runs to a line breakpoint (verified only where a step is located), then on; reverseContinue goes back to it', async () => {
    const dc = served.client;
    let verified: DebugProtocol.Breakpoint[] = [];
    await start({}, async () => {
      verified = (await dc.setBreakpointsRequest({ source: { path: path.join(src, 'tools.py') }, breakpoints: [{ line: 4 }, { line: 5 }] })).body.breakpoints;
      await dc.setExceptionBreakpointsRequest({ filters: [] });
    });
    assert.deepEqual(verified.map((b) => b.verified), [true, false]);
    const first = await act(() => dc.continueRequest({ threadId: 1 }));
    assert.equal(first.body.reason, 'breakpoint');
    assert.deepEqual(first.body.hitBreakpointIds, [verified[0].id]);
    assert.equal((await scopeVars('Tool')).get('callId')!.value, '"toolu_1"');
    await act(() => dc.continueRequest({ threadId: 1 }));
    assert.equal((await scopeVars('Tool')).get('callId')!.value, '"toolu_2"');
    await act(() => dc.continueRequest({ threadId: 1 }));
    assert.equal((await scopeVars('Tool')).get('callId')!.value, '"toolu_3"');
    const end = await act(() => dc.continueRequest({ threadId: 1 }));
    assert.equal(end.body.reason, 'end');
    assert.equal((await stack())[0].name, 'llm claude-sonnet-4-5');
    const back = await act(() => dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal(back.body.reason, 'breakpoint');
    assert.equal((await scopeVars('Tool')).get('callId')!.value, '"toolu_3"');
    await act(() => dc.reverseContinueRequest({ threadId: 1 }));
    await act(() => dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal((await scopeVars('Tool')).get('callId')!.value, '"toolu_1"');
    const top = await act(() => dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal(top.body.reason, 'entry');
  });

  it('the Errors filter stops at the failed tool call with its message in exception info', async () => {
    const dc = served.client;
    await start({}, () => dc.setExceptionBreakpointsRequest({ filters: ['errors'] }));
    const stop = await act(() => dc.continueRequest({ threadId: 1 }));
    assert.equal(stop.body.reason, 'exception');
    assert.equal(stop.body.text, 'flight search timed out after 30s');
    assert.equal((await stack())[0].name, 'tool search_flights');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.description, 'flight search timed out after 30s');
    // No other step failed: continue ends on the last step.
    assert.equal((await act(() => dc.continueRequest({ threadId: 1 }))).body.reason, 'end');
  });

  it('the Budget exceeded filter stops where the session cost crosses budgetUsd; Loops at the repeated tool call', async () => {
    const dc = served.client;
    await start({ budgetUsd: 0.006 }, () => dc.setExceptionBreakpointsRequest({ filters: ['budget', 'loops'] }));
    // $0.00279 + $0.00225 = $0.00504, then the third LLM call: $0.00744.
    const loop = await act(() => dc.continueRequest({ threadId: 1 }));
    assert.equal(loop.body.text, 'execute_tool search_flights repeats an identical earlier call');
    assert.equal((await scopeVars('Tool')).get('callId')!.value, '"toolu_2"');
    const budget = await act(() => dc.continueRequest({ threadId: 1 }));
    assert.match(budget.body.text!, /The session cost \$0\.00744.*over the budget of \$0\.00600/);
    assert.equal((await scopeVars('Tokens & cost')).get('sessionUsdSoFar')!.value, '$0.00744');
  });

  it('breakOn expressions stop continue too, and a goto request (the graph selecting a step) moves the cursor', async () => {
    const dc = served.client;
    await start({ breakOn: ['model:claude-*'] }, () => dc.setExceptionBreakpointsRequest({ filters: [] }));
    const stop = await act(() => dc.continueRequest({ threadId: 1 }));
    assert.equal(stop.body.reason, 'breakpoint');
    assert.equal(stop.body.description, 'breakOn model:claude-*');
    const goto = await act(() => dc.customRequest(DebugMessages.goto, { stepId: steps[6].id }));
    assert.equal(goto.body.reason, 'goto');
    assert.equal((await scopeVars('Tool')).get('callId')!.value, '"toolu_3"');
    await assert.rejects(dc.customRequest(DebugMessages.goto, { stepId: 'nope' }), /No step nope/);
  });

  it('a bad launch (unknown session, bad breakOn) fails with a readable error', async () => {
    const dc = served.client;
    await dc.initializeRequest();
    await assert.rejects(dc.launchRequest(launchArgs({ sessionId: 'gone' }) as DebugProtocol.LaunchRequestArguments), /No session 'gone' in the store/);
    await assert.rejects(dc.launchRequest(launchArgs({ breakOn: ['tool'] }) as DebugProtocol.LaunchRequestArguments), /'tool' is not a trace breakpoint/);
    assert.ok(loads >= 1);
  });
});
