// The store's SQLite schema. Every OTLP field is kept so that export reproduces the input exactly. A span
// row has columns only for what is indexed or filtered on; every other field (exact nanosecond times,
// kind, trace state, flags, attributes, events, links, dropped counts, status) is in one `data` column,
// as protobuf (spanData.ts): one insert per span, and reads get a whole span from one decode.
import { addSpanRuns, upgradeFromVersion2 } from './schemaUpgrade';
import { spanRunsTable } from './spanRuns';

/** Long strings of spans, kept once (sharedTexts.ts): a span's data refers to them by id. */
const textsTable = (schema: string) => `CREATE TABLE ${schema}.texts (id INTEGER PRIMARY KEY, body BLOB NOT NULL);`;
import { registerSpanFunctions } from './spanData';
import { inTransaction, type Database } from './sqlite';

export const schemaName = 'agent-debugger-store';
/**
 * 2: span fields, events and links moved into spans.data (span_events and span_links are gone).
 * 3: spans.data is protobuf (a Span message without ids and name), no longer JSON.
 * 4: spans are found by trace and by session through span_runs, not through indexes of spans.
 * 5: long strings of spans.data are kept once, in texts (sharedTexts.ts).
 * 6: spans.data may write a well-known attribute key as its number (otlp/wellKnownKeys.ts).
 */
export const schemaVersion = 6;

const tables = (schema: string) => `
CREATE TABLE ${schema}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE ${schema}.sessions (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT NOT NULL,            -- launcher | attribute | instance | import
  instance_key TEXT,               -- service instance the session was grouped by (source = instance)
  service_name TEXT NOT NULL DEFAULT '',
  created_ms REAL NOT NULL,        -- receipt clock
  last_receipt_ms REAL NOT NULL,   -- receipt clock: last activity, for liveness and eviction order
  first_span_ms REAL,
  last_span_ms REAL,
  span_count INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  trace_count INTEGER NOT NULL DEFAULT 0,
  log_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE ${schema}.resources (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,       -- sha1 of the canonical JSON of the three fields below
  attributes TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  schema_url TEXT NOT NULL
);

CREATE TABLE ${schema}.scopes (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  attributes TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  schema_url TEXT NOT NULL
);

CREATE TABLE ${schema}.spans (
  id INTEGER PRIMARY KEY,          -- ingest sequence
  session_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT NOT NULL,
  name TEXT NOT NULL,
  start_ms REAL NOT NULL,          -- derived from the exact times in data, for ordering and ranges
  end_ms REAL NOT NULL,
  status_code INTEGER NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  data BLOB NOT NULL               -- protobuf: every other Span field (see spanData.ts)
);
-- An index of spans costs each span's insert ~2 µs: spans are found by trace and by session through
-- span_runs instead (spanRuns.ts). Children and span-id lookups scan their trace's runs (a trace has tens
-- to thousands of spans); spans_by_name is made by the first query by name (see ensureNameIndex); errors
-- are few, so their index costs ingest next to nothing.
CREATE INDEX ${schema}.spans_errors ON spans(session_id, start_ms) WHERE status_code = 2;

${spanRunsTable(schema)}

${textsTable(schema)}

CREATE TABLE ${schema}.log_records (
  id INTEGER PRIMARY KEY,          -- ingest sequence
  session_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,          -- '' when not tied to a span
  span_id TEXT NOT NULL,
  time_ns TEXT NOT NULL,
  observed_time_ns TEXT NOT NULL,
  time_ms REAL NOT NULL,           -- time, else observed time
  severity_number INTEGER NOT NULL,
  severity_text TEXT NOT NULL,
  body TEXT NOT NULL,              -- JSON of the AnyValue
  attributes TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  flags INTEGER NOT NULL,
  event_name TEXT NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL
);
CREATE INDEX ${schema}.logs_by_span ON log_records(trace_id, span_id, time_ms);
CREATE INDEX ${schema}.logs_by_session ON log_records(session_id, time_ms);

-- One row per (trace, session): per-trace roll-ups, written once per trace per ingest batch.
CREATE TABLE ${schema}.traces (
  trace_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  start_ms REAL NOT NULL,
  end_ms REAL NOT NULL,
  root_name TEXT,
  PRIMARY KEY (trace_id, session_id)
) WITHOUT ROWID;
CREATE INDEX ${schema}.traces_by_session ON traces(session_id, start_ms);

-- Session roll-ups follow the traces table, so they can never drift from it.
CREATE TRIGGER ${schema}.traces_added AFTER INSERT ON traces BEGIN
  UPDATE sessions SET span_count = span_count + NEW.span_count, error_count = error_count + NEW.error_count,
    trace_count = trace_count + 1,
    first_span_ms = min(coalesce(first_span_ms, NEW.start_ms), NEW.start_ms),
    last_span_ms = max(coalesce(last_span_ms, NEW.end_ms), NEW.end_ms)
  WHERE id = NEW.session_id;
END;
CREATE TRIGGER ${schema}.traces_grown AFTER UPDATE ON traces BEGIN
  UPDATE sessions SET span_count = span_count + NEW.span_count - OLD.span_count,
    error_count = error_count + NEW.error_count - OLD.error_count,
    first_span_ms = min(coalesce(first_span_ms, NEW.start_ms), NEW.start_ms),
    last_span_ms = max(coalesce(last_span_ms, NEW.end_ms), NEW.end_ms)
  WHERE id = NEW.session_id;
END;
CREATE TRIGGER ${schema}.traces_removed AFTER DELETE ON traces BEGIN
  UPDATE sessions SET span_count = span_count - OLD.span_count, error_count = error_count - OLD.error_count,
    trace_count = trace_count - 1
  WHERE id = OLD.session_id;
END;
`;

/** Connection settings and SQL functions; they are per connection, so they are set again after every (re)open. */
export function setUpConnection(db: Database): void {
  registerSpanFunctions(db);
  // The database lives in memory: no durability to buy, and MEMORY (not OFF) keeps ROLLBACK working.
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768;');
}

/** Creates the tables in `schema` ('main', or an attached database). */
export function createSchema(db: Database, schema = 'main'): void {
  // 8 KB pages (SQLite's default is 4): a span row is ~1 KB, and inserts measured ~20% faster.
  db.exec(`PRAGMA ${schema}.page_size = 8192; BEGIN;${tables(schema)}COMMIT;`);
  db.run(`INSERT INTO ${schema}.meta (key, value) VALUES (?, ?), (?, ?)`, ['schema', schemaName, 'version', String(schemaVersion)]);
}

/**
 * The index of spans by name, made when first needed: nothing the extension shows queries by name, so
 * ingest only pays for it (~2 µs a span) once someone does. It stays while the store lives; a store
 * re-opened from a file makes it again on its first query by name.
 */
export function ensureNameIndex(db: Database, schema: string): void {
  db.run(`CREATE INDEX IF NOT EXISTS ${schema}.spans_by_name ON spans(name, start_ms)`);
}

/** Data tables in an order that lets the traces triggers find no session row yet while copying. */
export const dataTables = ['resources', 'scopes', 'texts', 'spans', 'span_runs', 'log_records', 'traces', 'sessions'];

/** Copies every row of our tables from one schema of a connection to another (same schema version). */
export function copyTables(db: Database, from: string, to: string): void {
  for (const table of dataTables) db.run(`INSERT INTO ${to}.${table} SELECT * FROM ${from}.${table}`);
}

/** Drops our tables from a schema, and gives their pages back. */
export function dropTables(db: Database, schema: string): void {
  for (const table of ['meta', ...dataTables]) db.run(`DROP TABLE IF EXISTS ${schema}.${table}`);
  db.run(`VACUUM ${schema}`);
}

/** Brings a database checkStructure (schemaCheck.ts) accepted up to this schema version, in place. */
export function upgradeSchema(db: Database, version: number): void {
  if (version === schemaVersion) return;
  inTransaction(db, () => {
    if (version === 2) upgradeFromVersion2(db);
    if (version <= 3) addSpanRuns(db);
    if (version <= 4) db.exec(textsTable('main'));
    db.run("UPDATE meta SET value = ? WHERE key = 'version'", [String(schemaVersion)]);
  });
}
