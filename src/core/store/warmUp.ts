// The first spans stored in a process run through cold code (sql.js glue, wasm functions compiled on
// first call, our own functions unoptimised) and cost many times a warm span: a first 100-span batch
// took 25-110 ms against 2-3 ms warm. Storing a few synthetic batches in a scratch database once per
// process (130-270 ms at creation on our 2-core VM) keeps the first live slices of the ingest queue
// short. Both ways in are run: requests as objects (imports, requests decoded on this thread) and
// prepared by the decode worker (what OTLP requests take).
import type { SqlJsStatic } from 'sql.js';
import type { LogRecord } from '../otlp/model';
import { warmUpBodies, warmUpTraceRequest } from '../otlp/warmUpTraffic';
import { StoreContext } from './context';
import { newStoreDatabase } from './exportImport';
import { writeLogs, writePrepared, writeTraces } from './ingest';
import { prepareTraces, type PreparedTraces } from './preparedTraces';
import { spansOfSession } from './queries';
import { SessionRouter } from './sessionRouter';

let warmed = false;
let ingestWarming: Promise<number> | undefined;

export function warmUp(sql: SqlJsStatic, rounds = 4): void {
  if (warmed) return;
  warmed = true;
  const ctx = scratchContext(sql);
  try {
    for (let round = 0; round < rounds; round++) {
      const router = new SessionRouter(ctx, { kind: 'live' });
      // The receiver warm-up's synthetic agent traffic, 50 spans a request.
      const traces = warmUpTraceRequest(2 * round, 50);
      const { resource, scopeSpans } = traces.resourceSpans[0]!;
      const logs = { resourceLogs: [{ resource, schemaUrl: '', scopeLogs: [{ scope: scopeSpans[0]!.scope, schemaUrl: '', logRecords: [warmUpLogRecord(round)] }] }] };
      ctx.transaction(() => {
        writeTraces(ctx, traces, Date.now(), router);
        const prepared = prepareTraces(warmUpTraceRequest(2 * round + 1, 50));
        writePrepared(ctx, prepared, 0, prepared.count, Date.now(), router);
        writeLogs(ctx, logs, Date.now(), router);
      });
      spansOfSession(ctx, [...ctx.sessions.keys()][0]!, { limit: 50 });
    }
  } finally {
    closeScratch(ctx);
  }
}

/**
 * A database of its own for warming up, with caps that never evict. Its piece dictionary is tiny, so that
 * its columns grow and its slabs fill and go, as a long run's do: code optimised before it ever did
 * would be thrown away during the first flood and compiled again (deopts of the dictionary's lookups).
 */
function scratchContext(sql: SqlJsStatic): StoreContext {
  const pieces = { budget: 3 * 2 ** 14, slabBytes: 2 ** 14, columns: 64 };
  return new StoreContext(sql, newStoreDatabase(sql), { maxSpans: 1e9, maxBytes: 2 ** 40, sessionGapMs: 60_000, pieces }, Date.now, 'live');
}

function closeScratch(ctx: StoreContext | undefined): void {
  ctx?.stmts.invalidate();
  ctx?.db.close();
}

/** A synthetic body prepared as real requests are (by the decode worker); undefined: stop. */
export type WarmUpPrepare = (format: 'protobuf' | 'json', body: Uint8Array) => Promise<PreparedTraces | undefined>;

/**
 * What a receiver's requests take, warmed before the first of them (see otlp/warmUpTraffic.ts): ~2k
 * agent-like spans prepared as requests are (`prepare`: through the decode worker, which warms it and
 * gives the objects its answers have) and written as the ingest queue writes, into a scratch database,
 * one request at a time so that real requests go between. Resolves with the spans it wrote. Once per
 * engine (module state: per engine worker, or per CLI process): later calls get the first one's promise.
 */
export function warmUpIngest(sql: SqlJsStatic, prepare: WarmUpPrepare): Promise<number> {
  return (ingestWarming ??= runWarmUp(sql, prepare));
}

/** The warm-up itself, every time it is called (warmUpIngest runs it once). */
export async function runWarmUp(sql: SqlJsStatic, prepare: WarmUpPrepare): Promise<number> {
  let scratch: { ctx: StoreContext; router: SessionRouter } | undefined;
  let written = 0;
  let total = 0;
  try {
    for (const { format, body } of warmUpBodies()) {
      const prepared = await prepare(format, body);
      if (!prepared) break;
      // A new scratch database every ~1k spans: the wasm heap, which never shrinks, grows a few MB at most.
      if (!scratch || written >= 1024) {
        closeScratch(scratch?.ctx);
        const ctx = scratchContext(sql);
        scratch = { ctx, router: new SessionRouter(ctx, { kind: 'live' }) };
        written = 0;
      }
      const { ctx, router } = scratch;
      const n = ctx.transaction(() => writePrepared(ctx, prepared, 0, prepared.count, Date.now(), router));
      written += n;
      total += n;
    }
  } finally {
    closeScratch(scratch?.ctx);
  }
  return total;
}

function warmUpLogRecord(round: number): LogRecord {
  return {
    timeUnixNano: '1700000000000000000', observedTimeUnixNano: '1700000000000000000', severityNumber: 9, severityText: 'INFO',
    body: { stringValue: 'warm' }, attributes: [{ key: 'round', value: { intValue: String(round) } }, { key: 'level', value: { doubleValue: 0.5 } }], droppedAttributesCount: 0, flags: 0,
    traceId: '1'.padStart(32, '0'), spanId: '1'.padStart(16, '0'), eventName: '',
  };
}
