import * as assert from 'node:assert/strict';
import { buildSession } from '../../../src/core/agent';
import { GraphFeed } from '../../../src/core/agent/graphDto';
import { layoutVisible, type DagreModule } from '../../../webview/graph/layout';
import { buildModel } from '../../../webview/graph/model';
import { buildVisible, foldRuns, reveal } from '../../../webview/graph/visible';
import { spanInput, syntheticSession } from '../agent/synthetic';
import { fixture } from './fixtures';

describe('graph webview: visible items, folding, collapse, layout (pure)', function () {
  this.timeout(120_000);
  let dagre: DagreModule;
  before(async () => {
    dagre = await import('@dagrejs/dagre');
  });

  it('fold runs: the longest-covering repeated pattern wins, shorter pattern on ties', () => {
    assert.deepEqual(foldRuns([1, 2, 1, 2, 1, 2, 1], 3, 4), [[0, 2, 3], [6, 1, 1]]);
    assert.deepEqual(foldRuns([5, 5, 5, 5], 3, 4), [[0, 1, 4]]);
    assert.deepEqual(foldRuns([1, 2, 1, 2], 3, 4), [[0, 1, 1], [1, 1, 1], [2, 1, 1], [3, 1, 1]]);
    assert.deepEqual(foldRuns([], 3, 4), []);
  });

  it('a small session shows every step; edges of all three kinds between items', () => {
    const f = fixture('vercel-ai-agent');
    const v = buildVisible(f.model, new Map());
    assert.equal(v.items.length, 7);
    assert.ok(v.items.every((it) => it.type === 'step'));
    assert.deepEqual([...new Set(v.edges.map((e) => e.kind))].sort(), ['contains', 'dataflow', 'next']);
    assert.equal(v.edges.filter((e) => e.kind === 'contains').length, 5);
    const agent = v.items[v.byKey.get(f.model.steps.id[0])!];
    assert.equal(agent.expandable, true);
    assert.equal(agent.expanded, true);
  });

  it('a repeated LLM -> tool loop folds into one item with a count, and unfolds on request', () => {
    const f = fixture('genai-semconv');
    const v = buildVisible(f.model, new Map());
    const fold = v.items.find((it) => it.type === 'fold')!;
    assert.ok(fold, 'a fold');
    assert.equal(fold.repeats, 3);
    assert.equal(fold.pattern, 2);
    assert.equal(fold.members.length, 6);
    assert.equal(fold.errors, 1);
    assert.equal(v.items.length, 3); // agent, fold, final LLM call
    assert.equal(v.rep[fold.members[3]], v.items.indexOf(fold));
    const unfolded = buildVisible(f.model, new Map([[fold.key, true]]));
    assert.equal(unfolded.items.length, 8);
  });

  it('collapsing a step hides its subtree behind it, with a count and summed usage', () => {
    const f = fixture('vercel-ai-agent');
    const key = f.model.steps.id[0];
    const v = buildVisible(f.model, new Map([[key, false]]));
    assert.equal(v.items.length, 3);
    const agent = v.items[v.byKey.get(key)!];
    assert.equal(agent.expanded, false);
    assert.equal(agent.covered, 5);
    assert.equal(agent.inputTokens, 330, 'an aggregate keeps its own numbers');
    assert.equal(v.edges.filter((e) => e.kind === 'contains').length, 1);
  });

  it('100k spans stay within the item budget (folds, chunks, collapsed groups), and reveal opens the path to a step', () => {
    for (const [name, inputs] of [['synthetic', syntheticSession(100_000)], ['distinct', distinctSession(20_000)]] as const) {
      const session = buildSession(inputs);
      const m = buildModel(new GraphFeed({ id: name, name }).packedSnapshot(session));
      const t0 = performance.now();
      const v = buildVisible(m, new Map());
      const built = performance.now() - t0;
      const l = layoutVisible(dagre, v);
      const laid = performance.now() - t0 - built;
      console.log(`      ${name}: ${m.n} steps -> ${v.items.length} items, ${v.edges.length} edges; visible ${built.toFixed(0)} ms, layout ${laid.toFixed(0)} ms`);
      assert.ok(v.items.length <= 200, `${v.items.length} items`);
      assert.equal(l.boxes.length, v.items.length);
      assert.ok(v.rep.every((r) => r >= 0), 'every step has an item');
      const target = m.n - 3;
      const toggles = new Map<string, boolean>();
      const opened = reveal(m, toggles, target);
      const it = opened.items[opened.rep[target]];
      assert.equal(it.type, 'step');
      assert.equal(it.step, target);
      assert.ok(opened.items.length < 400, `${opened.items.length} items after reveal`);
    }
  });

  it('layout: every item gets a box, boxes do not overlap, parents sit above their children', () => {
    const f = fixture('vercel-ai-agent');
    const v = buildVisible(f.model, new Map());
    const l = layoutVisible(dagre, v);
    for (let i = 0; i < l.boxes.length; i++) {
      for (let j = i + 1; j < l.boxes.length; j++) {
        const a = l.boxes[i], b = l.boxes[j];
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        assert.ok(!overlap, `items ${i} and ${j} overlap`);
      }
    }
    for (const e of v.edges.filter((x) => x.kind === 'contains')) assert.ok(l.boxes[e.from].y < l.boxes[e.to].y);
    assert.equal(l.edges.length, v.edges.length);
    assert.ok(l.edges.every((e) => e.points.length >= 2));
    assert.ok(l.width > 0 && l.height > 0);
  });
});

/** Flat turns with a distinct tool per turn: nothing folds, so chunks must bound the item count. */
function distinctSession(n: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(spanInput({ spanId: (i + 1).toString(16).padStart(16, '0'), name: `execute_tool t${i}`, startMs: 1_767_225_600_000 + i, endMs: 1_767_225_600_000 + i + 0.5,
      attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': `tool_${i}` } }));
  }
  return out;
}
