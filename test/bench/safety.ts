// Safety findings vs model building: time of findSafety over a session's steps and graph as a share of the time it
// takes to build the model (buildSession: normalise, graph, timeline, loops, totals) from the same spans.
// Sessions: the ingest bench's SDK-made spans, the synthetic four-dialect agent session (prompts, tool
// calls and results in every step), and the recorded poisoned-agent run repeated.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSession, spanInputsFromRequests } from '../../src/core/agent';
import type { SpanInput } from '../../src/core/agent/types';
import { decodeTraceRequest } from '../../src/core/otlp/protoDecode';
import { findSafety } from '../../src/core/safety';
import { parseOtlpText } from '../../src/core/sessionFiles';
import { syntheticSession } from '../unit/agent/synthetic';
import { makePayloads } from './payloads';

export interface SafetyBenchRow {
  name: string;
  spans: number;
  buildMs: number;
  safetyMs: number;
  findings: number;
  ratio: number;
}

/** Median of `rounds` timings (ms) of fn. */
function median(rounds: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

function row(name: string, inputs: SpanInput[], rounds = 5): SafetyBenchRow {
  const session = buildSession(inputs);
  const buildMs = median(rounds, () => buildSession(inputs));
  let findings = 0;
  const safetyMs = median(rounds, () => (findings = findSafety(session.steps, {}, session.graph).length));
  return { name, spans: inputs.length, buildMs, safetyMs, findings, ratio: safetyMs / buildMs };
}

export function benchSafety(): SafetyBenchRow[] {
  const root = join(__dirname, '../../..');
  const sdk = spanInputsFromRequests(makePayloads(10, 1000).map((p) => decodeTraceRequest(p)));
  const { traces, logs } = parseOtlpText(readFileSync(join(root, 'test/fixtures/safety/poisoned-agent.otlp.json'), 'utf8'));
  const poisoned = spanInputsFromRequests(traces, logs);
  // The poisoned run 500 times over, each copy its own trace with its own span ids.
  const repeated = Array.from({ length: 500 }, (_, k) =>
    poisoned.map((i) => ({ ...i, span: { ...i.span, traceId: k.toString(16).padStart(32, '0'), spanId: `${k.toString(16).padStart(8, '0')}${i.span.spanId.slice(8)}`, parentSpanId: i.span.parentSpanId ? `${k.toString(16).padStart(8, '0')}${i.span.parentSpanId.slice(8)}` : '' } })),
  ).flat();
  return [row('ingest bench spans (10 x 1,000, OTel JS SDK)', sdk), row('synthetic agent session, 4 dialects', syntheticSession(10_000)), row('poisoned-agent run x 500', repeated)];
}

export function printSafety(rows: readonly SafetyBenchRow[]): void {
  console.log('\nSafety findings vs model building (median of 5; goal: findings add < 10%)');
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(46)} ${String(r.spans).padStart(6)} spans: model ${r.buildMs.toFixed(0).padStart(5)} ms, findings ${r.safetyMs.toFixed(0).padStart(4)} ms (${r.findings} found) -> ratio ${r.ratio.toFixed(3)} (${r.ratio < 0.1 ? 'met' : 'NOT met'})`);
  }
}

if (require.main === module) printSafety(benchSafety());
