// Shared by the session file tests: a store holding one recorded fixture, temp dirs, the agent model of a session.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSession, type AgentSession } from '../../../src/core/agent';
import { readSession } from '../../../src/core/agent/fromStore';
import { graphSnapshot } from '../../../src/core/agent/graphDto';
import { parseOtlpText } from '../../../src/core/sessionFiles';
import { SpanStore } from '../../../src/core/store/spanStore';

export const root = path.resolve(__dirname, '../../../..');
export const fixtureNames = ['vercel-ai-agent', 'langchain-openinference', 'traceloop-openai', 'genai-semconv'];

export function fixturePath(name: string): string {
  return path.join(root, 'test/fixtures', `${name}.otlp.json`);
}

export async function storeWith(name: string): Promise<{ store: SpanStore; sessionId: string }> {
  const store = await SpanStore.create();
  const result = store.importOtlp(parseOtlpText(readFileSync(fixturePath(name), 'utf8')), { sessionName: name });
  if (result.sessionIds.length !== 1) throw new Error(`${name}: expected one session, got ${result.sessionIds.length}`);
  return { store, sessionId: result.sessionIds[0]! };
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ad-sessions-'));
}

export function sessionOf(store: SpanStore, id: string): AgentSession {
  return buildSession(readSession(store, id));
}

/** What a user sees of a session, independent of ids and names: steps, costs, graph. */
export function observable(store: SpanStore, id: string): unknown {
  const s = sessionOf(store, id);
  const snap = graphSnapshot(s, { id: 'x', name: 'x' });
  return {
    steps: s.steps.map(({ attributes: _a, ...rest }) => rest),
    totals: s.totals,
    graph: { steps: snap.steps, edges: snap.edges, timeline: snap.timeline, findings: snap.findings },
  };
}
