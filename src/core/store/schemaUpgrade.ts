// Files of an older schema brought up to this one when opened. Version 2 kept spans.data as JSON: the
// model's field names, defaults left out, status.message as statusMessage, and non-finite doubles as
// the strings proto3 JSON uses. Versions 2 and 3 indexed spans by trace and by session (no span_runs).
import type { AnyValue, KeyValue, Span, SpanEvent, SpanLink } from '../otlp/model';
import { spanDataBytes } from './spanData';
import { spanRunsTable } from './spanRuns';
import { num, queryOnce, str, type Database } from './sqlite';

interface Version2Data {
  traceState?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  events?: SpanEvent[];
  droppedEventsCount?: number;
  links?: SpanLink[];
  droppedLinksCount?: number;
  statusMessage?: string;
  flags?: number;
}

const chunk = 5000;

/** Rewrites every span's data from version 2's JSON to protobuf, in the file's own connection. */
export function upgradeFromVersion2(db: Database): void {
  const update = db.prepare('UPDATE spans SET data = ? WHERE id = ?');
  try {
    // A chunk at a time: a large file's JSON is never all in memory at once.
    for (let after = -1; ; ) {
      const rows = queryOnce(db, 'SELECT id, status_code, data FROM spans WHERE id > ? ORDER BY id LIMIT ?', [after, chunk]);
      for (const [id, code, data] of rows) update.run([spanDataBytes(spanOf(str(data), num(code))), id!]);
      if (rows.length < chunk) break;
      after = num(rows[rows.length - 1]![0]);
    }
  } finally {
    update.free();
  }
}

/**
 * Version 3 and older found spans through indexes of spans by trace and by session: their runs are made
 * from the rows (a run: ids with no gap between them, all of one trace and session), and the indexes go.
 */
export function addSpanRuns(db: Database): void {
  db.exec(spanRunsTable('main'));
  db.run(`INSERT INTO span_runs (session_id, trace_id, first_id, last_id)
    SELECT session_id, trace_id, min(id), max(id) FROM (
      SELECT id, session_id, trace_id, id - row_number() OVER (PARTITION BY session_id, trace_id ORDER BY id) AS run FROM spans)
    GROUP BY session_id, trace_id, run`);
  db.run('DROP INDEX IF EXISTS spans_by_trace');
  db.run('DROP INDEX IF EXISTS spans_by_session');
}

function spanOf(text: string, statusCode: number): Span {
  const d = JSON.parse(text) as Version2Data;
  return {
    traceId: '', spanId: '', parentSpanId: '', traceState: d.traceState ?? '', flags: d.flags ?? 0, name: '', kind: d.kind ?? 0,
    startTimeUnixNano: d.startTimeUnixNano ?? '0', endTimeUnixNano: d.endTimeUnixNano ?? '0',
    attributes: attributes(d.attributes), droppedAttributesCount: d.droppedAttributesCount ?? 0,
    events: (d.events ?? []).map((e) => ({ ...e, attributes: attributes(e.attributes) })), droppedEventsCount: d.droppedEventsCount ?? 0,
    links: (d.links ?? []).map((l) => ({ ...l, attributes: attributes(l.attributes) })), droppedLinksCount: d.droppedLinksCount ?? 0,
    status: { code: statusCode, message: d.statusMessage ?? '' },
  };
}

const attributes = (list: KeyValue[] | undefined): KeyValue[] => (list ?? []).map((kv) => ({ key: kv.key, value: value(kv.value) }));

/** "NaN", "Infinity" and "-Infinity" doubles back to numbers, at any depth. */
function value(v: AnyValue): AnyValue {
  if ('doubleValue' in v && typeof v.doubleValue === 'string') return { doubleValue: Number(v.doubleValue) };
  if ('arrayValue' in v) return { arrayValue: { values: v.arrayValue.values.map(value) } };
  if ('kvlistValue' in v) return { kvlistValue: { values: attributes(v.kvlistValue.values) } };
  return v;
}
