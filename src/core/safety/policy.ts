// Tool scope: which tools an agent (gen_ai.agent.name) may call and which argument values (path or host
// globs) they may take. A call outside its agent's policy is a finding; agents without a policy are free.
import type { AgentStep } from '../agent/types';
import { nameMatches, valueMatches } from './glob';
import { maskText } from './mask';
import { stringLeaves } from './stepTexts';
import { shorten } from './textMatch';
import { callStep, type Flow, type ToolCall } from './toolCalls';
import type { AgentPolicy, SafetyFinding, ToolPolicy } from './types';

/** Validates a parsed policy (setting or .agent-policy.json); throws an Error that says what is wrong. */
export function parsePolicy(value: unknown, where: string): ToolPolicy {
  const fail = (why: string): never => {
    throw new Error(`${where}: ${why} (expected { "agents": { "<agent or *>": { "tools": ["glob"], "args": { "tool.arg": ["glob"] } } } })`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not an object');
  const agents = (value as { agents?: unknown }).agents;
  if (typeof agents !== 'object' || agents === null || Array.isArray(agents)) return fail('"agents" must be an object');
  const out: ToolPolicy = { agents: {} };
  for (const [agent, p] of Object.entries(agents as Record<string, unknown>)) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return fail(`agent '${agent}' needs an object`);
    const { tools, args } = p as { tools?: unknown; args?: unknown };
    const policy: AgentPolicy = {};
    if (tools !== undefined) {
      if (!isStrings(tools)) return fail(`agent '${agent}': "tools" must be a list of strings`);
      policy.tools = tools;
    }
    if (args !== undefined) {
      if (typeof args !== 'object' || args === null || Array.isArray(args)) return fail(`agent '${agent}': "args" must be an object`);
      for (const [k, globs] of Object.entries(args)) {
        if (!k.includes('.') || !isStrings(globs)) return fail(`agent '${agent}': args key '${k}' must be "tool.arg" with a list of globs`);
      }
      policy.args = args as Record<string, string[]>;
    }
    Object.defineProperty(out.agents, agent, { value: policy, enumerable: true, configurable: true, writable: true });
  }
  return out;
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function policyFor(policy: ToolPolicy, agent: string | undefined): AgentPolicy | undefined {
  const entries = Object.entries(policy.agents);
  if (agent !== undefined) {
    const exact = entries.find(([k]) => k === agent) ?? entries.find(([k]) => k !== '*' && nameMatches(agent, [k]));
    if (exact) return exact[1];
  }
  return entries.find(([k]) => k === '*')?.[1];
}

export function findPolicyViolations(steps: readonly AgentStep[], flow: Flow, policy: ToolPolicy | undefined): SafetyFinding[] {
  if (!policy) return [];
  const out: SafetyFinding[] = [];
  for (const call of flow.calls) {
    const at = callStep(call);
    const step = steps[at];
    const agent = (call.tool !== undefined ? steps[call.tool].agentName : undefined) ?? (call.llm !== undefined ? steps[call.llm].agentName : undefined);
    const p = policyFor(policy, agent);
    if (!p) continue;
    const who = agent !== undefined ? `agent '${agent}'` : 'an agent without a name';
    if (p.tools && !nameMatches(call.name, p.tools)) {
      out.push(finding(call, step.id, 'tool-not-allowed', call.name, undefined, `${call.name} is not in the tools allowed for ${who} (${p.tools.join(', ')})`, `${who} called \`${call.name}\` (step ${at + 1}), which its policy does not allow`, steps));
      continue;
    }
    for (const [key, globs] of Object.entries(p.args ?? {})) {
      const dot = key.indexOf('.');
      if (!nameMatches(call.name, [key.slice(0, dot)])) continue;
      const field = `${call.name}.${key.slice(dot + 1)}`;
      for (const leaf of stringLeaves(call.args, call.name)) {
        if ((leaf.field !== field && !leaf.field.startsWith(`${field}[`)) || valueMatches(leaf.text, globs)) continue;
        const shown = shorten(maskText(leaf.text), 80);
        out.push(finding(call, step.id, 'arg-not-allowed', leaf.field, shown, `${leaf.field} = '${shown}' is outside ${globs.join(', ')}`, `\`${leaf.field}\` (step ${at + 1}) = '${shown}' is outside the policy of ${who} (${globs.join(', ')})`, steps));
      }
    }
  }
  return out;
}

function finding(call: ToolCall, stepId: string, rule: string, field: string, match: string | undefined, why: string, message: string, steps: readonly AgentStep[]): SafetyFinding {
  const f: SafetyFinding = { id: `policy:${call.key}:${rule}:${field}`, kind: 'policy', rule, stepId, field, why, message, heuristic: true };
  if (match !== undefined) f.match = match;
  if (call.llm !== undefined) f.callerStepId = steps[call.llm].id;
  return f;
}
