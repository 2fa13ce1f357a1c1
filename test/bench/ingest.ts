// Ingest benchmark: the same protobuf payloads decoded in-process (the ceiling) and posted over real
// OTLP/HTTP to the receiver until stored in sql.js. Printed as rates and a ratio from one run.
import { Agent, request } from 'node:http';

const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });
import { TraceEngine } from '../../src/core/engine';
import { decodeTraceRequest } from '../../src/core/otlp/protoDecode';
import { makePayloads } from './payloads';

function post(port: number, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}


export interface IngestBench {
  spans: number;
  decodeSpansPerSec: number;
  acceptSpansPerSec: number;
  ingestSpansPerSec: number;
  ratio: number;
  maxSliceMs: number;
  maxSliceBusyMs: number;
  bytesPer100k: number;
  heapPer100k: number;
}

export async function benchIngest(requests = 100, spansPerRequest = 1000): Promise<IngestBench> {
  const payloads = makePayloads(requests, spansPerRequest);
  const spans = requests * spansPerRequest;

  // Decode only (warm once, then measure).
  for (const p of payloads.slice(0, 10)) decodeTraceRequest(p);
  let t = process.hrtime.bigint();
  for (const p of payloads) decodeTraceRequest(p);
  const decodeSec = Number(process.hrtime.bigint() - t) / 1e9;

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const engine = await TraceEngine.create({ maxSpans: 10_000_000, maxBytes: 1900 * 2 ** 20 });
  const { http } = await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] });
  t = process.hrtime.bigint();
  // Two requests in flight, like a batching exporter with a little concurrency.
  let next = 0;
  const worker = async () => {
    while (next < payloads.length) {
      const status = await post(http.port, payloads[next++]!);
      if (status !== 200) throw new Error(`receiver answered ${status}`);
    }
  };
  await Promise.all([worker(), worker()]);
  const acceptSec = Number(process.hrtime.bigint() - t) / 1e9;
  await engine.queue.flush();
  const ingestSec = Number(process.hrtime.bigint() - t) / 1e9;
  const stored = engine.store.stats();
  if (stored.spans !== spans) throw new Error(`stored ${stored.spans} of ${spans} spans`);
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const counters = engine.queue.counters;
  await engine.dispose();
  keepAlive.destroy();
  return {
    spans,
    decodeSpansPerSec: spans / decodeSec,
    acceptSpansPerSec: spans / acceptSec,
    ingestSpansPerSec: spans / ingestSec,
    ratio: decodeSec / ingestSec,
    maxSliceMs: counters.maxSliceMs,
    maxSliceBusyMs: counters.maxSliceBusyMs,
    bytesPer100k: (stored.bytes / spans) * 100_000,
    heapPer100k: ((heapAfter - heapBefore) / spans) * 100_000,
  };
}
