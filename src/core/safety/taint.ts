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
  const flow = flowOf();
  const out: SafetyFinding[] = [];
  for (const call of flow.calls) {
    if (!nameMatches(call.name, sinkPatterns)) continue;
    const decider = call.llm !== undefined ? steps[call.llm] : undefined;
    const at = steps[callStep(call)];
    const reader = decider ?? at;
    const hit = firstTaintedArg(steps, sources.get(reader.traceId) ?? [], call.name, call.args, reader);
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

function firstTaintedArg(steps: readonly AgentStep[], sources: Source[], tool: string, args: unknown, reader: AgentStep): { source: Source; field: string; piece: string } | undefined {
  // Only sources the model could have read: same trace (the caller's list), finished before the deciding step started.
  const seen = sources.filter((s) => steps[s.index].endMs <= reader.startMs + 1e-6 && steps[s.index] !== reader);
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
