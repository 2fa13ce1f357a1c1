// Builders for store tests: model objects with every field set, and a few shortcuts.
import type { KeyValue, LogRecord, LogsRequest, Span, TraceRequest } from '../../../src/core/otlp/model';
import { SpanStore, type StoreOptions } from '../../../src/core/store/spanStore';

export const t0Ns = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

/** Nanoseconds after t0, as the decimal string the model uses. */
export function ns(offsetMs: number): string {
  return String(t0Ns + BigInt(Math.round(offsetMs * 1e6)));
}

export function hex(n: number, bytes: number): string {
  return n.toString(16).padStart(bytes * 2, '0');
}

export const traceId = (n: number) => hex(n, 16);
export const spanId = (n: number) => hex(n, 8);

export function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

export function span(overrides: Partial<Span> & { traceId: string; spanId: string }): Span {
  return {
    parentSpanId: '',
    traceState: '',
    flags: 1,
    name: 'span',
    kind: 1,
    startTimeUnixNano: ns(0),
    endTimeUnixNano: ns(10),
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    ...overrides,
  };
}

/** One resource, one scope. */
export function request(resourceAttributes: KeyValue[], spans: Span[], scopeName = 'test'): TraceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes, droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: scopeName, version: '', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

export function logRecord(overrides: Partial<LogRecord>): LogRecord {
  return {
    timeUnixNano: ns(5),
    observedTimeUnixNano: ns(6),
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: 'hello' },
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    ...overrides,
  };
}

export function logsRequest(resourceAttributes: KeyValue[], records: LogRecord[]): LogsRequest {
  return {
    resourceLogs: [
      {
        resource: { attributes: resourceAttributes, droppedAttributesCount: 0 },
        scopeLogs: [{ scope: { name: 'logs', version: '1', attributes: [], droppedAttributesCount: 0 }, logRecords: records, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

/** A receipt clock the test moves by hand. */
export class FakeClock {
  constructor(public ms = Date.UTC(2026, 0, 1)) {}
  readonly now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function newStore(options: StoreOptions = {}): Promise<SpanStore> {
  return SpanStore.create(options);
}

/** `count` spans in traces of `perTrace`, with realistic GenAI-ish attributes (for volume tests). */
export function bulkRequest(count: number, firstId: number, resourceAttributes: KeyValue[], perTrace = 10): TraceRequest {
  const spans: Span[] = [];
  for (let i = 0; i < count; i++) {
    const n = firstId + i;
    const root = n - (n % perTrace);
    spans.push(
      span({
        traceId: traceId(Math.floor(n / perTrace) + 1),
        spanId: spanId(n + 1),
        parentSpanId: n === root ? '' : spanId(root + 1),
        name: n === root ? 'invoke_agent' : i % 3 === 0 ? 'chat gpt-4o' : 'execute_tool search',
        startTimeUnixNano: ns(n),
        endTimeUnixNano: ns(n + 5),
        attributes: [
          str('gen_ai.operation.name', 'chat'),
          str('gen_ai.request.model', 'gpt-4o'),
          { key: 'gen_ai.usage.input_tokens', value: { intValue: String(100 + (n % 50)) } },
          { key: 'gen_ai.usage.output_tokens', value: { intValue: String(20 + (n % 7)) } },
          str('gen_ai.tool.name', 'search'),
          str('code.function.name', 'run_step'),
          { key: 'code.line.number', value: { intValue: '42' } },
          str('input.value', 'What is the weather like in Paris today? Please answer briefly.'),
        ],
        status: { code: n % 50 === 0 ? 2 : 0, message: '' },
      }),
    );
  }
  return request(resourceAttributes, spans, 'bulk');
}
