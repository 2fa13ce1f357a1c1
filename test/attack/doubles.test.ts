// Attack: every double through the whole path, bit for bit: OTLP protobuf POSTed to the receiver ->
// stored -> exported as OTLP JSON -> imported -> exported again. NaN, +-Infinity and -0 (which OTLP JSON
// used to write as null and 0) included, in span, event, link, resource, scope and log-record attributes.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceEngine } from '../../src/core/engine';
import { exportSession } from '../../src/core/export/sessionExport';
import type { AnyValue, KeyValue } from '../../src/core/otlp/model';
import { encodeLogsRequest, encodeTraceRequest } from '../../src/core/otlp/protoEncode';
import { importSessionFile } from '../../src/core/sessionFiles';
import { SpanStore } from '../../src/core/store/spanStore';
import { kv, makeLogRecord, makeLogsRequest, makeSpan, makeTraceRequest, prng } from '../unit/otlp/helpers';

/** The hard cases, then random bit patterns (every exponent range, subnormals included). */
function doubles(): number[] {
  const fixed = [NaN, Infinity, -Infinity, -0, 0, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, Number.EPSILON, 0.1, 1 / 3, 2 ** 53 + 2, -1e-310, 5e-324, 1e21, 123456789.12345678];
  const random = prng(18);
  const view = new DataView(new ArrayBuffer(8));
  const bits: number[] = [];
  while (bits.length < 200) {
    view.setUint32(0, Math.floor(random() * 2 ** 32));
    view.setUint32(4, Math.floor(random() * 2 ** 32));
    const d = view.getFloat64(0);
    if (!Number.isNaN(d)) bits.push(d); // NaN has one spelling in JSON: its payload bits cannot survive any JSON
  }
  return [...fixed, ...bits];
}

/** A double's 64 bits in hex; OTLP JSON's strings ("NaN", "-0", ...) read as proto3 JSON reads them. */
const bitsOf = (value: number | string) => {
  const d = Number(value);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  return Number.isNaN(d) ? 'NaN' : view.getBigUint64(0).toString(16);
};

/** Every doubleValue in a JSON-ish tree, in order, as bit patterns. */
function doublesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) doublesIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'doubleValue') out.push(bitsOf(v as number | string));
      else doublesIn(v, out);
    }
  }
  return out;
}

describe('attack: every double round-trips bit for bit (protobuf in, OTLP JSON out, import, export)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'agent-debugger-doubles-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps NaN, +-Infinity, -0 and 200 random doubles in every place an attribute can be', async () => {
    const all = doubles();
    const attrs: KeyValue[] = all.map((d, i) => kv(`d${i}`, { doubleValue: d }));
    const nested: AnyValue = { kvlistValue: { values: [kv('arr', { arrayValue: { values: all.map((d) => ({ doubleValue: d })) } })] } };
    const span = makeSpan({ attributes: [...attrs, kv('nested', nested)] });
    span.events[0]!.attributes.push(...attrs);
    span.links[0]!.attributes.push(...attrs);
    const traces = makeTraceRequest([span]);
    traces.resourceSpans[0]!.resource.attributes.push(kv('session.id', { stringValue: 'doubles' }), ...attrs);
    traces.resourceSpans[0]!.scopeSpans[0]!.scope.attributes.push(...attrs);
    const logs = makeLogsRequest([makeLogRecord({ body: nested, attributes: attrs, traceId: span.traceId, spanId: span.spanId })]);
    logs.resourceLogs[0]!.resource.attributes.push(kv('session.id', { stringValue: 'doubles' }));
    const sent = doublesIn([traces, logs.resourceLogs[0]!.scopeLogs]);

    const engine = await TraceEngine.create();
    try {
      const { http } = await engine.startReceiver({ port: 0, grpcPort: false, allowedOrigins: [] });
      for (const [path, body] of [['/v1/traces', encodeTraceRequest(traces)], ['/v1/logs', encodeLogsRequest(logs)]] as const) {
        const res = await fetch(`http://127.0.0.1:${http.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
        assert.equal(res.status, 200, path);
      }
      await engine.drain();
      const first = join(dir, 'first.otlp.json');
      await exportSession(engine.store, 'doubles', first, 'otlp-json');
      const text = readFileSync(first, 'utf8');
      assert.ok(!text.includes('"doubleValue":null'), 'no double written as null');
      for (const spelled of ['"NaN"', '"Infinity"', '"-Infinity"', '"-0"']) assert.ok(text.includes(`"doubleValue":${spelled}`), spelled);
      const exported = JSON.parse(text) as unknown;
      assert.deepEqual([...doublesIn(exported)].sort(), [...sent].sort());

      const again = await SpanStore.create();
      try {
        const imported = await importSessionFile(again, first);
        const second = join(dir, 'second.otlp.json');
        await exportSession(again, imported.sessionIds[0]!, second, 'otlp-json');
        assert.equal(readFileSync(second, 'utf8'), text, 'the second export is the first, byte for byte');
      } finally {
        again.dispose();
      }
    } finally {
      await engine.dispose();
    }
  });
});
