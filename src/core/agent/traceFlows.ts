// A long trace's dataflow, kept between live updates for the ties it settles (liveSession.ts). A live run
// is one trace whose new steps come after its old ones; linked whole again whenever a new step shared a
// millisecond with an LLM call and a tool (fast tools and the call after them often do), an update of 512
// spans cost the whole trace (a 100k-span run: ~150 ms of each ~200 ms update). Kept, the trace's LLM steps
// stay indexed and each tool keeps the call it took: new steps are indexed and linked, and the old tools a
// new step may give another reader (one found a surer way) are found again. Where the answer could differ
// from dataflowLinks over the whole trace, extend() says so, and the caller links the trace whole.
import { dataflowLinks, TraceDataflow, type DataflowLink } from './dataflow';
import type { ToolCallRef } from './namedCalls';
import type { AgentStep } from './types';
import { lowerBound } from '../lowerBound';

/** Two steps a dataflow link joins: [from, to]. */
export type StepLink = [AgentStep, AgentStep];

/** What an extension changed: the links of the tools it linked, the old steps of their milliseconds, and those milliseconds. */
export interface FlowChange {
  links: StepLink[];
  /** Old steps whose ties are now `links`' (they start in a millisecond `links` were found again for). */
  relinked: AgentStep[];
  /** Milliseconds of old steps whose ties changed (settled again by the caller). */
  changedMs: number[];
}

/** A tool a later LLM step may give another reader: its reader's place (-1: none), its call id. */
interface Reader {
  at: number;
  callId: string | undefined;
}

export class TraceFlows {
  /** The trace's steps in the order they were linked (the live model's sorted order). */
  private readonly steps: AgentStep[] = [];
  private readonly index = new TraceDataflow(this.steps);
  /** Per tool step: the call it took. */
  private readonly calls = new WeakMap<AgentStep, ToolCallRef | undefined>();
  /** The latest start of a tool that took no call by its id: a call asked later at its millisecond could be the one it takes by name. */
  private byNameUntil = -Infinity;
  /** Call ids tools gave that no LLM step asked for: an LLM step asking for one later would be that tool's call. */
  private readonly unresolved = new Set<string>();
  /**
   * Tools whose reader a later step could replace (one read otherwise than by its call's id: by that id; one
   * read by no name, or not at all: by its name). A first reader needs no watching: it is a later step, tied
   * to the tool only when they share the millisecond where new steps begin, which is linked again anyway.
   */
  private readonly readers = new Map<AgentStep, Reader>();
  private readonly weakById = new Map<string, AgentStep[]>();
  private readonly weakByName = new Map<string, Set<AgentStep>>();

  private constructor() {}

  /**
   * The links of one trace's steps (in the live model's order; as dataflowLinks gives them), and what extends
   * them when the trace grows at its end: none for a trace with aggregate LLM steps (which step of a call
   * traced twice is indexed depends on the whole trace).
   */
  static of(ordered: readonly AgentStep[]): { links: StepLink[]; flows?: TraceFlows } {
    const flows = new TraceFlows();
    const links = flows.extend(ordered)?.links;
    return links ? { links, flows } : { links: dataflowLinks(ordered).map(([a, b]): StepLink => [ordered[a]!, ordered[b]!]) };
  }

  /** The step linked last (the trace's last in order). */
  get last(): AgentStep | undefined {
    return this.steps[this.steps.length - 1];
  }

  /**
   * Links `fresh` (in order, every one after the steps linked so far): their links, and those of every tool
   * in an old millisecond whose ties may change (where `fresh` begins; where a tool got another reader).
   * undefined, with nothing changed, when the answer could differ from linking the whole trace again: then
   * this is of no further use.
   */
  extend(fresh: readonly AgentStep[]): FlowChange | undefined {
    if (fresh.length === 0) return { links: [], relinked: [], changedMs: [] };
    for (const s of fresh) {
      if (s.kind !== 'llm') continue;
      if (s.aggregate) return undefined;
      for (const m of s.outputMessages ?? []) {
        for (const p of m.parts) {
          // A call an earlier tool could have taken: by the id it gave, or by name at its millisecond.
          if (p.type === 'tool_call' && ((p.id !== undefined && this.unresolved.has(p.id)) || s.startMs <= this.byNameUntil)) return undefined;
        }
      }
    }
    const steps = this.steps;
    const from = steps.length;
    for (const s of fresh) steps.push(s);
    const candidates = new Set<AgentStep>();
    for (let i = from; i < steps.length; i++) if (steps[i]!.kind === 'llm') this.addLlm(i, candidates);
    // Old milliseconds whose ties may change: where the new steps begin, and where a tool got a new reader.
    const changedMs = new Set<number>();
    for (const tool of candidates) {
      const reader = this.readers.get(tool)!;
      const at = this.index.consumerOf(tool, reader.callId) ?? -1;
      if (at === reader.at) continue;
      changedMs.add(tool.startMs);
      this.unfile(tool, reader.callId);
      this.file(tool, reader.callId, at);
    }
    const out: DataflowLink[] = [];
    const relinked: AgentStep[] = [];
    // Every step of those milliseconds is tied again: each link found again is a tool's (found in order by start).
    for (const ms of new Set([fresh[0]!.startMs, ...changedMs])) {
      for (let t = lowerBound(from, (i) => steps[i]!.startMs < ms); t < from && steps[t]!.startMs === ms; t++) {
        const step = steps[t]!;
        relinked.push(step);
        if (step.kind === 'tool') this.index.link(step, t, this.calls.get(step), out);
      }
    }
    for (let t = from; t < steps.length; t++) {
      const tool = steps[t]!;
      if (tool.kind !== 'tool') continue;
      const call = this.take(tool);
      this.file(tool, call?.id ?? tool.toolCallId, this.index.link(tool, t, call, out) ?? -1);
    }
    changedMs.delete(fresh[0]!.startMs);
    return { links: out.map(([a, b]): StepLink => [steps[a]!, steps[b]!]), relinked, changedMs: [...changedMs] };
  }

  /** Indexes a new LLM step; the tools its results may give another reader go to `candidates`. */
  private addLlm(i: number, candidates: Set<AgentStep>): void {
    this.index.addLlm(i, (id, name) => {
      for (const tool of (id !== undefined ? this.weakById.get(id) : undefined) ?? []) candidates.add(tool);
      for (const tool of (name !== undefined ? this.weakByName.get(name) : undefined) ?? []) candidates.add(tool);
    });
  }

  /** The call a new tool takes, noted for the updates to come. */
  private take(tool: AgentStep): ToolCallRef | undefined {
    const id = tool.toolCallId;
    const byId = id !== undefined && this.index.hasCallId(id);
    const call = this.index.takeCall(tool);
    this.calls.set(tool, call);
    if (!byId) {
      this.byNameUntil = Math.max(this.byNameUntil, tool.startMs);
      if (id !== undefined) this.unresolved.add(id);
    }
    return call;
  }

  /** Files a tool by how a later step could give it a surer reader (`at`: its reader now, -1 for none; readBy: how it was found). */
  private file(tool: AgentStep, callId: string | undefined, at: number): void {
    const by = at < 0 ? undefined : this.index.readBy;
    const byId = by !== 'id' && callId !== undefined;
    const byName = (by === undefined || by === 'any') && tool.toolName !== undefined;
    if (!byId && !byName) return;
    this.readers.set(tool, { at, callId });
    if (byId) {
      // Most ids are one tool's: a small array per id, not a Set.
      const list = this.weakById.get(callId);
      if (list) list.push(tool);
      else this.weakById.set(callId, [tool]);
    }
    if (byName) fileUnder(this.weakByName, tool.toolName!, tool);
  }

  private unfile(tool: AgentStep, callId: string | undefined): void {
    this.readers.delete(tool);
    if (tool.toolName !== undefined) this.weakByName.get(tool.toolName)?.delete(tool);
    const list = callId === undefined ? undefined : this.weakById.get(callId);
    const at = list ? list.indexOf(tool) : -1;
    if (at < 0) return;
    if (list!.length === 1) this.weakById.delete(callId!);
    else list!.splice(at, 1);
  }
}

function fileUnder(map: Map<string, Set<AgentStep>>, key: string, tool: AgentStep): void {
  const set = map.get(key);
  if (set) set.add(tool);
  else map.set(key, new Set([tool]));
}
