// A whole build from the store (fromStore.ts buildStoredSession: each span normalised as it is read, so it
// dies young) must give exactly what readSession + buildSession give: same steps, order, graph, timeline,
// findings and totals, with log records joined and same-millisecond ties settled.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSession } from '../../../src/core/agent';
import { buildStoredSession, readSession, readSessionSteps } from '../../../src/core/agent/fromStore';
import { decodeTraceRequest } from '../../../src/core/otlp/protoDecode';
import { parseOtlpText } from '../../../src/core/sessionFiles';
import type { SpanStore } from '../../../src/core/store/spanStore';
import { agentPayloads } from '../../bench/agentSpans';
import { newStore } from '../store/fixtures';
import { sessionText } from './modelInputs';

const root = path.resolve(__dirname, '../../../..');

function assertSameModels(store: SpanStore): number {
  const sessions = store.listSessions();
  for (const { id } of sessions) {
    const inputs = readSession(store, id);
    assert.equal(readSessionSteps(store, id).length, inputs.length, id);
    assert.equal(sessionText(buildStoredSession(store, id)), sessionText(buildSession(inputs)), id);
  }
  return sessions.length;
}

describe('agent model: a whole build straight from the store', () => {
  it('gives what readSession + buildSession give for every recorded fixture (logs joined)', async () => {
    const store = await newStore();
    try {
      const dirs = [path.join(root, 'test/fixtures'), path.join(root, 'test/fixtures/safety')];
      let logs = 0;
      for (const file of dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.otlp.json')).map((f) => path.join(d, f)))) {
        const parsed = parseOtlpText(readFileSync(file, 'utf8'));
        for (const r of parsed.traces) store.ingestTraces(r);
        for (const r of parsed.logs) logs += store.ingestLogs(r).records;
      }
      assert.ok(logs > 0, 'some fixture carries log records');
      assert.ok(assertSameModels(store) > 5);
    } finally {
      store.dispose();
    }
  });

  it('gives what readSession + buildSession give for agent-shaped runs (same-millisecond starts)', async () => {
    const store = await newStore();
    try {
      for (const body of agentPayloads(4, 512)) store.ingestTraces(decodeTraceRequest(body));
      const [session] = store.listSessions();
      assert.equal(session?.spanCount, 2048);
      assertSameModels(store);
    } finally {
      store.dispose();
    }
  });

  it('answers an empty model for a session it does not hold', async () => {
    const store = await newStore();
    try {
      assert.deepEqual(buildStoredSession(store, 'nope').steps, []);
    } finally {
      store.dispose();
    }
  });
});
