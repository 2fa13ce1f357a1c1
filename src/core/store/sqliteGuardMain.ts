// The SQLite guard's worker entry (see sqliteGuard.ts): one file's bytes in, its verdict or the error out.
import { parentPort } from 'node:worker_threads';
import { inspectDatabase, type GuardJob, type GuardReply } from './sqliteGuard';
import { loadSqlJs } from './sqlite';

const port = parentPort;
if (!port) throw new Error('sqliteGuardMain runs as a worker thread');

port.once('message', (job: GuardJob) => {
  void loadSqlJs().then(
    (sql) => {
      let reply: GuardReply;
      try {
        reply = { ok: true, verdict: inspectDatabase(sql, job.bytes, job.limits) };
      } catch (e) {
        reply = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      port.postMessage(reply);
    },
    (e: unknown) => port.postMessage({ ok: false, error: `cannot load SQLite: ${e instanceof Error ? e.message : String(e)}` } satisfies GuardReply),
  );
});
