// Trace breakpoints: `breakOn` expressions that pause a run when a matching step arrives.
//   error          a step that failed
//   tool:NAME      a tool call (NAME may use * and ? wildcards)
//   model:NAME     an LLM call to that model (wildcards too; `model:gpt-4o*`)
//   costUsd>X      a single step that cost more than X dollars
//   loop           a repeat of an identical tool call or LLM input (core/agent/loops)
//   injection, taint, secret, pii, policy   a safety finding of that kind (core/safety); taint and policy stop
//                  at the LLM step that asked for the call, before the tool runs
import { findLoops } from '../agent/loops';
import type { AgentStep } from '../agent/types';
import { findSafety, safetyKinds, type SafetyFinding, type SafetyKind, type SafetyOptions } from '../safety';

export type BreakCondition =
  | { kind: 'error'; text: string }
  | { kind: 'tool'; text: string; pattern: RegExp }
  | { kind: 'model'; text: string; pattern: RegExp }
  | { kind: 'costUsd'; text: string; threshold: number }
  | { kind: 'loop'; text: string }
  | { kind: 'safety'; text: string; finding: SafetyKind };

export const breakOnSyntax = 'error, tool:NAME, model:NAME, costUsd>X, loop, injection, taint, secret, pii or policy';

/** Safety findings by kind -> the steps to stop at (see breakStepOf). */
export type SafetyFlags = ReadonlyMap<SafetyKind, ReadonlySet<string>>;

/** Parses one expression; throws an Error that says what is wrong and what is allowed. */
export function parseBreakOn(expression: string): BreakCondition {
  const text = expression.trim();
  if (/^errors?$/i.test(text)) return { kind: 'error', text };
  if (/^loops?$/i.test(text)) return { kind: 'loop', text };
  const safety = safetyKinds.find((k) => k === text.toLowerCase());
  if (safety) return { kind: 'safety', text, finding: safety };
  const named = /^(tool|model)\s*:\s*(.+)$/i.exec(text);
  if (named) return { kind: named[1].toLowerCase() as 'tool' | 'model', text, pattern: wildcard(named[2].trim()) };
  const cost = /^cost(?:usd)?\s*>\s*\$?\s*([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)$/i.exec(text);
  if (cost) return { kind: 'costUsd', text, threshold: Number(cost[1]) };
  throw new Error(`'${expression}' is not a trace breakpoint: use ${breakOnSyntax}`);
}

/** Parses a list; the errors of all bad entries are reported together. */
export function parseBreakOnList(expressions: readonly unknown[] | undefined): BreakCondition[] {
  const out: BreakCondition[] = [];
  const errors: string[] = [];
  for (const e of expressions ?? []) {
    if (typeof e !== 'string') {
      errors.push(`breakOn entries are strings, not ${JSON.stringify(e)}`);
      continue;
    }
    try {
      out.push(parseBreakOn(e));
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length) throw new Error(errors.join('; '));
  return out;
}

function wildcard(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Steps that repeat an earlier identical call (the first of each group is not a repeat). */
export function loopRepeats(steps: readonly AgentStep[]): Set<string> {
  const out = new Set<string>();
  for (const f of findLoops(steps)) for (const id of f.stepIds.slice(1)) out.add(id);
  return out;
}

export function toolNameOf(step: AgentStep): string | undefined {
  return step.toolName ?? (step.kind === 'tool' ? step.name : undefined);
}

/** Where a finding stops a run: the LLM step that asked for a tainted or disallowed call, else its own step. */
export function breakStepOf(f: SafetyFinding): string {
  return f.callerStepId ?? f.stepId;
}

/** The steps each safety kind stops at (empty when no condition asks for safety findings). */
export function safetyFlags(steps: readonly AgentStep[], conditions: readonly BreakCondition[], options: SafetyOptions = {}): SafetyFlags {
  const flags = new Map<SafetyKind, Set<string>>();
  if (!conditions.some((c) => c.kind === 'safety')) return flags;
  for (const f of findSafety(steps, options)) {
    const set = flags.get(f.kind) ?? new Set<string>();
    set.add(breakStepOf(f));
    flags.set(f.kind, set);
  }
  return flags;
}

export function matchesBreak(condition: BreakCondition, step: AgentStep, repeats: ReadonlySet<string>, flags?: SafetyFlags): boolean {
  switch (condition.kind) {
    case 'error':
      return step.status === 'error';
    case 'tool': {
      const name = toolNameOf(step);
      return step.kind === 'tool' && name !== undefined && condition.pattern.test(name);
    }
    case 'model':
      return step.kind === 'llm' && step.model !== undefined && condition.pattern.test(step.model);
    case 'costUsd':
      return (step.costUsd ?? 0) > condition.threshold;
    case 'loop':
      return repeats.has(step.id);
    case 'safety':
      return flags?.get(condition.finding)?.has(step.id) ?? false;
  }
}

/** The first condition a step meets, if any. */
export function firstMatch(conditions: readonly BreakCondition[], step: AgentStep, repeats: ReadonlySet<string>, flags?: SafetyFlags): BreakCondition | undefined {
  return conditions.find((c) => matchesBreak(c, step, repeats, flags));
}

/**
 * Watches a live session: each call gets the session's steps as they are now and returns the steps that
 * arrived since the last call and meet a condition (each step is reported once).
 */
export class LiveBreakWatcher {
  private readonly seen = new Set<string>();

  /** Taint sources/sinks and the tool policy the safety conditions use (the host sets them from settings). */
  constructor(
    public conditions: BreakCondition[],
    public safety: SafetyOptions = {},
  ) {}

  check(steps: readonly AgentStep[]): { step: AgentStep; condition: BreakCondition }[] {
    if (this.conditions.length === 0) {
      for (const s of steps) this.seen.add(s.id);
      return [];
    }
    const repeats = this.conditions.some((c) => c.kind === 'loop') ? loopRepeats(steps) : new Set<string>();
    const flags = safetyFlags(steps, this.conditions, this.safety);
    const hits: { step: AgentStep; condition: BreakCondition }[] = [];
    for (const step of steps) {
      if (this.seen.has(step.id)) continue;
      // A step still running has no final status or usage: judge it once it ended (spans arrive ended).
      this.seen.add(step.id);
      const condition = firstMatch(this.conditions, step, repeats, flags);
      if (condition) hits.push({ step, condition });
    }
    return hits;
  }
}
