// An SQLite file is checked before the store touches it. The structure check (schemaCheck.ts) reads only
// sqlite_master, which runs nothing the file defines, so it runs here first and refuses a hostile file in
// milliseconds. Then a worker thread with a deadline checks it again and counts its spans: the deadline
// bounds whatever no check foresaw (a damaged b-tree, a count over a huge table): the worker is terminated
// and the import refused, so no file can keep the extension host's thread busy.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SqlJsStatic } from 'sql.js';
import { checkStructure } from './schemaCheck';
import { loadSqlJs, num, queryOnce } from './sqlite';

export interface GuardLimits {
  /** Spans the store keeps: a file holding more is refused rather than imported and evicted. */
  maxSpans: number;
}

export interface GuardVerdict {
  version: number;
  spans: number;
}

export interface GuardJob {
  bytes: Uint8Array;
  limits: GuardLimits;
}

export type GuardReply = { ok: true; verdict: GuardVerdict } | { ok: false; error: string };

/** The worker's entry: next to this file, in out/ (tests, CLI from source) and in dist/ (bundles). */
export const sqliteGuardEntry = join(__dirname, 'sqliteGuardMain.js');

/**
 * Measured on a busy 2-core VM: the worker's start and sql.js's load take 0.3-1.1 s, and a 100k-span export
 * (48 MB) is checked in 0.44-0.59 s in all. The deadline leaves room for a loaded machine and grows with the file.
 */
export function deadlineFor(bytes: number): number {
  return 3000 + Math.ceil(bytes / 2 ** 20) * 20;
}

/** What the worker runs: the structure check, then counts (safe once the structure is ours). */
export function inspectDatabase(sql: SqlJsStatic, bytes: Uint8Array, limits: GuardLimits): GuardVerdict {
  const db = new sql.Database(bytes);
  try {
    const version = checkStructure(sql, db);
    const spans = num(queryOnce(db, 'SELECT count(*) FROM spans')[0]?.[0]);
    if (spans > limits.maxSpans) {
      throw new Error(`refused: the file holds ${spans.toLocaleString('en-US')} spans; the store keeps at most ${limits.maxSpans.toLocaleString('en-US')} (raise the span cap to import it)`);
    }
    return { version, spans };
  } finally {
    db.close();
  }
}

/** Resolves with the file's verdict, or rejects with an error saying what was wrong (or that time ran out). */
export async function guardSqliteFile(
  bytes: Uint8Array,
  limits: GuardLimits,
  options: { deadlineMs?: number; entry?: string } = {},
): Promise<GuardVerdict> {
  const sql = await loadSqlJs();
  const db = new sql.Database(bytes);
  try {
    checkStructure(sql, db);
  } finally {
    db.close();
  }
  return checkOffThread(bytes, limits, options);
}

function checkOffThread(bytes: Uint8Array, limits: GuardLimits, options: { deadlineMs?: number; entry?: string }): Promise<GuardVerdict> {
  const entry = options.entry ?? sqliteGuardEntry;
  if (!existsSync(entry)) return Promise.reject(new Error(`cannot check the SQLite file: the checker (${entry}) is missing from this installation`));
  const deadlineMs = options.deadlineMs ?? deadlineFor(bytes.length);
  const worker = new Worker(entry);
  return new Promise<GuardVerdict>((resolve, reject) => {
    const timer = setTimeout(() => {
      settle(() => reject(new Error(`refused: checking the SQLite file did not finish within ${(deadlineMs / 1000).toFixed(1)} s (a file crafted to make queries run forever?); nothing was imported`)));
    }, deadlineMs);
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      done();
    };
    worker.on('message', (reply: GuardReply) => settle(() => (reply.ok ? resolve(reply.verdict) : reject(new Error(reply.error)))));
    worker.on('error', (e) => settle(() => reject(new Error(`cannot check the SQLite file: ${e.message}`))));
    worker.on('exit', (code) => settle(() => reject(new Error(`cannot check the SQLite file: the checker stopped (exit ${code})`))));
    // A copy of its own goes over (handed over, not copied again): the caller keeps `bytes` to import.
    const copy = new Uint8Array(bytes);
    worker.postMessage({ bytes: copy, limits } satisfies GuardJob, [copy.buffer as ArrayBuffer]);
  });
}
