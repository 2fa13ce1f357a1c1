// Attack: POST /v1/metrics (and the gRPC MetricsService) with garbage. Metrics are not stored, but what
// the official OpenTelemetry JS SDK sends is accepted and malformed requests get 400 / INVALID_ARGUMENT
// with a reason, like traces and logs (and like the Collector).
import * as assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationType, InstrumentType, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { OtlpReceiver } from '../../src/core/otlp/receiver';
import { MemorySink, request, startReceiver } from '../unit/otlp/helpers';

class Collecting extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** Real metrics of every kind the JS SDK makes: counter (sum), gauge, histogram, exponential histogram. */
async function sdkMetrics(): Promise<ResourceMetrics> {
  const reader = new Collecting({
    aggregationSelector: (type) => (type === InstrumentType.HISTOGRAM ? { type: AggregationType.EXPONENTIAL_HISTOGRAM } : { type: AggregationType.DEFAULT }),
  });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('attack', '1.0.0');
  meter.createCounter('gen_ai.requests').add(3, { 'gen_ai.request.model': 'gpt-4o' });
  meter.createGauge('queue.depth', { valueType: ValueType.INT }).record(7);
  meter.createHistogram('gen_ai.client.token.usage').record(120, { 'gen_ai.token.type': 'input' });
  meter.createUpDownCounter('active').add(-2);
  const { resourceMetrics, errors } = await reader.collect();
  assert.deepEqual(errors, []);
  await provider.shutdown();
  return resourceMetrics;
}

const JSON_CT = { 'content-type': 'application/json' };
const PROTO_CT = { 'content-type': 'application/x-protobuf' };

/** [what, content type, body, what the reason must say] */
function garbage(valid: Uint8Array): [string, Record<string, string>, Uint8Array | string, RegExp][] {
  return [
    ['random bytes', PROTO_CT, Buffer.from('\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff', 'latin1'), /protobuf ExportMetricsServiceRequest/],
    ['text posted as protobuf', PROTO_CT, 'this is not protobuf at all', /protobuf ExportMetricsServiceRequest/],
    ['truncated SDK request', PROTO_CT, valid.subarray(0, valid.length - 7), /protobuf ExportMetricsServiceRequest: .*(truncated|runs past)/],
    ['metric name as a varint', PROTO_CT, Buffer.from([0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x08, 0x01]), /metric #0 of scope #0 of resource #0: field 1 has wire type 0, expected 2/],
    ['nested length past its parent', PROTO_CT, Buffer.from([0x0a, 0x04, 0x12, 0x7f]), /runs past the end/],
    ['not JSON', JSON_CT, '{"resourceMetrics": [', /OTLP\/JSON ExportMetricsServiceRequest: invalid JSON/],
    ['a JSON array', JSON_CT, '[]', /expected an ExportMetricsServiceRequest/],
    ['resourceMetrics not a list', JSON_CT, '{"resourceMetrics": {"a": 1}}', /resourceMetrics/],
    ['metric name a number', JSON_CT, '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":5}]}]}]}', /resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.name: expected a string/],
    ['asInt not an integer', JSON_CT, '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","sum":{"dataPoints":[{"asInt":"lots"}]}}]}]}]}', /dataPoints\[0\]\.asInt: expected a sfixed64/],
    ['exemplar trace id of 3 bytes', JSON_CT, '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"asDouble":1,"exemplars":[{"traceId":"abcdef"}]}]}}]}]}]}', /traceId has 3 bytes/],
    ['bucket counts not numbers', JSON_CT, '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"h","histogram":{"dataPoints":[{"bucketCounts":["x"]}]}}]}]}]}', /bucketCounts\[0\]: expected a fixed64/],
    ['unknown temporality', JSON_CT, '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"s","sum":{"aggregationTemporality":"SOMETIMES"}}]}]}]}', /aggregationTemporality/],
    ['attribute nested past the limit', JSON_CT, `{"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(80)}${']}}'.repeat(80)}}]}}]}`, /resource/],
  ];
}

describe('attack: metrics garbage gets 400 with a reason; real SDK metrics are accepted', function () {
  this.timeout(60_000);
  let receiver: OtlpReceiver;
  let port: number;
  let client: grpc.Client;
  let metrics: ResourceMetrics;

  before(async () => {
    metrics = await sdkMetrics();
    const started = await startReceiver(new MemorySink(), { grpcPort: 0 });
    receiver = started.receiver;
    port = started.port;
    client = new grpc.Client(`127.0.0.1:${started.grpcPort}`, grpc.credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await receiver.stop();
  });

  const grpcCall = (body: Uint8Array) =>
    new Promise<grpc.ServiceError | undefined>((resolve) => {
      client.makeUnaryRequest('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', (b: Buffer) => b, (b: Buffer) => b, Buffer.from(body), (error) => resolve(error ?? undefined));
    });

  it('accepts what the official SDK serialises (protobuf and JSON, over HTTP and gRPC)', async () => {
    const proto = ProtobufMetricsSerializer.serializeRequest(metrics)!;
    const json = JsonMetricsSerializer.serializeRequest(metrics)!;
    assert.equal((await request(port, '/v1/metrics', { headers: PROTO_CT, body: Buffer.from(proto) })).status, 200);
    const answer = await request(port, '/v1/metrics', { headers: JSON_CT, body: Buffer.from(json) });
    assert.equal(answer.status, 200, answer.body.toString());
    assert.equal(await grpcCall(proto), undefined);
    // A summary (the JS SDK makes none) and the snake_case spelling are accepted too.
    const summary = '{"resource_metrics":[{"scope_metrics":[{"metrics":[{"name":"s","summary":{"data_points":[{"count":"3","sum":1.5,"quantile_values":[{"quantile":0.5,"value":"NaN"}]}]}}]}]}]}';
    assert.equal((await request(port, '/v1/metrics', { headers: JSON_CT, body: summary })).status, 200);
  });

  it('answers each malformed request 400 with the reason (and gRPC INVALID_ARGUMENT)', async () => {
    const valid = ProtobufMetricsSerializer.serializeRequest(metrics)!;
    for (const [what, headers, body, reason] of garbage(valid)) {
      const res = await request(port, '/v1/metrics', { headers, body: typeof body === 'string' ? body : Buffer.from(body) });
      assert.equal(res.status, 400, `${what}: ${res.status} ${res.body.toString()}`);
      const message = headers['content-type'] === JSON_CT['content-type'] ? (JSON.parse(res.body.toString()) as { message: string }).message : res.body.toString('latin1');
      assert.match(message, reason, what);
      if (headers === PROTO_CT) {
        const error = await grpcCall(typeof body === 'string' ? Buffer.from(body) : body);
        assert.equal(error?.code, grpc.status.INVALID_ARGUMENT, what);
        assert.match(error.details, reason, what);
      }
    }
  });
});
