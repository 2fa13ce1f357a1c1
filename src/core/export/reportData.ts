// A session -> the data an HTML report inlines (src/protocol/report.ts), through the same GraphFeed the
// graph panel's host uses, so the report shows exactly what the panel shows.
import type { AgentSession } from '../agent';
import { GraphFeed, type GraphSessionInfo } from '../agent/graphDto';
import type { SpanInput } from '../agent/types';
import { findSafety, safetySection, type SafetyFinding } from '../safety';
import type { ReportDataDto } from '../../protocol/report';
import { pushAll } from '../otlp/fittedArrays';

/** `findings`: the session's safety findings when found already (the engine's, scanned a slice at a time). */
export function reportData(session: AgentSession, info: GraphSessionInfo, inputs: readonly SpanInput[], now = new Date(), findings?: readonly SafetyFinding[]): ReportDataDto {
  const feed = new GraphFeed({ ...info, live: false });
  const snapshot = feed.snapshot(session);
  const raw = new Map(inputs.map((i) => [i.span.spanId, i]));
  const startAt = new Map<number, number>();
  const endAt = new Map<number, number>();
  const last = Math.max(0, snapshot.timeline.step.length - 1);
  snapshot.timeline.step.forEach((step, cursor) => {
    const type = snapshot.timeline.type[cursor];
    if (type === 's' && !startAt.has(step)) startAt.set(step, cursor);
    if (type === 'e') endAt.set(step, cursor);
  });
  const details = snapshot.steps.map((row, index) => {
    const input = raw.get(row.id);
    const start = startAt.get(index) ?? 0;
    const end = endAt.get(index) ?? last;
    const atStart = feed.stepDetail(session, row.id, start, input);
    const atEnd = feed.stepDetail(session, row.id, end, input);
    if (!atStart || !atEnd) throw new Error(`step ${row.id} is missing from its own session`);
    return { atStart, atEnd };
  });
  const summaries = feed.window(session, 0, snapshot.steps.length);
  // window() is capped per call (the webview pages); a report wants every row.
  for (let from = summaries.length; from < snapshot.steps.length; from = summaries.length) {
    const more = feed.window(session, from, snapshot.steps.length);
    if (more.length === 0) break;
    pushAll(summaries, more);
  }
  const safety = safetySection(findings ?? findSafety(session.steps, {}, session.graph), Infinity).findings;
  return { v: 1, snapshot, details, summaries, safety, generatedAt: now.toISOString() };
}
