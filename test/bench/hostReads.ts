// What a live refresh costs VS Code's thread on a long session: the CodeLens numbers and a traced run's
// check (breakpoints, $) and a debugger's stop, now derived in the engine worker, against the whole-session reads the host made
// before (readSession + normaliseSession; sessionSteps), on agent-shaped spans through the real receiver.
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { normaliseSession } from '../../src/core/agent';
import { ViewedSteps } from '../../src/core/debug/debugView';
import { StepTree } from '../../src/core/debug/stepTree';
import { EngineClient } from '../../src/core/engineClient';
import { agentPayloads } from './agentSpans';

export interface HostReadsBench {
  spans: number;
  /** Host thread busy (event-loop utilisation's active ms) for one answer. */
  codeLensMs: number;
  checkRunMs: number;
  /** A debugger's stop (or replay start): the worker's view of the session's steps. */
  debugViewMs: number;
  debugViewSteps: number;
  wholeCodeLensMs: number;
  wholeCheckMs: number;
  /** Opening the graph on the built model (its parts and snapshot, made between turns), and the receiver's longest wait meanwhile. */
  graphOpenMs: number;
  graphWaitMs: number;
  graphProbes: number;
}

const post = (port: number, body: Uint8Array | string, type = 'application/x-protobuf') => new Promise<number>((resolve, reject) => {
  const req = request({ port, path: '/v1/traces', method: 'POST', headers: { 'content-type': type } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode ?? 0));
  });
  req.on('error', reject);
  req.end(body);
});

async function hostBusy(f: () => Promise<unknown>): Promise<number> {
  const since = performance.eventLoopUtilization();
  await f();
  return performance.eventLoopUtilization(since).active;
}

export async function benchHostReads(spans = 100_000): Promise<HostReadsBench> {
  const engine = await EngineClient.start({ store: { maxSpans: 10_000_000, maxBytes: 4 * 2 ** 30 } });
  try {
    const { http } = await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] });
    for (let done = 0; done < spans; done += 512 * 20) {
      for (const body of agentPayloads(Math.min(20, Math.ceil((spans - done) / 512)), 512)) await post(http.port, body);
    }
    await engine.flush();
    const id = engine.listSessions()[0]!.id;
    await engine.derived.checkRun(id, {}, [], {}); // the worker's model, built once
    // The worker-derived answers first: the whole reads leave garbage this thread then collects.
    const codeLensMs = await hostBusy(() => engine.derived.codeLensStats(id, {}));
    const checkRunMs = await hostBusy(() => engine.derived.checkRun(id, {}, ['error'], {}));
    let debugViewSteps = 0;
    // What an adapter does with it on a stop: its steps and step tree, and where the stop's step is.
    const debugViewMs = await hostBusy(async () => {
      const view = await engine.derived.debugView(id, {}, ['error']);
      const steps = new ViewedSteps(view);
      new StepTree(view.parent).ancestry(steps.indexOf(steps.ids[steps.length - 1]!)!);
      debugViewSteps = steps.length;
    });
    const graph = await receiverWhile(http.port, () => engine.graph.snapshot('bench', id, {}));
    const wholeCodeLensMs = await hostBusy(async () => normaliseSession(await engine.readSession(id), {}));
    const wholeCheckMs = await hostBusy(() => engine.sessionSteps(id, {}));
    return { spans: engine.getSession(id)!.spanCount, codeLensMs, checkRunMs, debugViewMs, debugViewSteps, wholeCodeLensMs, wholeCheckMs, graphOpenMs: graph.ms, graphWaitMs: graph.longestWaitMs, graphProbes: graph.probes };
  } finally {
    await engine.dispose();
  }
}

/** One small span of a session of its own, as JSON: what an exporter sends meanwhile. */
const probe = (n: number) => JSON.stringify({
  resourceSpans: [{
    resource: { attributes: [{ key: 'agent_debugger.session.id', value: { stringValue: 'bench-probe' } }] },
    scopeSpans: [{ spans: [{ traceId: n.toString(16).padStart(32, '0'), spanId: 'c'.repeat(16), name: `probe ${n}`, startTimeUnixNano: '1', endTimeUnixNano: '2' }] }],
  }],
});

/** How long `work` took, and the longest a small request to the receiver waited while it ran (one after another). */
async function receiverWhile(port: number, work: () => Promise<unknown>): Promise<{ ms: number; longestWaitMs: number; probes: number }> {
  let done = false;
  const started = performance.now();
  const running = work().finally(() => (done = true));
  let longestWaitMs = 0;
  let probes = 0;
  while (!done) {
    const sent = performance.now();
    if ((await post(port, probe(++probes), 'application/json')) !== 200) throw new Error('the receiver refused a probe');
    longestWaitMs = Math.max(longestWaitMs, performance.now() - sent);
  }
  await running;
  return { ms: performance.now() - started, longestWaitMs, probes };
}
