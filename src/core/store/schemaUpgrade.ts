// Files of an older schema brought up to this one when opened. Version 2 kept spans.data as JSON: the
// model's field names, defaults left out, status.message as statusMessage, and non-finite doubles as
// the strings proto3 JSON uses.
import type { AnyValue, KeyValue, Span, SpanEvent, SpanLink } from '../otlp/model';
import { spanDataBytes } from './spanData';
import { inTransaction, num, queryOnce, str, type Database } from './sqlite';

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
export function upgradeFromVersion2(db: Database, version: number): void {
  inTransaction(db, () => {
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
    db.run("UPDATE meta SET value = ? WHERE key = 'version'", [String(version)]);
  });
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
