// The flood test's agent, a process of its own (fork): makes `requests` OTLP/HTTP protobuf bodies of
// `spans` realistic ~3 KB GenAI spans (the official OTel JS SDK and serializer) in session `session`,
// waits for "go", posts them `inFlight` at a time and reports every answer: how many spans were answered
// 200 is what the test then looks for in the store.
import { Agent, request } from 'node:http';
import { makePayloads } from '../bench/payloads';

export interface FloodReport {
  requests: number;
  spansAnswered200: number;
  statuses: Record<string, number>;
  seconds: number;
}

function post(agent: Agent, port: number, body: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength };
    const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    // A refused or reset connection is an answer too (0): those spans were not acknowledged.
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function flood(port: number, payloads: Uint8Array[], spansPerRequest: number, inFlight: number): Promise<FloodReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const statuses: Record<string, number> = {};
  let spansAnswered200 = 0;
  let next = 0;
  const started = Date.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < payloads.length) {
      const status = await post(agent, port, payloads[next++]!);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) spansAnswered200 += spansPerRequest;
    }
  }));
  agent.destroy();
  return { requests: payloads.length, spansAnswered200, statuses, seconds: (Date.now() - started) / 1000 };
}

if (require.main === module && process.send) {
  const [port, session, requests, spans, inFlight] = process.argv.slice(2);
  const payloads = makePayloads(Number(requests), Number(spans), 'protobuf', { promptBytes: 2048, resource: { 'agent_debugger.session.id': session! } });
  process.once('message', () => {
    void flood(Number(port), payloads, Number(spans), Number(inFlight)).then((report) => process.send!(report));
  });
  process.send({ ready: true, bytes: payloads.reduce((n, p) => n + p.byteLength, 0) });
}
