// A live session's model reads only the spans it gained (agent/fromStore.ts readSessionGrowth): what it
// answers must be what reading the whole session answers, and it must refuse when the session did more
// than grow (a trim; a trace moved in or out counts the same way: by the session's spans up to the last read).
import * as assert from 'node:assert/strict';
import { readSession, readSessionGrowth } from '../../../src/core/agent/fromStore';
import { bulkRequest, newStore, request, span, spanId, str, traceId } from '../store/fixtures';

const res = (session: string) => [str('service.name', 'agent'), str('session.id', session)];
const keys = (inputs: { span: { traceId: string; spanId: string } }[]) => inputs.map((i) => `${i.span.traceId}/${i.span.spanId}`);

describe('agent model: a live session read by its growth', () => {
  it('gives what a whole read gives after the session grew, in the same order', async () => {
    const store = await newStore();
    try {
      store.ingestTraces(bulkRequest(300, 0, res('live')));
      const before = readSession(store, 'live');
      // New spans, some starting before old ones (order is by start, then arrival).
      store.ingestTraces(bulkRequest(120, 300, res('live')));
      store.ingestTraces(request(res('live'), [span({ traceId: traceId(9000), spanId: spanId(9000), startTimeUnixNano: '1000' })]));
      const grown = readSessionGrowth(store, 'live', before, store.getSession('live')!.spanCount);
      assert.ok(grown);
      assert.deepEqual(keys(grown), keys(readSession(store, 'live')));
    } finally {
      store.dispose();
    }
  });

  it('refuses when spans left the session (a trim), and ignores other sessions', async () => {
    const store = await newStore({ maxSpans: 1000 });
    try {
      store.ingestTraces(bulkRequest(600, 0, res('live')));
      const before = readSession(store, 'live');
      // Over the cap: the live session loses its oldest traces while it grows.
      store.ingestTraces(bulkRequest(600, 600, res('live')));
      assert.equal(readSessionGrowth(store, 'live', before, store.getSession('live')!.spanCount), undefined);

      // Spans stored in another session are not this one's growth.
      const live = readSession(store, 'live');
      store.ingestTraces(bulkRequest(50, 5000, res('other')));
      assert.deepEqual(keys(readSessionGrowth(store, 'live', live, live.length)!), keys(live));
    } finally {
      store.dispose();
    }
  });
});
