import * as assert from 'node:assert/strict';
import type { KeyValue, LogsRequest, TraceRequest } from '../../../src/core/otlp/model';
import type { SpanStore } from '../../../src/core/store/spanStore';
import { newStore, ns, span, spanId, str, traceId } from './fixtures';

const session = str('agent_debugger.session.id', 'run-1');

/** Every AnyValue kind, nested, plus the int/double distinction and non-finite doubles. */
const everyKind: KeyValue[] = [
  str('s', 'text with "quotes" and ünïcode ✓'),
  { key: 'empty-string', value: { stringValue: '' } },
  { key: 'b', value: { boolValue: false } },
  { key: 'i', value: { intValue: '9007199254740993' } },
  { key: 'i-neg', value: { intValue: '-42' } },
  { key: 'd', value: { doubleValue: 2 } },
  { key: 'd-frac', value: { doubleValue: 0.1 } },
  { key: 'nan', value: { doubleValue: NaN } },
  { key: 'inf', value: { doubleValue: -Infinity } },
  { key: 'bytes', value: { bytesValue: Buffer.from([0, 1, 2, 250, 255]).toString('base64') } },
  { key: 'none', value: {} },
  {
    key: 'arr',
    value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { doubleValue: 1 }, { boolValue: true }, { arrayValue: { values: [] } }] } },
  },
  {
    key: 'kv',
    value: {
      kvlistValue: {
        values: [
          { key: 'inner', value: { kvlistValue: { values: [{ key: 'deep', value: { arrayValue: { values: [{ bytesValue: 'AAE=' }] } } }] } } },
          { key: 'n', value: { intValue: '0' } },
        ],
      },
    },
  },
];

function richRequest(): TraceRequest {
  const t1 = traceId(0xabc);
  const t2 = traceId(0xdef);
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'agent'), session, ...everyKind], droppedAttributesCount: 3 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeSpans: [
          {
            scope: { name: 'openai', version: '1.2.3', attributes: [str('scope.attr', 'x')], droppedAttributesCount: 1 },
            schemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
            spans: [
              span({
                traceId: t1, spanId: spanId(1), name: 'invoke_agent', kind: 2, traceState: 'vendor=a,other=b', flags: 257,
                startTimeUnixNano: ns(0), endTimeUnixNano: ns(1000.000001), attributes: everyKind, droppedAttributesCount: 7,
                status: { code: 1, message: '' },
              }),
              span({
                traceId: t1, spanId: spanId(2), parentSpanId: spanId(1), name: 'chat', kind: 3,
                startTimeUnixNano: '1767225600000000001', endTimeUnixNano: '1767225600500000999',
                events: [
                  { timeUnixNano: ns(1), name: 'gen_ai.user.message', attributes: [str('content', 'hi')], droppedAttributesCount: 2 },
                  { timeUnixNano: ns(2), name: 'gen_ai.choice', attributes: [], droppedAttributesCount: 0 },
                ],
                droppedEventsCount: 5,
                links: [{ traceId: t2, spanId: spanId(9), traceState: 'k=v', attributes: [str('why', 'follows')], droppedAttributesCount: 1, flags: 769 }],
                droppedLinksCount: 4,
                status: { code: 2, message: 'rate limited' },
              }),
            ],
          },
          {
            scope: { name: 'tools', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [span({ traceId: t1, spanId: spanId(3), parentSpanId: spanId(1), name: 'execute_tool', kind: 0, flags: 0, startTimeUnixNano: '0', endTimeUnixNano: '0' })],
          },
        ],
      },
      {
        resource: { attributes: [str('service.name', 'tool-server'), session], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'http', version: '0.1', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [span({ traceId: t2, spanId: spanId(9), name: 'GET /search', kind: 2, flags: 0xffffffff, status: { code: 0, message: 'unset but with message' } })],
          },
        ],
      },
    ],
  };
}

function richLogs(): LogsRequest {
  return {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'agent'), session], droppedAttributesCount: 0 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeLogs: [
          {
            scope: { name: 'openai', version: '1.2.3', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: [
              {
                timeUnixNano: ns(3), observedTimeUnixNano: ns(4), severityNumber: 9, severityText: 'INFO',
                body: { kvlistValue: { values: [{ key: 'content', value: { stringValue: 'hello' } }] } },
                attributes: [str('gen_ai.system', 'openai')], droppedAttributesCount: 1, flags: 1,
                traceId: traceId(0xabc), spanId: spanId(2), eventName: 'gen_ai.user.message',
              },
              {
                timeUnixNano: '0', observedTimeUnixNano: ns(8), severityNumber: 0, severityText: '', body: {},
                attributes: [], droppedAttributesCount: 0, flags: 0, traceId: '', spanId: '', eventName: '',
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('store: lossless round trip', () => {
  let store: SpanStore;
  beforeEach(async () => (store = await newStore()));
  afterEach(() => store.dispose());

  it('exports a session field for field as it came in', () => {
    const input = richRequest();
    const expected = structuredClone(input);
    assert.deepEqual(store.ingestTraces(input), { spans: 4 });
    assert.deepEqual(store.listSessions().map((s) => s.id), ['run-1']);
    assert.deepStrictEqual(store.exportSessionOtlp('run-1'), expected);
  });

  it('puts log records under resourceLogs, exactly', () => {
    store.ingestTraces(richRequest());
    store.ingestLogs(richLogs());
    const exported = store.exportSessionOtlp('run-1');
    assert.deepStrictEqual(exported.resourceLogs, richLogs().resourceLogs);
    assert.deepStrictEqual(exported.resourceSpans, richRequest().resourceSpans);
  });

  it('hands out spans carrying every model field, resource and scope', () => {
    store.ingestTraces(richRequest());
    // Start order: the tool span has time 0, then the root (t0), then chat (t0 + 1 ns).
    const [tool, root, chat] = store.spansOfTrace(traceId(0xabc));
    const input = richRequest().resourceSpans[0]!;
    assert.deepStrictEqual(root!.attributes, everyKind);
    assert.equal(root!.traceState, 'vendor=a,other=b');
    assert.equal(root!.durationMs, 1000.000001);
    assert.deepStrictEqual(root!.resource, { ...input.resource, schemaUrl: input.schemaUrl });
    assert.deepStrictEqual(root!.scope, { ...input.scopeSpans[0]!.scope, schemaUrl: input.scopeSpans[0]!.schemaUrl });
    assert.equal(chat!.events.length, 2);
    assert.equal(chat!.links[0]!.flags, 769);
    assert.deepStrictEqual(chat!.status, { code: 2, message: 'rate limited' });
    assert.equal(tool!.scope.name, 'tools');
    assert.equal(chat!.sessionId, 'run-1');
  });

  it('survives export -> import into another store -> export', async () => {
    store.ingestTraces(richRequest());
    store.ingestLogs(richLogs());
    const other = await newStore();
    try {
      const result = other.importOtlp(store.exportSessionOtlp('run-1'), { sessionName: 'run.otlp.json' });
      assert.deepEqual(result, { spans: 4, records: 2, sessionIds: ['run-1'] });
      assert.deepStrictEqual(other.exportSessionOtlp('run-1'), store.exportSessionOtlp('run-1'));
    } finally {
      other.dispose();
    }
  });
});
