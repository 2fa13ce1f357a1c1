// Eval JSONL: one JSON object per line for each LLM call and each failed step of a session, in start order —
// the shape eval tools (promptfoo, Braintrust, Langfuse datasets, plain pandas) ingest: inputs, output, tool
// calls and metadata. Messages keep the chat shape { role, content, tool_calls?, tool_call_id? }.
import type { AgentSession } from '../agent';
import type { AgentStep, Message } from '../agent/types';
import { findSafety, type SafetyFinding } from '../safety';

export interface EvalMessage {
  role: string;
  content: string;
  name?: string;
  tool_calls?: { id?: string; name: string; arguments: unknown }[];
  tool_call_id?: string;
  /** Tool results carried by this message (a tool message may answer several calls). */
  tool_results?: { id?: string; name?: string; result: unknown }[];
}

export interface EvalRecord {
  /** safety_finding: one per safety finding (heuristic; secrets masked), on the step it is about. */
  type: 'llm_call' | 'failed_step' | 'safety_finding';
  session: { id: string; name: string };
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  step: string;
  kind: AgentStep['kind'];
  input: { system?: string; messages: EvalMessage[]; tool?: { name?: string; arguments: unknown } };
  output: { text?: string; messages: EvalMessage[]; tool_result?: unknown };
  tool_calls: { id?: string; name: string; arguments: unknown }[];
  error?: string;
  safety?: Omit<SafetyFinding, 'id' | 'stepId'>;
  metadata: {
    model?: string;
    provider?: string;
    agent?: string;
    operation?: string;
    status: AgentStep['status'];
    start_time: string;
    latency_ms: number;
    input_tokens?: number;
    output_tokens?: number;
    cache_read_tokens?: number;
    reasoning_tokens?: number;
    cost_usd?: number;
    price_missing?: boolean;
  };
}

/** `safety`: the session's findings when found already (the engine's, scanned a slice at a time). */
export function evalRecords(session: AgentSession, info: { id: string; name: string }, safety?: readonly SafetyFinding[]): EvalRecord[] {
  const out: EvalRecord[] = [];
  const ordered = session.steps.map((s, i) => [s, i] as const).sort((a, b) => a[0].startMs - b[0].startMs || a[1] - b[1]);
  const findings = new Map<string, SafetyFinding[]>();
  for (const f of safety ?? findSafety(session.steps, {}, session.graph)) findings.set(f.stepId, [...(findings.get(f.stepId) ?? []), f]);
  for (const [s] of ordered) {
    // An aggregate LLM step (ai.generateText) repeats its calls: the calls are the records.
    const isCall = s.kind === 'llm' && !s.aggregate;
    for (const f of findings.get(s.id) ?? []) out.push(safetyRecord(s, f, info));
    if (!isCall && s.status !== 'error') continue;
    const outputMessages = (s.outputMessages ?? []).map(evalMessage);
    const toolCalls = outputMessages.flatMap((m) => m.tool_calls ?? []);
    const text = outputMessages.filter((m) => m.role === 'assistant' || m.role === 'model').map((m) => m.content).filter(Boolean).join('\n');
    const record: EvalRecord = {
      type: isCall ? 'llm_call' : 'failed_step',
      session: { id: info.id, name: info.name },
      trace_id: s.traceId,
      span_id: s.spanId,
      step: s.name,
      kind: s.kind,
      input: { messages: (s.inputMessages ?? []).map(evalMessage) },
      output: { messages: outputMessages },
      tool_calls: toolCalls,
      metadata: defined({
        model: s.model, provider: s.provider, agent: s.agentName, operation: s.operation, status: s.status,
        start_time: new Date(s.startMs).toISOString(), latency_ms: Math.round(s.durationMs * 1000) / 1000,
        input_tokens: s.inputTokens, output_tokens: s.outputTokens, cache_read_tokens: s.cacheReadTokens, reasoning_tokens: s.reasoningTokens,
        cost_usd: s.costUsd, price_missing: s.priceMissing,
      }),
    };
    if (s.parentSpanId) record.parent_span_id = s.parentSpanId;
    if (s.systemPrompt !== undefined) record.input.system = s.systemPrompt;
    if (s.kind === 'tool' || s.toolName !== undefined) {
      record.input.tool = defined({ name: s.toolName, arguments: s.toolArgs ?? null });
      if (s.toolResult !== undefined) record.output.tool_result = s.toolResult;
    }
    if (text) record.output.text = text;
    if (s.error !== undefined) record.error = s.error;
    out.push(record);
  }
  return out;
}

/** The file's text: one record per line, `\n` after each. */
export function evalJsonl(session: AgentSession, info: { id: string; name: string }): string {
  return evalRecords(session, info).map((r) => JSON.stringify(r) + '\n').join('');
}

/** A finding as its own record: where (the step) and what, without the step's content again. */
function safetyRecord(s: AgentStep, f: SafetyFinding, info: { id: string; name: string }): EvalRecord {
  const { id: _id, stepId: _step, ...safety } = f;
  const record: EvalRecord = {
    type: 'safety_finding', session: { id: info.id, name: info.name }, trace_id: s.traceId, span_id: s.spanId, step: s.name, kind: s.kind,
    input: { messages: [] }, output: { messages: [] }, tool_calls: [], safety,
    metadata: defined({ model: s.model, agent: s.agentName, status: s.status, start_time: new Date(s.startMs).toISOString(), latency_ms: Math.round(s.durationMs * 1000) / 1000 }),
  };
  if (s.parentSpanId) record.parent_span_id = s.parentSpanId;
  return record;
}

function evalMessage(m: Message): EvalMessage {
  const texts: string[] = [];
  const calls: NonNullable<EvalMessage['tool_calls']> = [];
  const results: NonNullable<EvalMessage['tool_results']> = [];
  for (const p of m.parts) {
    if (p.type === 'text') texts.push(p.text);
    else if (p.type === 'tool_call') calls.push(defined({ id: p.id, name: p.name, arguments: p.arguments }));
    else if (p.type === 'tool_result') results.push(defined({ id: p.id, name: p.name, result: p.result }));
  }
  const msg: EvalMessage = { role: m.role, content: texts.join('\n') };
  if (m.name !== undefined) msg.name = m.name;
  if (calls.length) msg.tool_calls = calls;
  if (results.length) {
    msg.tool_results = results;
    if (results.length === 1 && results[0]!.id !== undefined) msg.tool_call_id = results[0]!.id;
  }
  return msg;
}

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
