// The agent model's whole output (steps, graph, timeline, findings, totals) pinned for a mixed session of
// every recorded dialect fixture, the synthetic four-dialect session and agent-shaped runs: a faster
// model must give exactly what the model gave before (hashes taken at 6570b9e, before the speed work).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSession, spanInputsFromRequests, type AgentSession, type SpanInput } from '../../../src/core/agent';
import { parseOtlpText } from '../../../src/core/sessionFiles';
import { agentShapedSession } from './agentShaped';
import { syntheticSession } from './synthetic';

const root = path.resolve(__dirname, '../../../..');

export function fixtureInputs(): SpanInput[] {
  const dirs = [path.join(root, 'test/fixtures'), path.join(root, 'test/fixtures/safety')];
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.otlp.json')).sort().map((f) => path.join(d, f)));
  return files.flatMap((f) => {
    const { traces, logs } = parseOtlpText(readFileSync(f, 'utf8'));
    return spanInputsFromRequests(traces, logs);
  });
}

/** Everything a session holds, typed arrays as plain lists, as one stable text. */
export function sessionText(s: AgentSession): string {
  return JSON.stringify(s, (_key, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
}

const hash = (s: AgentSession) => createHash('sha256').update(sessionText(s)).digest('hex').slice(0, 16);

describe('agent model: output pinned across speed work', () => {
  const cases: [string, () => SpanInput[], string][] = [
    ['every dialect fixture, one session', fixtureInputs, '14a32d07716779c0'],
    ['synthetic four-dialect session', () => syntheticSession(4000), 'edd3cb81d0013deb'],
    ['agent-shaped runs', () => agentShapedSession(300), '458f9f07188e9d88'],
    ['all of them mixed', () => [...fixtureInputs(), ...syntheticSession(1000), ...agentShapedSession(100)], '705824509b5f8f8f'],
  ];
  for (const [name, inputs, pinned] of cases) {
    it(name, () => {
      const got = hash(buildSession(inputs()));
      if (process.env.PRINT_PINS) console.log(`      ${name}: ${got}`);
      assert.equal(got, pinned);
    });
  }
});
