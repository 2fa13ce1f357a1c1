// Framework-specific structure the dialects alone cannot see, applied to a session's steps once they are
// normalised (before agent names are inherited and usage is summed):
// - LangGraph through OpenInference marks every graph node a CHAIN; LangGraph's own metadata
//   (metadata.langgraph_node on the node's span and on every run inside it) says which node ran what.
//   A node that makes LLM calls is an agent step named by its node.
// - The OpenAI Agents SDK through OpenInference opens its workflow twice (an AGENT root and a CHAIN child
//   of the same name): the inner one is folded into the root.
// - LLM steps whose span name says nothing ("response", "generation", ...) are named by agent + model.
// - A tool whose input was recorded as a bare string ("Paris") gets the structured arguments of the LLM
//   tool call that asked for it (same call id, else same tool name in the latest earlier LLM output).
import { isObject, parseJsonLoose, str } from './attributes';
import { parentLinks } from './tree';
import type { AgentStep } from './types';

/**
 * The steps to keep (a folded duplicate is dropped, its children re-parented), their parent indices and
 * whether their ids are unique (see parentLinks).
 */
export function applyFrameworkRules(steps: AgentStep[]): { steps: AgentStep[]; parent: Int32Array; uniqueIds: boolean } {
  let links = parentLinks(steps);
  const kept = foldDuplicateRoots(steps, links.parents);
  if (kept !== steps) links = parentLinks(kept);
  promoteGraphNodes(kept, links.parents);
  return { steps: kept, parent: links.parents, uniqueIds: links.unique };
}

/** After agent names are known: generic LLM names and bare-string tool arguments. */
export function applyNamingRules(steps: readonly AgentStep[]): void {
  nameGenericLlmSteps(steps);
  structureToolArgs(steps);
}

function langGraphNode(s: AgentStep): string | undefined {
  const m = parseJsonLoose(s.attributes['metadata'] ?? undefined);
  const node = isObject(m) ? str(m.langgraph_node) : undefined;
  return node && !node.startsWith('__') ? node : undefined;
}

/** A LangGraph node span (its own name is its langgraph_node) with an LLM call below it becomes an agent step. */
function promoteGraphNodes(steps: AgentStep[], parent: Int32Array): void {
  const hasLlmBelow = new Uint8Array(steps.length);
  steps.forEach((s, i) => {
    if (s.kind !== 'llm') return;
    for (let p = parent[i], guard = 0; p >= 0 && !hasLlmBelow[p] && guard < steps.length; p = parent[p], guard++) hasLlmBelow[p] = 1;
  });
  steps.forEach((s, i) => {
    if (s.kind !== 'chain' || !hasLlmBelow[i]) return;
    const node = langGraphNode(s);
    if (node === undefined || node !== s.name) return;
    s.kind = 'agent';
    s.agentName ??= node;
  });
}

/** An AGENT root whose only child is a CHAIN of the same name (one workflow, opened twice): fold the child. */
function foldDuplicateRoots(steps: AgentStep[], parent: Int32Array): AgentStep[] {
  const childCount = new Int32Array(steps.length);
  const onlyChild = new Int32Array(steps.length).fill(-1);
  parent.forEach((p, i) => {
    if (p < 0 || steps[p].parentSpanId !== undefined || steps[p].kind !== 'agent') return;
    childCount[p]++;
    onlyChild[p] = i;
  });
  const folded = new Map<number, AgentStep>();
  steps.forEach((root, r) => {
    if (childCount[r] !== 1) return;
    const twin = steps[onlyChild[r]];
    if (twin.kind === 'chain' && twin.name === root.name && twin.status !== 'error') folded.set(onlyChild[r], root);
  });
  if (folded.size === 0) return steps;
  parent.forEach((p, i) => {
    const root = folded.get(p);
    if (root) steps[i].parentSpanId = root.spanId;
  });
  return steps.filter((_, i) => !folded.has(i));
}

const genericLlmNames = new Set(['response', 'generation', 'llm', 'chat', 'completion', 'chatcompletion', 'chat completion']);

function nameGenericLlmSteps(steps: readonly AgentStep[]): void {
  for (const s of steps) {
    if (s.kind !== 'llm' || !genericLlmNames.has(s.name.trim().toLowerCase())) continue;
    const parts = [s.agentName, s.model].filter((x): x is string => !!x);
    if (parts.length > 0) s.name = parts.join(' · ');
  }
}

function structureToolArgs(steps: readonly AgentStep[]): void {
  // Per trace, the LLM steps that asked for tools, in order: each tool looks back through its own trace only.
  const callers = new Map<string, number[]>();
  steps.forEach((s, i) => {
    if (s.kind !== 'llm' || !s.outputMessages?.some((m) => m.parts.some((p) => p.type === 'tool_call'))) return;
    const list = callers.get(s.traceId);
    if (list) list.push(i);
    else callers.set(s.traceId, [i]);
  });
  steps.forEach((tool, t) => {
    if (tool.kind !== 'tool' || typeof tool.toolArgs !== 'string') return;
    const args = matchingCallArgs(steps, callers.get(tool.traceId) ?? [], t);
    if (isObject(args)) tool.toolArgs = args;
  });
}

/** The arguments of the LLM tool call this tool step ran: by call id, else by name in the latest earlier LLM output. */
function matchingCallArgs(steps: readonly AgentStep[], llms: readonly number[], t: number): unknown {
  const tool = steps[t];
  let byName: unknown;
  for (let k = llms.length - 1; k >= 0; k--) {
    if (llms[k] >= t) continue;
    for (const m of steps[llms[k]].outputMessages ?? []) {
      for (const p of m.parts) {
        if (p.type !== 'tool_call') continue;
        if (tool.toolCallId !== undefined && p.id === tool.toolCallId) return parseJsonLoose(p.arguments);
        if (byName === undefined && p.name === tool.toolName) byName = parseJsonLoose(p.arguments);
      }
    }
    if (byName !== undefined && tool.toolCallId === undefined) return byName;
  }
  return byName;
}
