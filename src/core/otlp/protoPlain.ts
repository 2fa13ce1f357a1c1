// Attributes read from protobuf straight into plain JS values: what agent/attributes.ts's flattenAttributes
// makes of decoded KeyValues (ints as numbers when exact, bytes as base64, later duplicates win, values
// nested deeper than 32 levels as null), without making the KeyValue and AnyValue objects first. The agent
// model reads a whole session this way: those objects were a fifth of a 100k-span build's allocations and
// ~100 MB that the model's inputs kept.
import type { Reader } from 'protobufjs/minimal';
import { inMessage } from './errors';
import { F_TEXT_PIECE, F_TEXT_REF, type StoredTexts } from './protoCommon';
import {
  WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, enterMessage, expectWire, readBase64, readInt64, readString, skipField,
} from './protoWire';

export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };
export type PlainAttributes = Record<string, PlainValue>;

/** Deeper values read as null, as anyValueToJs reads them (stored data was checked to the decoder's 64). */
const PLAIN_DEPTH = 32;

/** Assignment that treats "__proto__" as a plain key: attribute names come from untrusted senders. */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** Reads one length-prefixed KeyValue into `into`; `texts`: the store's, for its long string values. */
export function readPlainKeyValue(r: Reader, into: PlainAttributes, depth: number, texts?: StoredTexts): void {
  let key = '';
  try {
    const outer = enterMessage(r);
    let value: PlainValue = null;
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1) {
        expectWire(tag, WIRE_LEN);
        key = readString(r);
      } else if (field === 2) {
        expectWire(tag, WIRE_LEN);
        const inner = enterMessage(r);
        value = readPlainValue(r, depth, texts);
        r.len = inner;
      } else skipField(r, tag);
    }
    r.len = outer;
    setOwn(into, key, value);
  } catch (e) {
    throw inMessage(e, key ? `attribute "${key.slice(0, 80)}"` : 'an attribute');
  }
}

const textIds: number[] = [];

/** An AnyValue (the reader narrowed to it) as a plain value; a value with no known field is null. */
export function readPlainValue(r: Reader, depth: number, texts?: StoredTexts): PlainValue {
  if (depth > PLAIN_DEPTH) {
    r.pos = r.len;
    return null;
  }
  let value: PlainValue = null;
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
        value = readString(r);
        break;
      case 2:
        expectWire(tag, WIRE_VARINT);
        value = r.bool();
        break;
      case 3: {
        expectWire(tag, WIRE_VARINT);
        const text = readInt64(r);
        const n = Number(text);
        value = Number.isSafeInteger(n) ? n : text;
        break;
      }
      case 4:
        expectWire(tag, WIRE_FIXED64);
        value = r.double();
        break;
      case 5:
      case 6: {
        expectWire(tag, WIRE_LEN);
        const outer = enterMessage(r);
        value = field === 5 ? readPlainList(r, depth) : readPlainKeyValues(r, depth);
        r.len = outer;
        break;
      }
      case 7:
        expectWire(tag, WIRE_LEN);
        value = readBase64(r);
        break;
      default:
        skipField(r, tag);
    }
  }
  return pieces ? (pieces.length === 1 ? pieces[0]! : pieces.join('')) : value;
}

/** ArrayValue { repeated AnyValue values = 1 }. */
function readPlainList(r: Reader, depth: number): PlainValue[] {
  const values: PlainValue[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) {
      expectWire(tag, WIRE_LEN);
      try {
        const outer = enterMessage(r);
        values.push(readPlainValue(r, depth + 1));
        r.len = outer;
      } catch (e) {
        throw inMessage(e, `array element #${values.length}`);
      }
    } else skipField(r, tag);
  }
  return values;
}

/** KeyValueList { repeated KeyValue values = 1 }. */
function readPlainKeyValues(r: Reader, depth: number): PlainAttributes {
  const out: PlainAttributes = {};
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) {
      expectWire(tag, WIRE_LEN);
      readPlainKeyValue(r, out, depth + 1);
    } else skipField(r, tag);
  }
  return out;
}
