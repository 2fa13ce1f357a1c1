import * as assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { encodeLogsRequest, encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import type { OtlpReceiver } from '../../../src/core/otlp/receiver';
import { MemorySink, decodeExportResponseProto, makeLogsRequest, makeSpan, makeTraceRequest, startReceiver } from './helpers';

const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const METRICS = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

describe('OTLP/gRPC receiver (raw grpc-js client)', () => {
  let sink: MemorySink;
  let receiver: OtlpReceiver;
  let client: grpc.Client;

  /** One unary call with raw bytes both ways. */
  function call(path: string, body: Uint8Array): Promise<{ error?: grpc.ServiceError; response?: Buffer }> {
    return new Promise((resolve) => {
      client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(body), (error, response) => {
        resolve({ error: error ?? undefined, response });
      });
    });
  }

  beforeEach(async () => {
    sink = new MemorySink();
    const started = await startReceiver(sink, { grpcPort: 0, maxBodyBytes: 256 * 1024 });
    receiver = started.receiver;
    client = new grpc.Client(`127.0.0.1:${started.grpcPort}`, grpc.credentials.createInsecure());
  });
  afterEach(async () => {
    client.close();
    await receiver.stop();
  });

  it('accepts traces and logs, and answers metrics empty', async () => {
    const t = await call(TRACES, encodeTraceRequest(makeTraceRequest()));
    assert.equal(t.error, undefined);
    assert.equal(t.response?.length, 0);
    const l = await call(LOGS, encodeLogsRequest(makeLogsRequest()));
    assert.equal(l.error, undefined);
    const m = await call(METRICS, Buffer.from([0x0a, 0x00]));
    assert.equal(m.error, undefined);
    assert.deepEqual(sink.traces, [makeTraceRequest()]);
    assert.deepEqual(sink.logs, [makeLogsRequest()]);
  });

  it('answers partial success in the response message', async () => {
    const res = await call(TRACES, encodeTraceRequest(makeTraceRequest([makeSpan(), makeSpan({ spanId: '' })])));
    assert.equal(res.error, undefined);
    const partial = decodeExportResponseProto(res.response!);
    assert.equal(partial?.rejected, '1');
    assert.match(partial!.errorMessage, /spanId is missing/);
  });

  it('INVALID_ARGUMENT with the decoder\'s message for malformed protobuf', async () => {
    const res = await call(TRACES, Buffer.from([0x0a, 0x05, 0x01]));
    assert.equal(res.error?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(res.error!.details, /^cannot decode protobuf ExportTraceServiceRequest: resource #0: length 5/);
    assert.equal(receiver.stats.lastError?.transport, 'grpc');
  });

  it('UNAVAILABLE when the sink refuses, RESOURCE_EXHAUSTED over the size cap', async () => {
    sink.verdict = { ok: false, status: 503, retryAfterSeconds: 1, reason: 'queue full' };
    const refused = await call(TRACES, encodeTraceRequest(makeTraceRequest()));
    assert.equal(refused.error?.code, grpc.status.UNAVAILABLE);
    assert.equal(refused.error?.details, 'queue full');
    const big = await call(TRACES, encodeTraceRequest(makeTraceRequest([makeSpan({ name: 'x'.repeat(300 * 1024) })])));
    assert.equal(big.error?.code, grpc.status.RESOURCE_EXHAUSTED);
  });

  it('INTERNAL (not a crash) when the sink throws, then keeps serving', async () => {
    sink.throwOnAccept = true;
    const res = await call(TRACES, encodeTraceRequest(makeTraceRequest()));
    assert.equal(res.error?.code, grpc.status.INTERNAL);
    assert.match(res.error!.details, /sink exploded/);
    sink.throwOnAccept = false;
    assert.equal((await call(TRACES, encodeTraceRequest(makeTraceRequest()))).error, undefined);
  });
});
