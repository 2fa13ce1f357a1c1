// The step graph: nodes are steps; edges are `contains` (parent -> child), `next` (siblings in time
// order; top-level steps of a session too) and `dataflow` (LLM output tool call -> the tool step that ran
// it -> the LLM step whose input carried its result: dataflow.ts matches them).
import { parentIndices } from './tree';
import type { AgentStep, StepKind } from './types';
import { pushAll } from '../otlp/fittedArrays';
import { dataflowLinks, type DataflowLink } from './dataflow';
import { runWhole, yieldsAt } from '../../protocol/work';

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

/**
 * `steps` in time order (as normaliseSession returns them); `parents`: their parent indices, when known;
 * `dataflow`: dataflowLinks(steps), when known (ordering them read it: it is most of a graph's time).
 */
export function buildGraph(steps: readonly AgentStep[], parents = parentIndices(steps), dataflow?: readonly DataflowLink[]): AgentGraph {
  return runWhole(graphWork(steps, parents, dataflow));
}

/** buildGraph's work, yielding every few thousand steps or edges (protocol/work.ts: 1M steps took ~0.8 s). */
export function* graphWork(steps: readonly AgentStep[], parents = parentIndices(steps), dataflow?: readonly DataflowLink[]): Generator<void, AgentGraph> {
  const flowEdges: FlowEdge[] = [];
  const childrenOf = new Map<number, number[]>();
  for (let i = 0; i < steps.length; i++) {
    const p = parents[i];
    const list = childrenOf.get(p);
    if (list) list.push(i);
    else childrenOf.set(p, [i]);
    if (yieldsAt(i)) yield;
  }
  // Steps are already in start order, so each sibling list is too.
  let made = 0;
  for (const siblings of childrenOf.values()) {
    for (let k = 1; k < siblings.length; k++) {
      flowEdges.push({ from: steps[siblings[k - 1]].id, to: steps[siblings[k]].id, kind: 'next', fromAt: siblings[k - 1], toAt: siblings[k] });
      if (yieldsAt(++made)) yield;
    }
  }
  yield;
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

export function dataflowEdges(steps: readonly AgentStep[], links: readonly DataflowLink[] = dataflowLinks(steps)): FlowEdge[] {
  // Made whole at once, as nodes are.
  return links.map(([from, to, label]): FlowEdge =>
    label === undefined ? { from: steps[from].id, to: steps[to].id, kind: 'dataflow', fromAt: from, toAt: to } : { from: steps[from].id, to: steps[to].id, kind: 'dataflow', label, fromAt: from, toAt: to },
  );
}
