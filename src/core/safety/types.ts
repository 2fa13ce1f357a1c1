// Safety findings over a session's steps: prompt injection in untrusted content, taint from untrusted
// tools to sensitive tool arguments, secrets and personal data sent to a model or a tool, and tool use
// outside a policy. Every finding is a heuristic: it says why it fired, and never carries a secret unmasked.

export type SafetyKind = 'injection' | 'taint' | 'secret' | 'pii' | 'policy';

export const safetyKinds: readonly SafetyKind[] = ['injection', 'taint', 'secret', 'pii', 'policy'];

export interface SafetyFinding {
  /** Stable across rebuilds of the same session (kind, step, field, offset, rule). */
  id: string;
  kind: SafetyKind;
  /** Which detector fired: 'ignore-instructions', 'zero-width', 'openai-key', 'email', 'tool-not-allowed', ... */
  rule: string;
  /** The step it is shown on (graph badge, Problems entry, breakOn). */
  stepId: string;
  /** Where in the step: 'result', 'args.to', 'input[2]', 'system', ... */
  field: string;
  /** Offset of the match in that field's text, when the finding is about a piece of text. */
  offset?: number;
  /** The matched text, shortened; secrets and personal data inside it are masked. */
  match?: string;
  why: string;
  /** One line for lists, the CLI and the Problems panel. */
  message: string;
  /** Always true: pattern matching can be wrong both ways. */
  heuristic: true;
  /** Taint: the steps the data went through, source first, sink last. */
  path?: string[];
  /** Taint and policy: the LLM step that asked for the call, where a run can stop before the tool runs. */
  callerStepId?: string;
}

/** Tool name patterns (`*` and `?` wildcards, case-insensitive) that decide taint sources and sinks. */
export interface TaintOptions {
  sources?: string[];
  sinks?: string[];
}

/** `agentDebugger.policy` / `.agent-policy.json`: tools each agent may call and argument constraints. */
export interface ToolPolicy {
  agents: Record<string, AgentPolicy>;
}

export interface AgentPolicy {
  /** Allowed tool names (globs). Absent: every tool is allowed (only `args` apply). */
  tools?: string[];
  /** `tool.arg` (tool may be a glob) -> allowed values (globs over paths, or host names for URLs). */
  args?: Record<string, string[]>;
}

export interface SafetyOptions {
  taint?: TaintOptions;
  policy?: ToolPolicy;
}
