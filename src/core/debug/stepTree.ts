// Navigation over a session's steps the way a debugger moves through code: a step is a statement, its
// children are the calls it makes. Steps come in time order (parent before child), so "previous in time"
// is simply the index before.

export class StepTree {
  /** First child, and next sibling (children of the same parent, or the next root), by index; -1: none. */
  private readonly firstChildOf: Int32Array;
  private readonly nextSiblingOf: Int32Array;

  /** `parent`: each step's parent index (-1: a root), as parentIndices gives it. Typed arrays: a long session's tree is built on VS Code's thread. */
  constructor(readonly parent: Int32Array) {
    const n = parent.length;
    this.firstChildOf = new Int32Array(n).fill(-1);
    this.nextSiblingOf = new Int32Array(n).fill(-1);
    const lastChild = new Int32Array(n).fill(-1);
    let lastRoot = -1;
    for (let i = 0; i < n; i++) {
      const p = parent[i];
      const before = p >= 0 ? lastChild[p] : lastRoot;
      if (before >= 0) this.nextSiblingOf[before] = i;
      else if (p >= 0) this.firstChildOf[p] = i;
      if (p >= 0) lastChild[p] = i;
      else lastRoot = i;
    }
  }

  get length(): number {
    return this.parent.length;
  }

  parentOf(i: number): number | undefined {
    const p = this.parent[i];
    return p >= 0 ? p : undefined;
  }

  firstChild(i: number): number | undefined {
    const c = this.firstChildOf[i];
    return c >= 0 ? c : undefined;
  }

  nextSibling(i: number): number | undefined {
    const s = this.nextSiblingOf[i];
    return s >= 0 ? s : undefined;
  }

  /** The step and its ancestors, innermost first: the call stack. Cycle-safe (parent links come from the wire). */
  ancestry(i: number): number[] {
    const out: number[] = [];
    for (let j: number | undefined = i; j !== undefined && out.length <= this.length; j = this.parentOf(j)) out.push(j);
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
    for (let j = i + 1; j < this.length; j++) if (hit(j)) return j;
    return undefined;
  }

  /** The last step before `i` (in time) for which `hit` is true. */
  backward(i: number, hit: (j: number) => boolean): number | undefined {
    for (let j = i - 1; j >= 0; j--) if (hit(j)) return j;
    return undefined;
  }
}
