// Requests prepared on the decode worker must land in the store exactly as the same requests stored whole:
// same sessions (routing, trace moves), rows, roll-ups and OTLP export, whole or in slices. (A scope or
// resource without spans gets no row on this path, so row ids of later ones may differ: not compared here.)
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTraceRequestJson } from '../../../src/core/otlp/jsonDecode';
import type { TraceRequest } from '../../../src/core/otlp/model';
import { prepareTraces, transferablesOf } from '../../../src/core/store/preparedTraces';
import { parseSpanData } from '../../../src/core/store/spanData';
import { bulkRequest, dumpStore as dump, FakeClock, mixedRequest, newStore, str } from './fixtures';

const fixturesDir = join(__dirname, '../../../../test/fixtures');

async function storeBoth(requests: TraceRequest[], slice?: number): Promise<[string, string]> {
  const clockA = new FakeClock();
  const clockB = new FakeClock();
  const whole = await newStore({ now: clockA.now });
  const prepared = await newStore({ now: clockB.now });
  try {
    for (const req of requests) {
      whole.ingestTraces(req);
      const p = prepareTraces(structuredClone(req));
      if (!slice) prepared.ingestPrepared(p);
      else for (let from = 0; from < p.count; from += slice) prepared.ingestPrepared(p, undefined, from, Math.min(p.count, from + slice));
      clockA.advance(1000);
      clockB.advance(1000);
    }
    return [dump(whole), dump(prepared)];
  } finally {
    whole.dispose();
    prepared.dispose();
  }
}

describe('store: prepared trace requests (decode worker path)', () => {
  it('store mixed requests exactly like ingestTraces, whole and in slices of every size', async () => {
    const [whole, prepared] = await storeBoth([mixedRequest()]);
    assert.equal(prepared, whole);
    assert.match(whole, /"source":"attribute","serviceName":"agent","spanCount":2,"errorCount":1/); // the moved trace
    for (const slice of [1, 2, 3, 5]) {
      const [a, b] = await storeBoth([mixedRequest()], slice);
      assert.equal(b, a, `slices of ${slice}`);
    }
  });

  it('store the recorded agent fixtures and bulk requests exactly like ingestTraces', async () => {
    const fixtures = ['genai-semconv', 'langchain-openinference', 'traceloop-openai', 'vercel-ai-agent'].map((f) =>
      decodeTraceRequestJson(JSON.parse(readFileSync(join(fixturesDir, `${f}.otlp.json`), 'utf8'))),
    );
    const bulk = [bulkRequest(300, 0, [str('service.name', 'bulk')]), bulkRequest(300, 300, [str('service.name', 'bulk')])];
    const [whole, prepared] = await storeBoth([...fixtures, ...bulk], 64);
    assert.equal(prepared, whole);
  });

  it('lay a request out in transferable arrays that survive a structured clone with transfer', () => {
    const p = prepareTraces(mixedRequest());
    assert.equal(p.count, 6);
    assert.deepEqual(p.groups.map((g) => g.end), [2, 4, 6]);
    assert.deepEqual(p.routedSpans, [2, 5]);
    const copy = structuredClone(p, { transfer: transferablesOf(p) });
    assert.equal(p.text.byteLength, 0); // handed over, not copied
    assert.equal(copy.count, 6);
    // Span 2's columns: trace id, span id, parent, name (text), data (protobuf).
    const bytes = (k: number) => copy.text.subarray(copy.textEnd[5 * 2 + k - 1]!, copy.textEnd[5 * 2 + k]!);
    const column = (k: number) => Buffer.from(bytes(k)).toString('utf8');
    assert.equal(copy.traceIds[copy.traceIndex[2]!], column(0));
    assert.match(column(1), /^[0-9a-f]{16}$/);
    assert.equal(parseSpanData(bytes(4)).events.length, 1);
    assert.equal(copy.times[4], Date.UTC(2026, 0, 1));
  });
});
