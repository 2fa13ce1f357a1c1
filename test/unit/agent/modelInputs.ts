// Inputs and a text form shared by the model's pinned-output and live-session tests.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { spanInputsFromRequests, type AgentSession, type SpanInput } from '../../../src/core/agent';
import { parseOtlpText } from '../../../src/core/sessionFiles';

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
  // the pins were taken before edges carried them.
  return JSON.stringify(s, (key, v: unknown) => (key === 'fromAt' || key === 'toAt' ? undefined : ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
}
