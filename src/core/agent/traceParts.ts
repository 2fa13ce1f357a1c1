// The parts of a trace that relating its steps can reach from one another: steps joined by parent links.
// Everything relateSteps does (framework rules, aggregates, agent names, depth) follows parent links, so
// a part related alone, or with other parts, gives what relating the whole trace gives it. A long run is
// one trace whose agent span ends last: until then its new spans join no old part, and a live update
// relates only the parts they are in. Not for a trace whose span ids repeat (a repeated id's parent link
// depends on the whole trace): add() refuses it.
import { allZeros, hexId } from './normalise';
import type { AgentStep, SpanInput } from './types';

export interface Part {
  inputs: SpanInput[];
  /** Its inputs' steps as last related (a step a framework rule folded away is not among them). */
  steps: AgentStep[];
  /** The part it was merged into. */
  into?: Part;
}

export class TraceParts {
  /** Span id -> its part (or one merged since: see top). */
  private readonly partOf = new Map<string, Part>();
  /** A parent span id not (yet) in the trace -> the parts whose spans name it. */
  private readonly waiting = new Map<string, Part[]>();

  /** The parts of a trace's inputs, all new; undefined when a span id repeats. */
  static of(inputs: readonly SpanInput[]): TraceParts | undefined {
    const parts = new TraceParts();
    return parts.add(inputs) && parts;
  }

  /**
   * Adds a trace's new inputs: the parts they are in now (each merged with the parts it joins), each once,
   * with the steps those parts had. undefined, with nothing added, when a span id repeats.
   */
  add(inputs: readonly SpanInput[]): Part[] | undefined {
    const ids = inputs.map(spanIdOf);
    const seen = new Set<string>();
    for (const id of ids) {
      if (this.partOf.has(id) || seen.has(id)) return undefined;
      seen.add(id);
    }
    const touched: Part[] = [];
    inputs.forEach((input, i) => {
      const id = ids[i]!;
      let part: Part = { inputs: [input], steps: [] };
      this.partOf.set(id, part);
      const parent = parentIdOf(input);
      if (parent !== undefined) {
        const above = this.partOf.get(parent);
        if (above) part = union(top(above), part);
        else {
          const list = this.waiting.get(parent);
          if (list) list.push(part);
          else this.waiting.set(parent, [part]);
        }
      }
      const below = this.waiting.get(id);
      if (below) {
        this.waiting.delete(id);
        for (const b of below) part = union(part, top(b));
      }
      touched.push(part);
    });
    return [...new Set(touched.map(top))];
  }

  /** The part an input is in (an input of this trace). */
  partOfInput(input: SpanInput): Part {
    return top(this.partOf.get(spanIdOf(input))!);
  }

  /** Every step of the trace, as last related. */
  steps(): AgentStep[] {
    const out: AgentStep[] = [];
    // Each part was made for one input and filed under its span id: the parts not merged are each there once.
    for (const part of this.partOf.values()) if (!part.into) for (const s of part.steps) out.push(s);
    return out;
  }
}

function top(part: Part): Part {
  let p = part;
  while (p.into) p = p.into;
  // Shortened on the way (a chain of merges is walked once).
  for (let q = part; q.into && q.into !== p; ) {
    const next: Part = q.into;
    q.into = p;
    q = next;
  }
  return p;
}

/** The larger of two parts (tops) takes the other's inputs and steps. */
function union(a: Part, b: Part): Part {
  if (a === b) return a;
  const [big, small] = a.inputs.length >= b.inputs.length ? [a, b] : [b, a];
  for (const input of small.inputs) big.inputs.push(input);
  for (const s of small.steps) big.steps.push(s);
  small.into = big;
  small.inputs = [];
  small.steps = [];
  return big;
}

/** As the step's ids are. */
const spanIdOf = (input: SpanInput): string => hexId(input.span.spanId);

/** The parent's span id, or undefined for a root (none, or all zeros), as normaliseSpan reads it. */
function parentIdOf(input: SpanInput): string | undefined {
  const parent = hexId(input.span.parentSpanId);
  return allZeros(parent) ? undefined : parent;
}

/** A span without a parent. */
export const isRoot = (input: SpanInput): boolean => parentIdOf(input) === undefined;

/**
 * A step whose relating reads other parts of its trace: a tool whose arguments came as a bare string takes
 * those of the LLM call that asked for it (frameworks.ts), which may be in another part.
 */
export const relatesAcrossParts = (s: AgentStep): boolean => s.kind === 'tool' && typeof s.toolArgs === 'string';
