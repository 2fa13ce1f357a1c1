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

/** `use` of a new store, disposed after whatever `use` did. */
export async function withStore(options: StoreOptions, use: (store: SpanStore) => Promise<void> | void): Promise<void> {
  const store = await newStore(options);
  try {
    await use(store);
  } finally {
    store.dispose();
  }
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

/** Everything a store holds, with its random session ids replaced by their order of creation. */
export function dumpStore(store: SpanStore): string {
  const sessions = store.listSessions().sort((a, b) => a.createdMs - b.createdMs || a.name.localeCompare(b.name));
  const content = sessions.map((s) => ({
    session: s,
    traces: store.tracesOfSession(s.id),
    spans: store.spansOfSession(s.id),
    otlp: store.exportSessionOtlp(s.id),
  }));
  let text = JSON.stringify({ content, stats: store.stats().spans });
  sessions.forEach((s, i) => (text = text.split(s.id).join(`<session ${i}>`)));
  return text;
}


/** Two resources (one launcher-named), two scopes, a trace moved by a late `session.id`, errors, odd text. */
export function mixedRequest(): TraceRequest {
  const res = (attrs: ReturnType<typeof str>[]) => ({ attributes: attrs, droppedAttributesCount: 0 });
  const scope = (name: string) => ({ name, version: '1', attributes: [str('s', 'x')], droppedAttributesCount: 0 });
  return {
    resourceSpans: [
      {
        resource: res([str('service.name', 'agent'), str('service.instance.id', 'i-1')]),
        schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
        scopeSpans: [
          {
            scope: scope('a'),
            schemaUrl: '',
            spans: [
              span({ traceId: traceId(1), spanId: spanId(2), parentSpanId: spanId(1), name: 'chat "quoted" ünï ✓', attributes: [str('k', 'line\nbreak\u0001')], status: { code: 2, message: 'boom' } }),
              span({ traceId: traceId(2), spanId: spanId(9), name: 'other root', startTimeUnixNano: ns(3), endTimeUnixNano: ns(4) }),
            ],
          },
          {
            scope: scope('b'),
            schemaUrl: '',
            spans: [
              // The root names the session last: the trace moves out of the instance session.
              span({ traceId: traceId(1), spanId: spanId(1), name: 'invoke_agent', attributes: [str('session.id', 'conv-7'), str('x', 'y')], events: [{ timeUnixNano: ns(1), name: 'e', attributes: [], droppedAttributesCount: 1 }] }),
              span({ traceId: traceId(3), spanId: spanId(3), name: 'linked', links: [{ traceId: traceId(1), spanId: spanId(1), traceState: 'a=b', attributes: [], droppedAttributesCount: 0, flags: 1 }], status: { code: 2, message: '' } }),
            ],
          },
        ],
      },
      {
        resource: res([str('service.name', 'tool-svc'), str('agent_debugger.session.id', 'run-1')]),
        schemaUrl: '',
        scopeSpans: [{ scope: scope('c'), schemaUrl: '', spans: [span({ traceId: traceId(4), spanId: spanId(4), name: 'launched' }), span({ traceId: traceId(4), spanId: spanId(5), parentSpanId: spanId(4), name: 'child', attributes: [str('gen_ai.conversation.id', 'ignored: launcher wins')] })] }],
      },
    ],
  };
}
