// opentelemetry.proto.common.v1 and resource.v1: AnyValue, KeyValue, InstrumentationScope, Resource.
import type { Reader } from 'protobufjs/minimal';
import { MAX_VALUE_DEPTH, OtlpDecodeError, inMessage } from './errors';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './model';
import {
  WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, enterMessage, expectWire, readBase64, readInt64, readString, skipField,
} from './protoWire';

/**
 * The store's own AnyValue fields (OTLP uses 1-8), read only from the store's spans.data (see
 * store/spanDataTexts.ts); elsewhere they are unknown fields, skipped. A long string_value becomes
 * pieces in order: text ids (F_TEXT_REF, packed varints) and pieces kept in place (F_TEXT_PIECE, UTF-8).
 */
export const F_TEXT_REF = 100, F_TEXT_PIECE = 101;

/** Where the store's text ids are read from. */
export interface StoredTexts {
  text(ids: readonly number[]): string;
}

const textIds: number[] = [];

/** AnyValue: the reader is already narrowed to the message. `texts`: the store's, for its attribute values. */
export function decodeAnyValue(r: Reader, depth: number, texts?: StoredTexts): AnyValue {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let value: AnyValue = {};
  let pieces: string[] | undefined;
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if ((field === F_TEXT_REF || field === F_TEXT_PIECE) && texts && depth === 0 && (tag & 7) === WIRE_LEN) {
      pieces ??= [];
      if (field === F_TEXT_PIECE) pieces.push(readString(r));
      else {
        const outer = enterMessage(r);
        textIds.length = 0;
        while (r.pos < r.len) textIds.push(r.uint32());
        r.len = outer;
        pieces.push(texts.text(textIds));
      }
      continue;
    }
    switch (field) {
      case 1:
        expectWire(tag, WIRE_LEN);
        value = { stringValue: readString(r) };
        break;
      case 2:
        expectWire(tag, WIRE_VARINT);
        value = { boolValue: r.bool() };
        break;
      case 3:
        expectWire(tag, WIRE_VARINT);
        value = { intValue: readInt64(r) };
        break;
      case 4:
        expectWire(tag, WIRE_FIXED64);
        value = { doubleValue: r.double() };
        break;
      case 5: {
        expectWire(tag, WIRE_LEN);
        const outer = enterMessage(r);
        value = { arrayValue: { values: decodeValueList(r, depth) } };
        r.len = outer;
        break;
      }
      case 6: {
        expectWire(tag, WIRE_LEN);
        const outer = enterMessage(r);
        value = { kvlistValue: { values: decodeKeyValueList(r, depth) } };
        r.len = outer;
        break;
      }
      case 7:
        expectWire(tag, WIRE_LEN);
        value = { bytesValue: readBase64(r) };
        break;
      // 8 = string_value_strindex (profiles only): skipped like any unknown field, value stays empty.
      default:
        skipField(r, tag);
    }
  }
  return pieces ? { stringValue: pieces.length === 1 ? pieces[0]! : pieces.join('') } : value;
}

/** ArrayValue { repeated AnyValue values = 1 }. */
function decodeValueList(r: Reader, depth: number): AnyValue[] {
  const values: AnyValue[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) {
      expectWire(tag, WIRE_LEN);
      try {
        const outer = enterMessage(r);
        values.push(decodeAnyValue(r, depth + 1));
        r.len = outer;
      } catch (e) {
        throw inMessage(e, `array element #${values.length}`);
      }
    } else skipField(r, tag);
  }
  return values;
}

/** KeyValueList { repeated KeyValue values = 1 }. */
function decodeKeyValueList(r: Reader, depth: number): KeyValue[] {
  const values: KeyValue[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) {
      expectWire(tag, WIRE_LEN);
      pushKeyValue(r, values, depth + 1);
    } else skipField(r, tag);
  }
  return values;
}

/** Reads one length-prefixed KeyValue and appends it; errors name the attribute's position. */
export function pushKeyValue(r: Reader, into: KeyValue[], depth: number, texts?: StoredTexts): void {
  let key = '';
  try {
    const outer = enterMessage(r);
    let value: AnyValue = {};
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1) {
        expectWire(tag, WIRE_LEN);
        key = readString(r);
      } else if (field === 2) {
        expectWire(tag, WIRE_LEN);
        const inner = enterMessage(r);
        value = decodeAnyValue(r, depth, texts);
        r.len = inner;
      } else skipField(r, tag);
    }
    r.len = outer;
    into.push({ key, value });
  } catch (e) {
    throw inMessage(e, key ? `attribute #${into.length} "${key.slice(0, 80)}"` : `attribute #${into.length}`);
  }
}

export function emptyResource(): Resource {
  return { attributes: [], droppedAttributesCount: 0 };
}

export function emptyScope(): InstrumentationScope {
  return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
}

/** Resource, merged into `into` (a repeated embedded message merges, per protobuf rules). */
export function decodeResource(r: Reader, into: Resource): void {
  try {
    const outer = enterMessage(r);
    while (r.pos < r.len) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          expectWire(tag, WIRE_LEN);
          pushKeyValue(r, into.attributes, 0);
          break;
        case 2:
          expectWire(tag, WIRE_VARINT);
          into.droppedAttributesCount = r.uint32();
          break;
        default:
          skipField(r, tag);
      }
    }
    r.len = outer;
  } catch (e) {
    throw inMessage(e, 'resource');
  }
}

/** InstrumentationScope, merged into `into`. */
export function decodeScope(r: Reader, into: InstrumentationScope): void {
  try {
    const outer = enterMessage(r);
    while (r.pos < r.len) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          expectWire(tag, WIRE_LEN);
          into.name = readString(r);
          break;
        case 2:
          expectWire(tag, WIRE_LEN);
          into.version = readString(r);
          break;
        case 3:
          expectWire(tag, WIRE_LEN);
          pushKeyValue(r, into.attributes, 0);
          break;
        case 4:
          expectWire(tag, WIRE_VARINT);
          into.droppedAttributesCount = r.uint32();
          break;
        default:
          skipField(r, tag);
      }
    }
    r.len = outer;
  } catch (e) {
    throw inMessage(e, 'instrumentation scope');
  }
}
