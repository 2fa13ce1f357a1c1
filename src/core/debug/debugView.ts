// What the debug adapters hold of a session: each step's navigation and stop facts, located, with the
// loops and trace breakpoints already judged. Made where the steps are (the engine's worker) and packed
// into columns and tables, so a stop on a long run moves no messages, attributes or per-step objects to
// VS Code's thread; a step's whole record is fetched when the Variables view asks for it.
import { parentIndices } from '../agent/tree';
import type { AgentStep, SourceLocation, StepKind, StepStatus } from '../agent/types';
import type { SafetyOptions } from '../safety';
import { firstMatch, loopRepeats, parseBreakOnList, safetyFlags } from './breakOn';

/** A step as the debugger shows and stops on it (no messages, tool payloads or attributes). */
export type DebugStep = Pick<AgentStep, 'id' | 'kind' | 'name' | 'status'> & Partial<Pick<AgentStep, 'toolName' | 'model' | 'error' | 'source'>>;

/** A session's steps in time order (as normaliseSession returns them), as columns. */
export interface DebugView {
  /** Span ids. */
  ids: string[];
  /** Each step's parent step (-1: a root, or a parent not in the session). */
  parent: Int32Array;
  /** Strings the columns below point into. */
  texts: string[];
  kind: Int32Array;
  name: Int32Array;
  status: Int32Array;
  /** -1: none. */
  tool: Int32Array;
  model: Int32Array;
  /** The session's $ up to and including each step (aggregates not counted twice). */
  cumulativeUsd: Float64Array;
  /** Each step's place in `places` (-1: not located). */
  place: Int32Array;
  places: SourceLocation[];
  /** Failed steps' messages, by step index. */
  errors: [number, string][];
  /** Steps that repeat an identical earlier call (loopRepeats). */
  repeats: number[];
  /** Steps that meet a `breakOn` condition: the step's index and the first condition's text. */
  breaks: [number, string][];
}

/** Where a session's steps come from for a debug adapter: the view, and a step's whole record on demand. */
export interface DebugSteps {
  view: DebugView;
  detail(stepId: string): Promise<AgentStep | undefined>;
}

/** Where step i is. */
export type StepLocator = (s: AgentStep, i: number) => SourceLocation | undefined;

/** `steps` as the debugger holds them; `locate` gives a step's source (default: what the step says). */
export function debugView(steps: readonly AgentStep[], breakOn: readonly string[], locate: StepLocator = (s) => s.source, safety: SafetyOptions = {}): DebugView {
  const n = steps.length;
  const texts: string[] = [];
  const textAt = new Map<string, number>();
  const text = (t: string | undefined) => {
    if (t === undefined) return -1;
    let i = textAt.get(t);
    if (i === undefined) textAt.set(t, (i = texts.push(t) - 1));
    return i;
  };
  const places: SourceLocation[] = [];
  const placeAt = new Map<string, number>();
  const view: DebugView = {
    ids: steps.map((s) => s.id), parent: parentIndices(steps), texts,
    kind: new Int32Array(n), name: new Int32Array(n), status: new Int32Array(n), tool: new Int32Array(n), model: new Int32Array(n),
    cumulativeUsd: new Float64Array(n), place: new Int32Array(n), places, errors: [], repeats: [], breaks: [],
  };
  let usd = 0;
  steps.forEach((s, i) => {
    view.kind[i] = text(s.kind);
    view.name[i] = text(s.name);
    view.status[i] = text(s.status);
    view.tool[i] = text(s.toolName);
    view.model[i] = text(s.model);
    if (!s.aggregate) usd += s.costUsd ?? 0;
    view.cumulativeUsd[i] = usd;
    if (s.status === 'error' && s.error !== undefined) view.errors.push([i, s.error]);
    const at = locate(s, i);
    const key = at && JSON.stringify(at);
    let p = key === undefined ? -1 : placeAt.get(key);
    if (p === undefined) placeAt.set(key!, (p = places.push(at!) - 1));
    view.place[i] = p;
  });
  const conditions = parseBreakOnList(breakOn);
  const repeats = loopRepeats(steps);
  const flags = safetyFlags(steps, conditions, safety);
  steps.forEach((s, i) => {
    if (repeats.has(s.id)) view.repeats.push(i);
    const hit = conditions.length ? firstMatch(conditions, s, repeats, flags) : undefined;
    if (hit) view.breaks.push([i, hit.text]);
  });
  return view;
}

export const emptyDebugView = (): DebugView => debugView([], []);

/** Full steps kept in this process (tests, small sessions): the view and a lookup. */
export function localDebugSteps(steps: readonly AgentStep[], breakOn: readonly string[], locate?: StepLocator): DebugSteps {
  const byId = new Map(steps.map((s) => [s.id, s]));
  return { view: debugView(steps, breakOn, locate), detail: async (id) => byId.get(id) };
}

/** Every step of a view, read back (tests; the adapter reads them one at a time). */
export function viewSteps(view: DebugView): DebugStep[] {
  const steps = new ViewedSteps(view);
  return steps.ids.map((_, i) => steps.step(i)!);
}

/** A view's steps read back one at a time, as the adapter asks for them. */
export class ViewedSteps {
  readonly ids: string[];
  private readonly errors: Map<number, string>;

  constructor(readonly view: DebugView) {
    this.ids = view.ids;
    this.errors = new Map(view.errors);
  }

  get length(): number {
    return this.ids.length;
  }

  step(i: number): DebugStep | undefined {
    const v = this.view;
    if (!(i >= 0 && i < this.ids.length)) return undefined;
    const s: DebugStep = { id: this.ids[i], kind: v.texts[v.kind[i]] as StepKind, name: v.texts[v.name[i]], status: v.texts[v.status[i]] as StepStatus };
    if (v.tool[i] >= 0) s.toolName = v.texts[v.tool[i]];
    if (v.model[i] >= 0) s.model = v.texts[v.model[i]];
    const error = this.errors.get(i);
    if (error !== undefined) s.error = error;
    if (v.place[i] >= 0) s.source = v.places[v.place[i]];
    return s;
  }

  /** A scan, not a map: asked once per stop or goto, where a map of a long session's ids costs more. */
  indexOf(id: string): number | undefined {
    const i = this.ids.indexOf(id);
    return i >= 0 ? i : undefined;
  }
}
