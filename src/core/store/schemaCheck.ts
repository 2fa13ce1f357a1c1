// An imported database is hostile until checked. Any query on an object the file defines runs what the
// file says: `meta` as a VIEW over an endless recursive query hung the import forever, and a trigger fires
// on our own writes. So, before any query on the file's objects, every entry of sqlite_master (reading it
// runs nothing) must be exactly a table, index or trigger this store creates, as its version created it.
import type { SqlJsStatic } from 'sql.js';
import { createSchema, ensureNameIndex, schemaName, schemaVersion } from './schema';
import { queryOnce, str, type Database } from './sqlite';

interface SchemaObject {
  type: string;
  table: string;
  /** Normalised CREATE text (see normalise); null for SQLite's automatic indexes. */
  sql: string | null;
}

/** The tables queries read: a file without one of them is incomplete. */
const requiredTables = ['meta', 'sessions', 'resources', 'scopes', 'spans', 'log_records', 'traces'];

/** Comments out, whitespace collapsed, case folded: files written by older builds differ only in those. */
export function normalise(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),;=])\s*/g, '$1')
    .trim()
    .toLowerCase();
}

let current: Map<string, SchemaObject> | undefined;

/** What this build creates (read back from a fresh database, so it never drifts from schema.ts). */
function currentObjects(sql: SqlJsStatic): Map<string, SchemaObject> {
  if (current) return current;
  const db = new sql.Database();
  try {
    createSchema(db);
    ensureNameIndex(db, 'main');
    current = objectsOf(db);
  } finally {
    db.close();
  }
  return current;
}

/** The objects a file of `version` may hold: today's, or those versions 3 and 2 wrote. */
function expectedObjects(sql: SqlJsStatic, version: number): Map<string, SchemaObject> {
  const objects = new Map(currentObjects(sql));
  // Version 6 changed what spans.data may hold, not the tables.
  if (version >= 5) return objects;
  objects.delete('texts');
  if (version === 4) return objects;
  // Before span runs (schema 4), spans were indexed by trace and by session.
  objects.delete('span_runs');
  objects.delete('span_runs_by_trace');
  objects.set('spans_by_trace', { type: 'index', table: 'spans', sql: normalise('CREATE INDEX spans_by_trace ON spans(trace_id, start_ms)') });
  objects.set('spans_by_session', { type: 'index', table: 'spans', sql: normalise('CREATE INDEX spans_by_session ON spans(session_id, start_ms)') });
  return objects;
}

/** Version 2 builds declared a span's data (JSON then) as TEXT; files turned into that layout may keep BLOB. */
const version2Spans = (sql: string | null) => sql?.replace('data blob not null', 'data text not null');

function objectsOf(db: Database): Map<string, SchemaObject> {
  const rows = queryOnce(db, 'SELECT type, name, tbl_name, sql FROM sqlite_master');
  return new Map(rows.map((r) => [str(r[1]), { type: str(r[0]), table: str(r[2]), sql: r[3] === null ? null : normalise(str(r[3])) }]));
}

const article = (type: string) => (type === 'index' ? 'an' : 'a');

/**
 * Throws an error naming what is wrong unless every object in `db`'s main schema is one this store creates
 * for the file's schema version; returns that version. Reads only sqlite_master and (once it is known to
 * be our plain table) meta.
 */
export function checkStructure(sql: SqlJsStatic, db: Database): number {
  let found: Map<string, SchemaObject>;
  try {
    found = objectsOf(db);
  } catch (e) {
    throw new Error(`not an Agent Debugger session database (${e instanceof Error ? e.message : String(e)})`);
  }
  const meta = found.get('meta');
  if (!meta) throw new Error('not an Agent Debugger session database (no meta table)');
  const metaExpected = currentObjects(sql).get('meta')!;
  if (meta.type !== 'table') throw new Error(`refused: 'meta' is ${article(meta.type)} ${meta.type}, not the plain table Agent Debugger writes`);
  if (meta.sql !== metaExpected.sql) throw new Error("refused: table 'meta' is not the one Agent Debugger writes (its definition differs)");
  const version = readVersion(db);
  const expected = expectedObjects(sql, version);
  for (const [name, object] of found) {
    const want = expected.get(name);
    if (!want) {
      const what = object.type === 'view' || object.type === 'trigger' ? `${article(object.type)} ${object.type}` : `an unknown ${object.type || 'object'}`;
      throw new Error(`refused: the file defines ${what} '${name}', which Agent Debugger never writes`);
    }
    if (object.type !== want.type) throw new Error(`refused: '${name}' is ${article(object.type)} ${object.type}, not the plain ${want.type} Agent Debugger writes`);
    if (object.table !== want.table || (object.sql !== want.sql && !(version === 2 && name === 'spans' && object.sql === version2Spans(want.sql)))) {
      throw new Error(`refused: ${object.type} '${name}' is not the one Agent Debugger writes (its definition differs from schema version ${version})`);
    }
  }
  for (const table of requiredTables) {
    if (!found.has(table)) throw new Error(`the session database is incomplete: table '${table}' is missing`);
  }
  return version;
}

/** The schema version meta claims, refused outside what this build reads. */
function readVersion(db: Database): number {
  const rows = queryOnce(db, "SELECT key, value FROM meta WHERE key IN ('schema', 'version')");
  const meta = new Map(rows.map((r) => [str(r[0]), str(r[1])]));
  if (meta.get('schema') !== schemaName) throw new Error('not an Agent Debugger session database (no schema marker)');
  const version = Number(meta.get('version'));
  if (!Number.isInteger(version) || version > schemaVersion) {
    throw new Error(`the session database has schema version ${meta.get('version')}; this version reads up to ${schemaVersion}`);
  }
  if (version < 2) {
    // Version 1 was only ever written by development builds; its span layout cannot be copied row for row.
    throw new Error(`the session database has schema version ${version}, written by an older development build; this version reads ${schemaVersion} (export it as OTLP/JSON with that build and import the JSON)`);
  }
  return version;
}
