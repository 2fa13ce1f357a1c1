import * as assert from 'node:assert/strict';
import { anyValueToJs, count, flattenAttributes, nanosToMs, parseJsonLoose, unflatten } from '../../../src/core/agent/attributes';
import type { AnyValue, KeyValue } from '../../../src/core/otlp/model';

describe('agent: attribute flattening', () => {
  it('turns every AnyValue kind into a plain value', () => {
    const kv: KeyValue[] = [
      { key: 's', value: { stringValue: 'x' } },
      { key: 'b', value: { boolValue: false } },
      { key: 'i', value: { intValue: '42' } },
      { key: 'd', value: { doubleValue: 1.5 } },
      { key: 'a', value: { arrayValue: { values: [{ stringValue: 'p' }, { intValue: '-3' }] } } },
      { key: 'm', value: { kvlistValue: { values: [{ key: 'role', value: { stringValue: 'user' } }] } } },
      { key: 'y', value: { bytesValue: 'AAE=' } },
      { key: 'e', value: {} },
    ];
    assert.deepEqual(flattenAttributes(kv), { s: 'x', b: false, i: 42, d: 1.5, a: ['p', -3], m: { role: 'user' }, y: 'AAE=', e: null });
  });

  it('keeps int64 values beyond 2^53 as exact strings and accepts numbers (OTel JS JSON serializer)', () => {
    assert.equal(anyValueToJs({ intValue: '9007199254740993' }), '9007199254740993');
    assert.equal(anyValueToJs({ intValue: 7 } as unknown as AnyValue), 7);
    assert.equal(anyValueToJs({ doubleValue: 'NaN' } as unknown as AnyValue), NaN);
  });

  it('survives malformed lists and values without throwing', () => {
    const junk = [null, 1, 'x', { key: 3 }, { key: 'ok' }, { key: 'v', value: { arrayValue: 'nope' } }] as unknown as KeyValue[];
    assert.deepEqual(flattenAttributes(junk), { ok: null, v: null });
    assert.deepEqual(flattenAttributes(undefined), {});
  });

  it('rebuilds flattened indexed keys into arrays and objects', () => {
    const a = {
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.10.message.role': 'tool',
      'llm.input_messages.0.message.tool_calls.0.tool_call.function.name': 'f',
      other: 1,
    };
    assert.deepEqual(unflatten(a, 'llm.input_messages'), [
      { message: { role: 'system', tool_calls: [{ tool_call: { function: { name: 'f' } } }] } },
      { message: { role: 'user' } },
      { message: { role: 'tool' } },
    ]);
    assert.equal(unflatten(a, 'llm.output_messages'), undefined);
  });

  it('never lets attribute names reach a prototype', () => {
    const flat = flattenAttributes([{ key: '__proto__', value: { stringValue: 'x' } }]);
    assert.equal(Object.getPrototypeOf(flat), Object.prototype);
    assert.equal(flat['__proto__'], 'x');
    unflatten({ 'p.__proto__.polluted': 1, 'p.constructor.prototype.polluted': 1, 'p.0.x': 2 }, 'p');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('parses JSON only when it looks like JSON, and counts only sane numbers', () => {
    assert.deepEqual(parseJsonLoose('{"a":1}'), { a: 1 });
    assert.equal(parseJsonLoose('{broken'), '{broken');
    assert.equal(parseJsonLoose('123'), '123');
    assert.deepEqual([count(3), count('12'), count(-1), count('x'), count(Infinity)], [3, 12, undefined, undefined, undefined]);
  });

  it('converts nanosecond timestamps to ms without losing sub-ms digits', () => {
    assert.equal(nanosToMs('1767225600123456789'), 1767225600123.4568);
    assert.equal(nanosToMs(''), 0);
    assert.equal(nanosToMs('garbage'), 0);
    assert.equal(nanosToMs(2_000_000), 2);
  });
});
