import * as assert from 'node:assert/strict';
import { buildSession, buildTimeline, stateAt, type AgentStep } from '../../../src/core/agent';
import { GraphFeed, graphSnapshot } from '../../../src/core/agent/graphDto';
import { MAX_WINDOW } from '../../../src/protocol/graph';
import type { SafetyFinding } from '../../../src/core/safety/types';
import { spanInput, syntheticSession } from '../agent/synthetic';
import { fixture } from './fixtures';

describe('graph DTOs (core/agent/graphDto)', () => {
  it('a snapshot is JSON-safe, relative to the session start, and keeps every edge kind', () => {
    const f = fixture('vercel-ai-agent');
    const s = f.snapshot;
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
    assert.equal(s.steps.length, 7);
    assert.equal(s.session.startEpochMs, f.session.totals.startMs);
    assert.equal(Math.min(...s.steps.map((r) => r.start)), 0);
    assert.deepEqual(s.steps.map((r) => r.kind), ['agent', 'llm', 'tool', 'tool', 'llm', 'agent', 'llm']);
    assert.deepEqual(s.steps.map((r) => r.parent), [-1, 0, 0, 0, 0, -1, 5]);
    assert.deepEqual(s.edges.filter((e) => e[2] === 'dataflow').map((e) => `${e[0]}->${e[1]} ${e[3]}`), ['1->2 call_paris', '2->4 call_paris', '1->3 call_tokyo', '3->4 call_tokyo']);
    assert.equal(s.edges.filter((e) => e[2] === 'next').length, 4);
    assert.equal(s.timeline.type.length, f.session.timeline.length);
    assert.equal(s.timeline.type.replace(/[^s]/g, '').length, 7);
    assert.equal(s.steps[0].aggregate, true);
    assert.equal(s.totals.costUsd, f.session.totals.costUsd);
    assert.ok(!('startMs' in s.totals));
  });

  it('step detail: the conversation as the LLM call saw it, its reply only once it returned, totals at the cursor', () => {
    const f = fixture('vercel-ai-agent');
    const t = f.session.timeline;
    const llm = 4; // the second doGenerate
    const start = t.startAt[llm];
    const before = f.feed.stepDetail(f.session, f.session.steps[llm].id, start)!;
    assert.equal(before.phase, 'running');
    assert.equal(before.conversation?.complete, false);
    assert.deepEqual(before.conversation?.messages.map((m) => m.role), ['system', 'user', 'assistant', 'tool']);
    const after = f.feed.stepDetail(f.session, f.session.steps[llm].id, t.endAt[llm])!;
    assert.equal(after.conversation?.complete, true);
    assert.equal(after.conversation?.messages.at(-1)?.parts[0].type, 'text');
    const state = stateAt(t, f.session.steps, t.endAt[llm])!;
    assert.equal(after.cumulative.inputTokens, state.inputTokens);
    assert.equal(after.cumulative.costUsd, state.costUsd);
    assert.equal(after.usage?.inputTokens, 210);
    assert.ok(after.attributes.some(([k]) => k === 'ai.operationId'));
  });

  it('step detail of a tool: args always, the result only once it returned; other steps show the latest LLM call', () => {
    const f = fixture('vercel-ai-agent');
    const t = f.session.timeline;
    const tool = 2;
    const running = f.feed.stepDetail(f.session, f.session.steps[tool].id, t.startAt[tool])!;
    assert.equal(JSON.parse(running.tool!.args!).city, 'Paris');
    assert.equal(running.tool!.result, undefined);
    const done = f.feed.stepDetail(f.session, f.session.steps[tool].id, t.endAt[tool])!;
    assert.deepEqual(JSON.parse(done.tool!.result!), { city: 'Paris', tempC: 18, condition: 'cloudy' });
    assert.equal(done.conversation?.stepId, f.session.steps[1].id);
    assert.equal(f.feed.stepDetail(f.session, 'nope', 0), undefined);
  });

  it('errors carry the message and, given the raw span, the exception stack', () => {
    const inputs = [spanInput({ name: 'execute_tool x', spanId: 'e1', attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x' }, status: { code: 2, message: 'boom' },
      events: [{ name: 'exception', attrs: { 'exception.type': 'Error', 'exception.message': 'boom', 'exception.stacktrace': 'Error: boom\n    at tool (tools.ts:3:9)' } }] })];
    const session = buildSession(inputs);
    const d = new GraphFeed({ id: 's', name: 's' });
    d.snapshot(session);
    const detail = d.stepDetail(session, 'e1', session.timeline.endAt[0], inputs[0])!;
    assert.equal(detail.error?.message, 'boom');
    assert.match(detail.error?.stack ?? '', /tools\.ts:3:9/);
    assert.equal(detail.phase, 'failed');
  });

  it('deltas keep indices stable: new steps append, changed ones are replaced, unchanged ones are not resent', () => {
    const inputs = syntheticSession(40);
    const feed = new GraphFeed({ id: 's', name: 's', live: true });
    const first = feed.snapshot(buildSession(inputs.slice(0, 20)));
    assert.equal(feed.delta(buildSession(inputs.slice(0, 20))), undefined);
    const delta = feed.delta(buildSession(inputs))!;
    assert.equal(delta.baseVersion, first.version);
    assert.equal(delta.version, first.version + 1);
    assert.deepEqual(delta.changed.map((c) => c.index), Array.from({ length: 20 }, (_, i) => 20 + i));
    assert.equal(delta.timeline.step.length, 80);
    // A late parent: the child's row changes (its parent link), nothing else.
    const orphan = [spanInput({ spanId: 'c1', parentSpanId: 'p1', name: 'child', startMs: 1_767_225_600_010 })];
    const f2 = new GraphFeed({ id: 'o', name: 'o' });
    f2.snapshot(buildSession(orphan));
    const d2 = f2.delta(buildSession([spanInput({ spanId: 'p1', name: 'parent', startMs: 1_767_225_600_000, endMs: 1_767_225_600_100 }), ...orphan]))!;
    assert.deepEqual(d2.changed.map((c) => [c.index, c.id, c.parent]), [[0, 'c1', 1], [1, 'p1', -1]]);
    assert.deepEqual(d2.timeline.step.slice(0, 2), [1, 0]);
  });

  it('a step keeps its index wherever it moves (kept objects, or made again); the inspector and findings name that index', () => {
    const inputs = syntheticSession(60);
    const feed = new GraphFeed({ id: 's', name: 's', live: true });
    const first = buildSession(inputs.slice(30));
    feed.snapshot(first);
    // Earlier turns arrive: every step sent moves 30 places on. Half of them are the same objects as sent (as a
    // live model keeps them), half made again; the new steps take the next free indices, in session order.
    const made = buildSession(inputs);
    const sentObject = new Map(first.steps.map((st) => [`${st.traceId}/${st.id}`, st]));
    const steps = made.steps.map((st, i) => (i % 2 === 0 ? (sentObject.get(`${st.traceId}/${st.id}`) ?? st) : st));
    const later = { ...made, steps };
    const expected = new Map(first.steps.map((st, i) => [st.id, i]));
    for (const st of steps) if (!expected.has(st.id)) expected.set(st.id, expected.size);
    const flagged = steps[45]!;
    const delta = feed.delta(later, { safety: [{ id: 'f', kind: 'secret', rule: 'openai-key', stepId: flagged.id, field: 'result', why: 'w', message: 'a key' } as SafetyFinding] })!;
    // Every new step is sent; of those sent before, the ones whose row changed (a parent arrived), each at its index.
    for (const r of delta.changed) assert.equal(r.index, expected.get(r.id), r.id);
    assert.deepEqual(delta.changed.filter((r) => r.index >= 30).map((r) => r.id), steps.filter((st) => expected.get(st.id)! >= 30).map((st) => st.id));
    assert.deepEqual(feed.window(later, 0, 60).map((w) => [w.index, w.id]), [...expected].map(([id, index]) => [index, id]).sort((a, b) => (a[0] as number) - (b[0] as number)));
    assert.deepEqual(delta.findings.find((f) => f.kind === 'safety:secret')?.steps, [expected.get(flagged.id)]);
    for (const at of [0, 31, 44, 45]) assert.equal(feed.stepDetail(later, steps[at]!.id, 0)?.index, expected.get(steps[at]!.id), `step at ${at}`);
  });

  it('a step whose row changes in any field is sent again, alone (rows are compared with what was sent without being made)', () => {
    const f = fixture('vercel-ai-agent');
    const target = f.session.steps.findIndex((st) => st.kind === 'llm');
    const changes: [string, (st: AgentStep) => void][] = [
      ['status', (st) => (st.status = 'error')], ['label', (st) => (st.model = 'other-model')], ['start', (st) => (st.startMs += 1)],
      ['end', (st) => (st.endMs += 1)], ['input tokens', (st) => (st.inputTokens = (st.inputTokens ?? 0) + 1)],
      ['output tokens', (st) => (st.outputTokens = undefined)], ['cost', (st) => (st.costUsd = 0.5)], ['price missing', (st) => (st.priceMissing = true)],
      ['aggregate', (st) => (st.aggregate = true)], ['source', (st) => (st.source = { path: 'agent.ts', line: 3, how: 'attribute', confidence: 1 })],
      ['kind', (st) => (st.kind = 'tool')],
    ];
    for (const [what, change] of changes) {
      const feed = new GraphFeed({ id: 's', name: 's', live: true });
      feed.snapshot(f.session);
      const steps = f.session.steps.map((st, i) => (i === target ? { ...st } : st));
      change(steps[target]!);
      const delta = feed.delta({ ...f.session, steps })!;
      assert.deepEqual(delta?.changed.map((r) => r.index), [target], what);
    }
  });

  it('a delta copies the timeline events it sent only while they stay the same: a renamed event, a moved step and new steps are made again', () => {
    const session = buildSession(syntheticSession(400));
    const withEvent = 200;
    const event = (st: AgentStep, name: string) => ({ ...st, events: [{ timeMs: st.startMs, name, source: 'span' as const }] });
    const steps = session.steps.map((st, i) => (i === withEvent ? event(st, 'retry') : st));
    // A delta is sent when a row changed: each version moves a step's end by a microsecond (its row and one event's time).
    const moved = steps.map((st, i) => (i === 300 ? { ...st, endMs: st.endMs + 0.001 } : st));
    const renamed = moved.map((st, i) => (i === withEvent ? event(st, 'retry (renamed)') : i === 350 ? { ...st, endMs: st.endMs + 0.001 } : st));
    const feeds = [new GraphFeed({ id: 's', name: 's', live: true }), new GraphFeed({ id: 's', name: 's', live: true }, false)];
    const sent = (f: GraphFeed, next: AgentStep[], first: boolean) => JSON.stringify(first ? f.packedSnapshot({ ...session, steps: next, timeline: buildTimeline(next) }) : f.packedDelta({ ...session, steps: next, timeline: buildTimeline(next) }));
    for (const [k, next] of [steps, moved, renamed, steps].entries()) {
      const [copied, made] = feeds.map((f) => sent(f, next, k === 0));
      assert.ok(copied !== undefined, `version ${k} is sent`);
      assert.equal(copied, made, `version ${k}`);
    }
  });

  it('the same session object asked again (another session changed): no delta, without rebuilding a row; a renamed session still is one', () => {
    const session = buildSession(syntheticSession(20_000));
    const feed = new GraphFeed({ id: 's', name: 's', live: true });
    feed.snapshot(session);
    const t0 = performance.now();
    assert.equal(feed.delta(session), undefined);
    assert.ok(performance.now() - t0 < 5, 'answered without touching the steps');
    feed.setInfo({ id: 's', name: 'renamed', live: true });
    const renamed = feed.delta(session)!;
    assert.deepEqual([renamed.session.name, renamed.changed.length], ['renamed', 0]);
    assert.equal(feed.delta(session), undefined);
  });

  it('windows: names by index, capped', () => {
    const session = buildSession(syntheticSession(2000));
    const feed = new GraphFeed({ id: 's', name: 's' });
    feed.snapshot(session);
    const w = feed.window(session, 10, 5000);
    assert.equal(w.length, MAX_WINDOW);
    assert.equal(w[0].index, 10);
    assert.equal(w[0].id, session.steps[10].id);
    assert.equal(typeof w[0].name, 'string');
  });

  it('long text is cut and flagged', () => {
    const big = 'x'.repeat(50_000);
    const session = buildSession([spanInput({ spanId: 'b1', attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 't', 'gen_ai.tool.call.arguments': big } })]);
    const s = graphSnapshot(session, { id: 's', name: 's' });
    assert.equal(s.steps.length, 1);
    const feed = new GraphFeed({ id: 's', name: 's' });
    feed.snapshot(session);
    const d = feed.stepDetail(session, 'b1', 1)!;
    assert.equal(d.truncated, true);
    assert.ok(d.tool!.args!.length < 21_000);
  });
});
