// The step graph: nodes are steps; edges are `contains` (parent -> child), `next` (siblings in time
// order; top-level steps of a session too) and `dataflow` (LLM output tool call -> the tool step that ran
// it -> the LLM step whose input carried its result). Ids are matched when the emitter recorded them;
// otherwise tool calls are matched by tool name and order, within the trace.
import { firstStartingAtOrAfter, parentIndices, SpanSet } from './tree';
import type { AgentStep, Message, StepKind } from './types';
import { pushAll } from '../otlp/fittedArrays';
import { NamedCalls, type ToolCallRef } from './namedCalls';

export type EdgeKind = 'contains' | 'next' | 'dataflow';

export interface GraphNode {
  id: string;
  /** Index into the steps array the graph was built from. */
  index: number;
  kind: StepKind;
  label: string;
  parentId?: string;
  depth: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** dataflow: the tool call id, or the tool name when no id was recorded. */
  label?: string;
  /** Where `from` and `to` are in the steps (the graph's feed maps them without looking ids up). */
  fromAt: number;
  toAt: number;
}

export interface AgentGraph {
  /** Made when first read, as `edges` are. */
  nodes: GraphNode[];
  /** Every edge: `contains` (in step order), then flowEdges. */
  edges: GraphEdge[];
  /** The `next` and `dataflow` edges (what the views draw besides the step tree, which they read from parents). */
  flowEdges: FlowEdge[];
}

export type FlowEdge = GraphEdge & { kind: 'next' | 'dataflow' };

/** A dataflow link: [from index, to index, label] (see dataflowLinks). */
export type DataflowLink = [number, number, string | undefined];

/**
 * `steps` in time order (as normaliseSession returns them); `parents`: their parent indices, when known;
 * `dataflow`: dataflowLinks(steps), when known (ordering them read it: it is most of a graph's time).
 */
export function buildGraph(steps: readonly AgentStep[], parents = parentIndices(steps), dataflow?: readonly DataflowLink[]): AgentGraph {
  const flowEdges: FlowEdge[] = [];
  const childrenOf = new Map<number, number[]>();
  for (let i = 0; i < steps.length; i++) {
    const p = parents[i];
    const list = childrenOf.get(p);
    if (list) list.push(i);
    else childrenOf.set(p, [i]);
  }
  // Steps are already in start order, so each sibling list is too.
  for (const siblings of childrenOf.values()) {
    for (let k = 1; k < siblings.length; k++) flowEdges.push({ from: steps[siblings[k - 1]].id, to: steps[siblings[k]].id, kind: 'next', fromAt: siblings[k - 1], toAt: siblings[k] });
  }
  pushAll(flowEdges, dataflowEdges(steps, dataflow));
  // Nodes and `contains` edges are made when first read (the CLI, exports): the engine's views read steps,
  // their parents and the flow edges, and a node and an edge per step were ~10% of a model's heap.
  const graph = {} as AgentGraph;
  let nodes: GraphNode[] | undefined;
  let edges: GraphEdge[] | undefined;
  Object.defineProperty(graph, 'nodes', { enumerable: true, get: () => (nodes ??= nodesOf(steps, parents)) });
  Object.defineProperty(graph, 'edges', { enumerable: true, get: () => (edges ??= [...containsEdges(steps, parents), ...flowEdges]) });
  graph.flowEdges = flowEdges;
  // As JSON, the graph is its nodes and edges, as it always was (flowEdges are among its edges).
  Object.defineProperty(graph, 'toJSON', { value: () => ({ nodes: graph.nodes, edges: graph.edges }) });
  return graph;
}

function containsEdges(steps: readonly AgentStep[], parents: Int32Array): GraphEdge[] {
  const out: GraphEdge[] = [];
  for (let i = 0; i < steps.length; i++) {
    const p = parents[i];
    if (p >= 0) out.push({ from: steps[p].id, to: steps[i].id, kind: 'contains', fromAt: p, toAt: i });
  }
  return out;
}

/** A node per step, with its depth in the step tree. */
function nodesOf(steps: readonly AgentStep[], parents: Int32Array): GraphNode[] {
  const depth = new Int32Array(steps.length);
  return steps.map((s, i) => {
    const p = parents[i];
    depth[i] = p >= 0 && p < i ? depth[p] + 1 : 0;
    // Made whole at once: a parent id added after took a property store of its own (~40 bytes a node).
    return p >= 0 ? { id: s.id, index: i, kind: s.kind, label: labelOf(s), depth: depth[i], parentId: steps[p].id } : { id: s.id, index: i, kind: s.kind, label: labelOf(s), depth: depth[i] };
  });
}

/** The name a step is shown by: its tool, model or agent, else its span name. */
export function labelOf(s: AgentStep): string {
  if (s.kind === 'tool' && s.toolName) return s.toolName;
  if (s.kind === 'llm' && s.model) return s.model;
  if (s.kind === 'agent' && s.agentName) return s.agentName;
  return s.name;
}

/** Per trace: the LLM steps' tool calls and the LLM steps holding tool results, indexed for lookups. */
interface TraceIndex {
  callsById: Map<string, ToolCallRef>;
  callsByName: Map<string, NamedCalls>;
  resultsById: Map<string, number[]>;
  resultsByName: Map<string, number[]>;
  anonymousResults: number[];
}

const noMessages: readonly Message[] = [];

function indexTraces(steps: readonly AgentStep[]): Map<string, TraceIndex> {
  const traces = new Map<string, TraceIndex>();
  // One call traced twice (a wrapper LLM span over the client's own): the messages are read from one of
  // them, the inner one when it carries any.
  const innerHasMessages = new SpanSet();
  // Only aggregate LLM steps ask: most sessions have none, and need no key per step.
  if (steps.some((s) => s.kind === 'llm' && s.aggregate)) {
    for (const s of steps) {
      if (s.kind === 'llm' && s.parentSpanId !== undefined && (s.outputMessages?.length || s.inputMessages?.length)) innerHasMessages.add(s.parentSpanId, s.traceId);
    }
  }
  steps.forEach((s, i) => {
    if (s.kind !== 'llm' || (s.aggregate && innerHasMessages.has(s.spanId, s.traceId))) return;
    let t = traces.get(s.traceId);
    if (!t) traces.set(s.traceId, (t = { callsById: new Map(), callsByName: new Map(), resultsById: new Map(), resultsByName: new Map(), anonymousResults: [] }));
    // Indexed loops: for-of made an iterator result per message and part here (~11 MB per 100k agent steps).
    const output = s.outputMessages ?? noMessages;
    for (let k = 0; k < output.length; k++) {
      const parts = output[k].parts;
      for (let j = 0; j < parts.length; j++) {
        const p = parts[j];
        if (p.type !== 'tool_call') continue;
        const ref: ToolCallRef = { llm: i, id: p.id, name: p.name, used: false };
        if (p.id !== undefined && !t.callsById.has(p.id)) t.callsById.set(p.id, ref);
        let named = t.callsByName.get(p.name);
        if (!named) t.callsByName.set(p.name, (named = new NamedCalls(steps)));
        named.add(ref);
      }
    }
    const input = s.inputMessages ?? noMessages;
    for (let k = 0; k < input.length; k++) {
      const parts = input[k].parts;
      for (let j = 0; j < parts.length; j++) {
        const p = parts[j];
        if (p.type !== 'tool_result') continue;
        if (p.id !== undefined) pushOnce(t.resultsById, p.id, i);
        if (p.name !== undefined) pushOnce(t.resultsByName, p.name, i);
        if (p.id === undefined && p.name === undefined && t.anonymousResults[t.anonymousResults.length - 1] !== i) t.anonymousResults.push(i);
      }
    }
  });
  return traces;
}

export function dataflowEdges(steps: readonly AgentStep[], links: readonly DataflowLink[] = dataflowLinks(steps)): FlowEdge[] {
  // Made whole at once, as nodes are.
  return links.map(([from, to, label]): FlowEdge =>
    label === undefined ? { from: steps[from].id, to: steps[to].id, kind: 'dataflow', fromAt: from, toAt: to } : { from: steps[from].id, to: steps[to].id, kind: 'dataflow', label, fromAt: from, toAt: to },
  );
}

/** Dataflow as [from index, to index, label] triples. */
export function dataflowLinks(steps: readonly AgentStep[]): DataflowLink[] {
  const edges: DataflowLink[] = [];
  const traces = indexTraces(steps);
  steps.forEach((tool, t) => {
    if (tool.kind !== 'tool') return;
    const index = traces.get(tool.traceId);
    if (!index) return;
    const call = (tool.toolCallId !== undefined ? index.callsById.get(tool.toolCallId) : undefined) ?? (tool.toolName !== undefined ? index.callsByName.get(tool.toolName)?.callFor(tool) : undefined);
    const callId = call?.id ?? tool.toolCallId;
    const label = callId ?? tool.toolName;
    if (call) {
      call.used = true;
      edges.push([call.llm, t, label]);
    }
    const consumer =
      (callId !== undefined ? after(steps, index.resultsById.get(callId), tool) : undefined) ??
      (tool.toolName !== undefined ? after(steps, index.resultsByName.get(tool.toolName), tool) : undefined) ??
      after(steps, index.anonymousResults, tool);
    if (consumer !== undefined && consumer !== t) edges.push([t, consumer, label]);
  });
  return edges;
}

function after(steps: readonly AgentStep[], list: readonly number[] | undefined, tool: AgentStep): number | undefined {
  return list ? firstStartingAtOrAfter(steps, list, tool.startMs) : undefined;
}

function pushOnce(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}
