import * as assert from 'node:assert/strict';
import type { SpanStore } from '../../../src/core/store/spanStore';
import type { StoreChange } from '../../../src/core/store/types';
import { FakeClock, logRecord, logsRequest, newStore, request, span, spanId, str, traceId } from './fixtures';

const svc = (name: string, instance?: string) => [str('service.name', name), ...(instance ? [str('service.instance.id', instance)] : [])];

describe('store: session assignment', () => {
  let clock: FakeClock;
  let store: SpanStore;
  let changes: StoreChange[];
  beforeEach(async () => {
    clock = new FakeClock();
    store = await newStore({ now: clock.now, sessionGapMs: 60_000 });
    changes = [];
    store.onDidChange((c) => changes.push(c));
  });
  afterEach(() => store.dispose());

  const sessionOf = (t: number, s: number) => store.getSpan(traceId(t), spanId(s))?.sessionId;

  it('uses agent_debugger.session.id from the resource, or from the span', () => {
    store.ingestTraces(request([...svc('agent'), str('agent_debugger.session.id', 'launch-1')], [span({ traceId: traceId(1), spanId: spanId(1) })]));
    store.ingestTraces(request(svc('agent'), [span({ traceId: traceId(2), spanId: spanId(2), attributes: [str('agent_debugger.session.id', 'launch-2')] })]));
    assert.equal(sessionOf(1, 1), 'launch-1');
    assert.equal(sessionOf(2, 2), 'launch-2');
    const s = store.getSession('launch-1')!;
    assert.equal(s.source, 'launcher');
    assert.equal(s.serviceName, 'agent');
    assert.match(s.name, /^agent \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(s.live, true);
  });

  it('uses session.id or gen_ai.conversation.id (span or resource) and names the session after it', () => {
    store.ingestTraces(request(svc('a'), [span({ traceId: traceId(1), spanId: spanId(1), attributes: [str('session.id', 'chat-42')] })]));
    store.ingestTraces(request([...svc('b'), str('gen_ai.conversation.id', 'conv-7')], [span({ traceId: traceId(2), spanId: spanId(2) })]));
    assert.equal(sessionOf(1, 1), 'chat-42');
    assert.equal(sessionOf(2, 2), 'conv-7');
    assert.equal(store.getSession('chat-42')!.name, 'chat-42');
    assert.equal(store.getSession('conv-7')!.source, 'attribute');
  });

  it('groups the rest by service instance, and starts a new session after the gap', () => {
    store.ingestTraces(request(svc('agent', 'i-1'), [span({ traceId: traceId(1), spanId: spanId(1) })]));
    clock.advance(30_000);
    store.ingestTraces(request(svc('agent', 'i-1'), [span({ traceId: traceId(2), spanId: spanId(2) })]));
    store.ingestTraces(request(svc('agent', 'i-2'), [span({ traceId: traceId(3), spanId: spanId(3) })]));
    assert.equal(sessionOf(1, 1), sessionOf(2, 2), 'within the gap: same session');
    assert.notEqual(sessionOf(3, 3), sessionOf(1, 1), 'another instance: another session');
    clock.advance(60_001);
    store.ingestTraces(request(svc('agent', 'i-1'), [span({ traceId: traceId(4), spanId: spanId(4) })]));
    assert.notEqual(sessionOf(4, 4), sessionOf(1, 1), 'after the gap: a new session');
    assert.equal(store.listSessions().length, 3);
    assert.equal(store.getSession(sessionOf(1, 1)!)!.live, false);
    assert.equal(store.getSession(sessionOf(4, 4)!)!.source, 'instance');
  });

  it('without service.instance.id, tells instances apart by service name, pid and host', () => {
    const proc = (pid: string) => [...svc('agent'), { key: 'process.pid', value: { intValue: pid } }, str('host.name', 'box')];
    store.ingestTraces(request(proc('100'), [span({ traceId: traceId(1), spanId: spanId(1) })]));
    store.ingestTraces(request(proc('100'), [span({ traceId: traceId(2), spanId: spanId(2) })]));
    store.ingestTraces(request(proc('200'), [span({ traceId: traceId(3), spanId: spanId(3) })]));
    assert.equal(sessionOf(1, 1), sessionOf(2, 2));
    assert.notEqual(sessionOf(3, 3), sessionOf(1, 1));
  });

  it('keeps every later span of a trace in the session the trace started in', () => {
    store.ingestTraces(request(svc('agent', 'i-1'), [span({ traceId: traceId(1), spanId: spanId(2), parentSpanId: spanId(1) })]));
    clock.advance(10 * 60_000);
    // After the gap: a new trace starts a new session, the old trace's root still joins its trace.
    store.ingestTraces(request(svc('agent', 'i-1'), [span({ traceId: traceId(5), spanId: spanId(5) }), span({ traceId: traceId(1), spanId: spanId(1) })]));
    assert.equal(sessionOf(1, 1), sessionOf(1, 2));
    assert.notEqual(sessionOf(5, 5), sessionOf(1, 1));
    // Even a span carrying another session.id stays with its trace when the trace is in a named session.
    store.ingestTraces(request(svc('x'), [span({ traceId: traceId(7), spanId: spanId(7), attributes: [str('session.id', 'A')] })]));
    store.ingestTraces(request(svc('x'), [span({ traceId: traceId(7), spanId: spanId(8), attributes: [str('session.id', 'B')] })]));
    assert.equal(sessionOf(7, 8), 'A');
    assert.equal(store.getSession('B'), undefined);
  });

  it('moves a trace out of an instance session when a later span (the root) names a session', () => {
    store.ingestTraces(request(svc('agent', 'i-1'), [span({ traceId: traceId(1), spanId: spanId(2), parentSpanId: spanId(1) })]));
    store.ingestLogs(logsRequest(svc('agent', 'i-1'), [logRecord({ traceId: traceId(1), spanId: spanId(2) })]));
    const instanceSession = sessionOf(1, 2)!;
    changes = [];
    store.ingestTraces(request(svc('agent', 'i-1'), [span({ traceId: traceId(1), spanId: spanId(1), name: 'root', attributes: [str('session.id', 'user-session')] })]));
    assert.equal(sessionOf(1, 2), 'user-session');
    assert.equal(store.logsOfSpan(traceId(1), spanId(2))[0]!.sessionId, 'user-session');
    const moved = store.getSession('user-session')!;
    assert.deepEqual([moved.spanCount, moved.traceCount, moved.logCount], [2, 1, 1]);
    assert.equal(store.tracesOfSession('user-session')[0]!.rootName, 'root');
    assert.equal(store.getSession(instanceSession), undefined, 'the emptied instance session is gone');
    assert.deepEqual(changes.map((c) => [c.added, c.removed]), [[['user-session'], [instanceSession]]]);
  });

  it('lets agent_debugger.session.id win over the trace rule', () => {
    store.ingestTraces(request(svc('a'), [span({ traceId: traceId(1), spanId: spanId(1), attributes: [str('session.id', 'A')] })]));
    store.ingestTraces(request([...svc('b'), str('agent_debugger.session.id', 'L')], [span({ traceId: traceId(1), spanId: spanId(2) })]));
    assert.equal(sessionOf(1, 1), 'A');
    assert.equal(sessionOf(1, 2), 'L');
  });

  it('routes log records like spans: to their trace session when it is known', () => {
    store.ingestTraces(request(svc('agent'), [span({ traceId: traceId(1), spanId: spanId(1), attributes: [str('session.id', 'S')] })]));
    store.ingestLogs(logsRequest(svc('other'), [logRecord({ traceId: traceId(1), spanId: spanId(1) }), logRecord({})]));
    assert.equal(store.logsOfSession('S').length, 1);
    assert.equal(store.getSession('S')!.logCount, 1);
    assert.equal(store.listSessions().length, 2, 'the untied record went to the instance session of "other"');
  });

  it('reports added and changed sessions, once per operation', () => {
    store.ingestTraces(request(svc('a'), [span({ traceId: traceId(1), spanId: spanId(1), attributes: [str('session.id', 'S')] })]));
    store.ingestTraces(request(svc('a'), [span({ traceId: traceId(1), spanId: spanId(2) })]));
    assert.deepEqual(changes, [
      { added: ['S'], changed: [], removed: [], evicted: [] },
      { added: [], changed: ['S'], removed: [], evicted: [] },
    ]);
  });

  it('renames, deletes and clears', () => {
    store.ingestTraces(request(svc('a'), [span({ traceId: traceId(1), spanId: spanId(1), attributes: [str('session.id', 'S')] })]));
    store.ingestTraces(request(svc('a'), [span({ traceId: traceId(2), spanId: spanId(2), attributes: [str('session.id', 'T')] })]));
    assert.equal(store.renameSession('S', 'my run'), true);
    assert.equal(store.getSession('S')!.name, 'my run');
    assert.equal(store.deleteSession('S'), true);
    assert.deepEqual(store.listSessions().map((s) => s.id), ['T']);
    assert.equal(store.spansOfTrace(traceId(1)).length, 0);
    // A deleted session's trace starts afresh.
    store.ingestTraces(request(svc('a'), [span({ traceId: traceId(1), spanId: spanId(3) })]));
    assert.notEqual(sessionOf(1, 3), 'S');
    changes = [];
    store.clear();
    assert.deepEqual(store.stats().spans, 0);
    assert.equal(changes[0]!.removed.length, 2);
    store.ingestTraces(request(svc('a'), [span({ traceId: traceId(1), spanId: spanId(1) })]));
    assert.equal(store.spanCount(), 1);
  });
});
