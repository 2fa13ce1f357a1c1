// Random live sessions and their updates, for what a live model extends rather than finds again (links,
// breakdowns): traces kept, grown, changed and trimmed (a trace's later steps gone, as a cap trims it),
// repeated span ids, tool calls matched by id, by name and not at all, and usage and $ on the steps.
import type { AgentStep, Message } from '../../../src/core/agent';
import { seededInts } from '../seeded';

const tools = ['get_weather', 'find_museums', 'book'];

/** A step of trace `trace`: an LLM call asking for tools (by id or not) and reading results, or a tool. */
function stepOf(r: (n: number) => number, trace: string, startMs: number): AgentStep {
  const id = `s${r(12)}`;
  const base = { id, spanId: id, traceId: trace, name: id, dialects: [], startMs, endMs: startMs + r(4), durationMs: 0, status: 'ok', attributes: {}, ...usageOf(id, startMs) };
  const parent = r(3) ? { parentSpanId: `s${r(12)}` } : {};
  const tool = tools[r(tools.length)]!;
  const callId = r(2) ? `c${r(6)}` : undefined;
  if (r(2)) return { ...base, ...parent, kind: 'tool', toolName: r(5) ? tool : undefined, toolCallId: r(2) ? callId : undefined } as AgentStep;
  const asks: Message[] = r(2) ? [{ role: 'assistant', parts: [{ type: 'tool_call', id: callId, name: tool, arguments: {} }] }] : [];
  const reads: Message[] = r(2) ? [{ role: 'tool', parts: [{ type: 'tool_result', id: r(2) ? `c${r(6)}` : undefined, name: r(2) ? tool : undefined, result: 'ok' }] }] : [];
  return { ...base, ...parent, kind: 'llm', outputMessages: asks, inputMessages: reads } as AgentStep;
}

/** `traces` runs (a trace each, its steps together in time), in start order; now and then a step of an earlier run's trace. */
export function randomSession(r: (n: number) => number, traces: number, from = 0, name = 'r'): AgentStep[] {
  const steps: AgentStep[] = [];
  let t = from;
  for (let k = 0; k < traces; k++) for (let n = 1 + r(8); n > 0; n--) steps.push(stepOf(r, r(10) ? `${name}${k}` : `${name}${r(k + 1)}`, (t += r(3))));
  return steps;
}

/** The next version: a prefix kept, the rest copied (some changed), some gone, new runs after (or the last run growing); mostly in start order. */
export function randomUpdate(r: (n: number) => number, steps: readonly AgentStep[], round: number): AgentStep[] {
  const keep = r(steps.length + 1);
  const next = steps.slice(0, keep);
  for (const s of steps.slice(keep)) {
    if (r(4) === 0) continue;
    next.push(r(3) ? { ...s } : { ...s, toolCallId: undefined, parentSpanId: r(2) ? `s${r(12)}` : undefined });
  }
  const last = steps.at(-1);
  if (last && r(2)) next.push(...randomSession(r, 1, last.startMs).map((s) => ({ ...s, traceId: last.traceId })));
  next.push(...randomSession(r, r(3), last?.startMs ?? 0, `u${round}-`));
  if (r(6) !== 0) next.sort((a, b) => a.startMs - b.startMs);
  return next;
}

/** One version of a random session: its first (`round` -1) or an update of the one before. */
export interface RandomVersion {
  run: number;
  round: number;
  steps: AgentStep[];
  before: AgentStep[] | undefined;
}

/**
 * `runs` random sessions (seeded by their number) and `rounds` updates of each, in order; `fix` may adjust each
 * version's steps (those of `before` are kept objects: it must leave them as they are).
 */
export function* randomVersions(runs: number, rounds: number, fix: (steps: AgentStep[], before: readonly AgentStep[]) => AgentStep[] = (s) => s): Generator<RandomVersion> {
  for (let run = 0; run < runs; run++) {
    const r = seededInts(run + 1);
    let steps = fix(randomSession(r, 2 + r(10)), []);
    yield { run, round: -1, steps, before: undefined };
    for (let round = 0; round < rounds; round++) {
      const before = steps;
      steps = fix(randomUpdate(r, steps, round), before);
      yield { run, round, steps, before };
    }
  }
}

/**
 * A step's usage, model, agent and status, from its id and start (the steps' random sequence stays as it
 * was): $ in 1/1024ths, so that sums are exact in any order.
 */
function usageOf(id: string, startMs: number): Partial<AgentStep> {
  const h = (Number(id.slice(1)) * 31 + startMs * 7) % 97;
  const out: Partial<AgentStep> = { model: ['gpt-4o', 'claude', 'mini'][h % 3], agentName: h % 5 ? `agent${h % 4}` : undefined };
  if (h % 4) Object.assign(out, { inputTokens: h * 13, outputTokens: h % 11, costUsd: (h % 9) / 1024 });
  if (h % 13 === 0) out.priceMissing = true;
  if (h % 17 === 0) out.aggregate = true;
  if (h % 19 === 0) out.status = 'error';
  return out;
}
