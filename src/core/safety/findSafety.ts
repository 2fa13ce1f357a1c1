// All safety findings of a session's steps (in time order, as normaliseSession returns them).
import { labelOf, type AgentGraph } from '../agent/graph';
import type { AgentStep, Message } from '../agent/types';
import { maskText, maskValue } from './mask';
import { findPolicyViolations } from './policy';
import { Detections, noStepHits, stepHits, type Hit } from './stepHits';
import { findTaint } from './taint';
import { shorten, type TextMatch } from './textMatch';
import { toolFlow } from './toolCalls';
import type { SafetyFinding, SafetyKind, SafetyOptions } from './types';
import { pushAll } from '../otlp/fittedArrays';
import { stepIndexOf } from '../agent/stepIndex';
import { runWhole } from '../timeSlices';

/** `graph`: the session's graph if built already (saves recomputing dataflow). */
export function findSafety(steps: readonly AgentStep[], options: SafetyOptions = {}, graph?: AgentGraph): SafetyFinding[] {
  return runWhole(scanningSafety(steps, options, graph));
}

/** findSafety's work, yielding every 64 steps and between its passes (the engine runs it a slice at a time: a scan of 100k realistic steps takes seconds). */
export function* scanningSafety(steps: readonly AgentStep[], options: SafetyOptions, graph: AgentGraph | undefined): Generator<void, SafetyFinding[]> {
  const out: SafetyFinding[] = [];
  // Each text is judged once, where it first appears (conversations repeat their history in every call),
  // and an input message met in an earlier step's input is skipped. Keyed by the text itself, not a
  // prefixed copy: a repeated text is usually the same string, whose hash V8 keeps.
  const judgedUntrusted = new Set<string>();
  const judgedSent = new Set<string>();
  const reported = new Set<string>();
  // Only LLM calls' input messages are read for untrusted text, so only they make a message seen for it.
  const seenSent = new Set<Message>();
  const seenUntrusted = new Set<Message>();
  const detections = new Detections();
  for (let i = 0; i < steps.length; i++) {
    if ((i & 63) === 63) yield;
    const step = steps[i]!;
    const hits = stepHits(step, detections);
    if (hits === noStepHits) continue;
    const where = (field: string) => `${labelOf(step)} (step ${i + 1}) ${field}`;
    const injection = (field: string, hit: Hit) => {
      if (judgedUntrusted.has(hit.text)) return;
      judgedUntrusted.add(hit.text);
      for (const { match } of hit.found) out.push(textFinding('injection', step, field, match, `possible prompt injection in ${where(field)}`));
    };
    const leak = (field: string, hit: Hit) => {
      if (judgedSent.has(hit.text)) return;
      judgedSent.add(hit.text);
      for (const { kind, match } of hit.found) {
        // The same value sent again (a retry, a later turn) is the same leak.
        const key = `${kind}\u0000${match.text}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const to = step.kind === 'llm' ? 'the model' : step.kind === 'tool' ? 'a tool' : 'a step';
        out.push(textFinding(kind, step, field, match, `${match.why.replace(/^looks like /, '')} sent to ${to} in ${where(field)}`, maskValue(match.rule, match.text)));
      }
    };
    const llm = step.kind === 'llm';
    for (const hit of hits.untrusted) injection(hit.field, hit);
    if (llm) for (const { at, message, hits: mh } of hits.messages) if (!seenUntrusted.has(message)) for (const hit of mh.untrusted) injection(`input[${at}]${hit.field}`, hit);
    for (const hit of hits.system) leak(hit.field, hit);
    for (const { at, message, hits: mh } of hits.messages) if (!seenSent.has(message)) for (const hit of mh.sent) leak(`input[${at}]${hit.field}`, hit);
    for (const hit of hits.args) leak(hit.field, hit);
    for (const { message } of hits.messages) {
      seenSent.add(message);
      if (llm) seenUntrusted.add(message);
    }
  }
  yield;
  // Tool calls are joined only when something needs them: a taint source ran, or there is a policy.
  let flow: ReturnType<typeof toolFlow> | undefined;
  const lazyFlow = () => (flow ??= toolFlow(steps, graph));
  pushAll(out, findTaint(steps, lazyFlow, options.taint));
  yield;
  if (options.policy) pushAll(out, findPolicyViolations(steps, lazyFlow(), options.policy));
  if (out.length < 2) return out;
  const order = stepIndexOf(steps, out.map((f) => f.stepId));
  return out.sort((a, b) => (order.get(a.stepId) ?? 0) - (order.get(b.stepId) ?? 0));
}

function textFinding(kind: SafetyKind, step: AgentStep, field: string, m: TextMatch, where: string, masked?: string): SafetyFinding {
  const match = masked ?? shorten(maskText(m.text));
  return {
    id: `${kind}:${step.id}:${field}:${m.offset}:${m.rule}`,
    kind,
    rule: m.rule,
    stepId: step.id,
    field,
    offset: m.offset,
    match,
    why: m.why,
    message: `${where} at ${m.offset} (${m.rule}): ${kind === 'injection' ? `${m.why}: "${match}"` : match}`,
    heuristic: true,
  };
}

/** Counts by kind, every kind present (0 when none). */
export function countByKind(findings: readonly SafetyFinding[]): Record<SafetyKind, number> {
  const counts: Record<SafetyKind, number> = { injection: 0, taint: 0, secret: 0, pii: 0, policy: 0 };
  for (const f of findings) counts[f.kind]++;
  return counts;
}

