import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as zlib from 'node:zlib';
import { isLoopbackHost } from '../../../src/core/otlp/httpGuards';
import { encodeLogsRequest, encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import type { OtlpReceiver } from '../../../src/core/otlp/receiver';
import type { ReceiverStats } from '../../../src/core/otlp/receiverTypes';
import {
  MemorySink, decodeExportResponseProto, decodeStatusProto, makeLogsRequest, makeSpan, makeTraceRequest, request, startReceiver,
} from './helpers';

const PB = { 'Content-Type': 'application/x-protobuf' };
const JSON_CT = { 'Content-Type': 'application/json' };

describe('OTLP/HTTP receiver (raw HTTP)', () => {
  let sink: MemorySink;
  let receiver: OtlpReceiver;
  let port: number;
  const proto = Buffer.from(encodeTraceRequest(makeTraceRequest()));
  const json = JSON.stringify(makeTraceRequest());

  beforeEach(async () => {
    sink = new MemorySink();
    ({ receiver, port } = await startReceiver(sink, { maxBodyBytes: 64 * 1024, allowedOrigins: ['http://localhost:3000'] }));
  });
  afterEach(() => receiver.stop());

  it('answers GET / and /health with a small JSON identity', async () => {
    for (const path of ['/', '/health']) {
      const res = await request(port, path, { method: 'GET' });
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body.toString()), { service: 'agent-debugger', otlp: true });
    }
  });

  it('accepts protobuf and JSON traces, answering in the request encoding', async () => {
    const a = await request(port, '/v1/traces', { headers: PB, body: proto });
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], 'application/x-protobuf');
    assert.equal(a.body.length, 0);
    const b = await request(port, '/v1/traces?x=1', { headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: json });
    assert.equal(b.status, 200);
    assert.equal(b.headers['content-type'], 'application/json');
    assert.equal(b.body.toString(), '{}');
    assert.equal(sink.traces.length, 2);
    assert.deepEqual(sink.traces[0], makeTraceRequest());
    assert.deepEqual(sink.traces[1], makeTraceRequest());
  });

  it('accepts logs and answers metrics without storing them', async () => {
    const logs = await request(port, '/v1/logs', { headers: PB, body: encodeLogsRequest(makeLogsRequest()) });
    assert.equal(logs.status, 200);
    assert.deepEqual(sink.logs, [makeLogsRequest()]);
    const metrics = await request(port, '/v1/metrics', { headers: JSON_CT, body: '{"resourceMetrics":[]}' });
    assert.equal(metrics.status, 200);
    assert.equal(metrics.body.toString(), '{}');
  });

  it('inflates gzip and deflate (zlib and raw) bodies', async () => {
    for (const [encoding, body] of [['gzip', zlib.gzipSync(proto)], ['deflate', zlib.deflateSync(proto)], ['deflate', zlib.deflateRawSync(proto)], ['identity', proto]] as const) {
      const res = await request(port, '/v1/traces', { headers: { ...PB, 'Content-Encoding': encoding }, body });
      assert.equal(res.status, 200, encoding);
    }
    assert.equal(sink.traces.length, 4);
  });

  it('answers partial success for spans with bad ids (200, both encodings)', async () => {
    const req = makeTraceRequest([makeSpan(), makeSpan({ traceId: 'abc' }), makeSpan({ spanId: '' })]);
    const a = await request(port, '/v1/traces', { headers: JSON_CT, body: JSON.stringify(req) });
    assert.equal(a.status, 200);
    const body = JSON.parse(a.body.toString());
    assert.equal(body.partialSuccess.rejectedSpans, '2');
    assert.match(body.partialSuccess.errorMessage, /^2 spans rejected: .*traceId "abc" is not 16 bytes of hex; .*spanId is missing$/);
    const b = await request(port, '/v1/traces', { headers: PB, body: encodeTraceRequest(req) });
    assert.equal(b.status, 200);
    assert.equal(decodeExportResponseProto(b.body)?.rejected, '2');
    assert.equal(sink.spans().length, 2);
  });

  it('400 with a google.rpc.Status for malformed protobuf, JSON and gzip', async () => {
    const a = await request(port, '/v1/traces', { headers: PB, body: proto.subarray(0, proto.length - 3) });
    assert.equal(a.status, 400);
    assert.match(decodeStatusProto(a.body).message, /^cannot decode protobuf ExportTraceServiceRequest: resource #0: length \d+ at offset 3 runs past the end of the enclosing message/);
    const b = await request(port, '/v1/traces', { headers: JSON_CT, body: '{"resourceSpans":{}}' });
    assert.equal(b.status, 400);
    assert.deepEqual(JSON.parse(b.body.toString()), { code: 3, message: 'cannot decode OTLP/JSON ExportTraceServiceRequest: resourceSpans: expected an array, got an object' });
    const c = await request(port, '/v1/traces', { headers: { ...PB, 'Content-Encoding': 'gzip' }, body: Buffer.from('not gzip at all') });
    assert.equal(c.status, 400);
    assert.match(decodeStatusProto(c.body).message, /^invalid gzip body: /);
    const d = await request(port, '/v1/traces', { headers: { ...JSON_CT, 'Content-Encoding': 'gzip' }, body: zlib.gzipSync(json).subarray(0, 30) });
    assert.equal(d.status, 400);
    assert.match(JSON.parse(d.body.toString()).message, /invalid gzip body: unexpected end of file/);
    assert.equal(sink.traces.length, 0);
  });

  it('413 for a declared, a streamed and an inflated body over the cap', async () => {
    const big = Buffer.alloc(100 * 1024, 1);
    const a = await request(port, '/v1/traces', { headers: { ...PB, 'Content-Length': big.length }, body: big });
    assert.equal(a.status, 413);
    assert.match(decodeStatusProto(a.body).message, /larger than the 65536-byte limit/);
    const b = await request(port, '/v1/traces', { headers: { ...PB, 'Transfer-Encoding': 'chunked' }, body: big });
    assert.equal(b.status, 413);
    const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024));
    assert.ok(bomb.length < 64 * 1024);
    const c = await request(port, '/v1/traces', { headers: { ...JSON_CT, 'Content-Encoding': 'gzip' }, body: bomb });
    assert.equal(c.status, 413);
    assert.match(JSON.parse(c.body.toString()).message, /^decompressed request body is larger than the 65536-byte limit$/);
  });

  it('415 for a wrong or missing content type or an unknown encoding', async () => {
    const a = await request(port, '/v1/traces', { headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    assert.equal(a.status, 415);
    assert.match(JSON.parse(a.body.toString()).message, /Content-Type "text\/plain" is not supported; send application\/x-protobuf or application\/json/);
    const b = await request(port, '/v1/traces', { body: 'x' });
    assert.equal(b.status, 415);
    const c = await request(port, '/v1/traces', { headers: { ...PB, 'Content-Encoding': 'br' }, body: 'x' });
    assert.equal(c.status, 415);
    assert.match(decodeStatusProto(c.body).message, /Content-Encoding "br" is not supported/);
  });

  it('403 for a foreign Origin or a non-loopback Host, saying how to allow it', async () => {
    const a = await request(port, '/v1/traces', { headers: { ...JSON_CT, Origin: 'https://evil.example' }, body: json });
    assert.equal(a.status, 403);
    assert.match(JSON.parse(a.body.toString()).message, /Origin "https:\/\/evil.example" is not allowed.*agentDebugger\.receiver\.allowedOrigins/);
    const b = await request(port, '/v1/traces', { headers: { ...PB, Host: 'attacker.example:4318' }, body: proto });
    assert.equal(b.status, 403);
    assert.match(decodeStatusProto(b.body).message, /Host "attacker.example:4318" is not a loopback name/);
    const c = await request(port, '/health', { method: 'GET', headers: { Host: 'rebound.example' } });
    assert.equal(c.status, 403);
    assert.equal(sink.traces.length, 0);
  });

  it('lets an allowed browser origin post, with CORS headers and a preflight', async () => {
    const pre = await request(port, '/v1/traces', { method: 'OPTIONS', headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], 'http://localhost:3000');
    assert.equal(pre.headers['access-control-allow-headers'], 'content-type');
    const res = await request(port, '/v1/traces', { headers: { ...JSON_CT, Origin: 'http://LOCALHOST:3000' }, body: json });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], 'http://LOCALHOST:3000');
  });

  it('404 for unknown paths, 405 with Allow for wrong methods', async () => {
    const a = await request(port, '/v1/spans', { headers: JSON_CT, body: json });
    assert.equal(a.status, 404);
    assert.match(JSON.parse(a.body.toString()).message, /no OTLP endpoint at \/v1\/spans/);
    const b = await request(port, '/v1/traces', { method: 'GET' });
    assert.equal(b.status, 405);
    assert.equal(b.headers.allow, 'POST, OPTIONS');
    const c = await request(port, '/health', { method: 'POST', headers: JSON_CT, body: '{}' });
    assert.equal(c.status, 405);
    assert.equal(c.headers.allow, 'GET, HEAD');
  });

  it('passes the sink\'s back-pressure on as 429/503 with Retry-After', async () => {
    sink.verdict = { ok: false, status: 429, retryAfterSeconds: 2.5, reason: 'ingest queue is full (50000 spans waiting)' };
    const a = await request(port, '/v1/traces', { headers: PB, body: proto });
    assert.equal(a.status, 429);
    assert.equal(a.headers['retry-after'], '3');
    assert.deepEqual(decodeStatusProto(a.body), { code: 8, message: 'ingest queue is full (50000 spans waiting)' });
    sink.verdict = { ok: false, status: 503, retryAfterSeconds: 1, reason: 'store is evicting' };
    const b = await request(port, '/v1/logs', { headers: JSON_CT, body: JSON.stringify(makeLogsRequest()) });
    assert.equal(b.status, 503);
    assert.equal(b.headers['retry-after'], '1');
    assert.deepEqual(JSON.parse(b.body.toString()), { code: 14, message: 'store is evicting' });
    assert.equal(receiver.stats.refused, 2);
  });

  it('turns an exception in the sink into a 500 Status and keeps serving', async () => {
    sink.throwOnAccept = true;
    const a = await request(port, '/v1/traces', { headers: JSON_CT, body: json });
    assert.equal(a.status, 500);
    assert.match(JSON.parse(a.body.toString()).message, /internal error in the OTLP receiver: sink exploded/);
    sink.throwOnAccept = false;
    assert.equal((await request(port, '/v1/traces', { headers: JSON_CT, body: json })).status, 200);
  });

  it('counts requests, spans, bytes and the last error, and notifies listeners', async () => {
    const seen: ReceiverStats[] = [];
    const sub = receiver.onDidChangeStats((s) => seen.push(s));
    await request(port, '/v1/traces', { headers: PB, body: proto });
    await request(port, '/v1/traces', { headers: JSON_CT, body: JSON.stringify(makeTraceRequest([makeSpan({ spanId: 'x' })])) });
    await request(port, '/nowhere', { method: 'GET' });
    sub.dispose();
    await request(port, '/health', { method: 'GET' });
    const stats = receiver.stats;
    assert.equal(stats.requests, 4);
    assert.equal(stats.spansAccepted, 1);
    assert.equal(stats.spansRejected, 1);
    assert.ok(stats.bytesReceived >= proto.length);
    assert.equal(stats.errors, 1);
    assert.equal(stats.lastError?.status, 404);
    assert.equal(seen.length, 3);
    assert.equal(seen[2].requests, 3);
  });

  it('stop() closes idle keep-alive sockets promptly', async () => {
    const agent = new http.Agent({ keepAlive: true });
    await request(port, '/v1/traces', { headers: PB, body: proto, agent });
    const socket = Object.values(agent.freeSockets).flat()[0];
    assert.ok(socket, 'the agent keeps the socket open');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const started = Date.now();
    await receiver.stop();
    await closed;
    assert.ok(Date.now() - started < 1000);
    agent.destroy();
  });
});

describe('OTLP receiver ports', () => {
  it('falls back to a free port when the requested one is taken, and says so', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const { receiver } = await startReceiver(new MemorySink(), { port: taken, grpcPort: taken });
    try {
      const a = receiver.addresses!;
      assert.equal(a.http.fellBack, true);
      assert.equal(a.http.requestedPort, taken);
      assert.notEqual(a.http.port, taken);
      assert.equal(a.http.host, '127.0.0.1');
      assert.equal(a.grpc?.fellBack, true);
      assert.notEqual(a.grpc?.port, taken);
      assert.equal((await request(a.http.port, '/health', { method: 'GET' })).status, 200);
    } finally {
      await receiver.stop();
      blocker.close();
    }
  });
});

describe('isLoopbackHost', () => {
  it('accepts loopback names with or without a port, and nothing else', () => {
    for (const ok of [undefined, 'localhost', 'LOCALHOST:4318', 'localhost.', '127.0.0.1', '127.1.2.3:80', '[::1]', '[::1]:4318', '[::ffff:127.0.0.1]:1']) {
      assert.equal(isLoopbackHost(ok), true, String(ok));
    }
    for (const bad of ['', 'evil.com', 'localhost.evil.com', '127.0.0.1.nip.io', '10.0.0.1', '[::2]', '[::1', '[::1]x', 'localhost:abc', '0.0.0.0', '128.0.0.1']) {
      assert.equal(isLoopbackHost(bad), false, bad);
    }
  });
});
