// #19: how much of a long agent run the store keeps with its default caps. Agent-shaped spans (agentSpans.ts)
// go into a store made with no options, as the extension and the CLI make it, made and stored a few
// requests at a time (a million spans of payloads at once would be gigabytes of this process's memory).
import { performance } from 'node:perf_hooks';
import { prepareTraceBytes } from '../../src/core/store/protoPrepared';
import { SpanStore } from '../../src/core/store/spanStore';
import { agentPayloads } from './agentSpans';

export interface DefaultCapsBench {
  sent: number;
  kept: number;
  evicted: number;
  storeBytes: number;
  seconds: number;
}

export async function benchDefaultCaps(spans: number): Promise<DefaultCapsBench> {
  const store = await SpanStore.create();
  const started = performance.now();
  try {
    let sent = 0;
    while (sent < spans) {
      for (const body of agentPayloads(Math.min(16, Math.ceil((spans - sent) / 512)))) {
        const prepared = prepareTraceBytes(body);
        if (!prepared) throw new Error('the decode fast path refused an agent request');
        store.ingestPrepared(prepared);
        sent += prepared.count;
      }
    }
    store.finishDeletes();
    return { sent, kept: store.spanCount(), evicted: store.evictedSpans, storeBytes: store.stats().bytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    store.dispose();
  }
}
