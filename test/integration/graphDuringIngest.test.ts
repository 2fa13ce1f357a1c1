// Inside VS Code: a large session's first model, graph and safety findings are built in the engine worker
// (by whichever view asks first: the Sessions row, then the graph), on the thread that also serves the
// receiver. An agent still exporting meanwhile must get every answer, and every span answered 200 must be
// stored. (How long an answer waits is measured against the real worker in
// test/unit/engine/receiverDuringBuild.test.ts: from here the wait also counts this host thread, which
// relays the graph's snapshot to the webview, and swung 0.35-0.9 s run to run.)
import * as assert from 'node:assert/strict';
import { activeApi } from './extension.test';
import { postJsonSpans, waitFor, webviewBootMs } from './otlpPost';
import { agentPayloads } from '../bench/agentSpans';

describe('Agent Trace panel on a large session, inside VS Code', () => {
  it('exports sent while the graph of ~61k agent spans is first built are all answered 200 and stored', async function () {
    this.timeout(180_000);
    const { receiver, graph } = await activeApi();
    await receiver.start();
    const engine = await receiver.engine();
    const before = new Set(engine.listSessions().map((s) => s.id));
    // ~61k agent-shaped spans, as the official exporter sends them.
    for (const body of agentPayloads(120, 512)) {
      const res = await fetch(`${receiver.httpEndpoint!}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body });
      assert.equal(res.status, 200);
    }
    // The agent goes on exporting from here, through the first builds the views ask for.
    const waits: number[] = [];
    const statuses = new Set<number>();
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const sent = performance.now();
        statuses.add(await postJsonSpans(receiver.httpEndpoint!, 'graph-during-ingest', [{ name: `export ${waits.length}` }], 0xd000 + waits.length));
        waits.push(performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    let sessionId: string | undefined;
    try {
      const session = await waitFor('the session', () => engine.listSessions().find((s) => !before.has(s.id) && s.spanCount > 60_000), 60_000);
      sessionId = session.id;
      graph.current?.panel.dispose();
      const panel = graph.open(session.id);
      await waitFor('a snapshot', () => (panel.sent.snapshot ?? 0) >= 1, webviewBootMs + 60_000);
      probing = false;
      await probe;
      console.log(`      ${waits.length} exports while the graph opened; the longest waited ${Math.max(...waits).toFixed(0)} ms`);
      assert.deepEqual([...statuses], [200], 'every export answered 200');
      await waitFor('every export stored', () => engine.getSession('graph-during-ingest')?.spanCount === waits.length, 10_000);
      panel.panel.dispose();
    } finally {
      probing = false;
      await probe;
      if (sessionId) await engine.deleteSession(sessionId);
      await engine.deleteSession('graph-during-ingest');
    }
  });
});
