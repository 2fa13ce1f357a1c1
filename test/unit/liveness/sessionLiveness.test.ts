// When a session stops being "live", and what it is called: the pure rule, then the store applying it
// to received spans (receiver-only sessions, launched runs, names).
import * as assert from 'node:assert/strict';
import { buildSession } from '../../../src/core/agent';
import { GraphFeed } from '../../../src/core/agent/graphDto';
import { isLive, liveQuietMs, liveUntil } from '../../../src/core/store/liveness';
import type { SpanStore } from '../../../src/core/store/spanStore';
import { FakeClock, newStore, request, span, spanId, str, traceId } from '../store/fixtures';

const gap = 60_000;

describe('session liveness: the rule', () => {
  it('a launched run is live while its process runs, whatever the quiet, and not once it exited', () => {
    assert.equal(liveUntil({ source: 'launcher', lastReceiptMs: 0, openTraces: 0, process: 'running' }, gap), Infinity);
    assert.equal(isLive({ source: 'launcher', lastReceiptMs: 0, openTraces: 0, process: 'running' }, gap, 10 * gap), true);
    assert.equal(isLive({ source: 'launcher', lastReceiptMs: 1000, openTraces: 3, process: 'exited' }, gap, 1000), false);
  });

  it('a receiver-only session ends a few seconds after its last receipt once every trace has its root', () => {
    const f = { source: 'instance' as const, lastReceiptMs: 1000, openTraces: 0 };
    assert.equal(liveUntil(f, gap), 1000 + liveQuietMs);
    assert.ok(liveQuietMs <= 5000, 'a few seconds');
    assert.equal(isLive(f, gap, 1000 + liveQuietMs - 1), true);
    assert.equal(isLive(f, gap, 1000 + liveQuietMs), false);
  });

  it('a trace still waiting for its root span keeps it live up to the session gap', () => {
    const f = { source: 'attribute' as const, lastReceiptMs: 1000, openTraces: 1 };
    assert.equal(isLive(f, gap, 1000 + liveQuietMs + 1), true);
    assert.equal(isLive(f, gap, 1000 + gap), false);
    assert.equal(liveUntil({ ...f, openTraces: 0 }, 2000), 3000, 'a session gap shorter than the quiet time wins');
  });

  it('an imported session is never live', () => {
    assert.equal(isLive({ source: 'import', lastReceiptMs: 1000, openTraces: 1 }, gap, 1000), false);
  });
});

describe('session liveness and names in the store', () => {
  let clock: FakeClock;
  let store: SpanStore;
  beforeEach(async () => {
    clock = new FakeClock();
    store = await newStore({ now: clock.now, sessionGapMs: gap });
  });
  afterEach(() => store.dispose());

  const svc = (name: string, ...more: ReturnType<typeof str>[]) => [str('service.name', name), str('service.instance.id', 'i-1'), ...more];
  const only = () => {
    const all = store.listSessions();
    assert.equal(all.length, 1);
    return all[0]!;
  };

  it('a receiver-only session: live while a trace lacks its root, then ends a few seconds after the root arrived', () => {
    store.ingestTraces(request(svc('agent'), [span({ traceId: traceId(1), spanId: spanId(2), parentSpanId: spanId(1) })]));
    clock.advance(liveQuietMs + 1000);
    assert.equal(only().live, true, 'the root span has not ended');
    store.ingestTraces(request(svc('agent'), [span({ traceId: traceId(1), spanId: spanId(1) })]));
    assert.equal(only().live, true);
    assert.equal(only().liveUntilMs, clock.ms + liveQuietMs, 'when the views must look again');
    clock.advance(liveQuietMs);
    assert.equal(only().live, false);
    assert.equal(only().liveUntilMs, undefined);
  });

  it('a launched run is named after its launch configuration and ends when the host says its process exited', () => {
    const changes: string[][] = [];
    store.onDidChange((c) => changes.push(c.changed));
    store.launchStarted('run-1', 'Weather agent (Node)');
    store.ingestTraces(request(svc('agent.mjs', str('agent_debugger.session.id', 'run-1'), str('gen_ai.agent.name', 'weather')), [span({ traceId: traceId(1), spanId: spanId(1) })]));
    assert.equal(only().name, 'Weather agent (Node)');
    clock.advance(10 * gap);
    assert.equal(only().live, true, 'its process still runs');
    store.launchEnded('run-1');
    assert.equal(only().live, false);
    assert.deepEqual(changes.at(-1), ['run-1'], 'the views hear of it at once');
  });

  it('names a launch whose spans came first; the launch name is kept', () => {
    store.ingestTraces(request(svc('agent.mjs', str('agent_debugger.session.id', 'run-2')), [span({ traceId: traceId(1), spanId: spanId(1) })]));
    assert.match(only().name, /^agent\.mjs \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    store.launchStarted('run-2', 'Agent: support bot');
    assert.equal(only().name, 'Agent: support bot');
    store.ingestTraces(request(svc('agent.mjs', str('agent_debugger.session.id', 'run-2')), [span({ traceId: traceId(2), spanId: spanId(2), attributes: [str('gen_ai.agent.name', 'x')] })]));
    assert.equal(only().name, 'Agent: support bot', 'a launch name is not replaced by the agent name');
  });

  it('without a launch, the agent name (from any span, even a late root) names the session, else the service', () => {
    store.ingestTraces(request(svc('py-service'), [span({ traceId: traceId(1), spanId: spanId(2), parentSpanId: spanId(1) })]));
    assert.match(only().name, /^py-service \d{4}-/);
    store.ingestTraces(request(svc('py-service'), [span({ traceId: traceId(1), spanId: spanId(1), attributes: [str('gen_ai.agent.name', 'Travel planner')] })]));
    assert.match(only().name, /^Travel planner \d{4}-/);
    store.renameSession(only().id, 'mine');
    store.ingestTraces(request(svc('py-service'), [span({ traceId: traceId(2), spanId: spanId(3), attributes: [str('gen_ai.agent.name', 'Other')] })]));
    assert.equal(only().name, 'mine', 'a name a person gave stays');
  });
});

describe('session liveness in the graph feed', () => {
  it('a session that stopped being live is sent as a delta even when no step changed', () => {
    const feed = new GraphFeed({ id: 's', name: 'run', live: true });
    const session = buildSession([], {});
    assert.equal(feed.snapshot(session).session.live, true);
    assert.equal(feed.delta(session), undefined, 'nothing changed');
    feed.setInfo({ id: 's', name: 'run', live: false });
    assert.equal(feed.delta(session)?.session.live, false);
    assert.equal(feed.delta(session), undefined, 'sent once');
  });
});
