// The malicious SQLite corpus: each file is a real export of ours with one thing made hostile, or a
// foreign file built to make a naive reader spin. Every one must be refused, quickly, with a reason.
import type { Database, SqlJsStatic } from 'sql.js';
import { createSchema } from '../../src/core/store/schema';

/** An endless recursive query: any statement that evaluates it never returns. */
const forever = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

export interface EvilFile {
  name: string;
  bytes: Uint8Array;
  /** What the refusal must say. */
  reason: RegExp;
}

function edited(sql: SqlJsStatic, good: Uint8Array, edit: (db: Database) => void): Uint8Array {
  const db = new sql.Database(good);
  try {
    edit(db);
    return db.export();
  } finally {
    db.close();
  }
}

/** A file with the store's tables in which `meta` is a view over an endless query (the reported hang). */
function metaView(sql: SqlJsStatic): Uint8Array {
  const db = new sql.Database();
  try {
    createSchema(db);
    db.exec(`DROP TABLE meta; CREATE VIEW meta AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
      SELECT 'schema' AS key, 'agent-debugger-store' AS value FROM c WHERE x < 0 UNION ALL SELECT 'version', '4'`);
    return db.export();
  } finally {
    db.close();
  }
}

/** `good`: a real export of ours with at least one session. */
export function evilCorpus(sql: SqlJsStatic, good: Uint8Array): EvilFile[] {
  const edit = (fn: (db: Database) => void) => edited(sql, good, fn);
  return [
    { name: 'meta-view-recursive', bytes: metaView(sql), reason: /'meta' is a view/ },
    {
      name: 'spans-view-recursive',
      bytes: edit((db) => db.exec(`DROP TABLE spans; CREATE VIEW spans AS ${forever}`)),
      reason: /'spans' is a view/,
    },
    {
      name: 'extra-view',
      bytes: edit((db) => db.exec(`CREATE VIEW sessions_all AS ${forever}`)),
      reason: /defines a view 'sessions_all'/,
    },
    {
      name: 'trigger-on-upgrade',
      // Fires on the UPDATE a schema-3 file's upgrade runs on meta.
      bytes: edit((db) => db.exec(`UPDATE meta SET value = '3' WHERE key = 'version'; DROP TABLE span_runs; DROP TABLE texts;
        CREATE TRIGGER evil AFTER UPDATE ON meta BEGIN SELECT (${forever}); END`)),
      reason: /defines a trigger 'evil'/,
    },
    {
      name: 'our-trigger-rewritten',
      bytes: edit((db) => db.exec(`DROP TRIGGER traces_added; CREATE TRIGGER traces_added AFTER INSERT ON traces BEGIN SELECT (${forever}); END`)),
      reason: /trigger 'traces_added' is not the one Agent Debugger writes/,
    },
    {
      name: 'unknown-table',
      bytes: edit((db) => db.exec('CREATE TABLE payload (x BLOB)')),
      reason: /unknown table 'payload'/,
    },
    {
      name: 'column-added',
      bytes: edit((db) => db.exec('ALTER TABLE sessions ADD COLUMN extra TEXT')),
      reason: /table 'sessions' is not the one Agent Debugger writes/,
    },
    {
      name: 'index-on-expression',
      bytes: edit((db) => db.exec('CREATE INDEX spans_by_name ON spans(length(zeroblob(1000000)))')),
      reason: /index 'spans_by_name' is not the one Agent Debugger writes/,
    },
    {
      name: 'analyze-statistics',
      // sqlite_stat1 steers the query planner: a file must not choose our plans.
      bytes: edit((db) => db.exec('ANALYZE')),
      reason: /unknown table 'sqlite_stat1'/,
    },
    {
      name: 'meta-missing',
      bytes: edit((db) => db.exec('DROP TABLE meta')),
      reason: /no meta table/,
    },
  ];
}

/** A file of our exact structure whose spans table holds `spans` rows (a session, tiny rows). */
export function hugeSpansTable(sql: SqlJsStatic, spans: number): Uint8Array {
  const db = new sql.Database();
  try {
    createSchema(db);
    db.run(`INSERT INTO sessions (id, name, source, created_ms, last_receipt_ms) VALUES ('huge', 'huge', 'import', 0, 0)`);
    db.run(`INSERT INTO spans (id, session_id, trace_id, span_id, parent_span_id, name, start_ms, end_ms, status_code, resource_id, scope_id, data)
      WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
      SELECT x, 'huge', 't', printf('%016x', x), '', 's', 0, 0, 0, 1, 1, x'' FROM c`, [spans]);
    return db.export();
  } finally {
    db.close();
  }
}
