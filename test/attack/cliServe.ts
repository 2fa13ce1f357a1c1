// `agent-debugger serve` (the built dist/cli.js) as a child process, and a sender that floods it.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';
import { encodeTraceRequest } from '../../src/core/otlp/protoEncode';
import { bulkRequest, str } from '../unit/store/fixtures';

const root = resolve(__dirname, '../../..');

export interface Served {
  child: ChildProcessWithoutNullStreams;
  endpoint: string;
  stdout: () => string;
  stderr: () => string;
  /** Ctrl-C, then the exit code. */
  stop: () => Promise<number | null>;
}

export async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'serve', '--port', '0', '--grpc-port', '0', ...args]);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const endpoint = await new Promise<string>((res, rej) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /OTLP\/HTTP on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m) res(m[1]!);
    });
    child.once('exit', (code) => rej(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  return {
    child, endpoint, stdout: () => stdout, stderr: () => stderr,
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/**
 * `senders` sessions (one service instance each) send `batches` protobuf requests of `perBatch` spans at
 * once, as fast as answered; a 429 is retried after its Retry-After. Returns the spans answered 200.
 */
export async function flood(endpoint: string, senders: number, batches: number, perBatch: number, padding = 0): Promise<number> {
  let answered = 0;
  const pad = 'x'.repeat(padding);
  await Promise.all(
    Array.from({ length: senders }, async (_, k) => {
      for (let b = 0; b < batches; b++) {
        const req = bulkRequest(perBatch, k * 10_000_000 + b * perBatch, [str('service.name', `flood-${k}`), str('service.instance.id', `flood-${k}`)]);
        if (pad) for (const s of req.resourceSpans[0]!.scopeSpans[0]!.spans) s.attributes.push(str('padding', pad));
        const body = encodeTraceRequest(req);
        for (;;) {
          const res = await fetch(`${endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
          await res.arrayBuffer();
          if (res.status === 200) break;
          if (res.status !== 429 && res.status !== 503) throw new Error(`answered ${res.status}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        answered += perBatch;
      }
    }),
  );
  return answered;
}
