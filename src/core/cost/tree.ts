// Descendants of a step, from the parent links (cycle-safe: the links come from the wire).
import { parentIndices } from '../agent/tree';
import type { AgentStep } from '../agent/types';

const none: readonly number[] = [];

/**
 * `enter`: asked of each descendant before it is listed; false leaves it and its subtree out (a walk that
 * knows a subtree is counted already stops there).
 */
export type Below = (i: number, enter?: (d: number) => boolean) => readonly number[];

/** Each step's children, as offsets into one array: children[first[i]] .. children[first[i + 1] - 1]. */
interface ChildLists {
  first: Int32Array;
  children: Int32Array;
}

function childLists(parent: Int32Array): ChildLists {
  const n = parent.length;
  const first = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0 && parent[i]! < n) first[parent[i]! + 1]!++;
  for (let i = 0; i < n; i++) first[i + 1]! += first[i]!;
  const children = new Int32Array(first[n]!);
  const fill = first.slice(0, n);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0 && parent[i]! < n) children[fill[parent[i]!]!++] = i;
  return { first, children };
}

/**
 * A lookup of every step's descendants (built once; each call walks only the subtree, depth first as a
 * stack of child lists would). The walk marks what it saw in a stamp array: the Cost view asks for every
 * tool step's subtree, and a Map of child lists and a Set per call were a tenth of its report on 100k steps.
 */
export function descendantsOf(steps: readonly AgentStep[], parent = parentIndices(steps)): Below {
  const n = parent.length;
  const { first, children } = childLists(parent);
  const seenIn = new Int32Array(n);
  let walk = 0;
  let stack = new Int32Array(16);
  return (i, enter) => {
    if (first[i] === first[i + 1]) return none;
    walk++;
    seenIn[i] = walk;
    const out: number[] = [];
    let top = 0;
    const push = (p: number) => {
      for (let k = first[p]!; k < first[p + 1]!; k++) {
        if (top === stack.length) {
          const grown = new Int32Array(stack.length * 2);
          grown.set(stack);
          stack = grown;
        }
        stack[top++] = children[k]!;
      }
    };
    push(i);
    while (top > 0) {
      const c = stack[--top]!;
      if (seenIn[c] === walk) continue;
      seenIn[c] = walk;
      if (enter && !enter(c)) continue;
      out.push(c);
      push(c);
    }
    return out;
  };
}

/**
 * Per step, `value` summed over the step and every step below it, in one pass (a walk of each subtree was
 * quadratic in a deep run: a chain of 20k nested steps priced in ~4 s). The links come from the wire and
 * may loop: a step on a loop has every step of its loop's component below it, as a walk finds them.
 */
export function subtreeSums(parent: Int32Array, value: (i: number) => number): Float64Array {
  const n = parent.length;
  const sum = new Float64Array(n);
  const valid = (p: number) => p >= 0 && p < n;
  // The steps on a loop of parent links (each step has one parent: following them ends at a root or a loop).
  const state = new Uint8Array(n); // 0 new, 1 on the current path, 2 done
  const onLoop = new Uint8Array(n);
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    if (state[i] !== 0) continue;
    path.length = 0;
    let v = i;
    while (valid(v) && state[v] === 0) {
      state[v] = 1;
      path.push(v);
      v = parent[v]!;
    }
    if (valid(v) && state[v] === 1) for (let k = path.length - 1; k >= 0; k--) {
      onLoop[path[k]!] = 1;
      if (path[k] === v) break;
    }
    for (const u of path) state[u] = 2;
  }
  // Children before parents: steps off every loop, in the reverse of an order from their tops down.
  const order: number[] = [];
  const { first, children } = childLists(parent);
  for (let i = 0; i < n; i++) if (!onLoop[i] && (!valid(parent[i]!) || onLoop[parent[i]!])) order.push(i);
  for (let k = 0; k < order.length; k++) {
    const p = order[k]!;
    for (let c = first[p]!; c < first[p + 1]!; c++) if (!onLoop[children[c]!]) order.push(children[c]!);
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    sum[i] += value(i);
    const p = parent[i]!;
    if (valid(p) && !onLoop[p]) sum[p] += sum[i];
  }
  // A loop: its steps' own values and the subtrees hanging off it, the same for each of its steps.
  const done = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!onLoop[i] || done[i]) continue;
    const loop: number[] = [];
    for (let v = i; !done[v]; v = parent[v]!) {
      done[v] = 1;
      loop.push(v);
    }
    let total = 0;
    for (const v of loop) {
      total += value(v);
      for (let c = first[v]!; c < first[v + 1]!; c++) if (!onLoop[children[c]!]) total += sum[children[c]!]!;
    }
    for (const v of loop) sum[v] = total;
  }
  return sum;
}
