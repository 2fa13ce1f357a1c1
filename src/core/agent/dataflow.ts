// Dataflow between steps: an LLM output's tool call -> the tool step that ran it -> the LLM step whose input
// carried its result. Ids are matched when the emitter recorded them; otherwise tool calls are matched by
// tool name and order, within the trace. A trace's LLM steps are indexed (TraceDataflow), then its tools are
// linked in step order (a call matched by name, once taken, is taken).
import { firstStartingAtOrAfter, SpanSet } from './tree';
import type { AgentStep, Message } from './types';
import { NamedCalls, type ToolCallRef } from './namedCalls';
import { runWhole, yieldsAt } from '../../protocol/work';

/** A dataflow link: [from index, to index, label] (see dataflowLinks). */
export type DataflowLink = [number, number, string | undefined];

/** How a tool's reader was found: by its call's id, by the tool's name, or as a step carrying results of neither. */
export type ReadBy = 'id' | 'name' | 'any';

const noMessages: readonly Message[] = [];

/**
 * One trace's LLM steps, indexed by the tool calls they asked for and the tool results they carried, and the
 * tools linked so far. `steps`: where the indices point (the session's steps, or one trace's, which may grow
 * at its end: traceFlows.ts).
 */
export class TraceDataflow {
  private readonly callsById = new Map<string, ToolCallRef>();
  private readonly callsByName = new Map<string, NamedCalls>();
  private readonly resultsById = new Map<string, number[]>();
  private readonly resultsByName = new Map<string, number[]>();
  private readonly anonymousResults: number[] = [];

  constructor(private readonly steps: readonly AgentStep[]) {}

  /** Indexes the LLM step at `i` (LLM steps in step order); `read`: told of each tool result it carries. */
  addLlm(i: number, read?: (id: string | undefined, name: string | undefined) => void): void {
    const s = this.steps[i]!;
    // Indexed loops: for-of made an iterator result per message and part here (~11 MB per 100k agent steps).
    const output = s.outputMessages ?? noMessages;
    for (let k = 0; k < output.length; k++) {
      const parts = output[k]!.parts;
      for (let j = 0; j < parts.length; j++) {
        const p = parts[j]!;
        if (p.type !== 'tool_call') continue;
        const ref: ToolCallRef = { llm: i, id: p.id, name: p.name, used: false };
        if (p.id !== undefined && !this.callsById.has(p.id)) this.callsById.set(p.id, ref);
        let named = this.callsByName.get(p.name);
        if (!named) this.callsByName.set(p.name, (named = new NamedCalls(this.steps)));
        named.add(ref);
      }
    }
    const input = s.inputMessages ?? noMessages;
    for (let k = 0; k < input.length; k++) {
      const parts = input[k]!.parts;
      for (let j = 0; j < parts.length; j++) {
        const p = parts[j]!;
        if (p.type !== 'tool_result') continue;
        read?.(p.id, p.name);
        if (p.id !== undefined) pushOnce(this.resultsById, p.id, i);
        if (p.name !== undefined) pushOnce(this.resultsByName, p.name, i);
        if (p.id === undefined && p.name === undefined && this.anonymousResults[this.anonymousResults.length - 1] !== i) this.anonymousResults.push(i);
      }
    }
  }

  /** The call the tool takes (by its call id, else by name: then marked taken); undefined for none. */
  takeCall(tool: AgentStep): ToolCallRef | undefined {
    const call = (tool.toolCallId !== undefined ? this.callsById.get(tool.toolCallId) : undefined) ?? (tool.toolName !== undefined ? this.callsByName.get(tool.toolName)?.callFor(tool) : undefined);
    if (call) call.used = true;
    return call;
  }

  /** Whether an LLM step asked for a call with this id. */
  hasCallId(id: string): boolean {
    return this.callsById.has(id);
  }

  /**
   * The LLM step that read the tool's result: by the call's id, else the tool's name, else one carrying
   * results of neither (`readBy` says which: a reader found later by a surer way replaces it).
   */
  consumerOf(tool: AgentStep, callId: string | undefined): number | undefined {
    let at = callId !== undefined ? this.after(this.resultsById.get(callId), tool) : undefined;
    this.readBy = 'id';
    if (at === undefined && tool.toolName !== undefined) {
      at = this.after(this.resultsByName.get(tool.toolName), tool);
      this.readBy = 'name';
    }
    if (at === undefined) {
      at = this.after(this.anonymousResults, tool);
      this.readBy = at === undefined ? undefined : 'any';
    }
    return at;
  }

  /** How consumerOf found its answer last (undefined: none found). Set there rather than returned: no object per tool. */
  readBy: ReadBy | undefined;

  /**
   * The tool at `t`'s links, pushed to `out`: from the LLM step of `call` (the one it took), to the step that
   * read its result (returned; readBy says how it was found).
   */
  link(tool: AgentStep, t: number, call: ToolCallRef | undefined, out: DataflowLink[]): number | undefined {
    const callId = call?.id ?? tool.toolCallId;
    const label = callId ?? tool.toolName;
    if (call) out.push([call.llm, t, label]);
    const consumer = this.consumerOf(tool, callId);
    if (consumer !== undefined && consumer !== t) out.push([t, consumer, label]);
    return consumer;
  }

  private after(list: readonly number[] | undefined, tool: AgentStep): number | undefined {
    return list ? firstStartingAtOrAfter(this.steps, list, tool.startMs) : undefined;
  }
}

/** Dataflow as [from index, to index, label] triples, by tool (its call's link, then its consumer's). */
export function dataflowLinks(steps: readonly AgentStep[]): DataflowLink[] {
  return runWhole(dataflowWork(steps));
}

/** dataflowLinks as work that yields every few thousand steps (work.ts: the engine worker cuts a 1M-step session's). */
export function* dataflowWork(steps: readonly AgentStep[]): Generator<void, DataflowLink[]> {
  const edges: DataflowLink[] = [];
  const traces = yield* indexingTraces(steps);
  for (let t = 0; t < steps.length; t++) {
    if (yieldsAt(t)) yield;
    const tool = steps[t]!;
    if (tool.kind !== 'tool') continue;
    const index = traces.get(tool.traceId);
    index?.link(tool, t, index.takeCall(tool), edges);
  }
  return edges;
}

/** Per trace, its LLM steps indexed. */
function* indexingTraces(steps: readonly AgentStep[]): Generator<void, Map<string, TraceDataflow>> {
  const traces = new Map<string, TraceDataflow>();
  // One call traced twice (a wrapper LLM span over the client's own): the messages are read from one of
  // them, the inner one when it carries any.
  const innerHasMessages = new SpanSet();
  // Only aggregate LLM steps ask: most sessions have none, and need no key per step.
  if (steps.some((s) => s.kind === 'llm' && s.aggregate)) {
    for (const s of steps) {
      if (s.kind === 'llm' && s.parentSpanId !== undefined && (s.outputMessages?.length || s.inputMessages?.length)) innerHasMessages.add(s.parentSpanId, s.traceId);
    }
    yield;
  }
  for (let i = 0; i < steps.length; i++) {
    if (yieldsAt(i)) yield;
    const s = steps[i]!;
    if (s.kind !== 'llm' || (s.aggregate && innerHasMessages.has(s.spanId, s.traceId))) continue;
    let t = traces.get(s.traceId);
    if (!t) traces.set(s.traceId, (t = new TraceDataflow(steps)));
    t.addLlm(i);
  }
  return traces;
}

function pushOnce(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}
