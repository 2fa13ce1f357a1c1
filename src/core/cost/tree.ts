// Descendants of a step, from the parent links (cycle-safe: the links come from the wire).
import { parentIndices } from '../agent/tree';
import type { AgentStep } from '../agent/types';

/** A lookup of every step's descendants (built once; each call walks only the subtree). */
export function descendantsOf(steps: readonly AgentStep[]): (i: number) => number[] {
  const parent = parentIndices(steps);
  const children = new Map<number, number[]>();
  parent.forEach((p, i) => {
    if (p < 0) return;
    const list = children.get(p);
    if (list) list.push(i);
    else children.set(p, [i]);
  });
  return (i) => {
    const out: number[] = [];
    const seen = new Set<number>([i]);
    const stack = [...(children.get(i) ?? [])];
    while (stack.length > 0) {
      const c = stack.pop()!;
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(c);
      stack.push(...(children.get(c) ?? []));
    }
    return out;
  };
}
