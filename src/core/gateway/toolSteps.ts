// Tool steps an uninstrumented agent never reports, read off its conversation: a tool call in LLM
// response N and its result in request N+1 are one tool run, between the two LLM steps in time.
import type { Span } from '../otlp/model';
import { attr, inferredAttribute, nanos } from './spans';
import { newSpanId } from './traceContext';
import type { ParsedRequest, ParsedResponse } from './types';

interface PendingCall {
  name: string;
  arguments: unknown;
  /** When the LLM step that asked for it ended. */
  askedAtMs: number;
  traceId: string;
  parentSpanId: string;
}

/** Calls still waiting for a result, per run; old ones are dropped so a long run does not grow this. */
export class ToolCallTracker {
  private readonly pending = new Map<string, PendingCall>();
  private static readonly maxPending = 1000;

  /** Tool spans for the results this request carries (each result's call seen in an earlier response). */
  resultsIn(request: ParsedRequest, requestStartMs: number): Span[] {
    const spans: Span[] = [];
    for (const m of request.messages) {
      for (const p of m.parts) {
        if (p.type !== 'tool_call_response' || p.id === undefined) continue;
        const call = this.pending.get(p.id);
        if (!call) continue;
        this.pending.delete(p.id);
        spans.push(toolSpan(p.id, call, p.response, requestStartMs));
      }
    }
    return spans;
  }

  /** Remembers the calls a response asked for (by call id; Gemini's id-less calls by name). */
  callsIn(response: ParsedResponse, endMs: number, traceId: string, parentSpanId: string): void {
    for (const m of response.messages) {
      for (const p of m.parts) {
        if (p.type !== 'tool_call') continue;
        if (this.pending.size >= ToolCallTracker.maxPending) this.pending.delete(this.pending.keys().next().value!);
        this.pending.set(p.id ?? p.name, { name: p.name, arguments: p.arguments, askedAtMs: endMs, traceId, parentSpanId });
      }
    }
  }
}

function json(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}

function toolSpan(callId: string, call: PendingCall, result: unknown, resultAtMs: number): Span {
  return {
    traceId: call.traceId, spanId: newSpanId(), parentSpanId: call.parentSpanId, traceState: '', flags: 1,
    name: `execute_tool ${call.name}`, kind: 1,
    startTimeUnixNano: nanos(call.askedAtMs), endTimeUnixNano: nanos(Math.max(call.askedAtMs, resultAtMs)),
    attributes: [
      attr.str('gen_ai.operation.name', 'execute_tool'),
      attr.str('gen_ai.tool.name', call.name),
      attr.str('gen_ai.tool.call.id', callId),
      attr.str('gen_ai.tool.call.arguments', json(call.arguments)),
      attr.str('gen_ai.tool.call.result', json(result)),
      attr.str(inferredAttribute, 'conversation'),
    ],
    droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: { code: 0, message: '' },
  };
}
