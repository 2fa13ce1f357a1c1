import * as assert from 'node:assert/strict';
import { parentIndices } from '../../../src/core/agent/tree';
import type { AgentStep } from '../../../src/core/agent/types';
import { descendantsOf, subtreeSums } from '../../../src/core/cost/tree';
import { seededInts } from '../seeded';

/** Child lists and a Set per walk: the plain reading of "every step below this one", depth first. */
function reference(steps: readonly AgentStep[]): (i: number) => number[] {
  const children = new Map<number, number[]>();
  parentIndices(steps).forEach((p, i) => p >= 0 && (children.get(p) ?? children.set(p, []).get(p)!).push(i));
  return (i) => {
    const out: number[] = [];
    const seen = new Set([i]);
    const stack = [...(children.get(i) ?? [])];
    while (stack.length) {
      const c = stack.pop()!;
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(c);
      stack.push(...(children.get(c) ?? []));
    }
    return out;
  };
}

/** Random steps whose parents are earlier steps, any step, themselves or none; `traces`: how many traces they spread over. */
function randomSteps(rand: (n: number) => number, n: number, traces: number): AgentStep[] {
  return Array.from({ length: n }, (_, i) => {
    const pick = rand(10);
    const parent = pick < 6 && i > 0 ? rand(i) : pick < 8 ? rand(n) : pick === 8 ? i : -1;
    return { id: `s${i}`, traceId: traces === 1 ? 't' : `t${rand(traces)}`, parentSpanId: parent >= 0 ? `s${parent}` : undefined } as AgentStep;
  });
}

describe('cost: descendants of a step', () => {
  it('walks every subtree in the same order as child lists would, on random parents (cycles, self-parents, missing ones)', () => {
    const rand = seededInts(5);
    for (let round = 0; round < 60; round++) {
      const n = 1 + rand(120);
      const steps = randomSteps(rand, n, round % 3 === 0 ? 1 : 2);
      const below = descendantsOf(steps);
      const expected = reference(steps);
      // Twice over, in a shuffled order: the walk's marks must not leak from one call into the next.
      for (const pass of [0, 1]) {
        for (let k = 0; k < n; k++) {
          const i = pass ? rand(n) : k;
          assert.deepEqual([...below(i)], expected(i), `round ${round}, step ${i}`);
        }
      }
    }
  });

  it('sums a value over each step and its subtree as a walk of it would, on random parents (cycles, self-parents, missing ones)', () => {
    const rand = seededInts(11);
    for (let round = 0; round < 200; round++) {
      const n = 1 + rand(150);
      const steps = randomSteps(rand, n, 1);
      const values = Array.from({ length: n }, () => rand(1000));
      const expected = reference(steps);
      const sums = subtreeSums(parentIndices(steps), (i) => values[i]!);
      for (let i = 0; i < n; i++) assert.equal(sums[i], values[i]! + expected(i).reduce((t, d) => t + values[d]!, 0), `round ${round}, step ${i}`);
    }
  });

  it('a chain of 50k nested steps is summed in one pass, and walked once per row when no step is walked twice', () => {
    const n = 50_000;
    const parents = Int32Array.from({ length: n }, (_, i) => i - 1);
    let started = performance.now();
    const sums = subtreeSums(parents, () => 1);
    assert.equal(sums[0], n);
    assert.equal(sums[n - 1], 1);
    const steps = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, traceId: 't', parentSpanId: i > 0 ? `s${i - 1}` : undefined }) as AgentStep);
    const below = descendantsOf(steps);
    const listed = new Uint8Array(n);
    let visited = 0;
    started = performance.now();
    for (let i = 0; i < n; i += 2) {
      listed[i] = 1;
      for (const d of below(i, (d) => (visited++, !listed[d]))) listed[d] = 1;
    }
    // A walk stops at a listed step: the first lists all, each later one asks one child.
    assert.equal(visited, n - 1 + (n / 2 - 1));
    assert.ok(performance.now() - started < 1000);
  });
});
