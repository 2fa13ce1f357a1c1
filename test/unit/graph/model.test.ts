import * as assert from 'node:assert/strict';
import { stateAt } from '../../../src/core/agent';
import { packSnapshot } from '../../../src/protocol/graphPacking';
import { applyDelta, buildModel, cumulativeAt, EV_END, EV_START, rowOf } from '../../../webview/graph/model';
import { createStepper, relocate } from '../../../webview/graph/stepper';
import { buildSession } from '../../../src/core/agent';
import { GraphFeed } from '../../../src/core/agent/graphDto';
import { syntheticSession } from '../agent/synthetic';
import { fixture } from './fixtures';

describe('graph webview: model and stepper (pure)', function () {
  this.timeout(120_000);
  it('builds children in time order, start/end cursors and prefix sums that match the core timeline', () => {
    for (const name of ['vercel-ai-agent', 'genai-semconv', 'langchain-openinference', 'traceloop-openai']) {
      const f = fixture(name);
      const m = f.model;
      assert.equal(m.length, f.session.timeline.length, name);
      for (let c = 0; c < m.length; c++) {
        const core = stateAt(f.session.timeline, f.session.steps, c)!;
        const mine = cumulativeAt(m, c);
        assert.equal(mine.inputTokens, core.inputTokens, `${name} @${c}`);
        assert.equal(mine.outputTokens, core.outputTokens, `${name} @${c}`);
        assert.ok(Math.abs(mine.costUsd - core.costUsd) < 1e-12, `${name} @${c}`);
        assert.equal(mine.running, core.running);
        assert.equal(mine.failed, core.failed);
      }
      for (let s = 0; s < m.n; s++) {
        assert.equal(m.evType[m.startAt[s]], EV_START);
        assert.equal(m.evType[m.endAt[s]], EV_END);
      }
    }
    const v = fixture('vercel-ai-agent').model;
    assert.deepEqual(v.roots, [0, 5]);
    assert.deepEqual(Array.from(v.childList.subarray(v.childStart[0], v.childStart[1])), [1, 2, 3, 4]);
  });

  it('steps: one event, next/previous LLM and tool call, next error, first/last', () => {
    const m = fixture('vercel-ai-agent').model;
    const st = createStepper(m);
    const labelAt = (c: number) => `${rowOf(m, m.evStep[c]).kind}:${m.evType[c] === EV_START ? 'start' : 'end'}`;
    let c = st.move(10, 'first');
    assert.equal(c, 0);
    c = st.move(c, 'nextLlm');
    assert.equal(labelAt(c), 'llm:start');
    assert.equal(m.evStep[c], 1);
    c = st.move(c, 'nextTool');
    assert.equal(labelAt(c), 'tool:start');
    assert.equal(m.evStep[c], 2);
    c = st.move(c, 'nextLlm');
    assert.equal(m.evStep[c], 4);
    assert.equal(st.move(c, 'prevLlm'), m.startAt[1]);
    assert.equal(st.move(c, 'prevTool'), m.startAt[3]);
    assert.equal(st.move(c, 'forward'), c + 1);
    assert.equal(st.move(c, 'back'), c - 1);
    assert.equal(st.move(c, 'last'), m.length - 1);
    assert.equal(st.move(m.length - 1, 'forward'), m.length - 1);
    assert.equal(st.move(0, 'back'), 0);
    assert.equal(st.move(c, 'nextError'), c, 'no error: stays');
    const g = fixture('genai-semconv').model;
    const gs = createStepper(g);
    const err = gs.move(0, 'nextError');
    assert.equal(rowOf(g, g.evStep[err]).status, 'error');
    assert.equal(g.evType[err], EV_END);
    assert.equal(gs.move(g.length - 1, 'prevError'), err);
    assert.equal(gs.atTime(-1), 0);
    assert.equal(gs.atTime(1e12), g.length - 1);
    assert.equal(gs.atFraction(1), g.length - 1);
    assert.equal(gs.fraction(g.length - 1), 1);
  });

  it('moves in O(log n): 100k spans, 200k events, microseconds per move', () => {
    const session = buildSession(syntheticSession(100_000));
    const m = buildModel(new GraphFeed({ id: 'b', name: 'b' }).packedSnapshot(session));
    const st = createStepper(m);
    const commands = ['forward', 'nextLlm', 'nextTool', 'nextError', 'prevLlm', 'back', 'prevTool'] as const;
    let c = 0;
    const t0 = performance.now();
    const n = 200_000;
    for (let i = 0; i < n; i++) c = st.move(c, commands[i % commands.length]);
    const us = ((performance.now() - t0) / n) * 1000;
    console.log(`      ${us.toFixed(3)} us per move over ${m.length} events`);
    assert.ok(us < 50);
  });

  it('a delta applies on its base version only, and the cursor stays on its event', () => {
    const inputs = syntheticSession(40);
    const feed = new GraphFeed({ id: 's', name: 's', live: true });
    const m1 = buildModel(feed.packedSnapshot(buildSession(inputs.slice(0, 20))));
    const d = feed.packedDelta(buildSession(inputs))!;
    const m2 = applyDelta(m1, d)!;
    assert.equal(m2.n, 40);
    assert.equal(m2.version, d.version);
    assert.equal(applyDelta(m2, d), undefined, 'same delta twice: out of sequence');
    const c1 = m1.endAt[5];
    const c2 = relocate(m1, m2, c1, createStepper(m2));
    assert.equal(m2.evStep[c2], 5);
    assert.equal(m2.evType[c2], EV_END);
  });

  it('cuts parent cycles so every step stays reachable', () => {
    const m = buildModel(packSnapshot({
      version: 1, session: { id: 'c', name: 'c', startEpochMs: 0, live: false },
      steps: [{ id: 'a', parent: 1, kind: 'other', status: 'unset', label: 'a', start: 0, end: 1 }, { id: 'b', parent: 0, kind: 'other', status: 'unset', label: 'b', start: 0, end: 1 }],
      edges: [], timeline: { step: [0, 1, 1, 0], type: 'ssee', time: [0, 0, 1, 1], labels: [] },
      totals: { steps: 2, llmCalls: 0, toolCalls: 0, errors: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 0, costUsd: 0, pricedCalls: 0, unpricedCalls: 0, modelsWithoutPrice: [], wallTimeMs: 1 },
      findings: [],
    }));
    assert.equal(m.roots.length, 1);
    assert.equal(m.childStart[m.n], 1);
  });
});
