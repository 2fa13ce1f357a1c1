// The agent model at scale, alone: a store of agent-shaped spans (agentSpans.ts), the time to read and model
// the session whole (buildStoredSession: read, each span normalised as it is read, then built, as the CLI and
// exports do; readSession + the live model's
// first build, as the engine's model cache does), then live updates: 512 new spans at a time (the official
// exporter's batch) read and added as the engine's model cache does (readSessionAdded after the newest span it holds + LiveSession),
// on a session of many short runs (a trace each) and on one long run (a single trace growing with every export).
// Runs in a process of its own: `node --expose-gc out/test/bench/model.js [spans]`, or from run.ts.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { buildSessionOfSteps, sessionOfSteps, type AgentStep } from '../../src/core/agent';
import type { DataflowLink } from '../../src/core/agent/dataflow';
import { GraphFeed } from '../../src/core/agent/graphDto';
import { packedJson } from '../../src/protocol/graphPacking';
import { costReport, reportDto } from '../../src/core/cost';
import { findSafety } from '../../src/core/safety';
import { lastSeq, mergeInputs, placeOf, readSession, readSessionAdded, readSessionSteps } from '../../src/core/agent/fromStore';
import { LiveSession } from '../../src/core/agent/liveSession';
import { ModelCache } from '../../src/core/modelCache';
import { extendedTimeline, type TimelineBase } from '../../src/core/agent/timelineUpdate';
import { extendedDataflow, extendedParents, type LinksBase } from '../../src/core/agent/liveLinks';
import type { SpanInput } from '../../src/core/agent';
import { decodeTraceRequest } from '../../src/core/otlp/protoDecode';
import { SpanStore } from '../../src/core/store/spanStore';
import { agentPayloads, longRunPayloads } from './agentSpans';
import type { FileGoal } from './files';

const batch = 512;

export interface ModelBench {
  spans: number;
  /** buildStoredSession, per run. */
  wholeMs: number[];
  /** Its read and normalise (readSessionSteps). */
  readMs: number[];
  /** readSession + the live model's first build (the engine's whole path). */
  cacheWholeMs: number;
  /** The same build a slice at a time (ModelCache.prepare), as the engine's requests make it: its time, and the longest the thread went without serving its event loop. */
  slicedMs: number;
  slicedHoldMs: number;
  /** One live update of `batch` spans each (read + model), and how each was made. */
  updateMs: number[];
  updatePaths: string[];
  /** The Cost view's report and the safety scan over the whole model, and the report's size on the wire. */
  costMs: number;
  safetyMs: number;
  costWireBytes: number;
  costFullBytes: number;
  /** One long run (longRunPayloads) of as many spans: the live model's first build, then its updates. */
  longWholeMs: number;
  longUpdateMs: number[];
  longUpdatePaths: string[];
  /** The same run at half the size: its updates' ms (O(new spans) keeps them as they are; O(trace) halves them). */
  halfUpdateMs: number[];
  /** The open graph's side of each live update (its session, safety badges and packed delta, as the worker makes them): ms and bytes sent, and a snapshot's bytes. */
  panelMs: number[];
  panelBytes: number[];
  snapshotBytes: number;
}

async function agentStore(spans: number): Promise<SpanStore> {
  const store = await SpanStore.create({ maxBytes: 8 * 2 ** 30, maxSpans: 10_000_000 });
  for (let done = 0; done < spans; done += batch * 20) {
    // Made in slices: the SDK holds every span it made until the payloads are serialized.
    const requests = Math.min(20, Math.ceil((spans - done) / batch));
    for (const body of agentPayloads(requests, batch)) store.ingestTraces(decodeTraceRequest(body));
  }
  return store;
}

async function measure(spans: number, runs: number, updates: number): Promise<ModelBench> {
  const store = await agentStore(spans);
  const id = store.listSessions()[0]!.id;
  const result: ModelBench = { spans, wholeMs: [], readMs: [], cacheWholeMs: 0, slicedMs: 0, slicedHoldMs: 0, updateMs: [], updatePaths: [], costMs: 0, safetyMs: 0, costWireBytes: 0, costFullBytes: 0, longWholeMs: 0, longUpdateMs: [], longUpdatePaths: [], halfUpdateMs: [], panelMs: [], panelBytes: [], snapshotBytes: 0 };
  for (let run = 0; run < runs; run++) {
    global.gc?.();
    const started = performance.now();
    const normalised = readSessionSteps(store, id);
    result.readMs.push(performance.now() - started);
    const session = buildSessionOfSteps(normalised);
    result.wholeMs.push(performance.now() - started);
    if (session.steps.length < spans * 0.99) throw new Error(`model: ${session.steps.length} steps of ${spans}`);
    if (run > 0) continue;
    let t = performance.now();
    const report = costReport({ session: { id, name: id, live: true }, steps: session.steps });
    result.costMs = performance.now() - t;
    t = performance.now();
    findSafety(session.steps);
    result.safetyMs = performance.now() - t;
    result.costWireBytes = JSON.stringify(reportDto(report)).length;
    result.costFullBytes = JSON.stringify(report).length;
  }
  global.gc?.();
  const started = performance.now();
  const inputs = readSession(store, id);
  const live = new LiveSession({}, placeOf);
  const steps = live.update(inputs, inputs);
  result.cacheWholeMs = performance.now() - started;
  global.gc?.();
  const sliced = await longestHold(() => new ModelCache(store, () => undefined).prepare(id, {}, true));
  result.slicedMs = sliced.ms;
  result.slicedHoldMs = sliced.holdMs;
  // The live run goes on: each export of 512 new spans is one update, which the open graph is sent.
  const feed = new GraphFeed({ id, name: id, live: true });
  // Links and timeline extended from the last update's, as the engine derives them.
  let timeline: TimelineBase | undefined;
  let parentLinks: LinksBase<Int32Array> | undefined;
  let dataflow: LinksBase<readonly DataflowLink[]> | undefined;
  const refresh = (now: AgentStep[], first = false) => {
    const t = performance.now();
    parentLinks = extendedParents(parentLinks, now);
    dataflow = extendedDataflow(dataflow, now);
    timeline = extendedTimeline(timeline, now);
    const parents = parentLinks.links;
    const session = sessionOfSteps(now, parents, dataflow.links, undefined, timeline.timeline);
    const given = { parents, safety: findSafety(now, {}, session.graph) };
    const json = first ? packedJson(feed.packedSnapshot(session, given)) : packedJson(feed.packedDelta(session, given)!);
    if (first) return void (result.snapshotBytes = json.length);
    result.panelMs.push(performance.now() - t);
    result.panelBytes.push(json.length);
  };
  refresh(steps, true);
  const updated = liveUpdates(store, id, live, inputs, agentPayloads(updates, batch), refresh);
  result.updateMs = updated.ms;
  result.updatePaths = updated.paths;
  const long = await measureLongRun(spans, updates);
  const half = await measureLongRun(spans / 2, updates);
  return { ...result, longWholeMs: long.wholeMs, longUpdateMs: long.updated.ms, longUpdatePaths: long.updated.paths, halfUpdateMs: half.updated.ms };
}

/** How long `work` took, and the longest gap between two turns of the event loop meanwhile. */
async function longestHold(work: () => Promise<unknown>): Promise<{ ms: number; holdMs: number }> {
  let done = false;
  let holdMs = 0;
  let last = performance.now();
  const turn = () => {
    const now = performance.now();
    holdMs = Math.max(holdMs, now - last);
    last = now;
    if (!done) setImmediate(turn);
  };
  const started = performance.now();
  setImmediate(turn);
  await work();
  done = true;
  return { ms: performance.now() - started, holdMs: Math.max(holdMs, performance.now() - last) };
}

/** Each payload stored, then read and added to the live model as the engine's model cache does: each update's ms and path. */
function liveUpdates(store: SpanStore, id: string, live: LiveSession, inputs: SpanInput[], payloads: Uint8Array[], then?: (steps: AgentStep[]) => void): { ms: number[]; paths: string[] } {
  const out = { ms: [] as number[], paths: [] as string[] };
  let seq = lastSeq(inputs);
  for (const body of payloads) {
    store.ingestTraces(decodeTraceRequest(body));
    // No forced GC here: one just before would make the update pay its lazy sweeping, which a live run never forces.
    const started = performance.now();
    const added = readSessionAdded(store, id, inputs, store.getSession(id)!.spanCount, seq);
    if (!added) throw new Error('the session did not just grow');
    seq = Math.max(seq, lastSeq(added));
    inputs = mergeInputs(inputs, added);
    const steps = live.update(inputs, added);
    out.ms.push(performance.now() - started);
    out.paths.push(live.lastUpdate);
    if (steps.length < inputs.length * 0.99) throw new Error(`live model: ${steps.length} steps of ${inputs.length}`);
    then?.(steps);
  }
  return out;
}

/** One long run of ~`spans` spans in one trace, its agent span still open: the live model built, then `updates` exports added. */
async function measureLongRun(spans: number, updates: number): Promise<{ wholeMs: number; updated: { ms: number[]; paths: string[] } }> {
  const payloads = longRunPayloads(Math.ceil(spans / (batch - 1)) + updates, batch);
  const store = await SpanStore.create({ maxBytes: 8 * 2 ** 30, maxSpans: 10_000_000 });
  for (const body of payloads.slice(0, -updates)) store.ingestTraces(decodeTraceRequest(body));
  const id = store.listSessions()[0]!.id;
  global.gc?.();
  const started = performance.now();
  const inputs = readSession(store, id);
  const live = new LiveSession({}, placeOf);
  live.update(inputs, inputs);
  const wholeMs = performance.now() - started;
  return { wholeMs, updated: liveUpdates(store, id, live, inputs, payloads.slice(-updates)) };
}

/** In a process of its own, so that the store and models of other benches do not weigh on it. */
export function benchModel(spans = 100_000): ModelBench {
  const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', __filename, String(spans)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as ModelBench;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Printed; the live-update row as #19's gated goal (the whole build's row is files.ts's). */
export function printModelBench(r: ModelBench): FileGoal[] {
  const k = `${Math.round(r.spans / 1000)}k`;
  console.log(`\nAgent model (${k} agent-shaped spans in the store; median of ${r.wholeMs.length} runs)`);
  console.log(`  whole: buildStoredSession ${s(median(r.wholeMs))} (read and normalise ${s(median(r.readMs))}); the engine's model cache (read + live model) ${s(r.cacheWholeMs)}`);
  console.log(`  the same a slice at a time, as the engine worker builds it (its receiver answering meanwhile): ${s(r.slicedMs)}, the longest hold ${r.slicedHoldMs.toFixed(0)} ms (in one go: all of it)`);
  const update = median(r.updateMs);
  const ratio = update / r.cacheWholeMs;
  console.log(`  Cost view report ${s(r.costMs)}, ${(r.costWireBytes / 1024).toFixed(0)} KB on the wire (${(r.costFullBytes / 2 ** 20).toFixed(1)} MB with every row's step ids, which stay in the worker); safety scan ${s(r.safetyMs)}`);
  console.log(`  live update of ${batch} new spans: ${r.updateMs.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (${r.updatePaths.join(', ')}): median ${(ratio * 100).toFixed(1)}% of a whole build`);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(`  the open graph per live update (its session, safety badges and delta, in the worker): ${s(median(r.panelMs))}, ${kb(median(r.panelBytes))} sent (a snapshot: ${kb(r.snapshotBytes)})`);
  const longUpdate = median(r.longUpdateMs);
  const longRatio = longUpdate / r.longWholeMs;
  console.log(`  one long run (a single trace of ${k} spans, its agent span open): live model ${s(r.longWholeMs)}; update of ${batch} new spans: ${r.longUpdateMs.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (${r.longUpdatePaths.join(', ')}): median ${(longRatio * 100).toFixed(1)}%`);
  // A ratio to a whole build cannot tell O(new) from O(trace) (both grow with the trace): the same run at half
  // its size can. Updates that cost O(new spans) cost the same at both sizes.
  const halfUpdate = median(r.halfUpdateMs);
  const growth = longUpdate / halfUpdate;
  console.log(`  the same run at half the size: update of ${batch} new spans ${halfUpdate.toFixed(0)} ms: x${growth.toFixed(2)} at twice the trace (O(new spans): ~x1)`);
  return [
    { goal: `agent model: live updates O(new spans) (${batch} new on ${k}: < 10% of a whole build)`, value: `${update.toFixed(0)} ms = ${(ratio * 100).toFixed(1)}%`, met: ratio < 0.1 && r.updatePaths.every((p) => p === 'traces') },
    { goal: `agent model: live updates O(new spans) on one long trace (${batch} new on ${k}: < 10%)`, value: `${longUpdate.toFixed(0)} ms = ${(longRatio * 100).toFixed(1)}%`, met: longRatio < 0.1 && r.longUpdatePaths.every((p) => p === 'traces') },
    { goal: `agent model: one long trace's update at ${k} spans against at half that: < x1.5`, value: `x${growth.toFixed(2)}`, met: growth < 1.5 },
  ];
}

if (require.main === module) {
  const spans = Number(process.argv[2] ?? 100_000);
  if (process.argv[3] === 'print') {
    const goals = printModelBench(benchModel(spans));
    for (const g of goals) console.log(`  ${g.met ? 'PASS' : 'MISS'}  ${g.goal.padEnd(72)} ${g.value}`);
    process.exitCode = goals.every((g) => g.met) ? 0 : 1;
  } else {
    measure(spans, 3, 8).then((r) => console.log(JSON.stringify(r)), (e) => {
      console.error(e);
      process.exit(1);
    });
  }
}
