// Safety findings for `agent-debugger steps`: `--fail-on KIND[,KIND]` (exit 3 when such a finding exists),
// `--policy FILE` (a .agent-policy.json), and the findings printed under each session.
import { readFile } from 'node:fs/promises';
import type { AgentSession } from '../core/agent';
import { findSafety, parsePolicy, safetyKinds, type SafetyFinding, type SafetyKind, type SafetyOptions } from '../core/safety';
import { UsageError } from './errors';

/** Exit code when a finding of a --fail-on kind exists (1 is a crash, 2 bad usage). */
export const findingsExitCode = 3;

export function parseFailOn(text: string | undefined): SafetyKind[] {
  if (text === undefined) return [];
  const kinds = text.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean);
  const bad = kinds.filter((k) => !safetyKinds.includes(k as SafetyKind));
  if (bad.length || kinds.length === 0) throw new UsageError(`--fail-on takes kinds separated by commas (${safetyKinds.join(', ')}), not '${text}'`);
  return kinds as SafetyKind[];
}

export async function safetyOptions(policyFile: string | undefined): Promise<SafetyOptions> {
  if (policyFile === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(policyFile, 'utf8'));
  } catch (e) {
    throw new UsageError(`--policy ${policyFile}: ${(e as Error).message}`);
  }
  try {
    return { policy: parsePolicy(parsed, policyFile) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function sessionFindings(session: AgentSession, options: SafetyOptions): SafetyFinding[] {
  return findSafety(session.steps, options, session.graph);
}

/** Lines printed under a session's totals (nothing when it has no findings). */
export function formatSafety(findings: readonly SafetyFinding[]): string {
  if (findings.length === 0) return '';
  return findings.map((f) => `safety (${f.kind}, heuristic): ${f.message}`).join('\n') + '\n\n';
}

/** 3 when a finding of a --fail-on kind exists, else 0; says which on stderr. */
export function failOnExit(failOn: readonly SafetyKind[], findings: readonly SafetyFinding[]): number {
  const hits = findings.filter((f) => failOn.includes(f.kind));
  if (hits.length === 0) return 0;
  const counts = failOn.map((k) => [k, hits.filter((f) => f.kind === k).length] as const).filter(([, n]) => n > 0);
  process.stderr.write(`agent-debugger: ${counts.map(([k, n]) => `${n} ${k}`).join(', ')} finding(s) (--fail-on ${failOn.join(',')})\n`);
  return findingsExitCode;
}
