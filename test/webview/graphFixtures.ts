// Recorded fixtures and synthetic sessions for the graph webview tests.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSession, spanInputsFromRequests, type AgentSession } from '../../src/core/agent';
import type { SpanInput } from '../../src/core/agent/types';
import { parseOtlpText } from '../../src/core/sessionFiles';
import { root } from '../harness/codeServer';

export interface Loaded {
  inputs: SpanInput[];
  session: AgentSession;
}

export function loadFixture(name: string): Loaded {
  const { traces, logs } = parseOtlpText(readFileSync(path.join(root, 'test/fixtures', `${name}.otlp.json`), 'utf8'));
  const inputs = spanInputsFromRequests(traces, logs);
  return { inputs, session: buildSession(inputs) };
}
