// A scripted LLM provider on 127.0.0.1 for tests and the bench: each request takes the next scripted
// answer (a JSON body, an SSE or NDJSON stream with a pause between events, an error status, or a
// dropped connection) and is kept, headers included, so tests can check what the gateway forwarded.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type MockAnswer =
  | { status?: number; json: unknown }
  | { status?: number; sse: { event?: string; data: unknown }[]; done?: boolean; gapMs?: number }
  | { status?: number; ndjson: unknown[]; gapMs?: number }
  | { hangUp: true }
  | { hang: true };

export interface MockRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Set when the client (the gateway) closed the connection before the answer was complete. */
  aborted: boolean;
  /** Date.now() at each streamed event's write. */
  writtenAt: number[];
  /** Date.now() when the first and the last body byte arrived. */
  firstByteAt: number;
  lastByteAt: number;
}

export class MockProvider {
  readonly requests: MockRequest[] = [];
  private readonly script: MockAnswer[] = [];
  private server: http.Server | undefined;
  /** Answer used when the script is empty. */
  fallback: MockAnswer = { status: 500, json: { error: { message: 'mock provider: script is empty' } } };

  answer(...answers: MockAnswer[]): this {
    this.script.push(...answers);
    return this;
  }

  async start(): Promise<string> {
    this.server = http.createServer({ noDelay: true }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let firstByteAt = 0;
    for await (const c of req) {
      firstByteAt ||= Date.now();
      chunks.push(c as Buffer);
    }
    const seen: MockRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), aborted: false, writtenAt: [], firstByteAt, lastByteAt: Date.now() };
    this.requests.push(seen);
    res.on('close', () => (seen.aborted = !res.writableFinished));
    const answer = this.script.shift() ?? this.fallback;
    if ('hangUp' in answer) return void req.socket.destroy();
    if ('hang' in answer) return;
    if ('json' in answer) {
      const body = JSON.stringify(answer.json);
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      return void res.end(body);
    }
    const sse = 'sse' in answer;
    res.writeHead(answer.status ?? 200, { 'content-type': sse ? 'text/event-stream' : 'application/x-ndjson' });
    const lines = sse
      ? answer.sse.map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`).concat(answer.done ? ['data: [DONE]\n\n'] : [])
      : answer.ndjson.map((l) => `${JSON.stringify(l)}\n`);
    for (const line of lines) {
      if (res.destroyed) return;
      res.write(line);
      seen.writtenAt.push(Date.now());
      if (answer.gapMs) await new Promise((r) => setTimeout(r, answer.gapMs));
    }
    res.end();
  }
}
