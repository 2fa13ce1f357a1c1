// The whole path with real clients: official exporter -> receiver -> ingest queue -> sql.js store ->
// OTLP JSON export -> decode again. Every field must survive, for every transport.
import * as assert from 'node:assert/strict';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { TraceEngine } from '../../../src/core/engine';
import { decodeTraceRequestJson } from '../../../src/core/otlp/jsonDecode';
import { assertAgentRun, emitSpans, GZIP } from '../otlp/agentRun';

describe('round trip: official exporters -> receiver -> store -> OTLP JSON export', function () {
  this.timeout(30000);
  let engine: TraceEngine;
  let http: number;
  let grpc: number;

  beforeEach(async () => {
    engine = await TraceEngine.create();
    const addresses = await engine.startReceiver({ port: 0, grpcPort: 0, allowedOrigins: [] });
    http = addresses.http.port;
    grpc = addresses.grpc!.port;
  });
  afterEach(async () => {
    await engine.dispose();
    engine.store.dispose();
  });

  const cases: Array<[string, () => SpanExporter]> = [
    ['http/json', () => new JsonExporter({ url: `http://127.0.0.1:${http}/v1/traces` })],
    ['http/protobuf + gzip', () => new ProtoExporter({ url: `http://127.0.0.1:${http}/v1/traces`, compression: GZIP })],
    ['grpc', () => new GrpcExporter({ url: `http://127.0.0.1:${grpc}` })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: the exported session equals what the SDK sent, field for field`, async () => {
      await emitSpans(make());
      await engine.queue.flush();
      const session = engine.store.getSession('s-1');
      assert.equal(session?.spanCount, 2);
      const file = JSON.stringify(engine.store.exportSessionOtlp('s-1'));
      // The export is plain OTLP/JSON: our decoder (strict about structure) reads it back.
      assertAgentRun([decodeTraceRequestJson(file)]);
    });
  }
});
