// One step per LLM call when an agent is BOTH instrumented and recorded by the LLM gateway: the
// instrumentation's span keeps its place in the agent's structure, the gateway's gives it the exact
// bodies, usage and failure, and the gateway's own step goes, so tokens, $ and call counts are never
// doubled. Tool steps the gateway inferred from the conversation give way to observed ones likewise.
import type { AgentStep } from './types';
import { lowerBound } from '../lowerBound';

const gatewayKey = 'agent_debugger.gateway';
const inferredKey = 'agent_debugger.inferred';
/** JS SDKs stamp whole milliseconds; the gateway runs in another process on the same clock. */
const slackMs = 25;
/** How far up from the gateway step the calling instrumentation span may be (an HTTP client span between). */
const maxHops = 3;
/** Enclosing candidates looked at per gateway step (sessions with many concurrent calls stay linear). */
const maxScan = 256;

const isGateway = (s: AgentStep): boolean => s.attributes[gatewayKey] === true;
const isInferred = (s: AgentStep): boolean => s.attributes[inferredKey] !== undefined;
const key = (traceId: string, spanId: string): string => `${traceId}/${spanId}`;

/** A step the gateway merge may join with a step of another trace (it matches calls by time, not by trace). */
export const mergesAcrossTraces = (s: AgentStep): boolean => (isGateway(s) && (s.kind === 'llm' || s.kind === 'embedding')) || isInferred(s);

function sameModel(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return true;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.startsWith(y) || y.startsWith(x) || x.endsWith(`/${y}`) || y.endsWith(`/${x}`);
}

function encloses(outer: AgentStep, inner: AgentStep): boolean {
  return outer.startMs <= inner.startMs + slackMs && inner.endMs <= outer.endMs + slackMs;
}

/** The instrumentation step a gateway step records: an ancestor by traceparent, else the tightest enclosing call of that model. */
function instrumentationFor(g: AgentStep, byId: Map<string, AgentStep>, calls: AgentStep[], taken: Set<AgentStep>): AgentStep | undefined {
  let parent = g.parentSpanId ? byId.get(key(g.traceId, g.parentSpanId)) : undefined;
  for (let hop = 0; parent && hop < maxHops; hop++) {
    if (parent.kind === g.kind && !isGateway(parent)) return taken.has(parent) ? undefined : parent;
    parent = parent.parentSpanId ? byId.get(key(parent.traceId, parent.parentSpanId)) : undefined;
  }
  const model = typeof g.attributes['gen_ai.request.model'] === 'string' ? (g.attributes['gen_ai.request.model'] as string) : g.model;
  let best: AgentStep | undefined;
  // calls is sorted by start: walk back from the last one that starts before g.
  const lo = lowerBound(calls.length, (i) => calls[i]!.startMs <= g.startMs + slackMs);
  for (let i = lo - 1, n = 0; i >= 0 && n < maxScan; i--, n++) {
    const c = calls[i]!;
    if (c.kind !== g.kind || taken.has(c) || !encloses(c, g) || !sameModel(c.model, model)) continue;
    if (!best || c.durationMs < best.durationMs) best = c;
  }
  return best;
}

function absorb(into: AgentStep, g: AgentStep): void {
  const a = g.attributes;
  into.attributes = { ...a, ...into.attributes, 'agent_debugger.gateway.span_id': g.spanId };
  // The wire's numbers win over what an instrumentation reported (or failed to).
  for (const k of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens'] as const) if (g[k] !== undefined) into[k] = g[k];
  if (g.inputTokens !== undefined || g.outputTokens !== undefined) {
    delete into.costUsd;
    delete into.costSource;
    delete into.priceMissing;
  }
  into.model = g.model ?? into.model;
  into.provider ??= g.provider;
  if (g.inputMessages?.length) into.inputMessages = g.inputMessages;
  if (g.outputMessages?.length) into.outputMessages = g.outputMessages;
  into.systemPrompt ??= g.systemPrompt;
  if (g.status === 'error') {
    into.status = 'error';
    into.error ??= g.error;
  }
}

/** Steps with each instrumented call's gateway twin folded into it (inputs are not reordered). */
export function mergeGatewaySteps(steps: AgentStep[]): AgentStep[] {
  const gateway = steps.filter((s) => isGateway(s) && (s.kind === 'llm' || s.kind === 'embedding'));
  const inferred = steps.filter(isInferred);
  if (gateway.length === 0 && inferred.length === 0) return steps;
  const byId = new Map<string, AgentStep>();
  for (const s of steps) byId.set(key(s.traceId, s.spanId), s);
  const calls = steps.filter((s) => (s.kind === 'llm' || s.kind === 'embedding') && !isGateway(s)).sort((a, b) => a.startMs - b.startMs);
  const dropped = new Set<AgentStep>();
  const taken = new Set<AgentStep>();
  // Latest first: of a failed attempt and its retry inside one instrumented call, the retry is the answer.
  for (const g of [...gateway].sort((a, b) => b.endMs - a.endMs)) {
    const target = calls.length ? instrumentationFor(g, byId, calls, taken) : undefined;
    if (!target) continue;
    taken.add(target);
    absorb(target, g);
    dropped.add(g);
  }
  const observedTools = steps.filter((s) => s.kind === 'tool' && !isInferred(s));
  for (const t of inferred) {
    const twin = observedTools.find((o) => (o.toolCallId !== undefined && o.toolCallId === t.toolCallId) || (o.toolName === t.toolName && encloses(t, o)));
    if (twin) dropped.add(t);
  }
  return dropped.size ? steps.filter((s) => !dropped.has(s)) : steps;
}
