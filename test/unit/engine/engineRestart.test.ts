// The engine worker dies (process.exit on its thread, as a crash in it would): what it held is lost and
// said so, the requests it held fail at once, a new worker answers, and the receiver and the gateway take
// calls on the same ports again. All through the real worker, receiver and gateway.
import * as assert from 'node:assert/strict';
import { EngineClient } from '../../../src/core/engineClient';
import { EngineCrashedError, type EngineCrash } from '../../../src/core/engineWorker';
import type { StoreChange } from '../../../src/core/store/types';
import { MockProvider } from '../gateway/mockProvider';
import { makeSpan, makeTraceRequest, request } from '../otlp/helpers';

const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });

function body(session: string, traceByte: string): string {
  const req = makeTraceRequest([makeSpan({ traceId: traceByte.repeat(32), spanId: 'a'.repeat(16), parentSpanId: '', name: 'chat gpt-4o', attributes: [kv('gen_ai.operation.name', 'chat')] })]);
  req.resourceSpans[0]!.resource!.attributes.push(kv('agent_debugger.session.id', session));
  return JSON.stringify(req);
}

/** Resolves with the next crash report, or fails after `ms`. */
function nextCrash(crashes: EngineCrash[], ms = 30_000): Promise<EngineCrash> {
  const seen = crashes.length;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (crashes.length > seen) {
        clearInterval(timer);
        resolve(crashes[seen]!);
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error('no crash report'));
      }
    }, 10);
  });
}

describe('EngineClient: the engine worker restarts after a crash', () => {
  const crashes: EngineCrash[] = [];
  let engine: EngineClient;
  let port: number;
  const mock = new MockProvider();

  before(async () => {
    engine = await EngineClient.start({ onCrash: (c) => crashes.push(c) });
    assert.equal(engine.inWorker, true);
    port = (await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] })).http.port;
  });
  after(async () => {
    await engine.dispose();
    await mock.stop();
  });

  it('fails the requests the dead worker held at once, says what was lost, and a new worker answers on the same port', async () => {
    assert.equal((await request(port, '/v1/traces', { headers: { 'Content-Type': 'application/json' }, body: body('before', '1') })).status, 200);
    await engine.flush();
    assert.equal(engine.spanCount, 1);
    const changes: StoreChange[] = [];
    const sub = engine.onDidChange((c) => changes.push(c));
    const reported = nextCrash(crashes);

    const exited = engine.test.exitWorker();
    // Sent after the exit: the worker never answers it.
    const started = Date.now();
    const held = engine.stats();
    await assert.rejects(held, (e: unknown) => e instanceof EngineCrashedError && e.message.includes('"stats"') && e.message.includes('exited (code 70)'));
    assert.ok(Date.now() - started < 5_000, `failed in ${Date.now() - started} ms`);
    await exited;
    // The mirror was the dead worker's: it is empty now, and the views are told its sessions went.
    assert.equal(engine.spanCount, 0);
    assert.deepEqual(engine.listSessions(), []);
    assert.deepEqual(changes.flatMap((c) => c.removed), ['before']);
    sub.dispose();

    // Asked during the restart: the new worker answers.
    assert.equal((await engine.stats()).spans, 0);
    const crash = await reported;
    assert.deepEqual({ ...crash, receiver: undefined }, { reason: 'it exited (code 70)', lostSpans: 1, lostSessions: 1, restarted: true, error: undefined, receiver: undefined });
    assert.equal(crash.receiver?.http.port, port);
    assert.equal(engine.listening?.http.port, port);
    assert.equal(engine.inWorker, true);

    assert.equal((await request(port, '/v1/traces', { headers: { 'Content-Type': 'application/json' }, body: body('after', '2') })).status, 200);
    await engine.flush();
    assert.deepEqual(engine.listSessions().map((s) => s.id), ['after']);
    assert.equal(engine.spanCount, 1);
  });

  it('keeps the gateway on its port: its calls after the restart are steps in the new worker', async () => {
    mock.fallback = { json: { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } } };
    const gateway = await engine.startGateway({ upstreams: { openai: `${await mock.start()}/v1` } });
    const gatewayPort = gateway.listening!.port;
    const call = () => fetch(`${gateway.endpoint}/openai/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    assert.equal((await call()).status, 200);
    await engine.flush();
    const before = engine.spanCount;
    const reported = nextCrash(crashes);
    await engine.test.exitWorker();
    const crash = await reported;
    assert.equal(crash.lostSpans, before);
    assert.equal(engine.gateway?.listening?.port, gatewayPort);
    assert.equal((await call()).status, 200);
    await engine.flush();
    const steps = (await engine.stats()).spans;
    assert.equal(steps, 1, 'the call after the restart is stored');
  });

  it('gives up after repeated crashes: requests then fail at once with the reason, and the report says so', async () => {
    // Three crashes a minute are restarted (two so far); the next one is not.
    const third = nextCrash(crashes);
    await engine.test.exitWorker();
    assert.equal((await third).restarted, true);
    const reported = nextCrash(crashes);
    await engine.test.exitWorker();
    const crash = await reported;
    assert.equal(crash.restarted, false);
    assert.match(crash.error ?? '', /stopped 4 times within 60 s, so it is not started again/);
    const started = Date.now();
    await assert.rejects(engine.stats(), /not started again/);
    assert.ok(Date.now() - started < 1_000);
  });
});
