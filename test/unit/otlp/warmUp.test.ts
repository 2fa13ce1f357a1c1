// The receiver's warm-up (otlp/warmUpTraffic.ts, store/warmUp.ts): its synthetic requests are valid
// agent traffic that takes the same paths as real requests, and warming never shows: no span of it
// reaches the store, and requests that come while it runs are answered and stored as they would be cold.
import * as assert from 'node:assert/strict';
import { TraceEngine } from '../../../src/core/engine';
import { decodeBody } from '../../../src/core/otlp/ingest';
import type { TraceRequest } from '../../../src/core/otlp/model';
import { encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import { validateTraceRequest } from '../../../src/core/otlp/validate';
import { warmUpBodies, warmUpRequests, warmUpSpansPerRequest } from '../../../src/core/otlp/warmUpTraffic';
import { prepareTraces } from '../../../src/core/store/preparedTraces';
import { prepareTraceBytes } from '../../../src/core/store/protoPrepared';
import { loadSqlJs } from '../../../src/core/store/sqlite';
import { runWarmUp } from '../../../src/core/store/warmUp';
import { makeSpan, makeTraceRequest, request } from './helpers';

describe('receiver warm-up', function () {
  this.timeout(60_000);

  it('sends valid agent traffic, both encodings, through the fast protobuf path', () => {
    const bodies = [...warmUpBodies()];
    assert.deepEqual(new Set(bodies.map((b) => b.format)), new Set(['protobuf', 'json']));
    let spans = 0;
    const kinds = new Set<string>();
    for (const { format, body } of bodies) {
      const checked = validateTraceRequest(decodeBody('traces', format, body) as TraceRequest, { idsAreHex: format === 'protobuf' });
      assert.equal(checked.rejected, 0, checked.reasons.join('; '));
      spans += checked.accepted;
      for (const span of checked.request.resourceSpans[0]!.scopeSpans[0]!.spans) {
        kinds.add(String((span.attributes.find((a) => a.key === 'gen_ai.operation.name')?.value as { stringValue?: string }).stringValue));
        if (span.status.code === 2) kinds.add('error');
        if (span.events.length) kinds.add('event');
        if (span.links.length) kinds.add('link');
      }
      if (format === 'protobuf') assert.ok(prepareTraceBytes(body), 'a protobuf warm-up request takes the fast path real exporters take');
    }
    assert.equal(spans, warmUpRequests * warmUpSpansPerRequest);
    assert.equal(kinds.size, 3 + 3, [...kinds].join(', '));
  });

  it('stores the requests that come while it warms, and nothing of its own', async () => {
    const engine = await TraceEngine.create();
    try {
      const { http } = await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [], warmUp: true });
      const headers = { 'Content-Type': 'application/x-protobuf' };
      const spans = Array.from({ length: 30 }, (_, i) => makeSpan({ spanId: (i + 1).toString(16).padStart(16, '0') }));
      const answers = await Promise.all([0, 1, 2].map(() => request(http.port, '/v1/traces', { headers, body: encodeTraceRequest(makeTraceRequest(spans)) })));
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
      // The engine's warm-up (started with the receiver; this call gets its promise): every synthetic span
      // prepared on the decode worker and written, to its scratch database.
      assert.equal(await engine.store.warmUpIngest(() => Promise.reject(new Error('not called'))), warmUpRequests * warmUpSpansPerRequest);
      await engine.queue.flush();
      assert.equal(engine.store.spanCount(), 30 * 3);
      assert.equal(engine.store.listSessions().length, 1);
      assert.notEqual(engine.store.listSessions()[0]!.serviceName, 'agent-debugger-warm-up');
    } finally {
      await engine.dispose();
    }
  });

  it('ends when its requests can no longer be prepared (the receiver stopped)', async () => {
    const formats: string[] = [];
    const written = await runWarmUp(await loadSqlJs(), (format, body) => {
      formats.push(format);
      return Promise.resolve(formats.length <= 3 ? prepareTraces(decodeBody('traces', format, body) as TraceRequest) : undefined);
    });
    assert.equal(formats.length, 4, 'asked for one more, then stopped');
    assert.equal(written, 3 * warmUpSpansPerRequest);
  });
});
