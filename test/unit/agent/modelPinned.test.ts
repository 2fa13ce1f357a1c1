// The agent model's whole output (steps, graph, timeline, findings, totals) pinned for a mixed session of
// every recorded dialect fixture, the synthetic four-dialect session and agent-shaped runs: a faster
// model must give exactly what the model gave before (hashes taken at 6570b9e, before the speed work).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildSession, parentIndices, type AgentSession, type SpanInput } from '../../../src/core/agent';
import { orderedSession } from '../../../src/core/agent/session';
import { SpanSet } from '../../../src/core/agent/tree';
import { agentShapedSession } from './agentShaped';
import { fixtureInputs, sessionText } from './modelInputs';
import { syntheticSession } from './synthetic';

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

  it('every graph edge knows where its steps are: at fromAt and toAt, the steps of its ids', () => {
    for (const [name, inputs] of cases) {
      const { steps, graph } = buildSession(inputs());
      assert.ok(graph.edges.length > 0, name);
      for (const e of graph.edges) assert.deepEqual([steps[e.fromAt]?.id, steps[e.toAt]?.id], [e.from, e.to], `${name}: ${e.kind} ${e.from} -> ${e.to}`);
      // What the views read (made with the model; the rest when first read): every edge but the step tree's, in order.
      assert.deepStrictEqual(graph.flowEdges, graph.edges.filter((e) => e.kind !== 'contains'), name);
      // A copy (another thread's) has all three; as JSON it is its nodes and edges.
      assert.deepStrictEqual(Object.keys(structuredClone(graph)), ['nodes', 'edges', 'flowEdges'], name);
      assert.deepStrictEqual(Object.keys(JSON.parse(JSON.stringify(graph)) as object), ['nodes', 'edges'], name);
    }
  });

  it('the parent indices carried through ordering are those of the ordered steps', () => {
    for (const [name, inputs] of cases) {
      const { steps, parents } = orderedSession(inputs());
      assert.ok(parents.some((p) => p >= 0), name);
      assert.deepStrictEqual(parents, parentIndices(steps), name);
    }
  });

  it('SpanSet (the timeline and the graph find talking LLM steps with it) holds a span id of several traces', () => {
    const set = new SpanSet();
    for (const [span, trace] of [['a', 't1'], ['a', 't2'], ['a', 't1'], ['a', 't3'], ['b', 't1']]) set.add(span!, trace!);
    assert.deepEqual([['a', 't1'], ['a', 't2'], ['a', 't3'], ['b', 't1'], ['b', 't2'], ['c', 't1'], ['t1', 'a']].map(([s, t]) => set.has(s!, t!)), [true, true, true, true, false, false, false]);
  });
});
