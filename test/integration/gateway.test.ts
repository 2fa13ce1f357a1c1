// F5 on an agent with no OpenTelemetry at all (examples/no-otel-agent, the openai SDK against its own
// mock provider): the launch points OPENAI_BASE_URL at the recording gateway, so the run's session has
// its LLM steps with tokens and $, and the tool steps between them, linked to the tool's source.
import * as assert from 'node:assert/strict';
import { totalsOf } from '../../src/core/agent';
import { activeApi } from './extension.test';
import { debuggerSteps, launchToEnd } from './launches';
import { waitFor, webviewTestMs } from './otlpPost';

describe('LLM gateway inside VS Code', function () {
  this.timeout(webviewTestMs);

  it('F5 on an agent without OpenTelemetry: LLM and tool steps with tokens, $ and source', async () => {
    const api = await activeApi();
    await api.receiver.start();
    const storeSessionId = await launchToEnd('Agent without OpenTelemetry (LLM gateway)');
    const steps = await waitFor('the LLM and tool steps', async () => {
      const s = await debuggerSteps(storeSessionId);
      return s.filter((x) => x.kind === 'llm').length === 2 && s.filter((x) => x.kind === 'tool').length === 2 ? s : undefined;
    }, 30000);
    assert.deepEqual(steps.map((s) => s.kind), ['llm', 'tool', 'tool', 'llm']);
    const tool = steps[1]!;
    assert.equal(tool.toolName, 'current_weather');
    assert.equal(tool.attributes['agent_debugger.inferred'], 'conversation');
    assert.match(tool.source?.path ?? '', /no-otel-agent[\\/]tools\.mjs$/, 'the tool step links to its function');
    const totals = totalsOf(steps);
    assert.equal(totals.inputTokens, 180 + 260);
    assert.equal(totals.cacheReadTokens, 128);
    assert.ok(totals.costUsd > 0, 'priced');
    assert.equal(steps[3]!.attributes['gen_ai.request.stream'], true);
    await waitFor('the graph on the run', () => api.graph.current?.currentSessionId === storeSessionId, 20000);
  });

  // The Python preload in a VS Code launch (agentDebugger.gateway.pythonPreload, on by default): the agent
  // ignores OPENAI_BASE_URL and calls https://api.openai.com with urllib; the sitecustomize on its
  // PYTHONPATH sends the calls to the gateway, which chains to the agent's own mock.
  it('F5 on a Python agent that hard-codes api.openai.com: its calls are steps, the tool links to its function', async () => {
    const api = await activeApi();
    await api.receiver.start();
    const storeSessionId = await launchToEnd('Python agent with a hard-coded OpenAI URL (LLM gateway)');
    const steps = await waitFor('the LLM and tool steps', async () => {
      const s = await debuggerSteps(storeSessionId);
      return s.filter((x) => x.kind === 'llm').length === 2 && s.some((x) => x.kind === 'tool') ? s : undefined;
    }, 30000);
    assert.deepEqual(steps.map((s) => s.kind), ['llm', 'tool', 'llm']);
    assert.equal(steps[1]!.toolName, 'convert');
    // examples/python-stdlib-agent defines a `convert` tool too: the one in the launched program's folder wins.
    assert.match(steps[1]!.source?.path ?? '', /no-otel-agent[\\/]hardcoded_agent\.py$/, `the tool step links to its function, not ${JSON.stringify(steps[1]!.source)}`);
    assert.equal(steps[1]!.source?.confidence, 0.6, 'settled by the launch\'s program folder, not picked from a tie');
    const totals = totalsOf(steps);
    assert.equal(totals.inputTokens, 95 + 140);
    assert.equal(totals.outputTokens, 21 + 9);
    assert.ok(totals.costUsd > 0, 'priced');
  });
});
