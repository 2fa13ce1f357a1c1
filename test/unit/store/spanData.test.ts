import * as assert from 'node:assert/strict';
import type { AnyValue, KeyValue, Span } from '../../../src/core/otlp/model';
import { flattenAttributes } from '../../../src/core/agent/attributes';
import type { PlainAttributes } from '../../../src/core/otlp/protoPlain';
import { parseSpanData, spanDataBytes, spanHasAttribute } from '../../../src/core/store/spanData';
import { ns, span, spanId, str, traceId } from './fixtures';
import { seededInts } from '../seeded';

const tricky = ['', 'plain', 'quote " and \\ backslash', 'tab\tnew\nline\r\u0000\u001f\u007f', 'line sep \u2028 \u2029', 'ünïcode ✓ 😀', '</script>'];

const values: AnyValue[] = [
  ...tricky.map((s) => ({ stringValue: s })),
  { intValue: '9007199254740993' }, { intValue: '-42' }, { intValue: '-9223372036854775808' },
  { doubleValue: 0.1 }, { doubleValue: -0 }, { doubleValue: 1e21 }, { doubleValue: 5e-324 }, { doubleValue: 2 },
  { doubleValue: NaN }, { doubleValue: Infinity }, { doubleValue: -Infinity },
  { boolValue: true }, { boolValue: false }, { bytesValue: 'AAE=' }, {},
  { arrayValue: { values: [{ stringValue: 'a' }, { arrayValue: { values: [] } }, { doubleValue: NaN }] } },
  { kvlistValue: { values: [{ key: 'k "q"', value: { kvlistValue: { values: [{ key: 'deep', value: {} }] } } }] } },
];

function richSpan(attributes: KeyValue[]): Span {
  return span({
    traceId: traceId(1), spanId: spanId(2), parentSpanId: spanId(1), name: 'chat ✓', traceState: 'a=b,"c"', flags: 0xffffffff, kind: 3,
    startTimeUnixNano: ns(0), endTimeUnixNano: '18446744073709551615', attributes, droppedAttributesCount: 7,
    events: [{ timeUnixNano: ns(1), name: 'ev "1"', attributes, droppedAttributesCount: 1 }, { timeUnixNano: '0', name: '', attributes: [], droppedAttributesCount: 0 }],
    droppedEventsCount: 2,
    links: [{ traceId: traceId(3), spanId: spanId(4), traceState: '', attributes: [str('why', 'x')], droppedAttributesCount: 0, flags: 257 }],
    droppedLinksCount: 3,
    status: { code: 2, message: 'boom\n"quoted"' },
  });
}

/** A surrogate that is not half of a pair. */
const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What spans.data gives back: every field but the ids and name (columns). */
const withoutColumns = (s: Span): Span => ({ ...s, traceId: '', spanId: '', parentSpanId: '', name: '' });

describe('store: spans.data (protobuf)', () => {
  it('gives back every field but the columns, for every kind of value', () => {
    const s = richSpan(values.map((value, i) => ({ key: tricky[i % tricky.length]!, value })));
    assert.deepEqual(parseSpanData(spanDataBytes(s)), withoutColumns(s));
    const bare = span({ traceId: traceId(1), spanId: spanId(1), kind: 0, flags: 0, startTimeUnixNano: '0', endTimeUnixNano: '0' });
    assert.equal(spanDataBytes(bare).length, 0, 'defaults take no bytes');
    assert.deepEqual(parseSpanData(spanDataBytes(bare)), withoutColumns(bare));
  });

  it('round-trips random strings (lone surrogates become U+FFFD: UTF-8 cannot hold them)', () => {
    const rand = seededInts(7);
    for (let i = 0; i < 2000; i++) {
      let text = '';
      for (let j = rand(12); j > 0; j--) text += String.fromCharCode(rand(4) === 0 ? 0xd800 + rand(0x800) : rand(3) === 0 ? rand(0x20) : 0x20 + rand(0x7f));
      const s = richSpan([{ key: text, value: { stringValue: text } }]);
      const back = parseSpanData(spanDataBytes(s)).attributes[0]!;
      assert.deepEqual(back.value, { stringValue: back.key });
      // Without the lone surrogates and U+FFFD, the text is what it was; no lone surrogate is left.
      assert.equal(back.key.replace(/\ufffd/g, ''), text.replace(lone, ''), JSON.stringify(text));
      assert.doesNotMatch(back.key, lone);
    }
  });

  it('reads attributes as plain values exactly as the agent model flattens them, and leaves the rest of the span alone', () => {
    // Nested 40 deep: anyValueToJs gives null past 32 levels.
    let deep: AnyValue = { stringValue: 'bottom' };
    for (let i = 0; i < 40; i++) deep = i % 2 ? { arrayValue: { values: [deep, { intValue: String(i) }] } } : { kvlistValue: { values: [{ key: `level ${i}`, value: deep }] } };
    const rand = seededInts(11);
    const random = (depth: number): AnyValue => {
      const pick = rand(depth > 3 ? 6 : 8);
      if (pick < 6) return values[rand(values.length)]!;
      if (pick === 6) return { arrayValue: { values: Array.from({ length: rand(4) }, () => random(depth + 1)) } };
      return { kvlistValue: { values: Array.from({ length: rand(4) }, () => ({ key: tricky[rand(tricky.length)]!, value: random(depth + 1) })) } };
    };
    const lists: KeyValue[][] = [
      values.map((value, i) => ({ key: `k${i}`, value })),
      // Later duplicates win; "__proto__" is a key like any other.
      [{ key: 'dup', value: { intValue: '1' } }, { key: '__proto__', value: { stringValue: 'polluted?' } }, { key: 'dup', value: { boolValue: false } }],
      [{ key: 'deep', value: deep }],
      ...Array.from({ length: 300 }, () => Array.from({ length: rand(8) }, () => ({ key: tricky[rand(tricky.length)]!, value: random(0) }))),
    ];
    for (const attributes of lists) {
      const bytes = spanDataBytes(richSpan(attributes));
      const plain: PlainAttributes = {};
      const read = parseSpanData(bytes, undefined, plain);
      assert.deepEqual(plain, flattenAttributes(parseSpanData(bytes).attributes));
      assert.deepEqual(read, { ...parseSpanData(bytes), attributes: [] }, 'every other field as before');
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('finds attributes by key and value: strings match strings and integers, numbers doubles and integers', () => {
    const data = spanDataBytes(richSpan([
      str('gen_ai.operation.name', 'chat'), { key: 'tokens', value: { intValue: '42' } }, { key: 't', value: { doubleValue: 0.5 } },
      { key: 'stream', value: { boolValue: true } }, { key: 'empty', value: {} },
    ]));
    const yes: [string, string | number | boolean | undefined][] = [
      ['gen_ai.operation.name', 'chat'], ['gen_ai.operation.name', undefined], ['tokens', 42], ['tokens', '42'], ['t', 0.5],
      ['stream', true], ['empty', undefined],
    ];
    const no: [string, string | number | boolean | undefined][] = [
      ['gen_ai.operation.name', 'chat2'], ['missing', undefined], ['tokens', 42.5], ['tokens', true], ['t', '0.5'], ['stream', false],
      ['stream', 1], ['empty', ''], ['why', 'x'], // a link's attribute is not the span's
    ];
    for (const [key, value] of yes) assert.ok(spanHasAttribute(data, key, value), `${key} = ${String(value)}`);
    for (const [key, value] of no) assert.ok(!spanHasAttribute(data, key, value), `not ${key} = ${String(value)}`);
  });
});
