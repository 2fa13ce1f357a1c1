// The agent model's input read back from the store: a session's spans, with each span's log records
// joined by trace and span id (GenAI content often arrives as logs).
import type { LogRecord } from '../otlp/model';
import type { SpanStore } from '../store/spanStore';
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
  return store.spansOfSession(sessionId).map((span) => {
    const joined = logs.get(`${span.traceId}/${span.spanId}`);
    return joined ? { span, resource: span.resource, scope: span.scope, logs: joined } : { span, resource: span.resource, scope: span.scope };
  });
}

