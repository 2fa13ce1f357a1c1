// Loop findings: the same tool called with identical arguments >= 3 times in a session, and the same
// LLM input (model + messages) sent more than once. Arguments are compared as canonical JSON (keys
// sorted, JSON strings parsed), so {"a":1,"b":2} and '{"b":2,"a":1}' are the same call.
import { runWhole, yieldsAt } from '../../protocol/work';
import { setOwn } from './attributes';
import { MemoSampling } from './textMemo';
import type { AgentStep, Message } from './types';

export type FindingKind = 'repeated-tool-call' | 'repeated-llm-input';

export interface Finding {
  kind: FindingKind;
  message: string;
  stepIds: string[];
}

export interface LoopOptions {
  /** Identical tool calls needed for a finding (default 3). */
  minToolRepeats?: number;
  /** Identical LLM inputs needed for a finding (default 2). */
  minLlmRepeats?: number;
}

export function findLoops(steps: readonly AgentStep[], options: LoopOptions = {}): Finding[] {
  return runWhole(findingLoops(steps, options));
}

/** findLoops' work, yielding every few thousand steps (work.ts: 1M steps took seconds). */
export function* findingLoops(steps: readonly AgentStep[], options: LoopOptions = {}): Generator<void, Finding[]> {
  const minTool = options.minToolRepeats ?? 3;
  const minLlm = options.minLlmRepeats ?? 2;
  // Keyed by name (or model), then by the canonical text: one long conversation text is hashed once, not
  // copied into a key per step.
  const tools = new Groups();
  const llms = new Groups();
  // A conversation's canonical text is as long as the conversation: made only for inputs that share their
  // shape (shapeOf) with another, as only those can repeat. On 100k spans of unique growing conversations
  // making it for every LLM input took ~1 s.
  const asked = steps.filter((s) => s.kind === 'llm' && !s.aggregate && s.inputMessages !== undefined && s.inputMessages.length > 0);
  yield;
  const shapes = minLlm > 1 ? yield* sharedShapes(asked) : undefined;
  const shared = new Map<string, number>();
  for (const shape of shapes ?? []) shared.set(shape, (shared.get(shape) ?? 0) + 1);
  let k = 0;
  let keyed = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.kind === 'tool' && s.toolName !== undefined) {
      tools.add(s.toolName, argsKey(s.toolArgs), i);
    } else if (s === asked[k]) {
      if (!shapes || shared.get(shapes[k])! > 1) {
        llms.add(s.model ?? '', messagesKey(s.inputMessages!), i);
        // A 2 KB conversation's canonical text costs ~20-30 µs: 16k of them held the thread ~0.3-0.5 s.
        if ((++keyed & 0x3ff) === 0) yield;
      }
      k++;
    }
    if (yieldsAt(i)) yield;
  }
  const findings: Finding[] = [];
  const found = (f: Omit<Finding, 'stepIds'>, group: number[]) => {
    const finding = { ...f, stepIds: group.map((i) => steps[i]!.id) };
    placesOf.set(finding, group);
    findings.push(finding);
  };
  for (const group of tools.inOrder) {
    if (group.length < minTool) continue;
    const first = steps[group[0]!]!;
    found({ kind: 'repeated-tool-call', message: `${first.toolName} was called ${group.length} times with the same arguments ${truncate(canonicalJson(first.toolArgs), 120)}` }, group);
  }
  for (const group of llms.inOrder) {
    if (group.length < minLlm) continue;
    const first = steps[group[0]!]!;
    found({ kind: 'repeated-llm-input', message: `the same input (${first.inputMessages?.length ?? 0} messages) was sent to ${first.model ?? 'the model'} ${group.length} times` }, group);
  }
  return findings;
}

/** Where a finding's steps were in the steps findLoops read (its stepIds, in order). */
const placesOf = new WeakMap<Finding, readonly number[]>();

/**
 * The places in `steps` of a finding's steps, if findLoops found it in `steps` (a report prices every loop
 * each refresh: an index of 100k ids and a lookup per step were ~40 ms of it); undefined otherwise.
 */
export function loopPlaces(f: Finding, steps: readonly AgentStep[]): readonly number[] | undefined {
  const at = placesOf.get(f);
  if (!at || at.length !== f.stepIds.length) return undefined;
  for (let k = 0; k < at.length; k++) if (steps[at[k]!]?.id !== f.stepIds[k]) return undefined;
  return at;
}

/**
 * Each LLM input's model and shape, or undefined where most inputs repeat (a run replayed over and over):
 * there the shapes would only add to the canonical texts. The first 1024 inputs decide.
 */
function* sharedShapes(asked: readonly AgentStep[], decideAfter = 1024): Generator<void, string[] | undefined> {
  const shapes: string[] = [];
  const seen = new Set<string>();
  const sampling = new MemoSampling();
  let repeats = 0;
  for (const s of asked) {
    const shape = `${s.model ?? ''}\u0000${messagesShape(s.inputMessages!, sampling)}`;
    if (yieldsAt(shapes.length)) yield;
    shapes.push(shape);
    if (shapes.length > decideAfter) continue;
    if (seen.has(shape)) repeats++;
    else seen.add(shape);
    if (shapes.length === decideAfter && repeats * 2 > shapes.length) return undefined;
  }
  return shapes;
}

/** Steps (their places) grouped by a name and a key, the groups in the order their first step came. */
class Groups {
  private readonly byName = new Map<string, Map<string, number[]>>();
  readonly inOrder: number[][] = [];

  add(name: string, key: string, s: number): void {
    let byKey = this.byName.get(name);
    if (!byKey) this.byName.set(name, (byKey = new Map()));
    const list = byKey.get(key);
    if (list) list.push(s);
    else {
      const group = [s];
      byKey.set(key, group);
      this.inOrder.push(group);
    }
  }
}

/** Conversations are shared between the steps that carry the same text (textMemo.ts): made canonical once. */
const canonicalMessages = new WeakMap<readonly Message[], string>();

/** Their shapes likewise (shapeOf; an array's starts from arrayShape). */
const arrayShape = 19;
const messageShapes = new WeakMap<readonly Message[], number>();
/** And each message's: the next call of a run shares the earlier call's messages (growingArrays.ts). */
const oneMessageShapes = new WeakMap<Message, number>();

/**
 * shapeOf(messages), each message's shape made once. `sampling`: one findLoops' use of the memos (a
 * session of unique prompts, none of whose messages was seen before, would only pay for them).
 */
function messagesShape(messages: readonly Message[], sampling: MemoSampling): number {
  if (!sampling.ask()) {
    let shape = arrayShape;
    for (const m of messages) shape = mix(shape, shapeOf(m, 1));
    return shape;
  }
  let shape = messageShapes.get(messages);
  if (shape !== undefined) {
    sampling.found(true);
    return shape;
  }
  let known = false;
  shape = arrayShape;
  for (const m of messages) {
    let one = oneMessageShapes.get(m);
    if (one === undefined) oneMessageShapes.set(m, (one = shapeOf(m, 1)));
    else known = true;
    shape = mix(shape, one);
  }
  messageShapes.set(messages, shape);
  sampling.found(known);
  return shape;
}

/** Parsed arguments are shared between the steps whose argument text is the same (textMemo.ts) too. */
const canonicalArgs = new WeakMap<object, string>();

function argsKey(args: unknown): string {
  if (typeof args !== 'object' || args === null) return canonicalJson(args);
  let key = canonicalArgs.get(args);
  if (key === undefined) canonicalArgs.set(args, (key = canonicalJson(args)));
  return key;
}

function messagesKey(messages: readonly Message[]): string {
  let key = canonicalMessages.get(messages);
  if (key === undefined) canonicalMessages.set(messages, (key = canonicalJson(messages)));
  return key;
}

/** JSON with object keys sorted at every level; JSON-looking strings are parsed first. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value, 0)) ?? 'undefined';
}

function canonical(v: unknown, depth: number): unknown {
  if (depth > 32) return null;
  if (typeof v === 'string') {
    const t = v.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return canonical(JSON.parse(t), depth + 1);
      } catch {
        return v;
      }
    }
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => canonical(x, depth + 1));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) setOwn(out, k, canonical((v as Record<string, unknown>)[k], depth + 1));
    return out;
  }
  return v;
}

/**
 * A number that values with the same canonicalJson share, made without writing their text: strings (leaves
 * and keys) by their length and ends, object keys in any order, JSON-looking strings as what they parse to (as
 * canonical reads them). Different values may share one; equal ones always do.
 */
export function shapeOf(v: unknown, depth = 0): number {
  if (depth > 32) return 1;
  if (typeof v === 'string') {
    // Most texts start with neither a bracket nor white space (all of which is <= 32 or >= 160): no trim.
    const c = v.charCodeAt(0);
    const t = c === 123 || c === 91 || c <= 32 || c >= 160 ? v.trim() : '';
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return shapeOf(JSON.parse(t), depth + 1);
      } catch {
        // Not JSON after all: canonical keeps the string.
      }
    }
    return textShape(v);
  }
  if (typeof v === 'number') return Number.isFinite(v) ? mix(11, v === 0 ? 0 : v * 1e3) : 1; // JSON writes NaN and Infinity as null
  if (typeof v === 'boolean') return v ? 13 : 17;
  if (Array.isArray(v)) {
    let h = arrayShape;
    // JSON writes undefined, functions and symbols in an array as null.
    for (const x of v) h = mix(h, x === undefined || typeof x === 'function' || typeof x === 'symbol' ? 1 : shapeOf(x, depth + 1));
    return h;
  }
  if (typeof v === 'object' && v !== null) {
    // Keys in any order: summed. JSON leaves out undefined, functions and symbols (canonical makes any
    // value past its depth null, which stays).
    let h = 23;
    for (const key of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[key];
      if (depth < 32 && (x === undefined || typeof x === 'function' || typeof x === 'symbol')) continue;
      h = (h + mix(textShape(key), shapeOf(x, depth + 1))) | 0;
    }
    return h;
  }
  return 1; // null (and what JSON writes as null)
}

/** A string by its length and up to 16 characters from each end (where texts of one length tend to differ). */
function textShape(v: string): number {
  const n = v.length;
  let h = mix(7, n);
  const ends = Math.min(16, n);
  for (let i = 0; i < ends; i++) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
  for (let i = Math.max(ends, n - 16); i < n; i++) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
  return h;
}

function mix(h: number, x: number): number {
  return (Math.imul(h ^ (x | 0) ^ Math.floor(x / 4294967296), 0x9e3779b1) + 0x7f4a7c15) | 0;
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
