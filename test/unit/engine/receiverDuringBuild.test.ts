// The engine worker's thread serves the receiver's sockets and builds agent models. Opening the graph of a
// large session (its model and the graph's parts, built whole the first time) must not keep exporters waiting:
// a first build of 650k spans in one go held the thread past the official exporter's 10 s timeout.
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineClient } from '../../../src/core/engineClient';
import { agentPayloads } from '../../bench/agentSpans';
import { makeSpan, makeTraceRequest, request } from '../otlp/helpers';

const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One small span in session `probe`, a trace of its own. */
function probe(n: number): string {
  const req = makeTraceRequest([makeSpan({ traceId: n.toString(16).padStart(32, '0'), spanId: 'c'.repeat(16), parentSpanId: '', name: `probe ${n}` })]);
  req.resourceSpans[0]!.resource!.attributes.push(kv('agent_debugger.session.id', 'probe'));
  return JSON.stringify(req);
}

describe('engine worker: the receiver answers while a large session is first modelled', () => {
  it('answers each request within half the graph build, and stores every span it answered 200', async function () {
    this.timeout(180_000);
    const engine = await EngineClient.start();
    try {
      assert.equal(engine.inWorker, true);
      const port = (await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] })).http.port;
      // ~61k agent-shaped spans, as the official exporter sends them.
      for (const body of agentPayloads(120, 512)) {
        const res = await request(port, '/v1/traces', { headers: { 'Content-Type': 'application/x-protobuf' }, body });
        assert.equal(res.status, 200);
      }
      await engine.flush();
      const session = engine.listSessions()[0]!;
      assert.ok(session.spanCount > 60_000, `${session.spanCount} spans`);

      let done = false;
      const started = performance.now();
      const snapshot = engine.graph.snapshot('feed', session.id, {}).finally(() => (done = true));
      const waits: number[] = [];
      while (!done) {
        const sent = performance.now();
        const res = await request(port, '/v1/traces', { headers: { 'Content-Type': 'application/json' }, body: probe(waits.length + 1) });
        assert.equal(res.status, 200, res.body.toString());
        waits.push(performance.now() - sent);
        await sleep(5);
      }
      const buildMs = performance.now() - started;
      const answer = await snapshot;
      assert.ok(answer, 'the graph');
      await engine.flush();
      assert.equal(engine.getSession('probe')?.spanCount, waits.length, 'every span answered 200 is stored');
      const longest = Math.max(...waits);
      console.log(`      ${waits.length} requests during a ${buildMs.toFixed(0)} ms graph build: the longest waited ${longest.toFixed(0)} ms`);
      // In one go, a request sent as the build began waited for all of it.
      assert.ok(waits.length >= 3 && longest < buildMs / 2, `longest wait ${longest.toFixed(0)} ms of ${waits.length} requests, during a ${buildMs.toFixed(0)} ms build`);
    } finally {
      await engine.dispose();
    }
  });
});
