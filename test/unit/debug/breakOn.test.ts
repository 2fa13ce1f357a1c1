import * as assert from 'node:assert/strict';
import { LiveBreakWatcher, matchesBreak, parseBreakOn, parseBreakOnList } from '../../../src/core/debug/breakOn';
import { StepTree } from '../../../src/core/debug/stepTree';
import { parentIndices } from '../../../src/core/agent/tree';
import { fixtureSteps } from './dapServer';
import { seededInts } from '../seeded';

describe('trace breakpoints (breakOn)', () => {
  const steps = fixtureSteps('genai-semconv');
  const none = new Set<string>();

  it('parses the five kinds and rejects anything else with the allowed syntax', () => {
    assert.equal(parseBreakOn('error').kind, 'error');
    assert.equal(parseBreakOn(' loop ').kind, 'loop');
    assert.equal(parseBreakOn('tool:search_*').kind, 'tool');
    assert.equal(parseBreakOn('model: gpt-4o').kind, 'model');
    const cost = parseBreakOn('costUsd>0.0025');
    assert.equal(cost.kind === 'costUsd' && cost.threshold, 0.0025);
    assert.throws(() => parseBreakOn('tool'), /'tool' is not a trace breakpoint: use error, tool:NAME, model:NAME, costUsd>X, loop, injection, taint, secret, pii or policy/);
    assert.throws(() => parseBreakOnList(['error', 'costUsd>abc', 3]), /costUsd>abc.*; breakOn entries are strings, not 3/);
  });

  it('matches tools and models by name with wildcards, errors, cost per step', () => {
    const tool = steps.find((s) => s.kind === 'tool')!;
    const llm = steps.find((s) => s.kind === 'llm')!;
    assert.equal(matchesBreak(parseBreakOn('tool:search_flights'), tool, none), true);
    assert.equal(matchesBreak(parseBreakOn('tool:search*'), tool, none), true);
    assert.equal(matchesBreak(parseBreakOn('tool:get_weather'), tool, none), false);
    assert.equal(matchesBreak(parseBreakOn('tool:search_flights'), llm, none), false);
    assert.equal(matchesBreak(parseBreakOn('model:claude-sonnet-*'), llm, none), true);
    assert.equal(matchesBreak(parseBreakOn('error'), tool, none), true);
    assert.equal(matchesBreak(parseBreakOn('costUsd>0.0025'), llm, none), true); // $0.00279
    assert.equal(matchesBreak(parseBreakOn('costUsd>0.003'), llm, none), false);
  });

  it('a live watcher reports each arriving match once, loops included', () => {
    const watcher = new LiveBreakWatcher(parseBreakOnList(['tool:search_flights', 'loop']));
    assert.deepEqual(watcher.check(steps.slice(0, 2)), []);
    const first = watcher.check(steps.slice(0, 4));
    assert.deepEqual(first.map((h) => h.step.id), [steps[2].id]);
    const later = watcher.check(steps);
    assert.deepEqual(later.map((h) => `${h.step.toolCallId}:${h.condition.text}`), ['toolu_2:tool:search_flights', 'toolu_3:tool:search_flights']);
    assert.deepEqual(watcher.check(steps), []);
  });
});

describe('StepTree: moving through steps like statements', () => {
  const steps = fixtureSteps('traceloop-openai'); // chain -> llm, tool, llm
  const tree = new StepTree(parentIndices(steps));

  it('into = first child, over = next sibling (or an ancestor\'s), out = parent, back = previous in time', () => {
    assert.equal(tree.into(0), 1);
    assert.equal(tree.over(1), 2);
    assert.equal(tree.over(2), 3);
    assert.equal(tree.over(3), undefined);
    assert.equal(tree.into(3), undefined);
    assert.equal(tree.out(2), 0);
    assert.equal(tree.out(0), undefined);
    assert.equal(tree.back(2), 1);
    assert.equal(tree.back(0), undefined);
    assert.deepEqual(tree.ancestry(3), [3, 0]);
    assert.equal(tree.forward(0, (j) => steps[j].kind === 'tool'), 2);
    assert.equal(tree.backward(3, (j) => steps[j].kind === 'llm'), 1);
  });

  it('moves as a tree of child lists would, on random parents (forward links, cycles, missing parents)', () => {
    const rand = seededInts(7);
    for (let round = 0; round < 50; round++) {
      const n = 1 + rand(60);
      const parent = Int32Array.from({ length: n }, (_, i) => (rand(4) === 0 ? -1 : rand(3) === 0 ? rand(n) : i > 0 ? rand(i) : -1));
      const children = Array.from({ length: n }, () => [] as number[]);
      const roots: number[] = [];
      parent.forEach((p, i) => (p >= 0 ? children[p] : roots).push(i));
      const siblings = (i: number) => (parent[i] >= 0 ? children[parent[i]] : roots);
      const t = new StepTree(parent);
      for (let i = 0; i < n; i++) {
        assert.equal(t.firstChild(i), children[i][0]);
        const list = siblings(i);
        assert.equal(t.nextSibling(i), list[list.indexOf(i) + 1]);
        assert.equal(t.out(i), parent[i] >= 0 ? parent[i] : undefined);
      }
    }
  });

  it('survives parent cycles from bad input', () => {
    const a = { ...steps[1], id: 'a', spanId: 'a', parentSpanId: 'b' };
    const b = { ...steps[2], id: 'b', spanId: 'b', parentSpanId: 'a' };
    const cyc = new StepTree(parentIndices([a, b]));
    assert.ok(cyc.ancestry(0).length <= 3);
    assert.equal(cyc.over(0), undefined);
  });
});
