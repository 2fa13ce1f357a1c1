// The agent model's input read back from the store: a session's spans, with each span's log records
// joined by trace and span id (GenAI content often arrives as logs).
import type { LogRecord } from '../otlp/model';
import type { SpanStore } from '../store/spanStore';
import type { StoredSpan } from '../store/types';
import type { SpanInput } from './types';

const PAGE = 5000;

export function readSession(store: SpanStore, sessionId: string): SpanInput[] {
  const logs = new Map<string, LogRecord[]>();
  for (let offset = 0; ; offset += PAGE) {
    const page = store.logsOfSession(sessionId, { offset, limit: PAGE });
    for (const r of page) {
      if (!r.spanId) continue;
      const key = `${r.traceId}/${r.spanId}`;
      const list = logs.get(key);
      if (list) list.push(r);
      else logs.set(key, [r]);
    }
    if (page.length < PAGE) break;
  }
  // All spans in one query: every page of spans would sort the whole session's (start, id) keys again.
  return store.spansOfSession(sessionId).map((span) => inputOf(span, logs.get(`${span.traceId}/${span.spanId}`)));
}

/**
 * `before` (readSession's answer for the session earlier) with the spans stored since, when the session
 * only grew: its spans, all of them still there, plus `spanCount - before.length` newer ones, and no new
 * log record (logs join old spans). undefined otherwise (a trace moved in or out, a trim): read it whole.
 */
export function readSessionGrowth(store: SpanStore, sessionId: string, before: readonly SpanInput[], spanCount: number): SpanInput[] | undefined {
  // readSession's inputs hold StoredSpans.
  const stored = (input: SpanInput) => input.span as StoredSpan;
  let seq = 0;
  for (const input of before) seq = Math.max(seq, stored(input).seq);
  const added = store.spansOfSessionAfter(sessionId, seq, before.length);
  if (!added || before.length + added.length !== spanCount) return undefined;
  const inputs = [...before, ...added.map((span) => inputOf(span, undefined))];
  // readSession's order: start, then ingest order.
  return inputs.sort((a, b) => stored(a).startMs - stored(b).startMs || stored(a).seq - stored(b).seq);
}

function inputOf(span: StoredSpan, logs: LogRecord[] | undefined): SpanInput {
  return logs ? { span, resource: span.resource, scope: span.scope, logs } : { span, resource: span.resource, scope: span.scope };
}

