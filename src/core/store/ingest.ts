// Writing requests into the tables: one transaction per request, prepared statements reused, per-trace
// roll-ups gathered in memory and written once per trace per batch. The loops allocate as little as they
// can per span: garbage collection was a fifth of ingest time.
import type { KeyValue, LogsRequest, TraceRequest } from '../otlp/model';
import type { StoreContext } from './context';
import { preparedTexts, textName, textParent, type PreparedTraces } from './preparedTraces';
import { resourceHints, type ResourceHints, type SessionRouter } from './sessionRouter';
import { upsertTrace } from './sessionWrites';
import { ByteBuffer } from './byteBuffer';
import { spanDataBytes } from './spanData';
import type { SpanRows } from './spanRows';
import { SpanRunWriter } from './spanRuns';
import { groupedByTrace } from './traceOrder';
import type { BindValue, SqlValue } from './sqlite';
import { nsToMs } from '../otlp/nanos';
import { toJson } from './values';
import { lowerBound } from '../lowerBound';

const insertLog = `INSERT INTO log_records (id, session_id, trace_id, span_id, time_ns, observed_time_ns, time_ms, severity_number,
  severity_text, body, attributes, dropped_attributes_count, flags, event_name, resource_id, scope_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?, ?, ?)`;

export const errorStatus = 2;

// Writes are synchronous and never nested, so one scratch buffer serves them all.
const scratch = new ByteBuffer();

/**
 * Per (trace, session) span counts of one batch: [traceId, sessionId, spans, errors, startMs, endMs, rootName],
 * and the batch's span runs.
 */
class TraceRollups {
  private readonly pending = new Map<string, SqlValue[]>();
  private readonly runs = new SpanRunWriter();
  // Spans of one trace mostly arrive together: the last row found saves building a key per span.
  private last: SqlValue[] | undefined;

  /** `root`: the span's name when it is a root span (no parent), else null. */
  add(id: number, traceId: string, sessionId: string, root: string | null, statusCode: number, startMs: number, endMs: number): void {
    this.runs.add(sessionId, traceId, id);
    const error = statusCode === errorStatus ? 1 : 0;
    let row = this.last;
    if (!row || row[0] !== traceId || row[1] !== sessionId) {
      const key = `${traceId}\n${sessionId}`;
      row = this.pending.get(key);
      if (!row) {
        this.pending.set(key, (this.last = [traceId, sessionId, 1, error, startMs, endMs, root]));
        return;
      }
      this.last = row;
    }
    row[2] = (row[2] as number) + 1;
    row[3] = (row[3] as number) + error;
    if (startMs < (row[4] as number)) row[4] = startMs;
    if (endMs > (row[5] as number)) row[5] = endMs;
    if (root !== null) row[6] = root;
  }

  flush(ctx: StoreContext): void {
    this.runs.flush(ctx);
    for (const row of this.pending.values()) upsertTrace(ctx, row);
    this.pending.clear();
    this.last = undefined;
  }
}

/** What both write paths fill per batch; a session move (it reads the rows) flushes them first. */
function writers(ctx: StoreContext, router: SessionRouter): { rollups: TraceRollups; rows: SpanRows; touched: Set<string> } {
  const rollups = new TraceRollups();
  const rows = ctx.spanRows;
  rows.reset();
  router.beforeMove = () => {
    rows.flush();
    rollups.flush(ctx);
  };
  return { rollups, rows, touched: new Set<string>() };
}

/** Stores a trace request. The caller runs this inside a transaction. */
export function writeTraces(ctx: StoreContext, req: TraceRequest, receivedAt: number, router: SessionRouter): number {
  const { rollups, rows, touched } = writers(ctx, router);
  let lastSession = '';
  let count = 0;
  for (const rs of req.resourceSpans) {
    const resourceId = ctx.dims.resourceId(rs.resource, rs.schemaUrl);
    const hints = resourceHints(rs.resource);
    for (const ss of rs.scopeSpans) {
      const scopeId = ctx.dims.scopeId(ss.scope, ss.schemaUrl);
      const { spans } = ss;
      const order = groupedByTrace((n) => spans[n]!.traceId, 0, spans.length);
      for (let n = 0; n < spans.length; n++) {
        const span = spans[order ? order[n]! : n]!;
        const startMs = nsToMs(span.startTimeUnixNano);
        const endMs = nsToMs(span.endTimeUnixNano);
        const sessionId = router.route(hints, span.attributes, span.traceId, startMs, receivedAt);
        const id = rows.begin(startMs, endMs, span.status.code, resourceId, scopeId);
        rows.text(sessionId);
        rows.text(span.traceId);
        rows.text(span.spanId);
        rows.text(span.parentSpanId);
        rows.text(span.name);
        rows.data(spanDataBytes(span));
        rollups.add(id, span.traceId, sessionId, span.parentSpanId === '' ? span.name : null, span.status.code, startMs, endMs);
        if (sessionId !== lastSession) touched.add((lastSession = sessionId));
        count++;
      }
    }
  }
  rows.flush();
  rollups.flush(ctx);
  touchSessions(ctx, touched, receivedAt, undefined);
  return count;
}

/** Stores spans [from, to) of a prepared request (see preparedTraces.ts). The caller runs this inside a transaction. */
export function writePrepared(ctx: StoreContext, p: PreparedTraces, from: number, to: number, receivedAt: number, router: SessionRouter): number {
  const { rollups, rows, touched } = writers(ctx, router);
  const hints = new Map<number, ResourceHints>();
  const { traceIds, traceIndex, times, statusCodes, textEnd, routedSpans } = p;
  const text = Buffer.from(p.text.buffer, p.text.byteOffset, p.text.byteLength);
  const traceOf = (s: number) => traceIndex[s];
  const plan = { p, span: 0 };
  let lastSession = '';
  let i = from;
  for (const group of p.groups) {
    const end = Math.min(group.end, to);
    if (i >= end) continue;
    const resourceId = ctx.dims.resourceId(group.resource, group.resourceSchemaUrl);
    const scopeId = ctx.dims.scopeId(group.scope, group.scopeSchemaUrl);
    let h = hints.get(group.resourceIndex);
    if (!h) hints.set(group.resourceIndex, (h = resourceHints(group.resource)));
    const order = groupedByTrace(traceOf, i, end);
    for (let n = i; n < end; n++) {
      const s = order ? order[n - i]! : n;
      const attributes = routedSpans.length ? routedAttributesOf(p, s) : noAttributes;
      const traceId = traceIds[traceIndex[s]!]!;
      const startMs = times[2 * s]!;
      const endMs = times[2 * s + 1]!;
      const sessionId = router.route(h, attributes, traceId, startMs, receivedAt);
      const id = rows.begin(startMs, endMs, statusCodes[s]!, resourceId, scopeId);
      rows.text(sessionId);
      const k = preparedTexts * s;
      plan.span = s;
      rows.columns(text, k === 0 ? 0 : textEnd[k - 1]!, textEnd, k, preparedTexts, plan);
      // A root span (empty parent id) names its trace.
      const root = textEnd[k + textParent] === textEnd[k + textParent - 1] ? text.toString('utf8', textEnd[k + textName - 1], textEnd[k + textName]) : null;
      rollups.add(id, traceId, sessionId, root, statusCodes[s]!, startMs, endMs);
      if (sessionId !== lastSession) touched.add((lastSession = sessionId));
    }
    i = end;
    if (i >= to) break;
  }
  rows.flush();
  rollups.flush(ctx);
  touchSessions(ctx, touched, receivedAt, undefined);
  return to - from;
}

const noAttributes: KeyValue[] = [];

/** The attributes a routed span carries for the session router (routedSpans is ascending). */
function routedAttributesOf(p: PreparedTraces, span: number): KeyValue[] {
  const list = p.routedSpans;
  const at = lowerBound(list.length, (i) => list[i]! < span);
  return list[at] === span ? p.routedAttributes[at]! : noAttributes;
}

/** Stores a logs request. The caller runs this inside a transaction. */
export function writeLogs(ctx: StoreContext, req: LogsRequest, receivedAt: number, router: SessionRouter): number {
  router.beforeMove = () => undefined;
  const perSession = new Map<string, number>();
  const stmt = ctx.stmts.get(insertLog);
  const row = new Array<BindValue>(16).fill(null);
  let count = 0;
  for (const rl of req.resourceLogs) {
    const resourceId = ctx.dims.resourceId(rl.resource, rl.schemaUrl);
    const hints = resourceHints(rl.resource);
    for (const sl of rl.scopeLogs) {
      const scopeId = ctx.dims.scopeId(sl.scope, sl.schemaUrl);
      for (const r of sl.logRecords) {
        const timeMs = nsToMs(r.timeUnixNano !== '0' && r.timeUnixNano !== '' ? r.timeUnixNano : r.observedTimeUnixNano);
        const sessionId = router.route(hints, r.attributes, r.traceId, timeMs, receivedAt);
        scratch.length = 0;
        row[0] = ctx.nextLogRowid++;
        row[1] = sessionId;
        row[2] = r.traceId;
        row[3] = r.spanId;
        row[4] = r.timeUnixNano;
        row[5] = r.observedTimeUnixNano;
        row[6] = timeMs;
        row[7] = r.severityNumber;
        row[8] = r.severityText;
        row[9] = scratch.stringView(toJson(r.body));
        row[10] = scratch.stringView(toJson(r.attributes));
        row[11] = r.droppedAttributesCount;
        row[12] = r.flags;
        row[13] = r.eventName;
        row[14] = resourceId;
        row[15] = scopeId;
        stmt.run(row);
        perSession.set(sessionId, (perSession.get(sessionId) ?? 0) + 1);
        count++;
      }
    }
  }
  touchSessions(ctx, new Set(perSession.keys()), receivedAt, perSession);
  return count;
}

/** Last activity (and log counts) of the sessions a batch wrote to. */
function touchSessions(ctx: StoreContext, ids: Set<string>, receivedAt: number, logCounts: Map<string, number> | undefined): void {
  const stmt = ctx.stmts.get('UPDATE sessions SET last_receipt_ms = max(last_receipt_ms, ?), log_count = log_count + ? WHERE id = ?');
  for (const id of ids) {
    if (!ctx.sessions.has(id)) continue; // emptied by a trace move within this batch
    stmt.run([receivedAt, logCounts?.get(id) ?? 0, id]);
    ctx.changes.change(id);
  }
}
