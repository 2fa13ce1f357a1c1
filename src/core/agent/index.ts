// The agent model's public surface. buildSession is the one-call path; the parts are exported for
// callers that need only one view (the cost panel needs totals, the graph view needs the graph).
import type { PricingOptions } from '../pricing/price';
import { graphWork, type AgentGraph } from './graph';
import type { DataflowLink } from './dataflow';
import { findLoops, type Finding } from './loops';
import { totalsOf, type Totals } from './rollups';
import { orderedSession, orderedSteps } from './session';
import { buildTimeline, type Timeline } from './timeline';
import type { AgentStep, SpanInput } from './types';
import { runWhole } from '../../protocol/work';

export interface AgentSession {
  steps: AgentStep[];
  graph: AgentGraph;
  timeline: Timeline;
  findings: Finding[];
  totals: Totals;
}

export function buildSession(inputs: readonly SpanInput[], options: { pricing?: PricingOptions } = {}): AgentSession {
  const { steps, parents, dataflow } = orderedSession(inputs, options);
  return sessionOfSteps(steps, parents, dataflow);
}

/** buildSession of spans normalised already (normaliseSpan of each input, in readSession's order). */
export function buildSessionOfSteps(normalised: AgentStep[], options: { pricing?: PricingOptions } = {}): AgentSession {
  const { steps, parents, dataflow } = orderedSteps(normalised, options);
  return sessionOfSteps(steps, parents, dataflow);
}

/**
 * A session over steps already built (a live model's): their graph, timeline, loop findings and totals.
 * `parents`, `dataflow`, `loops`, `timeline`: the steps' parent indices, dataflow links, loop findings and
 * timeline, when known.
 */
export function sessionOfSteps(steps: AgentStep[], parents?: Int32Array, dataflow?: readonly DataflowLink[], loops = findLoops(steps), timeline = buildTimeline(steps)): AgentSession {
  return runWhole(sessionWork(steps, parents, dataflow, loops, timeline));
}

/** sessionOfSteps' work over its parts made already, yielding as the graph is made (protocol/work.ts). */
export function* sessionWork(steps: AgentStep[], parents: Int32Array | undefined, dataflow: readonly DataflowLink[] | undefined, loops: Finding[], timeline: Timeline): Generator<void, AgentSession> {
  const graph = yield* graphWork(steps, parents, dataflow);
  yield;
  return { steps, graph, timeline, findings: loops, totals: totalsOf(steps) };
}

export { anyValueToJs, flattenAttributes, nanosToMs } from './attributes';
export { buildGraph, dataflowEdges, type AgentGraph, type EdgeKind, type GraphEdge, type GraphNode } from './graph';
export { canonicalJson, findLoops, findingLoops, type Finding, type FindingKind, type LoopOptions } from './loops';
export { systemPromptOf, textOf, toMessages } from './messages';
export { normaliseSpan } from './normalise';
export { spanInputsFromRequests } from './otlpInputs';
export { emptyTotals, totalsOf, type Totals } from './rollups';
export { applyPrice, hasUsage, normaliseSession, type SessionOptions } from './session';
export { buildTimeline, cursorAtTime, seek, stateAt, stepPhaseAt, type CursorState, type StepPhase, type Timeline, type TimelineEventType } from './timeline';
export { parentIndices, stepKey } from './tree';
export type { AgentStep, Attributes, AttrValue, Dialect, Message, MessagePart, SourceHow, SourceLocation, SpanInput, StepEvent, StepKind, StepStatus } from './types';
