// Taint: text returned by an untrusted tool (web fetch, file or e-mail read, retrieval) that reappears in
// the arguments of a sensitive tool (send, write, delete, exec, pay) called after the model read it.
// "Reappears" is literal: the argument, or a word of it of 6+ characters, occurs in the source's result.
import type { AgentStep } from '../agent/types';
import { nameMatches } from './glob';
import { maskText } from './mask';
import { stringLeaves } from './stepTexts';
import { shorten } from './textMatch';
import { callStep, type Flow } from './toolCalls';
import type { SafetyFinding, TaintOptions } from './types';
import { lowerBound } from '../lowerBound';

export const defaultTaintSources = ['*fetch*', '*web*', '*browse*', '*scrape*', '*crawl*', '*download*', '*http*', '*read*', '*retriev*', '*search*', '*inbox*', '*get_email*', '*get_mail*', '*open_url*'];
export const defaultTaintSinks = ['*send*', '*write*', '*delete*', '*remove*', '*exec*', '*shell*', '*bash*', '*run_command*', '*pay*', '*transfer*', '*purchase*', '*upload*', '*post*'];

interface Source {
  index: number;
  name: string;
  text: string;
}

export function findTaint(steps: readonly AgentStep[], flowOf: () => Flow, options: TaintOptions = {}): SafetyFinding[] {
  const sourcePatterns = options.sources ?? defaultTaintSources;
  const sinkPatterns = options.sinks ?? defaultTaintSinks;
  const sources = new Map<string, Source[]>();
  steps.forEach((s, index) => {
    const name = s.toolName ?? s.name;
    if (!((s.kind === 'tool' && nameMatches(name, sourcePatterns)) || s.kind === 'retrieval')) return;
    const text = stringLeaves(s.toolResult, 'result').map((f) => f.text).join('\n').toLowerCase();
    if (!text) return;
    const list = sources.get(s.traceId);
    if (list) list.push({ index, name, text });
    else sources.set(s.traceId, [{ index, name, text }]);
  });
  if (sources.size === 0) return [];
  // Steps come in start order (a session's do): lists that do not are searched whole.
  const unsorted = new Set<Source[]>();
  for (const list of sources.values()) if (list.some((s, k) => k > 0 && steps[s.index]!.startMs < steps[list[k - 1]!.index]!.startMs)) unsorted.add(list);
  const flow = flowOf();
  const out: SafetyFinding[] = [];
  for (const call of flow.calls) {
    if (!nameMatches(call.name, sinkPatterns)) continue;
    const decider = call.llm !== undefined ? steps[call.llm] : undefined;
    const at = steps[callStep(call)];
    const reader = decider ?? at;
    const list = sources.get(reader.traceId) ?? [];
    const hit = firstTaintedArg(steps, list, unsorted.has(list), call.name, call.args, reader);
    if (!hit) continue;
    const { source, field, piece } = hit;
    const consumer = (flow.consumers.get(source.index) ?? []).find((c) => call.llm === undefined || c <= call.llm);
    const path = [...new Set([source.index, consumer, call.llm, call.tool].filter((i): i is number => i !== undefined))];
    const ids = path.map((i) => steps[i].id);
    const sinkStep = callStep(call);
    out.push({
      id: `taint:${call.key}:${field}`,
      kind: 'taint',
      rule: 'untrusted-to-sensitive',
      stepId: at.id,
      field,
      match: shorten(maskText(piece), 80),
      why: `the argument repeats text that ${source.name} returned; an injected page or message can steer this call`,
      message: `text from \`${source.name}\` (step ${source.index + 1}) reached \`${field}\` (step ${sinkStep + 1})${call.tool === undefined ? ', asked for by the model (not run yet)' : ''}: path ${path.map((i) => i + 1).join(' -> ')}`,
      heuristic: true,
      path: ids,
    });
    if (decider) out[out.length - 1].callerStepId = decider.id;
  }
  return out;
}

/**
 * The untrusted results a call's arguments are matched against: at most this many, the latest that finished
 * before the deciding step started. Matching every earlier result of the trace made a long run quadratic
 * (40k steps of fetches and sends: 3.5 s; 80k: 14 s); a model reads what it was given lately.
 */
export const maxTaintSources = 64;
/** Results looked at to find them (some may still be running when the call is decided). */
const maxSourcesLooked = 8 * maxTaintSources;

/** `sources`: in step order, so in start order (a result still running at the call's start is skipped). */
function sourcesSeenBy(steps: readonly AgentStep[], sources: Source[], unsorted: boolean, reader: AgentStep): Source[] {
  const read = (s: Source) => steps[s.index]!.endMs <= reader.startMs + 1e-6 && steps[s.index] !== reader;
  if (unsorted) return sources.filter(read).slice(-maxTaintSources);
  // The sources that started by the reader's start: a prefix, found by binary search.
  const lo = lowerBound(sources.length, (i) => steps[sources[i]!.index]!.startMs <= reader.startMs + 1e-6);
  const seen: Source[] = [];
  for (let k = lo - 1; k >= 0 && k >= lo - maxSourcesLooked && seen.length < maxTaintSources; k--) {
    if (read(sources[k]!)) seen.push(sources[k]!);
  }
  return seen.reverse();
}

function firstTaintedArg(steps: readonly AgentStep[], sources: Source[], unsorted: boolean, tool: string, args: unknown, reader: AgentStep): { source: Source; field: string; piece: string } | undefined {
  // Only sources the model could have read: same trace (the caller's list), finished before the deciding step started.
  const seen = sourcesSeenBy(steps, sources, unsorted, reader);
  if (seen.length === 0) return undefined;
  for (const leaf of stringLeaves(args, tool)) {
    const value = leaf.text.trim().toLowerCase();
    if (value.length < 4) continue;
    const pieces = value.length <= 200 ? [value, ...words(value)] : words(value);
    for (const piece of pieces) {
      const source = seen.find((s) => s.text.includes(piece));
      if (source) return { source, field: leaf.field, piece };
    }
  }
  return undefined;
}

/** Distinctive words of a value: addresses, URLs, paths, long words. */
function words(value: string): string[] {
  return [...new Set(value.split(/[\s,;:"'()<>[\]{}|]+/).filter((w) => w.length >= 6))].slice(0, 50);
}
