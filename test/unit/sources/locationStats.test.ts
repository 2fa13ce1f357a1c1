import * as assert from 'node:assert/strict';
import type { AgentStep } from '../../../src/core/agent/types';
import { formatLocationStats, stepStatsByLocation } from '../../../src/core/sources/locationStats';

let seq = 0;
function tool(durationMs: number, fields: Partial<AgentStep> = {}): AgentStep {
  const id = String(++seq);
  return { id, spanId: id, traceId: 't', kind: 'tool', name: 'execute_tool get_weather', toolName: 'get_weather', dialects: [], startMs: 0, endMs: durationMs, durationMs, status: 'ok', attributes: {}, source: { path: '/ws/tools.py', line: 3, how: 'tool-index', confidence: 0.8 }, ...fields };
}

describe('sources: runtime facts per source line', () => {
  it('counts calls and errors, takes the median duration and sums $, per line', () => {
    const steps = [tool(400), tool(420, { status: 'error', costUsd: 0.001 }), tool(900, { costUsd: 0.003 }), tool(10, { source: { path: '/ws/tools.py', line: 9, how: 'tool-index', confidence: 1 }, toolName: 'convert' }), tool(5, { source: undefined })];
    const stats = stepStatsByLocation(steps);
    assert.equal(stats.length, 2);
    const weather = stats.find((s) => s.line === 3)!;
    assert.deepEqual({ ...weather, costUsd: Number(weather.costUsd!.toFixed(6)) }, { path: '/ws/tools.py', line: 3, label: 'get_weather', calls: 3, errors: 1, p50Ms: 420, costUsd: 0.004, stepIds: [steps[0]!.id, steps[1]!.id, steps[2]!.id] });
    assert.equal(formatLocationStats(weather), 'get_weather · 3 calls · 1 error · p50 420 ms · $0.004');
    assert.equal(formatLocationStats(stats.find((s) => s.line === 9)!), 'convert · 1 call · p50 10 ms');
  });
});
