// The Cost view's breakdowns of a live model extended (cost/liveBreakdowns.ts) against breakdowns() over
// random sessions and updates (randomSteps.ts): only the traces that changed are summed again.
import * as assert from 'node:assert/strict';
import type { AgentStep } from '../../../src/core/agent';
import { dataflowLinks } from '../../../src/core/agent/dataflow';
import { mostChanged, stepChange } from '../../../src/core/agent/liveLinks';
import { parentIndices } from '../../../src/core/agent/tree';
import { breakdowns } from '../../../src/core/cost/breakdowns';
import { extendedBreakdowns, type BreakdownsBase } from '../../../src/core/cost/liveBreakdowns';
import { costReport, costStepsOf, reportDto } from '../../../src/core/cost';
import { descendantsOf } from '../../../src/core/cost/tree';
import { randomSession, randomUpdate, randomVersions } from '../agent/randomSteps';
import { seededInts } from '../seeded';
import { assertSameBreakdowns } from './sameBreakdowns';

/**
 * `steps` with every step id its own: a step not in `before` (made by this update) whose id another step has
 * takes a new one (the random steps repeat span ids, for the links' sake; a row lists its steps by id).
 */
function ownIds(steps: AgentStep[], before: readonly AgentStep[]): AgentStep[] {
  const old = new Set(before);
  const seen = new Set(steps.filter((s) => old.has(s)).map((s) => s.id));
  let n = 0;
  for (const s of steps) {
    if (old.has(s)) continue;
    while (seen.has(s.id)) s.id = `${s.spanId}.${n++}`;
    seen.add(s.id);
  }
  return steps;
}

const wholeOf = (steps: readonly AgentStep[]) => breakdowns(steps, descendantsOf(steps), dataflowLinks(steps));

describe('Cost view: a live model\'s breakdowns extended, not summed again (liveBreakdowns.ts)', () => {
  it('equal breakdowns() after every one of 6 updates of 1,500 random sessions, summing again only the traces that changed', () => {
    let extended = 0;
    let rows = 0;
    let base: BreakdownsBase | undefined;
    for (const { run, round, steps, before } of randomVersions(1500, 6, ownIds)) {
      const last = before && base;
      const change = last && stepChange(last.steps, steps);
      base = extendedBreakdowns(last, steps, parentIndices(steps), dataflowLinks(steps));
      assertSameBreakdowns(base.rows, wholeOf(steps), steps, `run ${run}, update ${round}`, true);
      // A trace gone (trimmed) lets its share go.
      assert.equal(base.shares.size, new Set(steps.map((s) => s.traceId)).size, `run ${run}, update ${round}: shares kept`);
      // A trace that kept every step keeps its share, the very object.
      if (last && change && !mostChanged(change, steps)) {
        const redone = new Set(change.changed.map((i) => steps[i]!.traceId));
        const keptTraces = [...base.shares.keys()].filter((t) => !redone.has(t));
        for (const t of keptTraces) assert.equal(base.shares.get(t), last.shares.get(t), `run ${run}, update ${round}: trace ${t} summed again`);
        if (keptTraces.length > 0) extended++;
      }
      if (before) rows += Object.values(base.rows).reduce((n, list) => n + list.length, 0);
    }
    assert.ok(extended > 2000, `breakdowns were extended from kept traces in ${extended} of 9,000 updates`);
    assert.ok(rows > 100_000, `${rows} rows checked`);
  });

  it('a report given extended breakdowns answers a row\'s steps in time order, as a whole report does', () => {
    const r = seededInts(7);
    let steps = ownIds(randomSession(r, 8), []);
    let base = extendedBreakdowns(undefined, steps, parentIndices(steps), dataflowLinks(steps));
    for (let round = 0; round < 3; round++) {
      steps = ownIds(randomUpdate(r, steps, round), steps);
      base = extendedBreakdowns(base, steps, parentIndices(steps), dataflowLinks(steps));
    }
    const session = { id: 's', name: 's', live: true };
    const live = costReport({ session, steps, breakdowns: base.rows });
    const whole = costReport({ session, steps });
    let compared = 0;
    for (const kind of ['model', 'agent', 'tool', 'kind'] as const) {
      for (const row of whole.breakdowns[kind]) {
        const ref = { breakdown: kind, key: row.key };
        assert.deepStrictEqual(costStepsOf(live, ref, steps), row.stepIds, `${kind} ${row.key}`);
        compared += row.stepIds.length;
      }
    }
    assert.ok(compared > 50, `${compared} step ids compared`);
  });

  it('a base extended hands its running sums on: extended again (an older model asked once more), it sums up whole', () => {
    const r = seededInts(11);
    for (let run = 0; run < 200; run++) {
      const first = ownIds(randomSession(r, 12), []);
      const a = ownIds(randomUpdate(r, first, 0), first);
      const b = ownIds(randomUpdate(r, first, 1), first);
      const base = extendedBreakdowns(undefined, first, parentIndices(first), dataflowLinks(first));
      const onA = extendedBreakdowns(base, a, parentIndices(a), dataflowLinks(a));
      const onB = extendedBreakdowns(base, b, parentIndices(b), dataflowLinks(b));
      assertSameBreakdowns(onA.rows, wholeOf(a), a, `run ${run}: a`, true);
      assertSameBreakdowns(onB.rows, wholeOf(b), b, `run ${run}: b, from the base a was extended from`, true);
    }
  });

  it('many small updates of a session with $ that are not binary fractions stay within a picodollar of a whole sum', () => {
    const r = seededInts(5);
    let steps = ownIds(randomSession(r, 60), []).map((s) => (s.costUsd === undefined ? s : { ...s, costUsd: s.costUsd * 0.1 + 0.00023175 }));
    let base = extendedBreakdowns(undefined, steps, parentIndices(steps), dataflowLinks(steps));
    let extended = 0;
    for (let round = 0; round < 300; round++) {
      const next = ownIds(randomUpdate(r, steps, round), steps).map((s) => (s.costUsd === undefined || steps.includes(s) ? s : { ...s, costUsd: s.costUsd * 0.1 + 0.00023175 }));
      const before = base;
      base = extendedBreakdowns(base, next, parentIndices(next), dataflowLinks(next));
      if (base.resummed > 0 && base.sums !== undefined && before.sums === undefined) extended++;
      assertSameBreakdowns(base.rows, wholeOf(next), next, `update ${round}`);
      steps = next;
    }
    assert.ok(extended > 100, `${extended} of 300 updates extended the running sums`);
  });

  it('the view\'s report leaves the rows\' step ids unread (a live row joins its ids when they are read: a click)', () => {
    const r = seededInts(3);
    const steps = ownIds(randomSession(r, 40), []);
    const base = extendedBreakdowns(undefined, steps, parentIndices(steps), dataflowLinks(steps));
    let reads = 0;
    const watched = Object.fromEntries(Object.entries(base.rows).map(([kind, rows]) => [kind, rows.map((row) => new Proxy(row, { get: (t, k, v) => ((reads += k === 'stepIds' ? 1 : 0), Reflect.get(t, k, v)) }))])) as typeof base.rows;
    const dto = reportDto(costReport({ session: { id: 's', name: 's', live: true }, steps, breakdowns: watched }));
    assert.ok(dto.breakdowns.model.length > 0 && dto.breakdowns.tool.length > 0);
    assert.equal(reads, 0);
    assert.deepEqual(dto.breakdowns.tool.map((row) => row.stepCount), watched.tool.map((row) => row.stepIds.length));
  });
});
