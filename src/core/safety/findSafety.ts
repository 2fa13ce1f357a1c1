// All safety findings of a session's steps (in time order, as normaliseSession returns them).
import { labelOf, type AgentGraph } from '../agent/graph';
import type { AgentStep } from '../agent/types';
import { detectInjection } from './injection';
import { maskText, maskValue } from './mask';
import { findPolicyViolations } from './policy';
import { detectPii, detectSecrets } from './secrets';
import { sentTexts, untrustedTexts, type SeenMessages } from './stepTexts';
import { findTaint } from './taint';
import { shorten, type TextMatch } from './textMatch';
import { toolFlow } from './toolCalls';
import type { SafetyFinding, SafetyKind, SafetyOptions } from './types';
import { pushAll } from '../otlp/fittedArrays';
import { stepIndexById } from '../agent/stepIndex';

/** `graph`: the session's graph if built already (saves recomputing dataflow). */
export function findSafety(steps: readonly AgentStep[], options: SafetyOptions = {}, graph?: AgentGraph): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  // Conversations repeat their history in every call: each text is judged once, where it first appears.
  // Keyed by the text itself (one set per role), not a prefixed copy: a repeated text is usually the same
  // string, whose hash V8 keeps, where a new key string would be hashed in full again.
  const scannedUntrusted = new Set<string>();
  const scannedSent = new Set<string>();
  const reported = new Set<string>();
  // Messages judged already, per kind of judgement: only an LLM step's input is read for untrusted text.
  const seenSent: SeenMessages = new Set();
  const seenUntrusted: SeenMessages = new Set();
  steps.forEach((step, i) => {
    for (const f of untrustedTexts(step, seenUntrusted)) {
      if (scannedUntrusted.has(f.text)) continue;
      scannedUntrusted.add(f.text);
      for (const m of detectInjection(f.text)) out.push(textFinding('injection', step, f.field, m, `possible prompt injection in ${labelOf(step)} (step ${i + 1}) ${f.field}`));
    }
    for (const f of sentTexts(step, seenSent)) {
      if (scannedSent.has(f.text)) continue;
      scannedSent.add(f.text);
      for (const [kind, matches] of [['secret', detectSecrets(f.text)], ['pii', detectPii(f.text)]] as const) {
        for (const m of matches) {
          // The same value sent again (a retry, a later turn) is the same leak.
          const key = `${kind}\u0000${m.text}`;
          if (reported.has(key)) continue;
          reported.add(key);
          const to = step.kind === 'llm' ? 'the model' : step.kind === 'tool' ? 'a tool' : 'a step';
          out.push(textFinding(kind, step, f.field, m, `${m.why.replace(/^looks like /, '')} sent to ${to} in ${labelOf(step)} (step ${i + 1}) ${f.field}`, maskValue(m.rule, m.text)));
        }
      }
    }
    for (const m of step.inputMessages ?? []) {
      seenSent.add(m);
      if (step.kind === 'llm') seenUntrusted.add(m);
    }
  });
  // Tool calls are joined only when something needs them: a taint source ran, or there is a policy.
  let flow: ReturnType<typeof toolFlow> | undefined;
  const lazyFlow = () => (flow ??= toolFlow(steps, graph));
  pushAll(out, findTaint(steps, lazyFlow, options.taint));
  if (options.policy) pushAll(out, findPolicyViolations(steps, lazyFlow(), options.policy));
  const order = stepIndexById(steps);
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

