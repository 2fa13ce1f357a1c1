// Forwarding with the official OTLP/HTTP exporter to a second instance of our receiver: every span arrives
// exactly once, field for field; a refusing endpoint's status and body reach the caller.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TraceEngine } from '../../../src/core/engine';
import { forwardSession } from '../../../src/core/forward/forwarder';
import type { AnyValue, KeyValue } from '../../../src/core/otlp/model';
import type { StoredSpan } from '../../../src/core/store/types';
import { fixtureNames, observable, storeWith } from './helpers';

/** The exporter sends JS numbers: an integral double leaves as intValue. Compare numbers by value. */
function norm(v: AnyValue): unknown {
  if ('intValue' in v) return { n: Number(v.intValue) };
  if ('doubleValue' in v) return { n: Number(v.doubleValue) };
  if ('arrayValue' in v) return { a: v.arrayValue.values.map(norm) };
  if ('kvlistValue' in v) return { kv: attrs(v.kvlistValue.values) };
  return v;
}
const attrs = (list: KeyValue[]) => list.map((kv) => [kv.key, norm(kv.value)]);

function fields(s: StoredSpan): unknown {
  return {
    traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, traceState: s.traceState,
    // The exporter always sets HAS_IS_REMOTE (0x100): the W3C trace flags (low byte) and IS_REMOTE must match.
    flags: s.flags & 0x2ff, name: s.name, kind: s.kind, start: s.startTimeUnixNano, end: s.endTimeUnixNano,
    attributes: attrs(s.attributes), droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({ ...e, attributes: attrs(e.attributes) })), droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({ ...l, attributes: attrs(l.attributes), flags: l.flags & 0x2ff })), droppedLinksCount: s.droppedLinksCount,
    status: s.status, resource: attrs(s.resource.attributes), resourceSchema: s.resource.schemaUrl,
    scope: { name: s.scope.name, version: s.scope.version, attributes: attrs(s.scope.attributes), schemaUrl: s.scope.schemaUrl },
  };
}

describe('sessions: forwarding to an OTLP endpoint', function () {
  this.timeout(60000);
  let receiver: TraceEngine;
  let url: string;
  beforeEach(async () => {
    receiver = await TraceEngine.create();
    const a = await receiver.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] });
    url = `http://127.0.0.1:${a.http.port}/v1/traces`;
  });
  afterEach(async () => {
    await receiver.dispose();
    receiver.store.dispose();
  });

  for (const [name, protocol] of fixtureNames.flatMap((n) => (['http/protobuf', 'http/json'] as const).map((p) => [n, p] as const))) {
    it(`${name} over ${protocol}: every span arrives exactly once, field for field`, async () => {
      const { store, sessionId } = await storeWith(name);
      const sent = store.spansOfSession(sessionId);
      const result = await forwardSession(store, sessionId, { url, protocol });
      assert.equal(result.spans, sent.length);
      await receiver.queue.flush();
      const got = receiver.store.listSessions().flatMap((s) => receiver.store.spansOfSession(s.id));
      assert.equal(got.length, sent.length, 'span count');
      const key = (s: StoredSpan) => `${s.traceId}/${s.spanId}`;
      assert.equal(new Set(got.map(key)).size, got.length, 'no span twice');
      const byKey = new Map(got.map((s) => [key(s), s]));
      for (const s of sent) assert.deepEqual(fields(byKey.get(key(s))!), fields(s), `span ${s.name}`);
      // The receiving side sees the same agent run (log records aside: only spans are forwarded).
      if (store.getSession(sessionId)!.logCount === 0) {
        const other = receiver.store.listSessions()[0]!.id;
        assert.deepEqual(JSON.stringify(observable(receiver.store, other)), JSON.stringify(observable(store, sessionId)));
      }
      store.dispose();
    });
  }

  it("reports the endpoint's status and body when it refuses, and how many spans got through", async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid api key"}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { store, sessionId } = await storeWith('genai-semconv');
      await assert.rejects(forwardSession(store, sessionId, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces` }), (e: Error & { status?: number; sent?: number }) => {
        assert.equal(e.status, 401);
        assert.equal(e.sent, 0);
        assert.match(e.message, /HTTP 401.*invalid api key/);
        return true;
      });
      store.dispose();
    } finally {
      server.close();
    }
  });
});
