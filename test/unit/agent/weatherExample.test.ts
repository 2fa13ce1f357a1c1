// examples/weather-agent end to end: run it (tsx) against our own receiver with the environment the
// launcher injects, then read what arrived as agent steps.
import * as assert from 'node:assert/strict';
import { readSession } from '../../../src/core/agent/fromStore';
import { buildSession } from '../../../src/core/agent';
import { TraceEngine } from '../../../src/core/engine';
import { runExample } from '../runExample';

describe('examples/weather-agent', function () {
  this.timeout(120_000);

  it('runs offline and exports an agent trace: two getWeather calls, then the answer, with a cost', async () => {
    const engine = await TraceEngine.create();
    try {
      const { code, stdout } = await runExample(engine, 'tsx', ['examples/weather-agent/agent.ts', 'Weather in Paris and Oslo?'], 'weather-agent');
      assert.equal(code, 0);
      assert.match(stdout, /Paris is cloudy at 18°C; Oslo is snowy at 4°C\./);
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
