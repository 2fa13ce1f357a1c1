import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../../../src/core/engineClient';
import { ForwardError } from '../../../src/core/forward/forwarder';
import { makeSpan, makeTraceRequest, request } from '../otlp/helpers';

const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One OTLP/JSON request of an LLM call and a tool call, in session `session`. */
function body(session: string, traceByte: string): string {
  const trace = traceByte.repeat(32);
  const req = makeTraceRequest([
    makeSpan({ traceId: trace, spanId: 'a'.repeat(16), parentSpanId: '', name: 'chat gpt-4o', attributes: [kv('gen_ai.operation.name', 'chat'), kv('gen_ai.request.model', 'gpt-4o')] }),
    makeSpan({ traceId: trace, spanId: 'b'.repeat(16), parentSpanId: 'a'.repeat(16), name: 'execute_tool weather', attributes: [kv('gen_ai.operation.name', 'execute_tool'), kv('gen_ai.tool.name', 'weather')] }),
  ]);
  req.resourceSpans[0]!.resource!.attributes.push(kv('agent_debugger.session.id', session));
  return JSON.stringify(req);
}

for (const inProcess of [false, true]) {
  describe(`EngineClient (${inProcess ? 'in-process fallback' : 'engine worker'})`, () => {
    let engine: EngineClient;
    let port: number;
    const dir = mkdtempSync(join(tmpdir(), 'engine-client-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    before(async () => {
      engine = await EngineClient.start({ inProcess });
      assert.equal(engine.inWorker, !inProcess);
      port = (await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] })).http.port;
    });
    afterEach(() => engine.clear());
    after(() => engine.dispose());

    it('stores what the receiver answered 200; the mirror has the session before flush resolves', async () => {
      const changed: string[][] = [];
      const sub = engine.onDidChange((c) => changed.push(c.added));
      const res = await request(port, '/v1/traces', { headers: { 'Content-Type': 'application/json' }, body: body('s1', '1') });
      assert.equal(res.status, 200);
      await engine.flush();
      sub.dispose();
      assert.equal(engine.getSession('s1')?.spanCount, 2);
      assert.equal(engine.spanCount, 2);
      assert.deepEqual(changed.flat(), ['s1']);
      assert.deepEqual((await engine.spansOfSession('s1')).map((s) => s.name).sort(), ['chat gpt-4o', 'execute_tool weather']);
      assert.equal((await engine.childrenOf('1'.repeat(32), 'a'.repeat(16), 's1')).length, 1);
      const steps = await engine.sessionSteps('s1', {});
      assert.deepEqual(steps.map((s) => s.kind).sort(), ['llm', 'tool']);
      assert.equal((await engine.readSession('s1')).length, 2);
    });

    it('renames, deletes and exports/imports in the engine, the mirror current when each answers', async () => {
      await request(port, '/v1/traces', { headers: { 'Content-Type': 'application/json' }, body: body('s2', '2') });
      await engine.flush();
      assert.equal(await engine.renameSession('s2', 'renamed'), true);
      assert.equal(engine.getSession('s2')?.name, 'renamed');
      const file = join(dir, 's2.otlp.json');
      const written = await engine.exportSession('s2', file, 'otlp-json', {});
      assert.equal(written.spans, 2);
      assert.equal(await engine.deleteSession('s2'), true);
      assert.equal(engine.getSession('s2'), undefined);
      const progress: number[] = [];
      const imported = await engine.importFile(file, { report: (read) => progress.push(read) });
      assert.equal(imported.spans, 2);
      assert.ok(progress.length > 0, 'progress crossed');
      assert.equal(engine.getSession(imported.sessionIds[0]!)?.spanCount, 2);
    });

    it('digests a growing session: an answer that lags the session says so, and a change notice follows', async () => {
      await request(port, '/v1/traces', { headers: { 'Content-Type': 'application/json' }, body: body('s4', '4') });
      await engine.flush();
      const first = await engine.sessionDigest('s4', {});
      assert.equal(first.state, '2/0');
      assert.equal(first.totals.llmCalls, 1);
      await request(port, '/v1/traces', { headers: { 'Content-Type': 'application/json' }, body: body('s4', '5') });
      await engine.flush();
      let digest = await engine.sessionDigest('s4', {});
      if (digest.state !== '4/0') {
        await new Promise<void>((resolve) => {
          const sub = engine.onDidChange((c) => c.changed.includes('s4') && (sub.dispose(), resolve()));
        });
        digest = await engine.sessionDigest('s4', {});
      }
      assert.equal(digest.state, '4/0');
      assert.equal(digest.totals.llmCalls, 2);
      const params = { sessionId: 's4', options: {}, safety: {}, report: { session: { id: 's4', name: 's4', live: false } } };
      const cost = await engine.derived.costReport(params);
      assert.equal(cost.report.totals.llmCalls, 2);
      // Rows cross with a count; their steps are asked for by reference and answered from the worker's report.
      const kinds = cost.report.breakdowns.kind;
      assert.deepEqual(kinds.map((r) => [r.key, r.stepCount]).sort(), [['llm', 2], ['tool', 2]]);
      assert.ok(kinds.every((r) => !('stepIds' in r)), 'no step ids cross with the report');
      const llm = await engine.derived.costSteps({ ...params, ref: { breakdown: 'kind', key: 'llm' } });
      assert.equal(llm.length, 2);
      assert.deepEqual(await engine.derived.costSteps({ ...params, ref: { breakdown: 'tool', key: 'no-such-tool' } }), []);
      // The Sessions view's filter and an expanded session's rows are made in the worker too.
      assert.deepEqual(await engine.derived.matchSessions(['s4', 'no-such-session'], {}, { model: 'gpt-4o' }), [true, false]);
      assert.deepEqual(await engine.derived.matchSessions(['s4'], {}, { text: 'weather' }), [true]);
      assert.deepEqual(await engine.derived.matchSessions(['s4'], {}, { text: 'nowhere in it' }), [false]);
      const compared = await engine.derived.compareSessions('s4', 's4', {});
      const name = engine.getSession('s4')!.name;
      assert.deepEqual([compared.leftName, compared.rightName, compared.pairs], [name, name, 4]);
      assert.equal(compared.left, compared.right);
      await assert.rejects(engine.derived.compareSessions('s4', 'no-such-session', {}), /no session no-such-session/);
      const rows = await engine.derived.sessionOutline('s4', {});
      assert.ok(rows.length > 0 && rows.every((r) => r.step.kind !== 'llm' || (r.llmStep ?? 0) >= 1));
    });

    it('carries errors back: a missing file, a refused forward (as a ForwardError)', async () => {
      await assert.rejects(engine.importFile(join(dir, 'nope.json')), /ENOENT|no such file/);
      await request(port, '/v1/traces', { headers: { 'Content-Type': 'application/json' }, body: body('s3', '3') });
      await engine.flush();
      await assert.rejects(engine.forwardSession('s3', { url: 'http://127.0.0.1:9/v1/traces', protocol: 'http/json', timeoutMs: 1000 }), (e: unknown) => e instanceof ForwardError);
    });
  });
}

describe('EngineClient fallback', () => {
  it('runs the engine on this thread when the worker entry is missing, and says why', async () => {
    const reasons: string[] = [];
    const engine = await EngineClient.start({ entry: join(tmpdir(), 'no-such-engine-worker.js'), onFallback: (r) => reasons.push(r) });
    try {
      assert.equal(engine.inWorker, false);
      assert.match(reasons[0] ?? '', /no engine worker/);
      assert.deepEqual(engine.listSessions(), []);
    } finally {
      await engine.dispose();
    }
  });
});
