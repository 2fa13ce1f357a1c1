// One step -> the line of code behind it, best evidence first (issue: spans <-> source):
//   1. code.* attributes   2. a stack trace's first workspace frame   3. tool definitions by name
//   4. prompt text matched against the workspace   5. agent definitions by gen_ai.agent.name
// A step with no location gets the reason instead, naming what was tried.
import { flattenAttributes, spanAttributes, str } from '../agent/attributes';
import { sourceFromAttributes } from '../agent/source';
import type { AgentStep, Message, SourceLocation, SpanInput } from '../agent/types';
import { folderOf, type SourceIndex } from './sourceIndex';
import { isLibraryPath, parseStackFrames } from './stackFrames';

export type Resolution = { location: SourceLocation } | { missing: string };

/** Stack traces a span carries: code.stacktrace, and exception events on the span or in its log records. */
export function stackTracesOf(input: SpanInput | undefined): string[] {
  if (!input) return [];
  const out: string[] = [];
  const add = (v: unknown) => {
    const s = str(v);
    if (s) out.push(s);
  };
  const attrs = spanAttributes(input.span);
  add(attrs['code.stacktrace']);
  add(attrs['exception.stacktrace']);
  for (const e of input.span.events ?? []) add(flattenAttributes(e.attributes)['exception.stacktrace']);
  for (const l of input.logs ?? []) add(flattenAttributes(l.attributes)['exception.stacktrace']);
  return out;
}

/** Locations found by a name more than one definition answers equally well (see findDefinition's `near`). */
const tiedLocations = new WeakSet<SourceLocation>();

/** Whether `location` was one of several equally good definitions (another step of the run may settle it). */
export function isTied(location: SourceLocation): boolean {
  return tiedLocations.has(location);
}

/** `near`: folders where the rest of the run was found, for a name several files define. */
export function resolveStep(step: AgentStep, index: SourceIndex, stackTraces: readonly string[] = [], near?: ReadonlySet<string>): Resolution {
  const tried: string[] = [];

  const attr = sourceFromAttributes(step.attributes);
  if (attr) {
    const mapped = index.resolvePath(attr.path);
    // A path the workspace does not have is still the emitter's word: the editor may find it on disk.
    return { location: { ...attr, path: mapped ?? attr.path, confidence: mapped ? 1 : 0.9, detail: mapped && mapped !== attr.path ? `code.file.path ${attr.path}` : 'code.* attributes' } };
  }
  tried.push('no code.* attributes');

  if (stackTraces.length) {
    for (const trace of stackTraces) {
      for (const frame of parseStackFrames(trace)) {
        if (isLibraryPath(frame.path)) continue;
        const mapped = index.resolvePath(frame.path);
        if (mapped) return { location: { path: mapped, line: frame.line, how: 'stacktrace', confidence: 0.8, detail: `stack frame ${frame.functionName ?? ''} ${frame.path}:${frame.line}`.replace(/\s+/g, ' ') } };
      }
    }
    tried.push('no stack frame inside the workspace');
  } else {
    tried.push('no stack trace');
  }

  if (step.kind === 'tool') {
    const name = step.toolName ?? step.name;
    const hit = index.findDefinition(name, ['tool', 'function'], near);
    if (hit) {
      const spelled = hit.definition.name === name ? '' : ` (defined as ${hit.definition.name})`;
      const confidence = (hit.definition.kind === 'tool' ? 0.85 : 0.6) * (hit.definition.name === name ? 1 : 0.9) / hit.ties;
      return tied({ path: hit.path, line: hit.line, how: 'tool-index', confidence: round(confidence), detail: `tool ${name}${spelled}` }, hit.ties);
    }
    tried.push(`no tool or function named ${name} in ${index.fileCount} indexed files`);
  }

  if (step.kind === 'llm') {
    for (const [label, text] of promptsOf(step)) {
      const hit = index.matchPrompt(text);
      if (hit) {
        return { location: { path: hit.path, line: hit.line, how: 'prompt-match', confidence: round(0.5 + 0.45 * Math.min(1, hit.matched / hit.of)), detail: `${label}: ${hit.matched} of ${hit.of} lines match` } };
      }
    }
    tried.push(step.systemPrompt || step.inputMessages?.length ? 'its prompt matches no file in the workspace' : 'no prompt recorded (content capture off?)');
  }

  const agentName = step.kind === 'agent' ? (step.agentName ?? step.name) : undefined;
  if (agentName) {
    const hit = index.findDefinition(agentName, ['agent', 'function'], near);
    if (hit) return tied({ path: hit.path, line: hit.line, how: 'agent-index', confidence: round((hit.definition.kind === 'agent' ? 0.8 : 0.55) / hit.ties), detail: `agent ${agentName}` }, hit.ties);
    tried.push(`no agent named ${agentName} in the workspace`);
  }

  return { missing: `No source location: ${tried.join('; ')}.` };
}

/** The texts a prompt template may have produced, most telling first: the system prompt, then the user's. */
function promptsOf(step: AgentStep): [string, string][] {
  const out: [string, string][] = [];
  if (step.systemPrompt) out.push(['system prompt', step.systemPrompt]);
  const text = (role: string) => (step.inputMessages ?? []).filter((m) => m.role === role).map(textOfMessage).join('\n');
  const system = text('system');
  if (system && system !== step.systemPrompt) out.push(['system prompt', system]);
  const user = text('user');
  if (user) out.push(['user prompt', user]);
  return out;
}

function textOfMessage(m: Message): string {
  return m.parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
}

function tied(location: SourceLocation, ties: number): Resolution {
  if (ties > 1) tiedLocations.add(location);
  return { location };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Resolutions by trace and step id (span ids repeat across sessions: a re-run, an import), kept while the
 * index is unchanged: a live session is re-annotated on every update.
 */
export class ResolutionCache {
  private readonly byStep = new Map<string, Resolution>();
  /** The index and its generation the kept resolutions were made against (a new index counts from 0 again). */
  private index: SourceIndex | undefined;
  private generation = -1;

  constructor(private readonly maxEntries = 200_000) {}

  get(index: SourceIndex, traceId: string, stepId: string, resolve: () => Resolution): Resolution {
    if (index !== this.index || index.generation !== this.generation || this.byStep.size >= this.maxEntries) {
      this.byStep.clear();
      this.index = index;
      this.generation = index.generation;
    }
    const key = `${traceId}/${stepId}`;
    let r = this.byStep.get(key);
    if (!r) this.byStep.set(key, (r = resolve()));
    return r;
  }
}

/**
 * Fills step.source (or step.sourceMissing) for every step in place; attribute sources are re-mapped into
 * the workspace. With a cache, a step already resolved against this index is not resolved again.
 */
export function annotateSources(steps: readonly AgentStep[], index: SourceIndex, inputs: ReadonlyMap<string, SpanInput>, cache?: ResolutionCache): void {
  for (const step of steps) {
    const r = resolutionOf(step, index, inputs, cache);
    if ('location' in r) {
      step.source = r.location;
      delete step.sourceMissing;
    } else {
      delete step.source;
      step.sourceMissing = r.missing;
    }
  }
}

/** A copy of `step` with its source (attribute sources re-mapped into the workspace) or why it has none. */
export function withResolution(step: AgentStep, r: Resolution): AgentStep {
  const { source: _source, sourceMissing: _missing, ...rest } = step;
  return 'location' in r ? { ...rest, source: r.location } : { ...rest, sourceMissing: r.missing };
}

/**
 * One step resolved against `index` (its span's stack traces from `inputs`), through `cache` if given;
 * a tie among definitions settled by `near` (the folders where the rest of its run is), uncached.
 */
export function resolutionOf(step: AgentStep, index: SourceIndex, inputs: ReadonlyMap<string, SpanInput>, cache?: ResolutionCache, near?: ReadonlySet<string>): Resolution {
  const resolve = () => resolveStep(step, index, stackTracesOf(inputs.get(step.id)));
  const r = cache ? cache.get(index, step.traceId, step.id, resolve) : resolve();
  return near?.size && 'location' in r && isTied(r.location) ? resolveStep(step, index, stackTracesOf(inputs.get(step.id)), near) : r;
}

/** The folders of the places found without a tie: where a run's other steps are (findDefinition's `near`). */
export function foldersOf(places: readonly (SourceLocation | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const p of places) if (p && !isTied(p)) out.add(folderOf(p.path));
  return out;
}
