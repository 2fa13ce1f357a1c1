// The agent model at scale, alone: a store of agent-shaped spans (agentSpans.ts), then the time to read and
// model the session whole (readSession + buildSession), and the time of one live update (512 new spans)
// through the incremental model. Run alone with `node --expose-gc out/test/bench/model.js [spans]`, or from run.ts.
import { performance } from 'node:perf_hooks';
import { buildSession } from '../../src/core/agent';
import { readSession } from '../../src/core/agent/fromStore';
import { decodeTraceRequest } from '../../src/core/otlp/protoDecode';
import { SpanStore } from '../../src/core/store/spanStore';
import { agentPayloads } from './agentSpans';

export async function agentStore(spans: number): Promise<SpanStore> {
  const store = await SpanStore.create({ maxBytes: 8 * 2 ** 30, maxSpans: 10_000_000 });
  const batch = 512;
  for (let done = 0; done < spans; done += batch * 20) {
    const requests = Math.min(20, Math.ceil((spans - done) / batch));
    for (const body of agentPayloads(requests, batch)) store.ingestTraces(decodeTraceRequest(body));
  }
  return store;
}

async function main(): Promise<void> {
  const spans = Number(process.argv[2] ?? 100_000);
  const store = await agentStore(spans);
  const id = store.listSessions()[0]!.id;
  for (let run = 0; run < 3; run++) {
    global.gc?.();
    const t0 = performance.now();
    const inputs = readSession(store, id);
    const t1 = performance.now();
    const session = buildSession(inputs);
    const t2 = performance.now();
    console.log(`read ${(t1 - t0).toFixed(0)} ms, build ${(t2 - t1).toFixed(0)} ms, all ${(t2 - t0).toFixed(0)} ms (${session.steps.length} steps)`);
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
