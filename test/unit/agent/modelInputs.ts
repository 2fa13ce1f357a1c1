// Inputs and a text form shared by the model's pinned-output and live-session tests.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { spanInputsFromRequests, type AgentSession, type SpanInput } from '../../../src/core/agent';
import { parseOtlpText } from '../../../src/core/sessionFiles';
import { endSumKeys, type Timeline } from '../../../src/core/agent/timeline';

const root = path.resolve(__dirname, '../../../..');

/** Every recorded fixture (all dialects, frameworks, the gateway's, the safety corpus) as one list of inputs. */
export function fixtureInputs(): SpanInput[] {
  const dirs = [path.join(root, 'test/fixtures'), path.join(root, 'test/fixtures/safety')];
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.otlp.json')).sort().map((f) => path.join(d, f)));
  return files.flatMap((f) => {
    const { traces, logs } = parseOtlpText(readFileSync(f, 'utf8'));
    return spanInputsFromRequests(traces, logs);
  });
}

/** Everything a session holds, typed arrays as plain lists, as one stable text. */
export function sessionText(s: Partial<AgentSession>): string {
  // An edge's step places (fromAt, toAt) are where its ids are (checked in modelPinned.test.ts), left out:
  // the pins were taken before edges carried them. The timeline as it was then: every sum per event.
  return JSON.stringify(s, (key, v: unknown) =>
    key === 'fromAt' || key === 'toAt' ? undefined : key === 'timeline' && v ? sumsPerEvent(v as Timeline) : ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
  );
}

/** A timeline as it was kept before usage and $ were summed per step end: each sum after event i at [i + 1]. */
function sumsPerEvent(t: Timeline): object {
  const keys = ['started', 'finished', ...endSumKeys] as const;
  const sums = Object.fromEntries(keys.map((k) => [k, [0]])) as Record<(typeof keys)[number], number[]>;
  for (let i = 0; i < t.length; i++) {
    sums.started.push(t.started[i]!);
    sums.finished.push(t.finished[i]!);
    for (const k of endSumKeys) sums[k].push(t.endSums[k][t.finished[i]!]!);
  }
  return { length: t.length, type: t.type, timeMs: t.timeMs, step: t.step, label: t.label, startAt: t.startAt, endAt: t.endAt, sums, lastLlm: t.lastLlm };
}
