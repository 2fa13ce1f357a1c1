// Cost findings: loops (the same tool with the same arguments >= 3 times; the same LLM input sent again)
// from the agent model, priced here, plus runaway token growth: LLM calls under one agent whose input
// keeps growing call after call (a conversation that is never trimmed, a tool result pasted back each turn).
import { findLoops, loopPlaces, type Finding } from '../agent/loops';
import type { AgentStep } from '../agent/types';
import type { CostFindingDto } from '../../protocol/cost';
import { subtreeSums } from './tree';
import { parentIndices } from '../agent/tree';
import { pushAll } from '../otlp/fittedArrays';
import { stepIndexById } from '../agent/stepIndex';

/** A finding as the engine keeps it: with the ids of its steps (the wire gets a count and the first). */
export type CostFinding = CostFindingDto & { stepIds: string[] };

function finding(f: Omit<CostFindingDto, 'stepCount' | 'firstStepId'>, stepIds: string[]): CostFinding {
  return { ...f, stepCount: stepIds.length, firstStepId: stepIds[0] ?? '', stepIds };
}

export interface RunawayOptions {
  /** Consecutive LLM calls with growing input needed (default 4). */
  minCalls?: number;
  /** Last input / first input at least this (default 3). */
  minGrowth?: number;
  /** Last input at least this many tokens (default 2000): small prompts growing are normal. */
  minTokens?: number;
}

/** `parents`, `loops`: parentIndices(steps) and findLoops(steps), when the caller has them. */
export function costFindings(steps: readonly AgentStep[], options: RunawayOptions = {}, parents?: Int32Array, loops: readonly Finding[] = findLoops(steps)): CostFinding[] {
  // Each step's own $ and that of anything it ran: made only when there is a loop to price.
  let spent: Float64Array | undefined;
  let index: ReadonlyMap<string, number> | undefined;
  const out: CostFinding[] = loops.map((f) => {
    // The repeats beyond the first are the waste: their own $ and that of anything they ran.
    const at = loopPlaces(f, steps);
    let cost = 0;
    for (let k = 1; k < f.stepIds.length; k++) {
      const i = at ? at[k] : (index ??= stepIndexById(steps)).get(f.stepIds[k]!);
      if (i === undefined) continue;
      spent ??= subtreeSums(parents ?? parentIndices(steps), (j) => (steps[j]!.aggregate ? 0 : (steps[j]!.costUsd ?? 0)));
      cost += spent[i]!;
    }
    return finding({ kind: f.kind, message: f.message, costUsd: cost }, f.stepIds);
  });
  pushAll(out, runawayGrowth(steps, options));
  return out.sort((a, b) => b.costUsd - a.costUsd || b.stepIds.length - a.stepIds.length);
}

export function runawayGrowth(steps: readonly AgentStep[], options: RunawayOptions = {}): CostFinding[] {
  const minCalls = options.minCalls ?? 4;
  const minGrowth = options.minGrowth ?? 3;
  const minTokens = options.minTokens ?? 2000;
  const byAgent = new Map<string, AgentStep[]>();
  for (const s of steps) {
    if (s.kind !== 'llm' || s.aggregate || !s.inputTokens) continue;
    const key = s.agentName ?? '';
    const list = byAgent.get(key);
    if (list) list.push(s);
    else byAgent.set(key, [s]);
  }
  const out: CostFinding[] = [];
  for (const [agent, calls] of byAgent) {
    let start = 0;
    for (let i = 1; i <= calls.length; i++) {
      if (i < calls.length && calls[i].inputTokens! > calls[i - 1].inputTokens!) continue;
      const first = calls[start].inputTokens!;
      const last = calls[i - 1].inputTokens!;
      // A run is copied out only when it is a finding (most are one call long).
      if (i - start >= minCalls && last >= first * minGrowth && last >= minTokens) {
        const run = calls.slice(start, i);
        const who = agent ? `${agent}: ` : '';
        out.push(finding({
          kind: 'runaway-tokens',
          message: `${who}input tokens grew from ${first.toLocaleString('en-US')} to ${last.toLocaleString('en-US')} over ${run.length} consecutive LLM calls (×${(last / first).toFixed(1)})`,
          costUsd: run.reduce((sum, s) => sum + (s.costUsd ?? 0), 0),
        }, run.map((s) => s.id)));
      }
      start = i;
    }
  }
  return out;
}
