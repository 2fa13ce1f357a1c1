// The first spans stored in a process run through cold code (sql.js glue, wasm functions compiled on
// first call, our own functions unoptimised) and cost many times a warm span: a first 100-span batch
// took 25-110 ms against 2-3 ms warm. Storing a few synthetic batches in a scratch database once per
// process (~100 ms, at creation) keeps the first live slices of the ingest queue short. Both ways in are
// run: requests as objects (imports, the gRPC receiver) and prepared off-thread (OTLP/HTTP).
import type { SqlJsStatic } from 'sql.js';
import { StoreContext } from './context';
import { newStoreDatabase } from './exportImport';
import { writeLogs, writePrepared, writeTraces } from './ingest';
import { prepareTraces } from './preparedTraces';
import { spansOfSession } from './queries';
import { SessionRouter } from './sessionRouter';
import { warmUpLogRecord, warmUpRequest, warmUpResource, warmUpScope } from './warmUpData';

let warmed = false;

export function warmUp(sql: SqlJsStatic, rounds = 4): void {
  if (warmed) return;
  warmed = true;
  const db = newStoreDatabase(sql);
  const ctx = new StoreContext(sql, db, { maxSpans: 1e9, maxBytes: 2 ** 40, sessionGapMs: 60_000 }, Date.now, 'live');
  try {
    for (let round = 0; round < rounds; round++) {
      const router = new SessionRouter(ctx, { kind: 'live' });
      const logs = { resourceLogs: [{ resource: warmUpResource(), schemaUrl: '', scopeLogs: [{ scope: warmUpScope(), schemaUrl: '', logRecords: [warmUpLogRecord(round)] }] }] };
      ctx.transaction(() => {
        writeTraces(ctx, warmUpRequest(2 * round), Date.now(), router);
        const prepared = prepareTraces(warmUpRequest(2 * round + 1));
        writePrepared(ctx, prepared, 0, prepared.count, Date.now(), router);
        writeLogs(ctx, logs, Date.now(), router);
      });
      spansOfSession(ctx, [...ctx.sessions.keys()][0]!, { limit: 50 });
    }
  } finally {
    ctx.stmts.invalidate();
    db.close();
  }
}
