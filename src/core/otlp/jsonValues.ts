// OTLP/JSON scalar and common-message readers. Lenient like the Collector: lowerCamelCase or
// snake_case keys, 64-bit ints as strings or numbers, enum names tolerated, null = absent.
import { MAX_VALUE_DEPTH, OtlpDecodeError, inJson } from './errors';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './model';

export type JsonObject = Record<string, unknown>;

/** The value under the camelCase key, else the snake_case one; undefined when absent or null. */
export function get(o: JsonObject, camel: string, snake: string): unknown {
  const v = o[camel];
  if (v !== undefined && v !== null) return v;
  const s = o[snake];
  return s === null ? undefined : s;
}

function fail(key: string, detail: string): OtlpDecodeError {
  return new OtlpDecodeError(detail).inJson(key);
}

export function asObject(v: unknown, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new OtlpDecodeError(`expected ${what} object, got ${describe(v)}`);
  }
  return v as JsonObject;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** A repeated field: [] when absent. */
export function getArray(o: JsonObject, camel: string, snake: string): unknown[] {
  const v = get(o, camel, snake);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw fail(camel, `expected an array, got ${describe(v)}`);
  return v;
}

export function getString(o: JsonObject, camel: string, snake: string): string {
  const v = get(o, camel, snake);
  if (v === undefined) return '';
  if (typeof v !== 'string') throw fail(camel, `expected a string, got ${describe(v)}`);
  return v;
}

const UINT64_MAX = 18446744073709551615n;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

/** A 64-bit integer (string or number) as a canonical decimal string, or undefined if it is not one. */
export function int64Text(v: unknown, signed: boolean): string | undefined {
  if (typeof v === 'string') {
    // Fast path: the usual canonical positive decimal that cannot overflow.
    if (v.length < 19 && /^[1-9]\d*$/.test(v)) return v;
    if (!/^-?\d+$/.test(v)) {
      const n = v.trim() === '' ? NaN : Number(v); // e.g. "1e9", which the proto3 JSON mapping allows
      return Number.isInteger(n) ? int64Text(n, signed) : undefined;
    }
    if (v.length > 24) return undefined; // far out of range; also keeps BigInt parsing cheap
    const big = BigInt(v);
    if (signed ? big < INT64_MIN || big > INT64_MAX : big < 0n || big > UINT64_MAX) return undefined;
    return big.toString();
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || (!signed && v < 0)) return undefined;
    if (Number.isSafeInteger(v)) return String(v);
    const big = BigInt(v);
    if (signed ? big < INT64_MIN || big > INT64_MAX : big > UINT64_MAX) return undefined;
    return big.toString();
  }
  return undefined;
}

/** fixed64 times: '0' when absent. */
export function getTime(o: JsonObject, camel: string, snake: string): string {
  const v = get(o, camel, snake);
  if (v === undefined) return '0';
  const text = int64Text(v, false);
  if (text === undefined) throw fail(camel, `expected an integer, got ${describe(v)}`);
  return text;
}

/** uint32 / fixed32 counts and flags. */
export function getUint32(o: JsonObject, camel: string, snake: string): number {
  const v = get(o, camel, snake);
  if (v === undefined) return 0;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw fail(camel, `expected an unsigned 32-bit integer, got ${describe(v)}`);
  }
  return n;
}

/** An enum as its integer; names like "SPAN_KIND_SERVER" (or just "SERVER") are tolerated. */
export function getEnum(o: JsonObject, camel: string, snake: string, prefix: string, names: readonly string[]): number {
  const v = get(o, camel, snake);
  if (v === undefined) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 0x7fffffff) return v;
  if (typeof v === 'string') {
    if (/^-?\d+$/.test(v) && Math.abs(Number(v)) <= 0x7fffffff) return Number(v);
    const upper = v.toUpperCase();
    const i = names.indexOf(upper.startsWith(prefix) ? upper.slice(prefix.length) : upper);
    if (i >= 0) return i;
  }
  throw fail(camel, `expected an enum integer or a ${prefix}* name, got ${describe(v)}`);
}

const HEX_ID = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * A trace/span id: case-insensitive hex, normalised to lowercase; base64 of 16 or 8 bytes is tolerated.
 * Anything else is kept as given, so that validation rejects that one span rather than the request.
 */
export function getId(o: JsonObject, camel: string, snake: string): string {
  const v = get(o, camel, snake);
  if (v === undefined) return '';
  if (typeof v !== 'string') throw fail(camel, `expected a hex string, got ${describe(v)}`);
  if ((v.length & 1) === 0 && HEX_ID.test(v)) return v.toLowerCase();
  if (BASE64.test(v)) {
    const bytes = Buffer.from(v, 'base64');
    if (bytes.length === 16 || bytes.length === 8) return bytes.toString('hex');
  }
  return v;
}

/** AnyValue: the first known member that is set wins; none set gives the empty value. */
export function jsonAnyValue(raw: unknown, depth: number): AnyValue {
  if (raw === undefined || raw === null) return {};
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const o = asObject(raw, 'an AnyValue');
  for (const key in o) {
    const v = o[key];
    if (v === null || v === undefined) continue;
    switch (key) {
      case 'stringValue': case 'string_value':
        if (typeof v !== 'string') throw fail(key, `expected a string, got ${describe(v)}`);
        return { stringValue: v };
      case 'boolValue': case 'bool_value':
        if (typeof v === 'boolean') return { boolValue: v };
        if (v === 'true' || v === 'false') return { boolValue: v === 'true' };
        throw fail(key, `expected a boolean, got ${describe(v)}`);
      case 'intValue': case 'int_value': {
        const text = int64Text(v, true);
        if (text === undefined) throw fail(key, `expected a 64-bit integer, got ${describe(v)}`);
        return { intValue: text };
      }
      case 'doubleValue': case 'double_value': {
        // proto3 JSON allows "NaN", "Infinity", "-Infinity" and numeric strings.
        const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
        if (typeof n !== 'number' || (Number.isNaN(n) && v !== 'NaN')) throw fail(key, `expected a number, got ${describe(v)}`);
        return { doubleValue: n };
      }
      case 'arrayValue': case 'array_value':
        try {
          const list = getArray(asObject(v, 'an ArrayValue'), 'values', 'values');
          const values: AnyValue[] = new Array(list.length);
          for (let i = 0; i < list.length; i++) {
            try {
              values[i] = jsonAnyValue(list[i], depth + 1);
            } catch (e) {
              throw inJson(e, `values[${i}]`);
            }
          }
          return { arrayValue: { values } };
        } catch (e) {
          throw inJson(e, key);
        }
      case 'kvlistValue': case 'kvlist_value':
        try {
          return { kvlistValue: { values: jsonKeyValues(asObject(v, 'a KeyValueList'), 'values', 'values', depth + 1) } };
        } catch (e) {
          throw inJson(e, key);
        }
      case 'bytesValue': case 'bytes_value':
        if (typeof v !== 'string' || !(v === '' || BASE64.test(v))) throw fail(key, `expected base64, got ${describe(v)}`);
        return { bytesValue: Buffer.from(v, 'base64').toString('base64') };
      default: // unknown members (and string_value_strindex) are ignored
    }
  }
  return {};
}

/** A repeated KeyValue field (attributes). */
export function jsonKeyValues(o: JsonObject, camel: string, snake: string, depth = 0): KeyValue[] {
  const list = getArray(o, camel, snake);
  const out: KeyValue[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      const kv = asObject(list[i], 'a KeyValue');
      const key = getString(kv, 'key', 'key');
      let value: AnyValue;
      try {
        value = jsonAnyValue(kv.value, depth);
      } catch (e) {
        throw inJson(e, 'value');
      }
      out[i] = { key, value };
    } catch (e) {
      throw inJson(e, `${camel}[${i}]`);
    }
  }
  return out;
}

export function jsonResource(raw: unknown): Resource {
  if (raw === undefined || raw === null) return { attributes: [], droppedAttributesCount: 0 };
  try {
    const o = asObject(raw, 'a Resource');
    return {
      attributes: jsonKeyValues(o, 'attributes', 'attributes'),
      droppedAttributesCount: getUint32(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    };
  } catch (e) {
    throw inJson(e, 'resource');
  }
}

export function jsonScope(raw: unknown): InstrumentationScope {
  if (raw === undefined || raw === null) return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  try {
    const o = asObject(raw, 'an InstrumentationScope');
    return {
      name: getString(o, 'name', 'name'),
      version: getString(o, 'version', 'version'),
      attributes: jsonKeyValues(o, 'attributes', 'attributes'),
      droppedAttributesCount: getUint32(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    };
  } catch (e) {
    throw inJson(e, 'scope');
  }
}
