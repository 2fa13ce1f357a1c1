// A whole model built a slice at a time (ModelCache.prepare): the engine worker's thread also serves the
// receiver, so a large session's first build must leave the event loop turning, give exactly what the build
// in one go gives, and stay true to the store when spans come or go while it reads.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ModelCache, type BuiltModel } from '../../../src/core/modelCache';
import { ModelTooLargeError } from '../../../src/core/modelBudget';
import { decodeTraceRequest } from '../../../src/core/otlp/protoDecode';
import { parseOtlpText } from '../../../src/core/sessionFiles';
import type { SpanStore } from '../../../src/core/store/spanStore';
import { agentPayloads, longRunPayloads } from '../../bench/agentSpans';
import { bulkRequest, str, withStore } from '../store/fixtures';
import { findSafety, parsePolicy } from '../../../src/core/safety';
import { scanningSafety } from '../../../src/core/safety/findSafety';
import { runSliced, TimeSlices } from '../../../src/core/timeSlices';
import { countTurns } from '../turns';

const root = path.resolve(__dirname, '../../../..');
const noChange = () => undefined;
const text = (m: BuiltModel) => JSON.stringify({ steps: m.steps, inputs: m.inputs.map((i) => `${i.span.traceId}/${i.span.spanId}`), state: m.state, seq: m.seq });

/** The model `prepare` builds (then kept, so `of` builds nothing) against a whole build in one go. */
async function assertSameModel(store: SpanStore, id: string, sliceMs = 0): Promise<BuiltModel> {
  const sliced = new ModelCache(store, noChange, {}, sliceMs);
  await sliced.prepare(id, {}, true);
  assert.deepEqual(sliced.kept(), [id], `${id}: prepare keeps the model`);
  const model = sliced.of(id, {}, true);
  assert.equal(sliced.of(id, {}, true), model, 'asked again: the same model');
  assert.equal(text(model), text(new ModelCache(store, noChange).of(id, {}, true)), id);
  return model;
}

describe('engine: a whole model built a slice at a time', () => {
  it('gives what the build in one go gives: every recorded fixture (logs joined), agent-shaped runs, one long run', async () => {
    await withStore({}, async (store) => {
      const dirs = [path.join(root, 'test/fixtures'), path.join(root, 'test/fixtures/safety')];
      for (const file of dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.otlp.json')).map((f) => path.join(d, f)))) {
        const parsed = parseOtlpText(readFileSync(file, 'utf8'));
        for (const r of parsed.traces) store.ingestTraces(r);
        for (const r of parsed.logs) store.ingestLogs(r);
      }
      for (const body of agentPayloads(3, 512)) store.ingestTraces(decodeTraceRequest(body));
      for (const body of longRunPayloads(4, 512)) store.ingestTraces(decodeTraceRequest(body));
      const sessions = store.listSessions();
      assert.ok(sessions.length > 5);
      for (const { id } of sessions) {
        const { steps } = await assertSameModel(store, id);
        // Its safety scan too (what the graph, the Cost view and the diagnostics show).
        for (const options of [{}, { policy: parsePolicy({ agents: { '*': { tools: ['get_*'] } } }, 'test') }]) {
          assert.deepEqual(await runSliced(scanningSafety(steps, options, undefined), new TimeSlices(0)), findSafety(steps, options), id);
        }
      }
      // A session that is not there: no model, and no error.
      await new ModelCache(store, noChange, {}, 0).prepare('nope', {}, true);
    });
  });

  it('serves the event loop while it reads, normalises and relates', async () => {
    await withStore({}, async (store) => {
      for (const body of agentPayloads(16, 512)) store.ingestTraces(decodeTraceRequest(body));
      const id = store.listSessions()[0]!.id;
      const turns = await countTurns(() => new ModelCache(store, noChange, {}, 5).prepare(id, {}, true));
      // At most a slice (5 ms) and one trace's or run's work between turns; in one go, none at all.
      assert.ok(turns.count >= Math.min(20, turns.ms / 25), `${turns.count} turns of the event loop in ${turns.ms.toFixed(0)} ms`);
    });
  });

  it('scans a session for safety findings a slice at a time', async () => {
    await withStore({}, async (store) => {
      for (const body of agentPayloads(8, 512, true)) store.ingestTraces(decodeTraceRequest(body));
      const { steps } = new ModelCache(store, noChange).of(store.listSessions()[0]!.id, {}, true);
      const turns = await countTurns(() => runSliced(scanningSafety(steps, {}, undefined), new TimeSlices(2)));
      assert.ok(turns.count >= Math.min(10, turns.ms / 10), `${turns.count} turns of the event loop in ${turns.ms.toFixed(0)} ms`);
    });
  });

  it("answers a session whose model is kept at once, not after another session's build", async () => {
    await withStore({}, async (store) => {
      store.ingestTraces(bulkRequest(200, 0, [str('service.name', 'agent'), str('session.id', 'small')]));
      store.ingestTraces(bulkRequest(20_000, 1000, [str('service.name', 'agent'), str('session.id', 'large')]));
      const cache = new ModelCache(store, noChange, {}, 0);
      await cache.prepare('small', {}, true);
      let largeBuilt = false;
      const large = cache.prepare('large', {}, true).then(() => (largeBuilt = true));
      await cache.prepare('small', {}, true);
      assert.equal(largeBuilt, false, 'the kept model waited for the other build');
      await large;
      assert.deepEqual(cache.kept(), ['small', 'large']);
    });
  });

  it('derives a part of a model once, in one go or a slice at a time, from the same work', async () => {
    await withStore({}, async (store) => {
      for (const body of agentPayloads(2, 512)) store.ingestTraces(decodeTraceRequest(body));
      const cache = new ModelCache(store, noChange, {}, 0);
      const id = store.listSessions()[0]!.id;
      let runs = 0;
      const part = cache.part((p: { n: number }) => `count ${p.n}`, function* (model, p) {
        runs++;
        for (let i = 0; i < 3; i++) yield;
        return { steps: model.steps.length * p.n };
      });
      const model = cache.of(id, {}, true);
      const sliced = await countTurns(() => part.sliced(model, { n: 2 }));
      assert.ok(sliced.count >= 3, `${sliced.count} turns`);
      assert.deepEqual(sliced.value, { steps: model.steps.length * 2 });
      assert.equal(part.of(model, { n: 2 }), sliced.value, 'made once: the same value');
      assert.equal(await part.sliced(model, { n: 2 }), sliced.value);
      assert.equal(runs, 1);
      assert.notEqual(part.of(model, { n: 3 }), sliced.value, 'another key, made apart');
      assert.equal(runs, 2);
    });
  });

  it("keeps a refusal (a model too large for the heap) for `of` to give, and drops no other session's model over it", async () => {
    await withStore({}, async (store) => {
      store.ingestTraces(bulkRequest(200, 0, [str('service.name', 'agent'), str('session.id', 'small')]));
      store.ingestTraces(bulkRequest(2000, 1000, [str('service.name', 'agent'), str('session.id', 'large')]));
      let used = 0;
      const cache = new ModelCache(store, noChange, { every: 1, stats: () => ({ used_heap_size: used, heap_size_limit: 2 ** 30 }), collect: () => undefined }, 0);
      await cache.prepare('small', {}, true);
      used = 2 ** 30;
      await cache.prepare('large', {}, true);
      assert.throws(() => cache.of('large', {}, true), ModelTooLargeError);
      used = 0;
      await cache.prepare('small', {}, true);
      assert.deepEqual(cache.kept(), ['small']);
      // Asked again while the refusal stands: answered at once, the kept model left alone.
      used = 2 ** 30;
      let error: unknown;
      assert.throws(() => cache.of('large', {}, true), (e) => ((error = e), e instanceof ModelTooLargeError));
      await cache.prepare('large', {}, true);
      assert.deepEqual(cache.kept(), ['small']);
      assert.throws(() => cache.of('large', {}, true), (e) => e === error);
    });
  });

  it('is the session as it was when the read began, extended after by spans that came meanwhile', async () => {
    const res = [str('service.name', 'agent'), str('session.id', 'live')];
    await withStore({}, async (store) => {
      store.ingestTraces(bulkRequest(3000, 0, res));
      const cache = new ModelCache(store, noChange, {}, 0);
      const prepared = cache.prepare('live', {}, true);
      // Stored at the read's first pause: not read by it.
      setImmediate(() => store.ingestTraces(bulkRequest(500, 3000, res)));
      await prepared;
      const model = cache.of('live', {}, false);
      assert.equal(model.inputs.length, 3000, 'the read saw the session as it began');
      assert.equal(model.state, '3000/0');
      // Asked fresh: extended by the spans that came (not read whole), as a whole build of the store now.
      const fresh = cache.of('live', {}, true);
      assert.equal(fresh.live, model.live, 'extended, not rebuilt');
      assert.equal(text(fresh), text(new ModelCache(store, noChange).of('live', {}, true)));
    });
  });

  it('reads again when spans left the session under the read (a trim at the cap)', async () => {
    const res = [str('service.name', 'agent'), str('session.id', 'live')];
    await withStore({ maxSpans: 4000 }, async (store) => {
      store.ingestTraces(bulkRequest(3500, 0, res));
      const cache = new ModelCache(store, noChange, {}, 0);
      const prepared = cache.prepare('live', {}, true);
      // Over the cap at the read's first pause: the session's oldest traces go.
      setImmediate(() => store.ingestTraces(bulkRequest(1000, 3500, res)));
      await prepared;
      const after = performance.now();
      const spans = store.getSession('live')!.spanCount;
      assert.ok(spans < 4500, `trimmed to ${spans}`);
      const model = cache.of('live', {}, true);
      assert.ok(model.builtAt < after, 'read again by prepare (not left for `of` to rebuild)');
      assert.equal(model.inputs.length, spans);
      assert.equal(text(model), text(new ModelCache(store, noChange).of('live', {}, true)));
    });
  });
});
