// An agent run emitted through the official OpenTelemetry JS SDK (every attribute value kind, an event, a
// link, an error status, resource and scope), and the field-for-field check of what arrives.
import * as assert from 'node:assert/strict';
import { type HrTime, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type IdGenerator, type ReadableSpan, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { AnyValue, KeyValue, Span, TraceRequest } from '../../../src/core/otlp/model';

// The exporters' CompressionAlgorithm enum lives in a transitive package; its value is the string.
export const GZIP = 'gzip' as unknown as NonNullable<NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>['compression']>;
export const GZIP_GRPC = GZIP as unknown as NonNullable<NonNullable<ConstructorParameters<typeof GrpcExporter>[0]>['compression']>;

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const LINKED = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };

/** Fixed ids, so every transport must produce the very same model. */
class FixedIds implements IdGenerator {
  private next = 0;
  generateTraceId(): string {
    return TRACE_ID;
  }
  generateSpanId(): string {
    return (++this.next).toString(16).padStart(16, '0');
  }
}

/** Fails the test with the exporter's own error instead of a silently missing span. */
class CheckedExporter implements SpanExporter {
  errors: unknown[] = [];
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans, (result) => {
      if (result.code !== 0) this.errors.push(result.error ?? result);
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

export const at = (sec: number, ns: number): HrTime => [sec, ns];

/** An agent run: a server root span and a failing LLM child with every attribute kind, an event and a link. */
export async function emitSpans(exporter: SpanExporter): Promise<void> {
  const checked = new CheckedExporter(exporter);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'agent-under-test', 'agent_debugger.session.id': 's-1', 'deploy.count': 3 }),
    spanProcessors: [new SimpleSpanProcessor(checked)],
    idGenerator: new FixedIds(),
  });
  const tracer = provider.getTracer('agent-scope', '2.0.1', { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' });
  const root = tracer.startSpan('agent.run', { kind: SpanKind.SERVER, startTime: at(1700000000, 123456789) });
  const child = tracer.startSpan('chat gpt-4o', {
    kind: SpanKind.CLIENT,
    startTime: at(1700000000, 223456789),
    attributes: { str: 'héllo ✓', bool: true, int: 42, negative: -7, double: 0.5, strings: ['a', 'b'] },
    links: [{ context: LINKED, attributes: { 'link.kind': 'follows' } }],
  }, trace.setSpan(ROOT_CONTEXT, root));
  // The JS API only takes primitives and homogeneous arrays; OTLP AnyValue (and the exporters'
  // serializers) also carry bytes, mixed arrays and maps, as other SDKs send them. Put them in place.
  Object.assign((child as unknown as { attributes: Record<string, unknown> }).attributes, {
    bytes: new Uint8Array([0, 1, 2, 255]),
    mixed: ['x', 1, true, 2.5],
    nested: { a: 1, b: { c: 'd' } },
  });
  child.addEvent('gen_ai.choice', { index: 0, finish: 'stop' }, at(1700000000, 323456789));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  child.end(at(1700000001, 987654321));
  root.end(at(1700000002, 1));
  await provider.forceFlush();
  await provider.shutdown();
  assert.deepEqual(checked.errors, []);
}

export const str = (s: string): AnyValue => ({ stringValue: s });
export const int = (s: string): AnyValue => ({ intValue: s });

function attr(list: KeyValue[], key: string): AnyValue | undefined {
  return list.find((a) => a.key === key)?.value;
}

export function assertAgentRun(requests: TraceRequest[]): Span[] {
  const spans: Span[] = [];
  for (const req of requests) {
    for (const rs of req.resourceSpans) {
      assert.deepEqual(attr(rs.resource.attributes, 'service.name'), str('agent-under-test'));
      assert.deepEqual(attr(rs.resource.attributes, 'agent_debugger.session.id'), str('s-1'));
      assert.deepEqual(attr(rs.resource.attributes, 'deploy.count'), int('3'));
      for (const ss of rs.scopeSpans) {
        assert.deepEqual([ss.scope.name, ss.scope.version, ss.schemaUrl], ['agent-scope', '2.0.1', 'https://opentelemetry.io/schemas/1.26.0']);
        spans.push(...ss.spans);
      }
    }
  }
  // Each span is its own export (SimpleSpanProcessor), and two exports may arrive in either order.
  spans.sort((a, b) => a.spanId.localeCompare(b.spanId));
  assert.deepEqual(spans.map((s) => s.name), ['agent.run', 'chat gpt-4o']);
  const [root, child] = spans;
  assert.deepEqual([root.traceId, root.spanId, root.parentSpanId, root.kind], [TRACE_ID, '0000000000000001', '', 2]);
  assert.deepEqual([root.startTimeUnixNano, root.endTimeUnixNano], ['1700000000123456789', '1700000002000000001']);
  assert.deepEqual([child.traceId, child.spanId, child.parentSpanId, child.kind], [TRACE_ID, '0000000000000002', '0000000000000001', 3]);
  assert.deepEqual([child.startTimeUnixNano, child.endTimeUnixNano], ['1700000000223456789', '1700000001987654321']);
  assert.equal(child.flags & 0xff, 1); // sampled
  assert.deepEqual(child.attributes, [
    { key: 'str', value: str('héllo ✓') },
    { key: 'bool', value: { boolValue: true } },
    { key: 'int', value: int('42') },
    { key: 'negative', value: int('-7') },
    { key: 'double', value: { doubleValue: 0.5 } },
    { key: 'strings', value: { arrayValue: { values: [str('a'), str('b')] } } },
    { key: 'bytes', value: { bytesValue: 'AAEC/w==' } },
    { key: 'mixed', value: { arrayValue: { values: [str('x'), int('1'), { boolValue: true }, { doubleValue: 2.5 }] } } },
    { key: 'nested', value: { kvlistValue: { values: [{ key: 'a', value: int('1') }, { key: 'b', value: { kvlistValue: { values: [{ key: 'c', value: str('d') }] } } }] } } },
  ]);
  assert.deepEqual(child.events, [{
    timeUnixNano: '1700000000323456789', name: 'gen_ai.choice', droppedAttributesCount: 0,
    attributes: [{ key: 'index', value: int('0') }, { key: 'finish', value: str('stop') }],
  }]);
  assert.equal(child.links.length, 1);
  assert.deepEqual([child.links[0].traceId, child.links[0].spanId], [LINKED.traceId, LINKED.spanId]);
  assert.deepEqual(child.links[0].attributes, [{ key: 'link.kind', value: str('follows') }]);
  assert.deepEqual(child.status, { code: 2, message: 'rate limited' });
  assert.deepEqual(root.status, { code: 0, message: '' });
  return spans;
}

