// The LLM gateway's cost against talking to the provider directly (the mock provider on 127.0.0.1):
// added latency of plain calls, time to first chunk of streams, and 50 concurrent streams. Three
// processes, as in use: this one is the agent (one keep-alive client for both paths), the mock provider
// and the gateway (recording every call into its store) run apart (gatewayProcesses.ts). Direct and
// gateway rounds alternate, each path taking each place in turn, so a busy machine weighs on all alike;
// each path is warmed up first (plain calls and streams).
import { type ChildProcess, fork } from 'node:child_process';
import * as http from 'node:http';
import { join } from 'node:path';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'x'.repeat(800) }] });

/** One call: ms to the first body byte and to the end, and the chunks seen. */
function call(url: string): Promise<{ firstMs: number; totalMs: number; chunks: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' } }, (res) => {
      let firstMs = -1;
      let chunks = 0;
      res.on('data', () => {
        chunks++;
        if (firstMs < 0) firstMs = performance.now() - start;
      });
      res.on('end', () => resolve({ firstMs, totalMs: performance.now() - start, chunks }));
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

interface Pair { directP50: number; directP99: number; gatewayP50: number; gatewayP99: number; bareP50: number; bareP99: number }

export interface GatewayBench {
  calls: number;
  plain: Pair;
  streams: number;
  firstChunk: Pair;
  /** The same, with calls `gapMs` apart: the gateway records each call before the next one comes. */
  gapMs: number;
  plainApart: Pair;
  firstChunkApart: Pair;
  concurrent: { streams: number; completed: number; directWallMs: number; gatewayWallMs: number; directFirstP99: number; gatewayFirstP99: number; coldDirectWallMs: number; coldGatewayWallMs: number };
  recorded: number;
  expectedRecorded: number;
}

/** Calls one after another, `gapMs` apart (an agent does something between its calls). */
async function series(url: string, n: number, pick: 'firstMs' | 'totalMs', gapMs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push((await call(url))[pick]);
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
  }
  return out;
}

/** Direct, via a bare proxy and via the gateway, in alternating rounds (each path first, second and third in turn). */
async function compare(direct: string, bare: string, viaGateway: string, n: number, pick: 'firstMs' | 'totalMs', gapMs = 0): Promise<Pair> {
  const d: number[] = [];
  const b: number[] = [];
  const g: number[] = [];
  const paths = [{ url: direct, out: d }, { url: bare, out: b }, { url: viaGateway, out: g }];
  const rounds = 20;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < paths.length; i++) {
      const path = paths[(round + i) % paths.length]!;
      path.out.push(...(await series(path.url, n / rounds, pick, gapMs)));
    }
  }
  return { directP50: quantile(d, 0.5), directP99: quantile(d, 0.99), bareP50: quantile(b, 0.5), bareP99: quantile(b, 0.99), gatewayP50: quantile(g, 0.5), gatewayP99: quantile(g, 0.99) };
}

interface Urls { plain: string; stream: string; barePlain: string; bareStream: string }

function start(args: string[]): Promise<{ child: ChildProcess; urls: Urls }> {
  const child = fork(join(__dirname, 'gatewayProcesses.js'), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (urls) => resolve({ child, urls: urls as Urls }));
    child.once('exit', (code) => reject(new Error(`bench ${args[0]} process exited (${code})`)));
  });
}

function recorded(gateway: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    gateway.once('message', (m) => resolve((m as { recorded: number }).recorded));
    gateway.send('recorded');
  });
}

export async function benchGateway(calls = 1000, streams = 200, concurrent = 50, gapMs = 5): Promise<GatewayBench> {
  const mock = await start(['mock']);
  const gateway = await start(['gateway', mock.urls.plain, mock.urls.stream]).catch((e: unknown) => {
    mock.child.kill();
    throw e;
  });
  try {
    const plainDirect = `${mock.urls.plain}/v1/chat/completions`;
    const streamDirect = `${mock.urls.stream}/v1/chat/completions`;
    const warm = 300;
    const warmStreams = 60;
    await compare(plainDirect, gateway.urls.barePlain, gateway.urls.plain, warm, 'totalMs');
    await compare(streamDirect, gateway.urls.bareStream, gateway.urls.stream, warmStreams, 'firstMs');
    const plain = await compare(plainDirect, gateway.urls.barePlain, gateway.urls.plain, calls, 'totalMs');
    const first = await compare(streamDirect, gateway.urls.bareStream, gateway.urls.stream, streams, 'firstMs');
    const plainApart = await compare(plainDirect, gateway.urls.barePlain, gateway.urls.plain, calls, 'totalMs', gapMs);
    const firstApart = await compare(streamDirect, gateway.urls.bareStream, gateway.urls.stream, streams, 'firstMs', gapMs);

    const burst = async (url: string) => {
      const t0 = performance.now();
      const results = await Promise.all(Array.from({ length: concurrent }, () => call(url)));
      return { wallMs: performance.now() - t0, firstP99: quantile(results.map((r) => r.firstMs), 0.99), completed: results.filter((r) => r.chunks > 0 && r.firstMs >= 0).length };
    };
    // Cold: every socket is new (the gateway opens its own upstream connections); warm: they are kept.
    agent.destroy();
    const dCold = await burst(streamDirect);
    const gCold = await burst(gateway.urls.stream);
    const d = await burst(streamDirect);
    const g = await burst(gateway.urls.stream);
    return {
      calls, plain, streams, firstChunk: first, gapMs, plainApart, firstChunkApart: firstApart,
      concurrent: { streams: concurrent, completed: Math.min(g.completed, gCold.completed), directWallMs: d.wallMs, gatewayWallMs: g.wallMs, directFirstP99: d.firstP99, gatewayFirstP99: g.firstP99, coldDirectWallMs: dCold.wallMs, coldGatewayWallMs: gCold.wallMs },
      recorded: await recorded(gateway.child),
      expectedRecorded: warm + warmStreams + 2 * (calls + streams) + 2 * concurrent,
    };
  } finally {
    gateway.child.disconnect();
    mock.child.disconnect();
    agent.destroy();
  }
}

export function printGatewayBench(r: GatewayBench): void {
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  const added = (g: number, d: number) => `${g - d >= 0 ? '+' : ''}${(g - d).toFixed(2)} ms`;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const concurrentOk = r.concurrent.completed === r.concurrent.streams && r.recorded === r.expectedRecorded;
  console.log('\nLLM gateway (agent, gateway and mock provider in three processes on 127.0.0.1; the same keep-alive client direct, via a bare pass-through proxy in the gateway\'s process (the hop alone) and via the gateway, which records every call)');
  const row = (label: string, p: Pair, q: 'P50' | 'P99') => `  ${label.padEnd(40)} direct ${ms(p[`direct${q}`])}, bare proxy ${ms(p[`bare${q}`])}, via gateway ${ms(p[`gateway${q}`])}: added ${added(p[`gateway${q}`], p[`direct${q}`])} (the hop ${added(p[`bare${q}`], p[`direct${q}`])}, the gateway's own work ${added(p[`gateway${q}`], p[`bare${q}`])})`;
  const target = (p: Pair, what: string) => `   ${verdict(p.gatewayP50 - p.directP50 < 1)}: ${what}`;
  for (const [when, plain, first] of [['back to back', r.plain, r.firstChunk], [`${r.gapMs} ms apart`, r.plainApart, r.firstChunkApart]] as const) {
    console.log(`${row(`plain calls (${r.calls}, ${when}), p50`, plain, 'P50')}${target(plain, '< 1 ms added at p50')}`);
    console.log(row('plain calls, p99', plain, 'P99'));
    console.log(`${row(`stream first chunk (${r.streams}, ${when}), p50`, first, 'P50')}${target(first, 'first chunk not delayed (< 1 ms added at p50)')}`);
    console.log(row('stream first chunk, p99', first, 'P99'));
  }
  console.log(`  ${r.concurrent.streams} concurrent streams, warm      direct ${ms(r.concurrent.directWallMs)}, via gateway ${ms(r.concurrent.gatewayWallMs)} wall; first chunk p99 ${ms(r.concurrent.directFirstP99)} vs ${ms(r.concurrent.gatewayFirstP99)}`);
  console.log(`  ${r.concurrent.streams} concurrent streams, cold      direct ${ms(r.concurrent.coldDirectWallMs)}, via gateway ${ms(r.concurrent.coldGatewayWallMs)} wall (new sockets on both hops)`);
  console.log(`  ${verdict(concurrentOk)}: ${r.concurrent.streams} concurrent streams all complete (${r.concurrent.completed}) and every call is recorded (${r.recorded} of ${r.expectedRecorded})`);
}

if (require.main === module) {
  benchGateway().then(printGatewayBench, (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
