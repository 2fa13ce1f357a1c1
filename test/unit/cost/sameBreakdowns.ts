// Breakdowns extended for a live model (cost/liveBreakdowns.ts) against breakdowns() of the same steps: the
// same rows in the same order, the same counts and step ids (in time order), and the same $ and tokens up to
// the order they were added in (exactly, when every $ is a binary fraction).
import * as assert from 'node:assert/strict';
import type { AgentStep } from '../../../src/core/agent';
import type { BreakdownRow } from '../../../src/core/cost/breakdowns';
import type { Breakdowns } from '../../../src/core/cost/liveBreakdowns';

const figures = ['costUsd', 'ownCostUsd', 'consumerCostUsd'] as const;

export function assertSameBreakdowns(extended: Breakdowns, whole: Breakdowns, steps: readonly AgentStep[], what: string, exact = false): void {
  const place = new Map(steps.map((s, i) => [s, i]));
  const byId = new Map(steps.map((s) => [s.id, s]));
  const inOrder = (ids: readonly string[]) => [...ids].sort((a, b) => place.get(byId.get(a)!)! - place.get(byId.get(b)!)!);
  for (const kind of Object.keys(whole) as (keyof Breakdowns)[]) {
    assert.deepStrictEqual(extended[kind].map((r) => r.key), whole[kind].map((r) => r.key), `${what}: the ${kind} rows and their order`);
    extended[kind].forEach((row, k) => {
      const want = whole[kind][k]!;
      const strip = (r: BreakdownRow) => {
        const { stepIds, costUsd: _c, ownCostUsd: _o, consumerCostUsd: _u, ...rest } = r;
        return { ...rest, stepIds: inOrder(stepIds) };
      };
      assert.deepStrictEqual(strip(row), strip(want), `${what}: ${kind} row ${row.key}`);
      for (const f of figures) {
        const [a, b] = [row[f], want[f]];
        if (exact || a === undefined || b === undefined) assert.equal(a, b, `${what}: ${kind} row ${row.key}: ${f}`);
        else assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${kind} row ${row.key}: ${f} ${a} against ${b}`);
      }
    });
  }
}
