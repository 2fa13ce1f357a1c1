// The benchmark's OTLP/HTTP client, in a process of its own like a real agent: reads the payloads the
// benchmark wrote, waits for "go", posts them all (a few requests in flight) and reports how it went.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface SenderReport {
  ok: boolean;
  error?: string;
}

/** Payloads as one file: each a 4-byte little-endian length, then its bytes. */
export function packPayloads(payloads: Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const p of payloads) {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(p.byteLength);
    parts.push(length, Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  }
  return Buffer.concat(parts);
}

export function unpackPayloads(file: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < file.length; ) {
    const length = file.readUInt32LE(at);
    out.push(file.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/**
 * unpackPayloads of a file read a payload at a time into one buffer (reused while big enough): for files over
 * the 2 GB one read takes (1M spans of unique content).
 */
export function forEachPayloadIn(file: string, each: (payload: Buffer) => void): void {
  let buffer = Buffer.alloc(4 * 2 ** 20);
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; readSync(fd, head, 0, 4, at) === 4; ) {
      const length = head.readUInt32LE(0);
      if (length > buffer.length) buffer = Buffer.alloc(length);
      if (readSync(fd, buffer, 0, length, at + 4) !== length) throw new Error(`${file}: the payload at byte ${at} is cut short`);
      each(buffer.subarray(0, length));
      at += 4 + length;
    }
  } finally {
    closeSync(fd);
  }
}

function post(agent: Agent, port: number, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength };
    const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function send(port: number, payloads: Buffer[], inFlight: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  const worker = async () => {
    while (next < payloads.length) {
      const status = await post(agent, port, payloads[next++]!);
      if (status !== 200) throw new Error(`receiver answered ${status}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    agent.destroy();
  }
}

if (require.main === module && process.send) {
  const [port, file, inFlight] = process.argv.slice(2);
  const payloads = unpackPayloads(readFileSync(file!));
  process.once('message', () => {
    send(Number(port), payloads, Number(inFlight)).then(
      () => process.send!({ ok: true } satisfies SenderReport),
      (e: unknown) => process.send!({ ok: false, error: String(e) } satisfies SenderReport),
    );
  });
  process.send('ready');
}
