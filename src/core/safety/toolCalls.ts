// Every tool call of a session once: the LLM step that asked for it (from its output's tool calls) and
// the tool step that ran it, joined along the graph's dataflow edges. A call seen only in an LLM output
// (the tool has not run yet, e.g. in a live run) or only as a tool step still counts.
import type { AgentGraph } from '../agent/graph';
import { dataflowLinks } from '../agent/dataflow';
import type { AgentStep } from '../agent/types';
import { stepIndexById } from '../agent/stepIndex';

export interface ToolCall {
  name: string;
  args: unknown;
  /** Index of the LLM step whose output asked for the call. */
  llm?: number;
  /** Index of the tool step that ran it. */
  tool?: number;
  /** Stable key: the LLM step and the call's position in it, else the tool step. */
  key: string;
}

export interface Flow {
  calls: ToolCall[];
  /** Tool step index -> the LLM steps that read its result (dataflow). */
  consumers: Map<number, number[]>;
}

/** `graph`: the session's graph when built already (its dataflow edges are reused, not recomputed). */
export function toolFlow(steps: readonly AgentStep[], graph?: AgentGraph): Flow {
  const calledBy = new Map<number, number>();
  const consumers = new Map<number, number[]>();
  for (const [from, to] of graph ? graphLinks(steps, graph) : dataflowLinks(steps)) {
    if (steps[from].kind === 'llm' && steps[to].kind === 'tool') calledBy.set(to, from);
    else if (steps[from].kind === 'tool') {
      const list = consumers.get(from);
      if (list) list.push(to);
      else consumers.set(from, [to]);
    }
  }
  // The tool steps each LLM step's calls ran as, by call id or else in order of the same name.
  const ranBy = new Map<number, number[]>();
  for (const [tool, llm] of calledBy) {
    const list = ranBy.get(llm);
    if (list) list.push(tool);
    else ranBy.set(llm, [tool]);
  }
  const calls: ToolCall[] = [];
  const matched = new Set<number>();
  steps.forEach((s, i) => {
    if (s.kind !== 'llm' || s.aggregate) return;
    let n = 0;
    for (const m of s.outputMessages ?? []) {
      for (const p of m.parts) {
        if (p.type !== 'tool_call') continue;
        const candidates = (ranBy.get(i) ?? []).filter((t) => !matched.has(t));
        const tool = candidates.find((t) => p.id !== undefined && steps[t].toolCallId === p.id) ?? candidates.find((t) => steps[t].toolName === p.name);
        if (tool !== undefined) matched.add(tool);
        const call: ToolCall = { name: p.name, args: tool !== undefined && steps[tool].toolArgs !== undefined ? steps[tool].toolArgs : p.arguments, llm: i, key: `${s.id}#${n++}` };
        if (tool !== undefined) call.tool = tool;
        calls.push(call);
      }
    }
  });
  steps.forEach((s, i) => {
    if (s.kind !== 'tool' || matched.has(i)) return;
    const call: ToolCall = { name: s.toolName ?? s.name, args: s.toolArgs, tool: i, key: s.id };
    const llm = calledBy.get(i);
    if (llm !== undefined) call.llm = llm;
    calls.push(call);
  });
  return { calls, consumers };
}

/** Where a call is shown: its tool step when it ran, else the LLM step that asked for it. */
export function callStep(call: ToolCall): number {
  return call.tool ?? call.llm ?? 0;
}

function graphLinks(steps: readonly AgentStep[], graph: AgentGraph): [number, number][] {
  // By the places the edges carry when the graph is of these steps; by id otherwise.
  let index: ReadonlyMap<string, number> | undefined;
  const out: [number, number][] = [];
  for (const e of graph.flowEdges) {
    if (e.kind !== 'dataflow') continue;
    if (steps[e.fromAt]?.id === e.from && steps[e.toAt]?.id === e.to) {
      out.push([e.fromAt, e.toAt]);
      continue;
    }
    index ??= stepIndexById(steps);
    const from = index.get(e.from);
    const to = index.get(e.to);
    if (from !== undefined && to !== undefined) out.push([from, to]);
  }
  return out;
}
