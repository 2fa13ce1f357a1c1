// Requests prepared on the decode worker must land in the store exactly as the same requests stored whole:
// same sessions (routing, trace moves), rows, roll-ups and OTLP export, whole or in slices. (A scope or
// resource without spans gets no row on this path, so row ids of later ones may differ: not compared here.)
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTraceRequestJson } from '../../../src/core/otlp/jsonDecode';
import type { TraceRequest } from '../../../src/core/otlp/model';
import { prepareTraces, transferablesOf } from '../../../src/core/store/preparedTraces';
import type { SpanStore } from '../../../src/core/store/spanStore';
import { bulkRequest, FakeClock, newStore, ns, span, spanId, str, traceId } from './fixtures';

const fixturesDir = join(__dirname, '../../../../test/fixtures');

/** Everything a store holds, with its random session ids replaced by their order of creation. */
function dump(store: SpanStore): string {
  const sessions = store.listSessions().sort((a, b) => a.createdMs - b.createdMs || a.name.localeCompare(b.name));
  const content = sessions.map((s) => ({
    session: s,
    traces: store.tracesOfSession(s.id),
    spans: store.spansOfSession(s.id),
    otlp: store.exportSessionOtlp(s.id),
  }));
  let text = JSON.stringify({ content, stats: store.stats().spans });
  sessions.forEach((s, i) => (text = text.split(s.id).join(`<session ${i}>`)));
  return text;
}

/** Two resources (one launcher-named), two scopes, a trace moved by a late `session.id`, errors, odd text. */
function mixedRequest(): TraceRequest {
  const res = (attrs: ReturnType<typeof str>[]) => ({ attributes: attrs, droppedAttributesCount: 0 });
  const scope = (name: string) => ({ name, version: '1', attributes: [str('s', 'x')], droppedAttributesCount: 0 });
  return {
    resourceSpans: [
      {
        resource: res([str('service.name', 'agent'), str('service.instance.id', 'i-1')]),
        schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
        scopeSpans: [
          {
            scope: scope('a'),
            schemaUrl: '',
            spans: [
              span({ traceId: traceId(1), spanId: spanId(2), parentSpanId: spanId(1), name: 'chat "quoted" ünï ✓', attributes: [str('k', 'line\nbreak\u0001')], status: { code: 2, message: 'boom' } }),
              span({ traceId: traceId(2), spanId: spanId(9), name: 'other root', startTimeUnixNano: ns(3), endTimeUnixNano: ns(4) }),
            ],
          },
          {
            scope: scope('b'),
            schemaUrl: '',
            spans: [
              // The root names the session last: the trace moves out of the instance session.
              span({ traceId: traceId(1), spanId: spanId(1), name: 'invoke_agent', attributes: [str('session.id', 'conv-7'), str('x', 'y')], events: [{ timeUnixNano: ns(1), name: 'e', attributes: [], droppedAttributesCount: 1 }] }),
              span({ traceId: traceId(3), spanId: spanId(3), name: 'linked', links: [{ traceId: traceId(1), spanId: spanId(1), traceState: 'a=b', attributes: [], droppedAttributesCount: 0, flags: 1 }], status: { code: 2, message: '' } }),
            ],
          },
        ],
      },
      {
        resource: res([str('service.name', 'tool-svc'), str('agent_debugger.session.id', 'run-1')]),
        schemaUrl: '',
        scopeSpans: [{ scope: scope('c'), schemaUrl: '', spans: [span({ traceId: traceId(4), spanId: spanId(4), name: 'launched' }), span({ traceId: traceId(4), spanId: spanId(5), parentSpanId: spanId(4), name: 'child', attributes: [str('gen_ai.conversation.id', 'ignored: launcher wins')] })] }],
      },
    ],
  };
}

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
    assert.equal(p.data.byteLength, 0); // handed over, not copied
    assert.equal(copy.count, 6);
    const data = JSON.parse(Buffer.from(copy.data.subarray(copy.dataEnd[1]!, copy.dataEnd[2]!)).toString('utf8'));
    assert.equal(data.events.length, 1);
    assert.equal(copy.times[4], Date.UTC(2026, 0, 1));
  });
});
