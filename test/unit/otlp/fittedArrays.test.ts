import * as assert from 'node:assert/strict';
import { Collector, fitted, pushAll } from '../../../src/core/otlp/fittedArrays';
import { decodeSpan } from '../../../src/core/otlp/protoTraces';
import { encodeSpanData } from '../../../src/core/otlp/protoEncode';
import { readerFor } from '../../../src/core/otlp/protoWire';
import type { Span } from '../../../src/core/otlp/model';

describe('fitted arrays', () => {
  it('pushAll appends a million items, where push(...items) runs out of stack', () => {
    const many = Array.from({ length: 1_000_000 }, (_, i) => i);
    assert.throws(() => [0].push(...many), RangeError, 'the reason pushAll exists');
    const into = pushAll([-1], many);
    assert.equal(into.length, 1_000_001);
    assert.deepEqual([into[0], into[1], into[1_000_000]], [-1, 0, 999_999]);
  });

  it('fitted copies a small array and keeps an empty or big one', () => {
    const small = [1, 2];
    assert.notEqual(fitted(small), small);
    assert.deepEqual(fitted(small), [1, 2]);
    const empty: number[] = [];
    assert.equal(fitted(empty), empty);
    const big = Array.from({ length: 17 }, (_, i) => i);
    assert.equal(fitted(big), big);
  });

  it('a Collector gives each collection as an array of its own, the given empty one when nothing came, and starts clean after a throw', () => {
    const c = new Collector<string>();
    c.start().push('a');
    c.push('b');
    const first = c.take([]);
    assert.deepEqual(first, ['a', 'b']);
    const none: string[] = [];
    assert.equal(c.start().take(none), none);
    c.start().push('stale'); // a walk that threw before take()
    c.start().push('c');
    const second = c.take([]);
    assert.deepEqual(second, ['c']);
    assert.deepEqual(first, ['a', 'b'], 'an earlier collection is not changed');
    c.start();
    for (let i = 0; i < 100; i++) c.push(String(i));
    assert.equal(c.take([]).length, 100);
    c.start().push('d');
    assert.deepEqual(c.take([]), ['d']);
  });

  it('spans decoded one after another keep their own attributes, events and links', () => {
    const span = (n: number): Span => ({
      traceId: '', spanId: '', parentSpanId: '', traceState: '', flags: 0, name: '', kind: 1,
      startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000000000001',
      attributes: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: { stringValue: `v${n}-${i}` } })), droppedAttributesCount: 0,
      events: Array.from({ length: n }, (_, i) => ({ timeUnixNano: '1700000000000000000', name: `e${n}-${i}`, attributes: [{ key: 'a', value: { intValue: String(i) } }], droppedAttributesCount: 0 })),
      droppedEventsCount: 0,
      links: Array.from({ length: n % 3 }, () => ({ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 })),
      droppedLinksCount: 0, status: { code: 0, message: '' },
    });
    const decoded = [0, 1, 2, 30, 1].map((n) => decodeSpan(readerFor(encodeSpanData(span(n)))));
    [0, 1, 2, 30, 1].forEach((n, k) => {
      const d = decoded[k]!;
      assert.deepEqual(d.attributes, span(n).attributes);
      assert.deepEqual(d.events, span(n).events);
      assert.equal(d.links.length, n % 3);
    });
  });
});
