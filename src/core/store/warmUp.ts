// The first spans stored in a process run through cold code (sql.js glue, wasm functions compiled on
// first call, our own functions unoptimised) and cost many times a warm span: a first 100-span batch
// took 25-110 ms against 2-3 ms warm. Storing a few synthetic batches in a scratch database once per
// process (~100 ms, at creation) keeps the first live slices of the ingest queue short.
import type { SqlJsStatic } from 'sql.js';
import type { KeyValue, Span, TraceRequest } from '../otlp/model';
import { StoreContext } from './context';
import { newStoreDatabase } from './exportImport';
import { writeLogs, writeTraces } from './ingest';
import { spansOfSession } from './queries';
import { SessionRouter } from './sessionRouter';

let warmed = false;

export function warmUp(sql: SqlJsStatic, rounds = 4): void {
  if (warmed) return;
  warmed = true;
  const db = newStoreDatabase(sql);
  const ctx = new StoreContext(sql, db, { maxSpans: 1e9, maxBytes: 2 ** 40, sessionGapMs: 60_000 }, Date.now, 'live');
  try {
    for (let round = 0; round < rounds; round++) {
      const router = new SessionRouter(ctx, { kind: 'live' });
      const logs = { resourceLogs: [{ resource: resource(), schemaUrl: '', scopeLogs: [{ scope: scope(), schemaUrl: '', logRecords: [logRecord(round)] }] }] };
      ctx.transaction(() => {
        writeTraces(ctx, request(round), Date.now(), router);
        writeLogs(ctx, logs, Date.now(), router);
      });
      spansOfSession(ctx, [...ctx.sessions.keys()][0]!, { limit: 50 });
    }
  } finally {
    ctx.stmts.invalidate();
    db.close();
  }
}

const attrs = (i: number): KeyValue[] => [
  { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
  { key: 'gen_ai.usage.input_tokens', value: { intValue: String(i) } },
  { key: 'temperature', value: { doubleValue: 0.5 } },
  { key: 'stream', value: { boolValue: true } },
];

const resource = () => ({ attributes: [{ key: 'service.name', value: { stringValue: 'warm-up' } }], droppedAttributesCount: 0 });
const scope = () => ({ name: 'warm-up', version: '', attributes: [], droppedAttributesCount: 0 });

function request(round: number): TraceRequest {
  const spans: Span[] = [];
  for (let i = 0; i < 50; i++) {
    const n = round * 50 + i;
    const start = String(1_700_000_000_000_000_000n + BigInt(n) * 1_000_000n);
    spans.push({
      traceId: (Math.floor(n / 10) + 1).toString(16).padStart(32, '0'),
      spanId: (n + 1).toString(16).padStart(16, '0'),
      parentSpanId: i % 10 === 0 ? '' : (n - (n % 10) + 1).toString(16).padStart(16, '0'),
      traceState: '',
      flags: 1,
      name: i % 2 ? 'chat' : 'tool',
      kind: 1,
      startTimeUnixNano: start,
      endTimeUnixNano: start,
      attributes: attrs(n),
      droppedAttributesCount: 0,
      events: i % 5 ? [] : [{ timeUnixNano: start, name: 'e', attributes: attrs(n), droppedAttributesCount: 0 }],
      droppedEventsCount: 0,
      links: i % 7 ? [] : [{ traceId: '1'.padStart(32, '0'), spanId: '1'.padStart(16, '0'), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }],
      droppedLinksCount: 0,
      status: { code: i % 9 ? 0 : 2, message: '' },
    });
  }
  return { resourceSpans: [{ resource: resource(), schemaUrl: '', scopeSpans: [{ scope: scope(), schemaUrl: '', spans }] }] };
}

function logRecord(round: number) {
  return {
    timeUnixNano: '1700000000000000000', observedTimeUnixNano: '1700000000000000000', severityNumber: 9, severityText: 'INFO',
    body: { stringValue: 'warm' }, attributes: attrs(round), droppedAttributesCount: 0, flags: 0,
    traceId: '1'.padStart(32, '0'), spanId: '1'.padStart(16, '0'), eventName: '',
  };
}
