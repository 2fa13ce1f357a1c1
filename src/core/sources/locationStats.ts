// Runtime facts per source line, for the CodeLens at tool and prompt definitions: how often the steps
// located there ran in the session, how many failed, their median duration and what they cost.
import type { AgentStep, SourceLocation } from '../agent/types';
import { formatMs, formatUsd } from '../format';
import { toSlashes } from './sourceIndex';

export interface LocationStats {
  path: string;
  line: number;
  label: string;
  calls: number;
  errors: number;
  p50Ms: number;
  /** undefined when no step there has a price. */
  costUsd?: number;
  stepIds: string[];
}

/** What a CodeLens shows (the ids stay in the engine: a tool called 50k times has 50k of them). */
export type LocationStatsDto = Omit<LocationStats, 'stepIds'>;

/** `sourceOf`: where step i is (default: its `source`, as annotateSources filled it). */
export function stepStatsByLocation(steps: readonly AgentStep[], sourceOf = (s: AgentStep, _i: number): SourceLocation | undefined => s.source): LocationStats[] {
  const groups = new Map<string, { at: SourceLocation; list: AgentStep[] }>();
  for (const [i, s] of steps.entries()) {
    const at = sourceOf(s, i);
    if (!at?.line || s.kind === 'other' || s.kind === 'chain') continue;
    const key = `${toSlashes(at.path)}\0${at.line}`;
    const group = groups.get(key);
    if (group) group.list.push(s);
    else groups.set(key, { at, list: [s] });
  }
  return [...groups.values()].map(({ at, list }) => {
    const priced = list.filter((s) => s.costUsd !== undefined);
    const stats: LocationStats = {
      path: toSlashes(at.path),
      line: at.line!,
      label: labelOf(list),
      calls: list.length,
      errors: list.filter((s) => s.status === 'error').length,
      p50Ms: median(list.map((s) => s.durationMs)),
      stepIds: list.map((s) => s.id),
    };
    if (priced.length) stats.costUsd = priced.reduce((sum, s) => sum + s.costUsd!, 0);
    return stats;
  });
}

function labelOf(list: AgentStep[]): string {
  const names = [...new Set(list.map((s) => (s.kind === 'tool' ? (s.toolName ?? s.name) : s.kind === 'llm' ? `${s.model ?? 'LLM'} call` : (s.agentName ?? s.name))))];
  return names.length <= 2 ? names.join(', ') : `${names.slice(0, 2).join(', ')} +${names.length - 2}`;
}

/** The lower median: a real duration that occurred, never an average of two. */
function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}

/** "get_weather · 12 calls · 3 errors · p50 420 ms · $0.004" */
export function formatLocationStats(s: LocationStatsDto): string {
  const parts = [s.label, `${s.calls} ${s.calls === 1 ? 'call' : 'calls'}`];
  if (s.errors) parts.push(`${s.errors} ${s.errors === 1 ? 'error' : 'errors'}`);
  parts.push(`p50 ${formatMs(s.p50Ms)}`);
  if (s.costUsd !== undefined) parts.push(formatUsd(s.costUsd));
  return parts.join(' · ');
}
