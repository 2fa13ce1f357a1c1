// The model's heap budget (core/modelBudget.ts): the check alone, with a heap it is told of; then the real
// engine worker with a small real heap, taking realistic spans from the official exporter's serializer over
// OTLP/HTTP. Before the budget, modelling them ran the worker out of memory and every span died with it.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSession } from '../../../src/core/agent';
import { EngineClient } from '../../../src/core/engineClient';
import { GraphFeeds } from '../../../src/core/engineGraph';
import type { EngineCrash } from '../../../src/core/engineWorker';
import { ModelTooLargeError, modelHeapCheck, type HeapStats } from '../../../src/core/modelBudget';
import { ModelCache } from '../../../src/core/modelCache';
import { decodeTraceRequest } from '../../../src/core/otlp/protoDecode';
import { SpanStore } from '../../../src/core/store/spanStore';
import type { SessionSummary } from '../../../src/core/store/types';
import { syntheticSession } from '../agent/synthetic';
import { makePayloads } from '../../bench/payloads';

const MB = 2 ** 20;

describe('the model heap budget: the check', () => {
  /** A heap of `limitMb` whose use the test sets; collections counted, each freeing `freedMb`. */
  function heap(limitMb: number, freedMb = 0) {
    const h = { used: 0, reads: 0, collections: 0 };
    const stats = (): HeapStats => (h.reads++, { used_heap_size: h.used * MB, heap_size_limit: limitMb * MB });
    const collect = () => {
      h.collections++;
      h.used = Math.max(0, h.used - freedMb);
    };
    return { h, stats, collect };
  }

  it('looks at the heap once every `every` calls, and lets a build under its budget go on', () => {
    const { h, stats, collect } = heap(1064);
    const check = modelHeapCheck('s', 10, { share: 0.5, every: 4, stats, collect });
    h.used = 500; // the budget: half of 1,064 MB less the young generation's 64
    for (let i = 0; i < 12; i++) check();
    assert.equal(h.reads, 3);
    assert.equal(h.collections, 0);
  });

  it('past the budget, garbage is collected first: a build whose use falls back goes on', () => {
    const { h, stats, collect } = heap(1064, 100);
    const check = modelHeapCheck('s', 10, { share: 0.5, every: 1, stats, collect });
    h.used = 550;
    check();
    assert.equal(h.collections, 1);
    assert.equal(h.used, 450);
  });

  it('throws ModelTooLargeError when what stays is past the budget, saying what and how much', () => {
    const { h, stats, collect } = heap(1064, 10);
    const check = modelHeapCheck('My run', 123_456, { share: 0.5, every: 1, stats, collect });
    h.used = 600;
    assert.throws(check, (e: unknown) => {
      assert.ok(e instanceof ModelTooLargeError);
      assert.equal(e.spans, 123_456);
      assert.equal(e.usedBytes, 590 * MB);
      assert.equal(e.limitBytes, 1064 * MB);
      assert.match(e.message, /^Session "My run" \(123,456 spans\) is too large to model in the trace engine's memory: building it took the heap to 590 MB of its 1064 MB\. Its spans stay in the store: export it/);
      return true;
    });
  });

  it('asks for at most three collections a build: past them its use alone decides', () => {
    const { h, stats, collect } = heap(1064, 100);
    const check = modelHeapCheck('s', 1, { share: 0.5, every: 1, stats, collect });
    for (let i = 0; i < 3; i++) {
      h.used = 550;
      check();
    }
    assert.equal(h.collections, 3);
    h.used = 501;
    assert.throws(check, ModelTooLargeError);
    assert.equal(h.collections, 3);
  });

  it("V8's own full collection runs when none is given (Node exposes it only behind a flag)", async () => {
    const majors: unknown[] = [];
    const observer = new PerformanceObserver((list) => majors.push(...list.getEntries().filter((e) => (e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)));
    observer.observe({ entryTypes: ['gc'] });
    try {
      const check = modelHeapCheck('s', 1, { share: 0, every: 1 });
      assert.throws(check, ModelTooLargeError);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(majors.length >= 1, 'a full collection ran');
    } finally {
      observer.disconnect();
    }
    assert.equal((globalThis as { gc?: unknown }).gc, undefined, 'the flag is off again: no gc on this context');
  });
});

function post(port: number, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/x-protobuf' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the model heap budget: the real engine worker with a small heap', function () {
  this.timeout(180_000);
  const crashes: EngineCrash[] = [];
  let engine: EngineClient;
  let port: number;
  before(async () => {
    // 60 exporter batches of 512 realistic spans (a 2 KB prompt each): their model needs more than 160 MB.
    const large = makePayloads(60, 512, 'protobuf', { promptBytes: 2048 });
    const small = makePayloads(1, 200, 'protobuf', { promptBytes: 2048, resource: { 'service.instance.id': 'small-run' } });
    engine = await EngineClient.start({ heapLimitMb: 160, onCrash: (c) => crashes.push(c) });
    assert.equal(engine.inWorker, true);
    ({ http: { port } } = await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] }));
    for (const body of [...large, ...small]) assert.equal(await post(port, body), 200);
    await engine.flush();
  });
  after(() => engine.dispose());

  it('refuses the model of a session too large for the heap, and keeps every span and the worker', async () => {
    const sessions = engine.listSessions();
    const big = sessions.find((s) => s.spanCount === 60 * 512)!;
    const little = sessions.find((s) => s.spanCount === 200)!;
    assert.ok(big && little, JSON.stringify(sessions.map((s) => s.spanCount)));

    await assert.rejects(engine.graph.snapshot('feed', big.id, {}), (e: unknown) => {
      assert.ok(e instanceof ModelTooLargeError, String(e));
      assert.equal(e.spans, 30_720);
      assert.ok(e.usedBytes < e.limitBytes, `${e.usedBytes} of ${e.limitBytes}`);
      assert.match(e.message, new RegExp(`^Session "${big.name}" \\(30,720 spans\\) is too large to model`));
      return true;
    });
    // Asked again (the Cost view, the Sessions view's filter), it answers at once, without building again.
    const started = performance.now();
    await assert.rejects(engine.sessionDigest(big.id, {}), ModelTooLargeError);
    assert.ok(performance.now() - started < 1000, `the second refusal took ${Math.round(performance.now() - started)} ms`);
    const matched = await engine.derived.matchSessions([big.id, little.id], {}, { text: 'bench-agent' });
    assert.deepEqual(matched, [true, true], 'the filter matches the refused session by its name');

    // Exports that model the session stop the same way, leaving no file; the OTLP JSON export, which does not, runs.
    const dir = mkdtempSync(join(tmpdir(), 'model-budget-'));
    try {
      await assert.rejects(engine.exportSession(big.id, join(dir, 'run.jsonl'), 'eval-jsonl', {}), ModelTooLargeError);
      assert.equal(existsSync(join(dir, 'run.jsonl')), false);
      const otlp = await engine.exportSession(big.id, join(dir, 'run.otlp.json'), 'otlp-json', {});
      assert.equal(otlp.spans, 30_720);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    assert.deepEqual(crashes, [], 'the worker did not die');
    assert.equal(engine.spanCount, 30_720 + 200);
    // The rest goes on: another session's model, and the receiver.
    const digest = await engine.sessionDigest(little.id, {});
    assert.equal(digest.totals.llmCalls + digest.totals.toolCalls, 199);
    assert.equal(await post(port, makePayloads(1, 10, 'protobuf', { resource: { 'service.instance.id': 'after' } })[0]!), 200);
    await engine.flush();
    assert.equal(engine.spanCount, 30_720 + 200 + 10);
    assert.deepEqual(crashes, []);
  });
});

describe('the model heap budget: the engine keeps other models while it builds one', function () {
  this.timeout(120_000);

  it('a model that does not fit beside the ones kept is tried again without them, and fits; one that never fits is refused', async () => {
    const store = await SpanStore.create({ maxSpans: 1_000_000, maxBytes: 1024 * MB });
    const ids: string[] = [];
    for (const [run, batches] of [['run-a', 2], ['run-b', 2], ['run-c', 6]] as const) {
      for (const body of makePayloads(batches, 512, 'protobuf', { promptBytes: 2048, resource: { 'service.instance.id': run } })) store.ingestTraces(decodeTraceRequest(body));
      ids.push(store.listSessions().find((s) => !ids.includes(s.id))!.id);
    }
    // A heap told of, not measured (a measured one moves with V8's collections): 100 MB, 50 more per model
    // kept, and a MB per 200 looks at it (a look per span read and per span normalised); the budget is 60% of its 264 MB less 64: 120 MB.
    let read = 0;
    let collections = 0;
    const cache: ModelCache = new ModelCache(store, () => undefined, {
      every: 1,
      stats: () => ({ used_heap_size: (100 + 50 * cache.kept().length + read++ / 200) * MB, heap_size_limit: 264 * MB }),
      collect: () => void collections++,
    });
    const build = (id: string) => ((read = 0), cache.of(id, {}).steps.length);
    try {
      assert.equal(build(ids[0]!), 1024);
      assert.equal(build(ids[1]!), 1024, 'built once the first model was let go');
      assert.deepEqual(cache.kept(), [ids[1]]);
      // Its own model, kept, while it is built whole again (other options: other prices): so too.
      assert.equal(((read = 0), cache.of(ids[1]!, { pricing: { overrides: {} } }).steps.length), 1024);
      assert.deepEqual(cache.kept(), [ids[1]]);
      assert.ok(collections >= 1);
      // 3,072 spans: read and normalised, 31 MB over 100 even alone: refused, whatever was kept.
      assert.throws(() => build(ids[2]!), ModelTooLargeError);
      assert.deepEqual(cache.kept(), []);
      // Asked again, even with sessions gone meanwhile, it answers at once: no second try within 5 s.
      cache.forgetRefusals();
      const looks = collections;
      assert.throws(() => build(ids[2]!), ModelTooLargeError);
      assert.equal(read, 0, 'the heap was not looked at');
      assert.equal(collections, looks);
    } finally {
      store.dispose();
    }
  });
});

describe('the model heap budget: a graph feed whose live session outgrows the heap', () => {
  it('lets the session it showed go, so that the next try has its heap', () => {
    const session = buildSession(syntheticSession(20));
    let tooLarge = false;
    const summary: SessionSummary = { id: 's', name: 'run', source: 'attribute', serviceName: '', createdMs: 0, lastActivityMs: 0, firstSpanMs: 0, lastSpanMs: 0, spanCount: 20, errorCount: 0, traceCount: 1, logCount: 0, live: true };
    const feeds = new GraphFeeds({
      summary: () => summary,
      session: () => {
        if (tooLarge) throw new ModelTooLargeError('run', 20, 80 * MB, 100 * MB);
        return { session, inputs: [] };
      },
    });
    assert.equal(feeds.snapshot('panel', 's', {})?.kind, 'snapshot');
    assert.ok(feeds.runOf('panel'), 'the feed holds its session');
    tooLarge = true;
    assert.throws(() => feeds.delta('panel', 's', {}), ModelTooLargeError);
    assert.equal(feeds.runOf('panel'), undefined, 'let go');
  });
});
