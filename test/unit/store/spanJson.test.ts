import * as assert from 'node:assert/strict';
import type { AnyValue, KeyValue, Span } from '../../../src/core/otlp/model';
import { spanDataJson, spanDataObjectJson } from '../../../src/core/store/spanData';
import { spanDataText } from '../../../src/core/store/spanJson';
import { ns, span, spanId, str, traceId } from './fixtures';

const tricky = ['', 'plain', 'quote " and \\ backslash', 'tab\tnew\nline\r\u0000\u001f\u007f', 'line sep \u2028 \u2029', 'ünïcode ✓ 😀', 'lone \ud800 high', 'lone \udfff low', '</script>'];

const values: AnyValue[] = [
  ...tricky.map((s) => ({ stringValue: s })),
  { intValue: '9007199254740993' }, { intValue: '-42' },
  { doubleValue: 0.1 }, { doubleValue: -0 }, { doubleValue: 1e21 }, { doubleValue: 5e-324 }, { doubleValue: 2 },
  { doubleValue: NaN }, { doubleValue: Infinity }, { doubleValue: -Infinity },
  { boolValue: true }, { boolValue: false }, { bytesValue: 'AAE=' }, {},
  { arrayValue: { values: [{ stringValue: 'a' }, { arrayValue: { values: [] } }, { doubleValue: NaN }] } },
  { kvlistValue: { values: [{ key: 'k "q"', value: { kvlistValue: { values: [{ key: 'deep', value: {} }] } } }] } },
];

function richSpan(attributes: KeyValue[]): Span {
  return span({
    traceId: traceId(1), spanId: spanId(2), traceState: 'a=b,"c"', flags: 0xffffffff, kind: 3,
    startTimeUnixNano: ns(0), endTimeUnixNano: '18446744073709551615', attributes, droppedAttributesCount: 7,
    events: [{ timeUnixNano: ns(1), name: 'ev "1"', attributes, droppedAttributesCount: 1 }, { timeUnixNano: '0', name: '', attributes: [], droppedAttributesCount: 0 }],
    droppedEventsCount: 2,
    links: [{ traceId: traceId(3), spanId: spanId(4), traceState: '', attributes: [str('why', 'x')], droppedAttributesCount: 0, flags: 257 }],
    droppedLinksCount: 3,
    status: { code: 2, message: 'boom\n"quoted"' },
  });
}

describe('store: hand-written spans.data JSON', () => {
  it('writes exactly what the generic JSON writes, for every kind of value', () => {
    const attributes = values.map((value, i) => ({ key: tricky[i % tricky.length]!, value }));
    const s = richSpan(attributes);
    assert.equal(spanDataText(s), spanDataObjectJson(s));
    assert.equal(spanDataText(span({ traceId: traceId(1), spanId: spanId(1) })), spanDataObjectJson(span({ traceId: traceId(1), spanId: spanId(1) })));
  });

  it('matches on random strings', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let i = 0; i < 2000; i++) {
      let text = '';
      for (let j = rand(12); j > 0; j--) text += String.fromCharCode(rand(4) === 0 ? 0xd800 + rand(0x800) : rand(3) === 0 ? rand(0x20) : 0x20 + rand(0x7f));
      const s = richSpan([{ key: text, value: { stringValue: text } }]);
      s.name = text;
      assert.equal(spanDataText(s), spanDataObjectJson(s), JSON.stringify(text));
    }
  });

  it('falls back to the generic JSON for anything off the model shape', () => {
    const odd: Span[] = [
      richSpan([{ key: 'x', value: { unknownValue: 1 } as unknown as AnyValue }]),
      richSpan([{ key: 'x', value: { arrayValue: null } as unknown as AnyValue }]),
      richSpan([{ key: 'x', value: { stringValue: undefined } as unknown as AnyValue }]),
      { ...richSpan([]), droppedAttributesCount: NaN },
      { ...richSpan([]), traceState: undefined as unknown as string },
    ];
    for (const s of odd) {
      assert.throws(() => spanDataText(s));
      assert.equal(spanDataJson(s), spanDataObjectJson(s));
    }
  });
});
