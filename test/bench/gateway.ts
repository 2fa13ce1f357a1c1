// The LLM gateway's cost against talking to the provider directly (the mock provider on 127.0.0.1):
// added latency of plain calls, time to first chunk of streams, and 50 concurrent streams. Both paths
// use the same keep-alive HTTP client; the gateway also records every call into a store meanwhile.
import * as http from 'node:http';
import { TraceEngine } from '../../src/core/engine';
import { MockProvider } from '../unit/gateway/mockProvider';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'x'.repeat(800) }] });
const reply = { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }], usage: { prompt_tokens: 210, completion_tokens: 1, total_tokens: 211 } };
const chunk = (content: string) => ({ data: { id: 's', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }] } });

/** One call: ms to the first body byte and to the end. */
function call(url: string): Promise<{ firstMs: number; totalMs: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' } }, (res) => {
      let firstMs = -1;
      res.on('data', () => {
        if (firstMs < 0) firstMs = performance.now() - start;
      });
      res.on('end', () => resolve({ firstMs, totalMs: performance.now() - start }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export interface GatewayBench {
  calls: number;
  plain: { directP50: number; directP99: number; gatewayP50: number; gatewayP99: number };
  streams: number;
  firstChunk: { directP50: number; directP99: number; gatewayP50: number; gatewayP99: number };
  concurrent: { streams: number; directWallMs: number; gatewayWallMs: number; directFirstP99: number; gatewayFirstP99: number; coldDirectWallMs: number; coldGatewayWallMs: number; recorded: number };
}

async function series(url: string, n: number, pick: 'firstMs' | 'totalMs'): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await call(url))[pick]);
  return out;
}

/** Alternates direct and gateway rounds so a busy machine weighs on both alike. */
async function compare(direct: string, viaGateway: string, n: number, pick: 'firstMs' | 'totalMs'): Promise<{ d: number[]; g: number[] }> {
  const d: number[] = [];
  const g: number[] = [];
  for (let round = 0; round < 5; round++) {
    d.push(...(await series(direct, n / 5, pick)));
    g.push(...(await series(viaGateway, n / 5, pick)));
  }
  return { d, g };
}

export async function benchGateway(calls = 1000, streams = 100, concurrent = 50): Promise<GatewayBench> {
  const plainMock = new MockProvider();
  plainMock.fallback = { json: reply };
  const streamMock = new MockProvider();
  streamMock.fallback = { sse: [chunk('a'), chunk('b'), chunk('c'), chunk('d'), chunk('e')], done: true, gapMs: 5 };
  const plainUrl = await plainMock.start();
  const streamUrl = await streamMock.start();
  const engine = await TraceEngine.create();
  try {
    const gateway = await engine.startGateway({ upstreams: { openai: `${plainUrl}/v1` } });
    const streamRun = gateway.addRun({ sessionId: 'bench-streams', upstreams: { openai: `${streamUrl}/v1` } });
    const plainDirect = `${plainUrl}/v1/chat/completions`;
    const plainVia = `${gateway.endpoint}/openai/chat/completions`;
    const streamDirect = `${streamUrl}/v1/chat/completions`;
    const streamVia = `${gateway.baseUrl('openai', streamRun)}/chat/completions`;
    await series(plainDirect, 50, 'totalMs');
    await series(plainVia, 50, 'totalMs');
    await engine.queue.flush();
    const plain = await compare(plainDirect, plainVia, calls, 'totalMs');
    await engine.queue.flush();
    const first = await compare(streamDirect, streamVia, streams, 'firstMs');
    await engine.queue.flush();

    const burst = async (url: string) => {
      const start = performance.now();
      const results = await Promise.all(Array.from({ length: concurrent }, () => call(url)));
      return { wallMs: performance.now() - start, firstP99: quantile(results.map((r) => r.firstMs), 0.99) };
    };
    // Cold: every socket is new (the gateway opens its own 50 upstream connections); warm: they are kept.
    const dCold = await burst(streamDirect);
    const gCold = await burst(streamVia);
    await engine.queue.flush();
    const d = await burst(streamDirect);
    const g = await burst(streamVia);
    await engine.queue.flush();
    return {
      calls,
      plain: { directP50: quantile(plain.d, 0.5), directP99: quantile(plain.d, 0.99), gatewayP50: quantile(plain.g, 0.5), gatewayP99: quantile(plain.g, 0.99) },
      streams,
      firstChunk: { directP50: quantile(first.d, 0.5), directP99: quantile(first.d, 0.99), gatewayP50: quantile(first.g, 0.5), gatewayP99: quantile(first.g, 0.99) },
      concurrent: { streams: concurrent, directWallMs: d.wallMs, gatewayWallMs: g.wallMs, directFirstP99: d.firstP99, gatewayFirstP99: g.firstP99, coldDirectWallMs: dCold.wallMs, coldGatewayWallMs: gCold.wallMs, recorded: engine.store.stats().spans },
    };
  } finally {
    await engine.dispose();
    await plainMock.stop();
    await streamMock.stop();
    agent.destroy();
  }
}

export function printGatewayBench(r: GatewayBench): void {
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  const added = (g: number, d: number) => `${g - d >= 0 ? '+' : ''}${(g - d).toFixed(2)} ms`;
  console.log('\nLLM gateway (mock provider on 127.0.0.1; the same keep-alive client direct and through the gateway, which records every call; client, gateway and mock share this one process, so the gateway path also pays for two more sockets per call on the same event loop)');
  console.log(`  plain calls (${r.calls}), p50       direct ${ms(r.plain.directP50)}, via gateway ${ms(r.plain.gatewayP50)}: added ${added(r.plain.gatewayP50, r.plain.directP50)}   (goal < 1 ms: ${r.plain.gatewayP50 - r.plain.directP50 < 1 ? 'met' : 'NOT met'})`);
  console.log(`  plain calls, p99                 direct ${ms(r.plain.directP99)}, via gateway ${ms(r.plain.gatewayP99)}: added ${added(r.plain.gatewayP99, r.plain.directP99)}`);
  console.log(`  stream first chunk (${r.streams}), p50   direct ${ms(r.firstChunk.directP50)}, via gateway ${ms(r.firstChunk.gatewayP50)}: added ${added(r.firstChunk.gatewayP50, r.firstChunk.directP50)}`);
  console.log(`  stream first chunk, p99          direct ${ms(r.firstChunk.directP99)}, via gateway ${ms(r.firstChunk.gatewayP99)}: added ${added(r.firstChunk.gatewayP99, r.firstChunk.directP99)}`);
  console.log(`  ${r.concurrent.streams} concurrent streams, warm      direct ${ms(r.concurrent.directWallMs)}, via gateway ${ms(r.concurrent.gatewayWallMs)} wall; first chunk p99 ${ms(r.concurrent.directFirstP99)} vs ${ms(r.concurrent.gatewayFirstP99)}`);
  console.log(`  ${r.concurrent.streams} concurrent streams, cold      direct ${ms(r.concurrent.coldDirectWallMs)}, via gateway ${ms(r.concurrent.coldGatewayWallMs)} wall (new sockets on both hops); ${r.concurrent.recorded} calls recorded in all`);
}

if (require.main === module) {
  benchGateway().then(printGatewayBench, (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
