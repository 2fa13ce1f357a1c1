// opentelemetry.proto.common.v1 and resource.v1: AnyValue, KeyValue, InstrumentationScope, Resource.
import type { Reader } from 'protobufjs/minimal';
import type { Appendable } from './fittedArrays';
import { MAX_VALUE_DEPTH, OtlpDecodeError, inMessage } from './errors';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './model';
import {
  WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, enterMessage, expectWire, forEachRepeated, readBase64, readInt64, readString, skipField,
} from './protoWire';
import { F_KEY_ID, keyOfId } from './wellKnownKeys';

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

/** Whether field `tag` is one of the store's text fields (read with readStoredText). */
export function isStoredText(tag: number, depth: number, texts: StoredTexts | undefined): texts is StoredTexts {
  const field = tag >>> 3;
  return (field === F_TEXT_REF || field === F_TEXT_PIECE) && texts !== undefined && depth === 0 && (tag & 7) === WIRE_LEN;
}

/**
 * Pieces of a text as one string, by `+`: V8 then keeps a rope that points at the pieces (a long prefix
 * shared by many spans, their system prompt or the conversation so far, stays one string in memory) where
 * join('') would copy them all into a new string for every span. Whatever needs it flat flattens it once.
 */
export function joinPieces(pieces: readonly string[]): string {
  let text = pieces[0] ?? '';
  for (let i = 1; i < pieces.length; i++) text += pieces[i]!;
  return text;
}

/** A store text field's piece of the string (isStoredText said it is one). */
export function readStoredText(r: Reader, tag: number, texts: StoredTexts): string {
  if (tag >>> 3 === F_TEXT_PIECE) return readString(r);
  const outer = enterMessage(r);
  textIds.length = 0;
  while (r.pos < r.len) textIds.push(r.uint32());
  r.len = outer;
  return texts.text(textIds);
}

/** AnyValue: the reader is already narrowed to the message. `texts`: the store's, for its attribute values. */
export function decodeAnyValue(r: Reader, depth: number, texts?: StoredTexts): AnyValue {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let value: AnyValue = {};
  let pieces: string[] | undefined;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (isStoredText(tag, depth, texts)) {
      (pieces ??= []).push(readStoredText(r, tag, texts));
      continue;
    }
    switch (tag >>> 3) {
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
  return pieces ? { stringValue: joinPieces(pieces) } : value;
}

/** ArrayValue { repeated AnyValue values = 1 }. */
function decodeValueList(r: Reader, depth: number): AnyValue[] {
  const values: AnyValue[] = [];
  forEachRepeated(r, () => values.push(decodeAnyValue(r, depth + 1)), arrayElement);
  return values;
}

export const arrayElement = (n: number): string => `array element #${n}`;

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
export function pushKeyValue(r: Reader, into: Appendable<KeyValue>, depth: number, texts?: StoredTexts): void {
  let outer: number;
  try {
    outer = enterMessage(r);
  } catch (e) {
    throw inMessage(e, `attribute #${into.length}`);
  }
  const kv = readKeyValue(r, depth, texts, decodeAnyValue, {}, into.length);
  r.len = outer;
  into.push({ key: kv.key, value: kv.value });
}

/** One KeyValue read: readKeyValue's answer, reused by the next call (copy it out before that). */
const keyValue: { key: string; value: unknown } = { key: '', value: undefined };

/**
 * A KeyValue message (the reader narrowed to it): its key, and its value as `read` makes it (`none` when
 * it has none). Errors name the attribute, with its position when `at` is one (>= 0).
 */
export function readKeyValue<V>(r: Reader, depth: number, texts: StoredTexts | undefined, read: (r: Reader, depth: number, texts?: StoredTexts) => V, none: V, at: number): { key: string; value: V } {
  let key = '';
  let value = none;
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1) {
        expectWire(tag, WIRE_LEN);
        key = readString(r);
      } else if (field === F_KEY_ID && texts !== undefined) {
        // The store's number for a well-known key (wellKnownKeys.ts); only its own data has one.
        expectWire(tag, WIRE_VARINT);
        const id = r.uint32();
        key = keyOfId(id) ?? `[key ${id} is unknown]`;
      } else if (field === 2) {
        expectWire(tag, WIRE_LEN);
        const inner = enterMessage(r);
        value = read(r, depth, texts);
        r.len = inner;
      } else skipField(r, tag);
    }
  } catch (e) {
    const where = at >= 0 ? `attribute #${at}` : 'attribute';
    throw inMessage(e, key ? `${where} "${key.slice(0, 80)}"` : at >= 0 ? where : 'an attribute');
  }
  keyValue.key = key;
  keyValue.value = value;
  return keyValue as { key: string; value: V };
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
