import * as assert from 'node:assert/strict';
import type { SpanStore } from '../../../src/core/store/spanStore';
import type { StoreChange } from '../../../src/core/store/types';
import { bulkRequest, FakeClock, newStore, spanId, str, traceId } from './fixtures';

const sessionRes = (id: string) => [str('service.name', 'agent'), str('session.id', id)];

describe('store: retention', () => {
  let clock: FakeClock;
  let store: SpanStore;
  let changes: StoreChange[];
  beforeEach(async () => {
    clock = new FakeClock();
    store = await newStore({ now: clock.now, maxSpans: 1000 });
    changes = [];
    store.onDidChange((c) => changes.push(c));
  });
  afterEach(() => store.dispose());

  const notices = () => changes.flatMap((c) => c.notices ?? []);
  const evicted = () => changes.flatMap((c) => c.evicted);

  it('evicts the least recently active whole sessions first, with a notice', () => {
    store.ingestTraces(bulkRequest(400, 0, sessionRes('a')));
    clock.advance(61_000); // past the session gap: no longer live
    store.ingestTraces(bulkRequest(400, 400, sessionRes('b')));
    clock.advance(61_000); // past the session gap: no longer live
    store.ingestTraces(bulkRequest(100, 800, sessionRes('a'))); // 'a' is now more recent than 'b'
    clock.advance(61_000); // past the session gap: no longer live
    assert.equal(store.spanCount(), 900);
    store.ingestTraces(bulkRequest(300, 900, sessionRes('c')));
    assert.deepEqual(evicted(), ['b']);
    assert.deepEqual(notices(), ["Evicted session 'b' (400 spans) to stay under 1 000 spans"]);
    assert.deepEqual(store.listSessions().map((s) => s.id).sort(), ['a', 'c']);
    assert.equal(store.spanCount(), 800);
    assert.equal(store.spansOfSession('b').length, 0);
  });

  it('keeps evicting, oldest first, until under the cap', () => {
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      store.ingestTraces(bulkRequest(300, i * 300, sessionRes(id)));
      clock.advance(61_000); // past the session gap: no longer live
    }
    store.ingestTraces(bulkRequest(650, 900, sessionRes('d')));
    assert.deepEqual(evicted(), ['a', 'b']);
    assert.deepEqual(store.listSessions().map((s) => s.id), ['d', 'c']);
  });

  it('spares live sessions, trimming their oldest traces rather than evicting one whole (a flood from several senders)', () => {
    for (let round = 0; round < 6; round++) {
      for (const id of ['a', 'b', 'c']) store.ingestTraces(bulkRequest(100, round * 1000 + id.charCodeAt(0) * 100_000, sessionRes(id)));
      clock.advance(1000);
    }
    assert.deepEqual(evicted(), []);
    assert.deepEqual(store.listSessions().map((s) => s.id).sort(), ['a', 'b', 'c']);
    const trimmed = changes.reduce((n, c) => n + (c.evictedSpans ?? 0), 0);
    assert.equal(store.spanCount() + trimmed, 1800, 'every span is kept or reported evicted');
    assert.equal(store.evictedSpans, trimmed);
    assert.ok(store.spanCount() >= 800, `kept ${store.spanCount()} of a 1 000 cap`);
  });

  it('spares the receiving session, unless it alone is over the cap: then its oldest traces go', () => {
    store.ingestTraces(bulkRequest(500, 0, sessionRes('old')));
    clock.advance(61_000); // past the session gap: no longer live
    store.ingestTraces(bulkRequest(1200, 500, sessionRes('big')));
    assert.deepEqual(evicted(), ['old']);
    const big = store.getSession('big')!;
    assert.ok(big.spanCount <= 900, `trimmed to 90% of the cap, has ${big.spanCount}`);
    assert.equal(big.spanCount % 10, 0, 'whole traces go');
    assert.match(notices()[1]!, /^Dropped the oldest 30 traces \(300 spans\) of session 'big' to stay under 1 000 spans$/);
    // The newest spans are the ones kept.
    assert.equal(store.spansOfSession('big', { limit: 1 })[0]!.spanId, (500 + 300 + 1).toString(16).padStart(16, '0'));
  });

  it('applies a memory cap, and new caps at once', () => {
    store.configure({ maxSpans: 1_000_000 });
    store.ingestTraces(bulkRequest(600, 0, sessionRes('a')));
    clock.advance(120_000); // 'a' is no longer live
    store.ingestTraces(bulkRequest(600, 600, sessionRes('b')));
    const bytes = store.stats().bytes;
    store.configure({ maxBytes: Math.floor(bytes * 0.7) });
    assert.deepEqual(evicted(), ['a']);
    assert.match(notices()[0]!, /^Evicted session 'a' \(600 spans\) to stay under \d+ MB of memory$/);
    // The evicted rows are swept in the background; their pages then count as free.
    store.finishDeletes();
    assert.ok(store.stats().bytes <= bytes * 0.7);
  });

  it('sweeps deleted rows in the background, never showing them meanwhile', async () => {
    store.configure({ maxSpans: 1_000_000 });
    store.ingestTraces(bulkRequest(3000, 0, sessionRes('a')));
    // The same trace and span ids in another session (the launcher's id wins over the trace rule).
    store.ingestTraces(bulkRequest(10, 0, [str('agent_debugger.session.id', 'b')]));
    const used = store.stats().bytes;
    store.deleteSession('a');
    assert.equal(store.spansOfTrace(traceId(1)).length, 10, "only b's copy of the trace");
    assert.equal(store.findSpans({ limit: 10_000 }).length, 10);
    assert.equal(store.getSpan(traceId(1), spanId(1))!.sessionId, 'b');
    assert.deepEqual(store.spansOfSession('a'), []);
    // The id comes back before the sweep is done: the old rows must not join the new session.
    store.ingestTraces(bulkRequest(1, 5000, sessionRes('a')));
    assert.equal(store.spansOfSession('a').length, 1);
    store.deleteSession('a');
    for (let i = 0; i < 200 && store.stats().bytes > used / 2; i++) await new Promise((r) => setImmediate(r));
    assert.ok(store.stats().bytes < used / 2, 'swept without being asked');
    assert.equal(store.findSpans({ limit: 10_000 }).length, 10);
  });
});
