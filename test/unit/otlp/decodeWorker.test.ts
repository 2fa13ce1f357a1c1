// The decode worker answers exactly what decoding on the receiver's thread answers (prepared request,
// 400 / INVALID_ARGUMENT message, partial success), over OTLP/HTTP and gRPC, and the receiver falls back
// to its own thread when there is no worker.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { TraceDecodeWorker } from '../../../src/core/decodeWorker';
import { TraceEngine } from '../../../src/core/engine';
import { ingestBody } from '../../../src/core/otlp/ingest';
import { decodeTraceRequest } from '../../../src/core/otlp/protoDecode';
import { encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import { validateTraceRequest } from '../../../src/core/otlp/validate';
import { prepareTraces, type PreparedTraces } from '../../../src/core/store/preparedTraces';
import { planTexts } from '../../../src/core/store/textPlan';
import { decodeExportResponseProto, decodeStatusProto, makeSpan, makeTraceRequest, request, SPAN_ID, TRACE_ID } from './helpers';

const stats = () => ({ requests: 0, spansAccepted: 0, spansRejected: 0, logRecordsAccepted: 0, logRecordsRejected: 0, bytesReceived: 0, refused: 0, errors: 0 });
const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const nullSink = { acceptTraces: () => ({ ok: true as const }), acceptLogs: () => ({ ok: true as const }) };

describe('OTLP decode worker', function () {
  this.timeout(30_000);
  let worker: TraceDecodeWorker;
  beforeEach(() => (worker = new TraceDecodeWorker()));
  afterEach(() => worker.dispose());

  it('prepares a protobuf request exactly as this thread would, and hands its buffers over', async () => {
    const spans = Array.from({ length: 50 }, (_, i) => makeSpan({ spanId: (i + 1).toString(16).padStart(16, '0'), name: `span ${i} ✓` }));
    const bytes = encodeTraceRequest(makeTraceRequest(spans));
    const result = await worker.decodeTraces('protobuf', bytes);
    assert.equal(worker.running, true);
    assert.equal(result?.kind, 'decoded');
    if (result?.kind !== 'decoded') return;
    assert.deepEqual([result.accepted, result.rejected], [50, 0]);
    const here = prepareTraces(validateTraceRequest(decodeTraceRequest(bytes), { idsAreHex: true }).request);
    planTexts(here);
    assert.ok((result.prepared as PreparedTraces).textPlan, 'long strings are planned on the worker');
    assert.deepEqual(result.prepared, here);
    assert.equal(bytes.byteLength > 0, true, 'the caller keeps its body');
  });

  it('answers malformed bodies with the same 400 message, and partial success with the same reasons', async () => {
    const garbage = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const here = ingestBody('traces', 'protobuf', garbage, nullSink, stats());
    assert.equal(here.kind, 'invalid');
    assert.deepEqual(await worker.decodeTraces('protobuf', garbage), here);
    const json = Buffer.from('{"resourceSpans": [{"scopeSpans": 7}]}');
    assert.deepEqual(await worker.decodeTraces('json', json), ingestBody('traces', 'json', json, nullSink, stats()));

    const bad = makeTraceRequest([makeSpan(), makeSpan({ spanId: '0000000000000000' }), makeSpan({ traceId: '' })]);
    const checked = validateTraceRequest(decodeTraceRequest(encodeTraceRequest(bad)), { idsAreHex: true });
    const result = await worker.decodeTraces('protobuf', encodeTraceRequest(bad));
    assert.equal(result?.kind, 'decoded');
    if (result?.kind !== 'decoded') return;
    assert.deepEqual([result.accepted, result.rejected, result.reasons], [checked.accepted, checked.rejected, checked.reasons]);
    assert.equal(checked.rejected, 2);
  });

  it('keeps order and answers many requests in flight', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => encodeTraceRequest(makeTraceRequest(Array.from({ length: i + 1 }, (_, k) => makeSpan({ spanId: (k + 1).toString(16).padStart(16, '0') })))));
    const results = await Promise.all(bodies.map((b) => worker.decodeTraces('protobuf', b)));
    assert.deepEqual(results.map((r) => (r?.kind === 'decoded' ? r.accepted : -1)), bodies.map((_, i) => i + 1));
  });

  it('takes a body in chunks, and fills the buffers handed back (bodies, prepared requests) without mixing them up', async () => {
    const bodyOf = (n: number, name: string) => encodeTraceRequest(makeTraceRequest(Array.from({ length: n }, (_, k) => makeSpan({ spanId: (k + 1).toString(16).padStart(16, '0'), name: `${name} ${k}` }))));
    const prepared = (body: Uint8Array) => {
      const p = prepareTraces(validateTraceRequest(decodeTraceRequest(body), { idsAreHex: true }).request);
      planTexts(p);
      return p;
    };
    // Long bodies, then shorter ones into the same (longer) buffers, sequentially and in flight.
    for (const [n, name] of [[400, 'long'], [30, 'short'], [200, 'mid'], [5, 'tiny']] as const) {
      const bodies = [bodyOf(n, `${name} a`), bodyOf(n, `${name} b`)];
      const chunked = bodies.map((b) => [b.subarray(0, 7), b.subarray(7, b.length >> 1), b.subarray(b.length >> 1)]);
      const results = await Promise.all(chunked.map((chunks) => worker.decodeTraces('protobuf', chunks)));
      results.forEach((r, i) => assert.deepEqual(r?.kind === 'decoded' && r.prepared, prepared(bodies[i]!), `${name} #${i}`));
      assert.ok(bodies.every((b) => b.byteLength > 0), 'the caller keeps its chunks');
      // As the engine does once the store has them: the next requests are prepared into these buffers.
      for (const r of results) if (r?.kind === 'decoded') worker.recycle((r.prepared as PreparedTraces).text.buffer as ArrayBuffer);
    }
    const spares = (worker as unknown as { bodySpares: { take(n: number): ArrayBuffer | undefined } }).bodySpares;
    assert.ok(spares.take(1), 'the worker hands the buffers of bodies back');
  });

  it('says it cannot (undefined) when its entry file is missing, and after dispose', async () => {
    const missing = new TraceDecodeWorker(join(__dirname, 'no-such-worker.js'));
    assert.equal(await missing.decodeTraces('protobuf', encodeTraceRequest(makeTraceRequest())), undefined);
    await worker.dispose();
    assert.equal(await worker.decodeTraces('protobuf', encodeTraceRequest(makeTraceRequest())), undefined);
  });

  for (const decodeWorker of [true, false]) {
    it(`through the engine's receiver (${decodeWorker ? 'decode worker' : 'decoded on the receiver thread'}): stored, 400 and partial success alike`, async () => {
      const engine = await TraceEngine.create();
      try {
        const { http } = await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [], decodeWorker });
        const headers = { 'Content-Type': 'application/x-protobuf' };
        const ok = await request(http.port, '/v1/traces', { headers, body: encodeTraceRequest(makeTraceRequest([makeSpan(), makeSpan({ spanId: '0000000000000000' })])) });
        assert.equal(ok.status, 200);
        assert.deepEqual(decodeExportResponseProto(ok.body), { rejected: '1', errorMessage: '1 span rejected: span "chat gpt-4o" (#1 of scope #0 of resource #0): spanId is all zeros' });
        const bad = await request(http.port, '/v1/traces', { headers, body: Uint8Array.from([0x0a, 0x05, 0x01]) });
        assert.equal(bad.status, 400);
        assert.match(decodeStatusProto(bad.body).message, /^cannot decode protobuf ExportTraceServiceRequest: /);
        await engine.queue.flush();
        assert.equal(engine.store.getSpan(TRACE_ID, SPAN_ID)?.name, makeSpan().name);
        assert.equal(engine.store.spanCount(), 1);
      } finally {
        await engine.dispose();
      }
    });

    it(`OTLP/gRPC through the engine's receiver (${decodeWorker ? 'decode worker' : 'decoded on the receiver thread'}): stored, INVALID_ARGUMENT and partial success alike`, async () => {
      const engine = await TraceEngine.create();
      const { grpc: address } = await engine.startReceiver({ port: 0, grpcPort: 0, allowedOrigins: [], decodeWorker });
      const client = new grpc.Client(`127.0.0.1:${address!.port}`, grpc.credentials.createInsecure());
      const call = (body: Uint8Array) =>
        new Promise<{ error?: grpc.ServiceError; response?: Buffer }>((resolve) => {
          client.makeUnaryRequest(TRACES, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(body), (error, response) => resolve({ error: error ?? undefined, response }));
        });
      try {
        const ok = await call(encodeTraceRequest(makeTraceRequest([makeSpan(), makeSpan({ spanId: '0000000000000000' })])));
        assert.equal(ok.error, undefined);
        assert.deepEqual(decodeExportResponseProto(ok.response!), { rejected: '1', errorMessage: '1 span rejected: span "chat gpt-4o" (#1 of scope #0 of resource #0): spanId is all zeros' });
        const bad = await call(Uint8Array.from([0x0a, 0x05, 0x01]));
        assert.equal(bad.error?.code, grpc.status.INVALID_ARGUMENT);
        assert.match(bad.error!.details, /^cannot decode protobuf ExportTraceServiceRequest: resource #0: length 5/);
        await engine.queue.flush();
        assert.equal(engine.store.getSpan(TRACE_ID, SPAN_ID)?.name, makeSpan().name);
        assert.equal(engine.store.spanCount(), 1);
      } finally {
        client.close();
        await engine.dispose();
      }
    });
  }
});
