// Hostile input, in-process and over real HTTP: the decoders only ever throw OtlpDecodeError, and the
// receiver only ever answers 200/400/413/415, never 500 and never a dropped socket, and keeps serving.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { TraceDecodeWorker } from '../../../src/core/decodeWorker';
import { OtlpDecodeError } from '../../../src/core/otlp/errors';
import { decodeLogsRequestJson, decodeTraceRequestJson } from '../../../src/core/otlp/jsonDecode';
import type { LogsRequest, TraceRequest } from '../../../src/core/otlp/model';
import { decodeLogsRequest, decodeTraceRequest } from '../../../src/core/otlp/protoDecode';
import { encodeTraceRequest } from '../../../src/core/otlp/protoEncode';
import type { OtlpSink } from '../../../src/core/otlp/receiverTypes';
import { validateLogsRequest, validateTraceRequest } from '../../../src/core/otlp/validate';
import { type FuzzCase, FuzzGenerator } from './fuzzCases';
import { makeTraceRequest, prng, request, startReceiver } from './helpers';

const HTTP_CASES = 10_000;
const IN_PROCESS_CASES = 40_000;

function decodeCase(c: FuzzCase): void {
  const body = c.encoding === 'gzip' ? zlib.gunzipSync(c.body, { maxOutputLength: 16 * 1024 * 1024 }) : c.body;
  const decoded = c.signal === 'traces'
    ? (c.format === 'protobuf' ? decodeTraceRequest(body) : decodeTraceRequestJson(body))
    : (c.format === 'protobuf' ? decodeLogsRequest(body) : decodeLogsRequestJson(body));
  // Whatever decodes must also validate without throwing.
  if (c.signal === 'traces') validateTraceRequest(decoded as TraceRequest);
  else validateLogsRequest(decoded as LogsRequest);
}

/** Counts instead of keeping 10,000 requests in memory. */
class CountingSink implements OtlpSink {
  accepted = 0;
  acceptTraces(): { ok: true } {
    this.accepted++;
    return { ok: true };
  }
  acceptLogs(): { ok: true } {
    this.accepted++;
    return { ok: true };
  }
  acceptPreparedTraces(): { ok: true } {
    this.accepted++;
    return { ok: true };
  }
}

describe('OTLP fuzzing', function () {
  this.timeout(60_000);

  it(`decoders only ever throw OtlpDecodeError (${IN_PROCESS_CASES} cases in-process)`, () => {
    const gen = new FuzzGenerator(prng(20261121));
    let ok = 0;
    let rejected = 0;
    for (let i = 0; i < IN_PROCESS_CASES; i++) {
      const c = gen.next();
      if (c.encoding === 'gzip') {
        try {
          zlib.gunzipSync(c.body);
        } catch {
          continue; // corrupt gzip is the receiver's job (a 400), not the decoders'
        }
      }
      try {
        decodeCase(c);
        ok++;
      } catch (e) {
        if (!(e instanceof OtlpDecodeError)) assert.fail(`case #${i} (${c.signal} ${c.format} ${c.how}) threw ${String((e as Error)?.stack ?? e)}`);
        assert.ok(e.message.length > 0 && e.message.length < 2000, `case #${i}: message length ${e.message.length}`);
        rejected++;
      }
    }
    assert.ok(ok > IN_PROCESS_CASES * 0.1 && rejected > IN_PROCESS_CASES * 0.1, `a useful mix: ${ok} decoded, ${rejected} rejected`);
  });

  it(`the receiver answers ${HTTP_CASES} hostile requests with 200/400/413/415 only, then still works (traces through the decode worker)`, async () => {
    const sink = new CountingSink();
    const decoder = new TraceDecodeWorker();
    const { receiver, port } = await startReceiver(sink, { maxBodyBytes: 1024 * 1024, offThreadDecoder: decoder });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const gen = new FuzzGenerator(prng(4318));
    const cases: FuzzCase[] = Array.from({ length: HTTP_CASES }, () => gen.next());
    const statuses = new Map<number, number>();
    let nextIndex = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < cases.length) {
        const i = nextIndex++;
        const c = cases[i];
        const headers: Record<string, string> = {
          'Content-Type': c.wrongContentType ? 'text/plain' : c.format === 'json' ? 'application/json' : 'application/x-protobuf',
        };
        if (c.encoding === 'gzip') headers['Content-Encoding'] = 'gzip';
        let res;
        try {
          res = await request(port, `/v1/${c.signal}`, { headers, body: c.body, agent });
        } catch (e) {
          assert.fail(`case #${i} (${c.how}): socket error ${String(e)}`);
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (![200, 400, 413, 415].includes(res.status)) {
          assert.fail(`case #${i} (${c.signal} ${c.format} ${c.how}): HTTP ${res.status} ${res.body.toString('latin1').slice(0, 300)}`);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, worker));
      const valid = await request(port, '/v1/traces', { headers: { 'Content-Type': 'application/x-protobuf' }, body: encodeTraceRequest(makeTraceRequest()) });
      assert.equal(valid.status, 200);
      const summary = JSON.stringify(Object.fromEntries(statuses));
      assert.ok((statuses.get(200) ?? 0) > HTTP_CASES * 0.1, summary);
      assert.ok((statuses.get(400) ?? 0) > HTTP_CASES * 0.1, summary);
      assert.ok((statuses.get(415) ?? 0) > 0 && (statuses.get(413) ?? 0) > 0, summary);
      assert.equal(receiver.stats.requests, HTTP_CASES + 1);
      assert.equal(decoder.running, true, 'the decode worker never crashed');
    } finally {
      agent.destroy();
      await receiver.stop();
      await decoder.dispose();
    }
  });
});
