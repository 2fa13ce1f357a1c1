// The official OpenTelemetry JS exporters (JSON, protobuf, gRPC; with and without gzip) send real spans
// and logs to a receiver on port 0, and the decoded model is checked field for field.
import * as assert from 'node:assert/strict';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Span } from '../../../src/core/otlp/model';
import type { OtlpReceiver } from '../../../src/core/otlp/receiver';
import { assertAgentRun, at, emitSpans, GZIP, GZIP_GRPC, int, str, TRACE_ID } from './agentRun';
import { MemorySink, startReceiver } from './helpers';

describe('OTLP receiver with the official OpenTelemetry JS exporters', function () {
  this.timeout(30000);
  let sink: MemorySink;
  let receiver: OtlpReceiver;
  let port: number;
  let grpcPort: number;
  const models: Record<string, Span[]> = {};

  before(async () => {
    sink = new MemorySink();
    const started = await startReceiver(sink, { grpcPort: 0 });
    ({ receiver, port } = started);
    grpcPort = started.grpcPort!;
  });
  after(() => receiver.stop());
  beforeEach(() => {
    sink.traces = [];
    sink.logs = [];
  });

  const cases: Array<[string, () => SpanExporter]> = [
    ['http/json', () => new JsonExporter({ url: `http://127.0.0.1:${port}/v1/traces` })],
    ['http/protobuf', () => new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces` })],
    ['http/protobuf + gzip', () => new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces`, compression: GZIP })],
    ['http/json + gzip', () => new JsonExporter({ url: `http://127.0.0.1:${port}/v1/traces`, compression: GZIP })],
    ['grpc', () => new GrpcExporter({ url: `http://127.0.0.1:${grpcPort}` })],
    ['grpc + gzip', () => new GrpcExporter({ url: `http://127.0.0.1:${grpcPort}`, compression: GZIP_GRPC })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: every field arrives intact`, async () => {
      await emitSpans(make());
      models[name] = assertAgentRun(sink.traces);
    });
  }

  it('all transports produce the identical model', function () {
    if (Object.keys(models).length !== cases.length) this.skip();
    const [first, ...rest] = Object.values(models);
    for (const other of rest) assert.deepEqual(other, first);
    assert.ok(receiver.stats.spansAccepted >= cases.length * 2);
  });

  it('logs over http/json: body, bytes and map attributes, severity, trace context', async () => {
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'agent-under-test' }),
      processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `http://127.0.0.1:${port}/v1/logs` }) })],
    });
    const spanContext = { traceId: TRACE_ID, spanId: '00000000000000aa', traceFlags: 1 };
    provider.getLogger('agent-logs', '1.0.0').emit({
      eventName: 'gen_ai.user.message',
      timestamp: at(1700000000, 5),
      observedTimestamp: at(1700000000, 6),
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: { content: 'What is 2+2?', parts: [1, 'a'] },
      attributes: { 'gen_ai.system': 'openai', raw: new Uint8Array([9]) },
      context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
    });
    await provider.forceFlush();
    await provider.shutdown();
    assert.equal(sink.logs.length, 1);
    const sl = sink.logs[0].resourceLogs[0].scopeLogs[0];
    assert.deepEqual([sl.scope.name, sl.scope.version], ['agent-logs', '1.0.0']);
    const log = sl.logRecords[0];
    assert.deepEqual(
      [log.timeUnixNano, log.observedTimeUnixNano, log.severityNumber, log.severityText, log.traceId, log.spanId, log.eventName],
      ['1700000000000000005', '1700000000000000006', 13, 'WARN', TRACE_ID, '00000000000000aa', 'gen_ai.user.message'],
    );
    assert.deepEqual(log.body, { kvlistValue: { values: [
      { key: 'content', value: str('What is 2+2?') },
      { key: 'parts', value: { arrayValue: { values: [int('1'), str('a')] } } },
    ] } });
    assert.deepEqual(log.attributes, [{ key: 'gen_ai.system', value: str('openai') }, { key: 'raw', value: { bytesValue: 'CQ==' } }]);
  });
});
