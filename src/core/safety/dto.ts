// Findings -> the Cost view's Safety section (src/protocol/cost.ts): counts by kind and a capped list.
import type { SafetySectionDto } from '../../protocol/cost';
import { countByKind } from './findSafety';
import type { SafetyFinding } from './types';

/** `listed`: how many findings to list (the Cost view shows 50; a report lists all). */
export function safetySection(findings: readonly SafetyFinding[], listed = 50): SafetySectionDto {
  return {
    counts: countByKind(findings),
    findings: findings.slice(0, listed).map((f) => ({ kind: f.kind, rule: f.rule, message: f.message, stepIds: f.path ?? [f.stepId] })),
    more: Math.max(0, findings.length - listed),
  };
}
