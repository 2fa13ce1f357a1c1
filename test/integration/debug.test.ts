// Debugging inside the real VS Code: the examples' launch.json runs the Node and the Python agent through
// the `agent` type and the Node agent through js-debug's `node` type with "agentDebugger": true; spans
// arrive in a new session each time. A live run with breakOn stops on the tool step; a replay is stepped
// through DAP (stack frames, variables, step back) with the graph following.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/host/contributions';
import type { TracedRun } from '../../src/host/debug/tracedRuns';
import { viewSteps } from '../../src/core/debug/debugView';
import { activeApi } from './extension.test';
import { postJsonSpans, waitFor, webviewBootMs, webviewTestMs } from './otlpPost';
import { rowStopsBeingLive } from './sessionsView.test';

const folder = () => vscode.workspace.workspaceFolders![0];

function nextRun(): Promise<TracedRun> {
  return activeApi().then((api) => new Promise<TracedRun>((resolve) => {
    const sub = api.debug.runs.onDidStartRun((run) => {
      sub.dispose();
      resolve(run);
    });
  }));
}

function terminated(name: string): Promise<void> {
  return new Promise((resolve) => {
    const sub = vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.name !== name && s.parentSession?.name !== name) return;
      sub.dispose();
      resolve();
    });
  });
}

async function stepNames(sessionId: string): Promise<string[]> {
  const api = await activeApi();
  // What the debug adapters hold: the worker's view of the session.
  return viewSteps((await api.debug.adapters.steps(sessionId, [])).view).map((s) => s.name);
}

async function stackNames(session: vscode.DebugSession): Promise<string[]> {
  const r = (await session.customRequest('stackTrace', { threadId: 1 })) as { stackFrames: { name: string; line: number; source?: { path?: string } }[] };
  return r.stackFrames.map((f) => `${f.name}@${f.source?.path?.split('/').pop() ?? '-'}:${f.line}`);
}

/** What the user sees of the example sources: the visible editors on them (group:file), and how many groups there are. */
async function sourceLayout(): Promise<{ editors: string[]; groups: number }> {
  // The workbench opens and paints editors a moment after the stop.
  await new Promise((r) => setTimeout(r, 1000));
  const editors = vscode.window.visibleTextEditors.filter((e) => /\.(mjs|py)$/.test(e.document.uri.path));
  return { editors: editors.map((e) => `${e.viewColumn}:${e.document.uri.path.split('/').pop()}`), groups: vscode.window.tabGroups.all.length };
}

function stopped(): Promise<vscode.DebugStackFrame | vscode.DebugThread> {
  return new Promise((resolve) => {
    const sub = vscode.debug.onDidChangeActiveStackItem((item) => {
      if (!item) return;
      sub.dispose();
      resolve(item);
    });
  });
}

describe('debugging agents inside VS Code', function () {
  this.timeout(webviewTestMs);

  before(async () => {
    const { receiver } = await activeApi();
    await receiver.start();
  });

  for (const [config, expected] of [
    ['Node agent (agent launch)', ['invoke_agent weather-assistant', 'chat gpt-4o-mini', 'execute_tool get_weather']],
    ['Python agent, standard library only (agent launch)', ['invoke_agent currency-assistant', 'execute_tool get_rate', 'execute_tool convert']],
    ['Node agent (node debugger + tracing)', ['invoke_agent weather-assistant', 'execute_tool get_weather']],
  ] as const) {
    it(`launch.json '${config}': the spans arrive in a new session and the graph opens on it`, async () => {
      const { receiver, graph } = await activeApi();
      const engine = await receiver.engine();
      const before = new Set(engine.listSessions().map((s) => s.id));
      const run = nextRun();
      const done = terminated(config);
      assert.equal(await vscode.debug.startDebugging(folder(), config), true);
      const { storeSessionId, owner } = await run;
      assert.equal(before.has(storeSessionId), false, 'a new session');
      assert.equal(owner.type, config.includes('node debugger') ? 'pwa-node' : 'agent');
      await waitFor('every span', async () => {
        const names = new Set(await stepNames(storeSessionId));
        return expected.every((n) => names.has(n));
      }, 60000);
      await waitFor('the graph on the run', () => graph.current?.currentSessionId === storeSessionId, 20000);
      await done;
    });
  }

  it('a run does not take the graph over from a session you opened while it ran', async () => {
    const { receiver, graph } = await activeApi();
    assert.equal(await postJsonSpans(receiver.httpEndpoint!, 'opened-while-running', [{ name: 'chat gpt-4o', model: 'gpt-4o' }]), 200);
    await (await receiver.engine()).flush();
    const config = 'Node agent (agent launch)';
    const done = terminated(config);
    // Opened as the run starts, before its first spans: the run's own auto-open must leave the panel alone.
    const run = nextRun().then((r) => {
      graph.open('opened-while-running');
      return r;
    });
    assert.equal(await vscode.debug.startDebugging(folder(), config), true);
    const started = await run;
    await waitFor('the run judged with its steps', () => started.graphOpened, 60000);
    await done;
    assert.equal(graph.current?.currentSessionId, 'opened-while-running');
    // With nothing opened since it started, the next run opens its graph.
    const next = nextRun();
    const nextDone = terminated(config);
    assert.equal(await vscode.debug.startDebugging(folder(), config), true);
    const second = await next;
    await waitFor('the graph on the next run', () => graph.current?.currentSessionId === second.storeSessionId, 60000);
    await nextDone;
  });

  it('a launch names its session after the configuration, and the Sessions row loses "live" within a few seconds of the process exiting', async () => {
    const api = await activeApi();
    const name = 'Weather agent (Node)';
    let exitedAt = 0;
    // The adapter's `exited` event is the moment the agent's process ended.
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('agent', {
      createDebugAdapterTracker: (s) => (s.name !== name ? undefined : {
        onDidSendMessage: (m: { type?: string; event?: string }) => {
          if (m.type === 'event' && m.event === 'exited') exitedAt = Date.now();
        },
      }),
    });
    try {
      const run = nextRun();
      const done = terminated(name);
      await vscode.debug.startDebugging(folder(), {
        type: 'agent', request: 'launch', name, program: '${workspaceFolder}/node-agent/agent.mjs', args: ['Paris'], env: { AGENT_STEP_DELAY_MS: '300' }, openGraph: false,
      });
      const { storeSessionId } = await run;
      const row = await waitFor('its Sessions row', async () => (await api.sessions.getChildren()).find((i) => i.kind === 'session' && i.session.id === storeSessionId), 30_000);
      assert.equal(row.label, name);
      if (!exitedAt) assert.match(String(row.description), /● live/, 'live while the process runs');
      const lost = rowStopsBeingLive(storeSessionId, 75_000);
      await waitFor('the process to exit', () => exitedAt > 0, 60_000);
      const lostAfter = (await lost) - exitedAt;
      console.log(`      the row lost "live" ${lostAfter} ms after the process exited`);
      assert.ok(lostAfter < 4000, `lost "live" ${lostAfter} ms after the process exited`);
      assert.equal((await api.receiver.engine()).getSession(storeSessionId)?.name, name);
      await done;
    } finally {
      tracker.dispose();
    }
  });

  it("an `agent` run with breakOn ['tool:get_weather'] stops on that step; continue finishes it", async () => {
    const api = await activeApi();
    const name = 'breakOn run';
    const run = nextRun();
    const broke = new Promise<{ stepId: string; description: string }>((r) => {
      const sub = api.debug.runs.onDidBreak((hit) => (sub.dispose(), r(hit)));
    });
    const stop = stopped();
    const done = terminated(name);
    await vscode.debug.startDebugging(folder(), {
      type: 'agent', request: 'launch', name, program: '${workspaceFolder}/node-agent/agent.mjs', args: ['Paris and Tokyo'],
      env: { AGENT_STEP_DELAY_MS: '400' }, breakOn: ['tool:get_weather'], openGraph: false,
    });
    const { owner, storeSessionId } = await run;
    const hit = await broke;
    assert.equal(hit.description, 'breakOn tool:get_weather');
    await stop;
    const frames = await stackNames(owner);
    assert.match(frames[0], /^tool get_weather@tools\.mjs:\d+$/);
    const { view, detail } = await api.debug.adapters.steps(storeSessionId, ['tool:get_weather']);
    const steps = viewSteps(view);
    assert.equal(steps.find((s) => s.id === hit.stepId)?.toolName, 'get_weather');
    assert.ok(view.breaks.some(([i, text]) => steps[i].id === hit.stepId && text === 'tool:get_weather'), 'the worker judged the breakOn hit');
    assert.ok((await detail(hit.stepId))?.toolArgs !== undefined, 'the step\'s whole record has its arguments');
    // Continue until the run ends (the second get_weather call breaks too).
    const finish = async () => {
      for (let i = 0; i < 3 && vscode.debug.activeDebugSession === owner; i++) {
        await owner.customRequest('continue', { threadId: 1 }).then(undefined, () => undefined);
        await new Promise((r) => setTimeout(r, 1500));
      }
    };
    await Promise.all([finish(), done]);
  });

  it('replays a recorded run in the debugger: stepIn / next / stepBack / stepOut with frames, variables and the graph following', async () => {
    const api = await activeApi();
    const engine = await api.receiver.engine();
    const recorded = engine.listSessions().find((s) => s.serviceName === 'agent.mjs' && s.spanCount >= 5);
    assert.ok(recorded, 'a recorded node-agent run');
    const stop = stopped();
    assert.equal(await vscode.commands.executeCommand(Commands.replaySession, recorded.id), true);
    await stop;
    const session = vscode.debug.activeDebugSession!;
    assert.equal(session.type, 'agent-replay');
    assert.deepEqual(await stackNames(session), ['agent invoke_agent weather-assistant@agent.mjs:80']);

    const panel = api.graph.current!;
    assert.equal(panel.currentSessionId, recorded.id);
    const reveals = () => panel.sent.revealStep ?? 0;
    await waitFor('the graph ready', () => (panel.sent.snapshot ?? 0) >= 1, webviewBootMs);
    const before = reveals();
    await session.customRequest('stepIn', { threadId: 1 });
    await waitFor('the llm frame', async () => /^llm gpt-4o-mini[-\d]*@agent\.mjs:83$/.test((await stackNames(session))[0]));
    await waitFor('the graph following', () => reveals() > before);
    const oneEditor = async (file: string) => {
      const layout = await sourceLayout();
      assert.equal(layout.editors.length, 1, `one editor shows the step's source: ${JSON.stringify(layout)}`);
      assert.match(layout.editors[0], new RegExp(`:${file}$`));
      assert.equal(layout.groups, 2, `the graph and one editor beside it: ${JSON.stringify(layout)}`);
      assert.equal(panel.panel.visible, true, 'the graph stays in view');
    };
    await oneEditor('agent.mjs');
    await session.customRequest('next', { threadId: 1 });
    await waitFor('the tool frame', async () => /^tool get_weather@tools\.mjs:21$/.test((await stackNames(session))[0]));
    await oneEditor('tools.mjs');
    const frames = (await session.customRequest('stackTrace', { threadId: 1 })) as { stackFrames: { id: number }[] };
    const scopes = (await session.customRequest('scopes', { frameId: frames.stackFrames[0].id })) as { scopes: { name: string; variablesReference: number }[] };
    assert.deepEqual(scopes.scopes.map((s) => s.name), ['Step', 'Output', 'Tool', 'Tokens & cost', 'Attributes']);
    const tool = scopes.scopes.find((s) => s.name === 'Tool')!;
    const vars = (await session.customRequest('variables', { variablesReference: tool.variablesReference })) as { variables: { name: string; value: string }[] };
    assert.deepEqual(vars.variables.find((v) => v.name === 'name')?.value, '"get_weather"');
    await session.customRequest('stepBack', { threadId: 1 });
    await waitFor('back on the llm', async () => (await stackNames(session))[0].startsWith('llm'));
    await oneEditor('agent.mjs');
    await session.customRequest('stepOut', { threadId: 1 });
    await waitFor('out to the agent', async () => (await stackNames(session)).length === 1);
    await vscode.debug.stopDebugging(session);
  });

  it('budgetUsd with budgetAction pause: the meter shows $ / budget and the run pauses where it crossed', async () => {
    const api = await activeApi();
    const name = 'budget run';
    const run = nextRun();
    const broke = new Promise<{ description: string }>((r) => {
      const sub = api.debug.runs.onDidBreak((hit) => (sub.dispose(), r(hit)));
    });
    const done = terminated(name);
    await vscode.debug.startDebugging(folder(), {
      type: 'agent', request: 'launch', name, program: '${workspaceFolder}/node-agent/agent.mjs', args: ['Paris'],
      env: { AGENT_STEP_DELAY_MS: '300' }, budgetUsd: 0.00001, budgetAction: 'pause', openGraph: false,
    });
    const { owner } = await run;
    assert.equal((await broke).description, 'Budget exceeded');
    assert.match(api.debug.meter.text, /^\$\(pulse\) \$0\.000\d+ \/ \$0\.00001$/);
    await owner.customRequest('continue', { threadId: 1 });
    await done;
  });

  it("a run whose model outgrows the engine's heap: warned once, its budget no longer applies, and it runs to its end", async () => {
    const api = await activeApi();
    const engine = await api.receiver.engine();
    const name = 'unmodelled run';
    let broke = false;
    const sub = api.debug.runs.onDidBreak(() => (broke = true));
    await engine.test.modelBudget({ share: 1e-9, every: 1 });
    try {
      const run = nextRun();
      const done = terminated(name);
      await vscode.debug.startDebugging(folder(), {
        type: 'agent', request: 'launch', name, program: '${workspaceFolder}/node-agent/agent.mjs', args: ['Paris'],
        env: { AGENT_STEP_DELAY_MS: '300' }, budgetUsd: 0.00001, budgetAction: 'pause', openGraph: false,
      });
      await run;
      const warning = await waitFor('the warning', () => api.debug.runs.unmodelledWarnings.find((w) => w.startsWith(`'${name}'`)), 30_000);
      assert.match(warning, /: its trace breakpoints and budget no longer apply\. Session ".+" \(\d+ spans\) is too large to model in the trace engine's memory/);
      await done;
      assert.equal(broke, false, 'not paused over its budget: it could not be judged');
      assert.equal(api.debug.runs.unmodelledWarnings.filter((w) => w.startsWith(`'${name}'`)).length, 1, 'said once');
    } finally {
      sub.dispose();
      await engine.test.modelBudget({});
    }
  });

  it('"Break on..." validates and adds a trace breakpoint', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.breakOn, 'model:gpt-4o*'), 'model:gpt-4o*');
    const api = await activeApi();
    assert.ok(api.debug.runs.extraConditions.some((c) => c.text === 'model:gpt-4o*'));
    api.debug.runs.extraConditions.length = 0;
  });
});
