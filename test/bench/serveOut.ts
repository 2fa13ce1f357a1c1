// `serve --out` at scale: N agent-shaped ~3 KB spans (agentSpans.ts: the official SDK and serializer, batches
// of 512) posted to the built CLI (dist/cli.js) from this process, 2 requests in flight, as the exporter
// does; then Ctrl-C. Prints the time, serve's peak RSS (VmHWM, sampled), the file's size, and what the
// import reader (readSessionFile: scan, parse, decode each ResourceSpans) finds in the file: all N, distinct.
// The bodies are made first, into a file, and streamed from it, so neither side holds the run in memory.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readSessionFile } from '../../src/core/import/otlpFile';
import { agentPayloads } from './agentSpans';

export interface ServeOutBench {
  spans: number;
  seconds: number;
  peakRssMB: number;
  fileMB: number;
  /** Spans the import reader found in the file, and how many distinct span ids. */
  found: number;
  distinct: number;
  evicted: number;
  /** Requests sent again after a connection reset. */
  resets: number;
  /** serve's extra arguments (caps), '' for none. */
  args: string;
}

const root = resolve(__dirname, '../../..');

/** Agent-shaped request bodies for `spans` spans, into `file` (a 4-byte length before each). */
function makeBodies(file: string, spans: number): number {
  const fd = openSync(file, 'w');
  let made = 0;
  try {
    while (made < spans) {
      const requests = Math.min(20, Math.ceil((spans - made) / 512));
      for (const body of agentPayloads(requests, 512)) {
        const length = Buffer.alloc(4);
        length.writeUInt32LE(body.byteLength);
        writeSync(fd, length);
        writeSync(fd, body);
      }
      made += requests * 512;
    }
  } finally {
    closeSync(fd);
  }
  return made;
}

function* bodiesOf(file: string): Generator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    const length = Buffer.alloc(4);
    while (readSync(fd, length, 0, 4, null) === 4) {
      const body = Buffer.alloc(length.readUInt32LE());
      readSync(fd, body, 0, body.length, null);
      yield body;
    }
  } finally {
    closeSync(fd);
  }
}

function post(agent: Agent, port: number, body: Buffer): Promise<number> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength } }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode ?? 0));
    });
    req.on('error', rej);
    req.end(body);
  });
}

function peakRss(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0; // exited
  }
}

export async function benchServeOut(spans = 100_000, serveArgs: string[] = []): Promise<ServeOutBench> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-debugger-serve-out-'));
  try {
    const bodies = join(dir, 'bodies.bin');
    const sent = makeBodies(bodies, spans);
    const out = join(dir, 'run.otlp.jsonl');
    const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'serve', '--port', '0', '--grpc-port', '0', '--out', out, ...serveArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AGENT_DEBUGGER_GATEWAY: '0' } });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const port = await new Promise<number>((res, rej) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /OTLP\/HTTP on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m) res(Number(m[1]));
      });
      child.once('exit', (code) => rej(new Error(`serve exited ${code}: ${stderr}`)));
    });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!))), 100);
    const started = performance.now();
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    let resets = 0;
    try {
      const queue = bodiesOf(bodies);
      const worker = async () => {
        for (let next = queue.next(); !next.done; next = queue.next()) {
          for (;;) {
            // A reset (the server closed an idle keep-alive socket as it was reused) is sent again, as the
            // exporter does; a request the server stored before the reset is then in the file twice.
            const status = await post(agent, port, next.value).catch((e: NodeJS.ErrnoException) => {
              if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') throw e;
              resets++;
              return 0;
            });
            if (status === 0) continue;
            if (status === 200) break;
            if (status !== 429 && status !== 503) throw new Error(`serve answered ${status}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      };
      await Promise.all([worker(), worker()]);
      peak = Math.max(peak, peakRss(child.pid!));
      child.kill('SIGINT');
      const code = await exited;
      if (code !== 0) throw new Error(`serve exited ${code}: ${stderr}`);
    } finally {
      clearInterval(sampler);
      agent.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const seconds = (performance.now() - started) / 1000;
    rmSync(bodies, { force: true });
    const fileMB = statSync(out).size / 2 ** 20;
    let found = 0;
    const ids = new Set<string>();
    await readSessionFile(out, {
      traces: (req) => {
        for (const rs of req.resourceSpans) {
          for (const ss of rs.scopeSpans) {
            found += ss.spans.length;
            for (const s of ss.spans) ids.add(s.spanId);
          }
        }
      },
      logs: () => undefined,
    });
    const evicted = Number(/the caps evicted (\d+)/.exec(stdout)?.[1] ?? 0);
    return { spans: sent, seconds, peakRssMB: peak / 2 ** 20, fileMB, found, distinct: ids.size, evicted, args: serveArgs.join(' '), resets };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One of #19's goals, measured here (the rows run.ts gates on). */
export interface ServeOutGoal {
  goal: string;
  value: string;
  met: boolean;
}

export function printServeOutBench(r: ServeOutBench): ServeOutGoal[] {
  const f = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`\nserve --out (the built CLI; ${f(r.spans)} agent-shaped ~3 KB spans posted 2 in flight, then Ctrl-C; ${r.args || 'default caps'})`);
  console.log(`  ${r.seconds.toFixed(1)} s (${f(r.spans / r.seconds)} spans/s), serve's peak RSS ${f(r.peakRssMB)} MB, file ${f(r.fileMB)} MB, store evicted ${f(r.evicted)} from memory`);
  console.log(`  the import reader finds ${f(r.found)} spans in the file (${f(r.distinct)} distinct ids) of ${f(r.spans)} answered 200${r.resets ? ` (${r.resets} requests sent again after a connection reset)` : ''}`);
  return [
    { goal: `serve --out, ${f(r.spans)} agent-shaped spans: all in the file, re-read`, value: `${f(r.distinct)} of ${f(r.spans)}`, met: r.distinct === r.spans },
    // Bounded by the store's caps (1,024 MB by default), not by the run: the file holds the rest.
    { goal: `serve --out, ${f(r.spans)} agent-shaped spans: peak RSS <= 2,048 MB`, value: `${f(r.peakRssMB)} MB`, met: r.peakRssMB <= 2048 },
  ];
}

if (require.main === module) {
  // `serveOut.js [spans] [serve's args, e.g. --max-spans 100000]`
  const [spans, ...serveArgs] = process.argv.slice(2);
  benchServeOut(Number(spans ?? 100_000), serveArgs).then(
    (r) => {
      const goals = printServeOutBench(r);
      for (const g of goals) console.log(`  ${g.met ? 'PASS' : 'MISS'}  ${g.goal.padEnd(60)} ${g.value}`);
      process.exitCode = goals.every((g) => g.met) ? 0 : 1;
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
