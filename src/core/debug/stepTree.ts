// Navigation over a session's steps the way a debugger moves through code: a step is a statement, its
// children are the calls it makes. Steps come in time order (parent before child), so "previous in time"
// is simply the index before.
import { parentIndices } from '../agent/tree';
import type { AgentStep } from '../agent/types';

export class StepTree {
  readonly parent: Int32Array;
  readonly children: number[][];
  readonly roots: number[];
  /** Position of each step among its siblings (children of its parent, or the roots). */
  private readonly siblingIndex: Int32Array;

  constructor(readonly steps: readonly AgentStep[]) {
    this.parent = parentIndices(steps);
    this.children = steps.map(() => []);
    this.roots = [];
    this.siblingIndex = new Int32Array(steps.length);
    steps.forEach((_, i) => {
      const p = this.parent[i];
      const list = p >= 0 ? this.children[p] : this.roots;
      this.siblingIndex[i] = list.length;
      list.push(i);
    });
  }

  get length(): number {
    return this.steps.length;
  }

  indexOf(stepId: string): number | undefined {
    const i = this.steps.findIndex((s) => s.id === stepId);
    return i >= 0 ? i : undefined;
  }

  parentOf(i: number): number | undefined {
    const p = this.parent[i];
    return p >= 0 ? p : undefined;
  }

  firstChild(i: number): number | undefined {
    return this.children[i]?.[0];
  }

  nextSibling(i: number): number | undefined {
    const p = this.parent[i];
    const list = p >= 0 ? this.children[p] : this.roots;
    return list[this.siblingIndex[i] + 1];
  }

  /** The step and its ancestors, innermost first: the call stack. Cycle-safe (parent links come from the wire). */
  ancestry(i: number): number[] {
    const out: number[] = [];
    for (let j: number | undefined = i; j !== undefined && out.length <= this.steps.length; j = this.parentOf(j)) out.push(j);
    return out;
  }

  /** Step over: the next sibling; at the last one, the next sibling of the nearest ancestor that has one. */
  over(i: number): number | undefined {
    for (const j of this.ancestry(i)) {
      const next = this.nextSibling(j);
      if (next !== undefined) return next;
    }
    return undefined;
  }

  /** Step into: the first child; a step without children steps over. */
  into(i: number): number | undefined {
    return this.firstChild(i) ?? this.over(i);
  }

  /** Step out: back to the caller, the parent step. */
  out(i: number): number | undefined {
    return this.parentOf(i);
  }

  /** Step back: the step that started just before. */
  back(i: number): number | undefined {
    return i > 0 ? i - 1 : undefined;
  }

  /** The first step after `i` (in time) for which `hit` is true. */
  forward(i: number, hit: (j: number) => boolean): number | undefined {
    for (let j = i + 1; j < this.steps.length; j++) if (hit(j)) return j;
    return undefined;
  }

  /** The last step before `i` (in time) for which `hit` is true. */
  backward(i: number, hit: (j: number) => boolean): number | undefined {
    for (let j = i - 1; j >= 0; j--) if (hit(j)) return j;
    return undefined;
  }
}
