// The tool calls of one name in one trace, in step order, for tool steps matched by name: those that
// recorded no call id, or one no call has. A tool takes the latest call not matched yet that an LLM step
// asked before the tool started (with the calls of that step just before it, unmatched: parallel calls,
// taken in order); a tool with an id of its own takes only calls without one. Walking back over every
// later and every matched call for each tool made a long run of such tools quadratic (80k steps: 5.9 s):
// the latest call started in time is found by binary search, and runs of matched calls are skipped by
// pointers that only ever move down (a call, once matched, stays matched).
import type { AgentStep } from './types';
import { lowerBound } from '../lowerBound';

export interface ToolCallRef {
  llm: number;
  id?: string;
  name: string;
  used: boolean;
}

/** Calls in step order, with pointers over the matched ones: skip[k] < k says every call in (skip[k], k] is matched. */
class CallList {
  readonly calls: ToolCallRef[] = [];
  private skip: Int32Array | undefined;

  push(ref: ToolCallRef): void {
    this.calls.push(ref);
    this.skip = undefined;
  }

  /** The index of the latest unmatched call at or before `k` (-1 for none). */
  latestUnused(k: number): number {
    const skip = (this.skip ??= Int32Array.from(this.calls, (_, i) => i));
    let at = k;
    while (at >= 0 && this.calls[at]!.used) at = skip[at]! < at ? skip[at]! : at - 1;
    // Everything between is matched: later walks jump straight to `at`.
    for (let v = k; v > at && skip[v] !== at; ) {
      const next = skip[v]! < v ? skip[v]! : v - 1;
      skip[v] = at;
      v = next;
    }
    return at;
  }
}

export class NamedCalls {
  private readonly all = new CallList();
  private readonly withoutId = new CallList();
  /** Per call in `withoutId`, its index in `all`. */
  private readonly allIndex: number[] = [];
  /** Whether the calls' LLM steps are in start order (they are in a session's steps): else the slow walk. */
  private sorted = true;

  constructor(private readonly steps: readonly AgentStep[]) {}

  add(ref: ToolCallRef): void {
    const last = this.all.calls[this.all.calls.length - 1];
    if (last !== undefined && this.steps[last.llm]!.startMs > this.steps[ref.llm]!.startMs) this.sorted = false;
    if (ref.id === undefined) {
      this.allIndex.push(this.all.calls.length);
      this.withoutId.push(ref);
    }
    this.all.push(ref);
  }

  /** The call `tool` takes by name (undefined: none). */
  callFor(tool: AgentStep): ToolCallRef | undefined {
    const own = tool.toolCallId !== undefined;
    if (!this.sorted) return this.walk(tool, own);
    const list = own ? this.withoutId : this.all;
    const at = list.latestUnused(this.lastStartedBy(list.calls, tool.startMs));
    if (at < 0) return undefined;
    let first = list.calls[at]!;
    // Parallel calls of that LLM step just before it, unmatched, in the order they were asked.
    for (let k = (own ? this.allIndex[at]! : at) - 1; k >= 0; k--) {
      const c = this.all.calls[k]!;
      if (c.used || (own && c.id !== undefined) || c.llm !== first.llm) break;
      first = c;
    }
    return first;
  }

  /** The index of the last call whose LLM step started at or before `timeMs` (-1 for none). */
  private lastStartedBy(calls: readonly ToolCallRef[], timeMs: number): number {
    return lowerBound(calls.length, (i) => this.steps[calls[i]!.llm]!.startMs <= timeMs) - 1;
  }

  /** The same answer, walking back over every call (calls out of start order). */
  private walk(tool: AgentStep, own: boolean): ToolCallRef | undefined {
    const calls = this.all.calls;
    let first: ToolCallRef | undefined;
    for (let i = calls.length - 1; i >= 0; i--) {
      const c = calls[i]!;
      if (this.steps[c.llm]!.startMs > tool.startMs) continue;
      if (c.used || (c.id !== undefined && own)) {
        if (first) break;
        continue;
      }
      if (first && c.llm !== first.llm) break;
      first = c;
    }
    return first;
  }
}
