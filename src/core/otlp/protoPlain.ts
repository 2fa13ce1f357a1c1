// Attributes read from protobuf straight into plain JS values: what agent/attributes.ts's flattenAttributes
// makes of decoded KeyValues (ints as numbers when exact, bytes as base64, later duplicates win, values
// nested deeper than 32 levels as null), without making the KeyValue and AnyValue objects first. The agent
// model reads a whole session this way: those objects were a fifth of a 100k-span build's allocations and
// ~100 MB that the model's inputs kept.
import type { Reader } from 'protobufjs/minimal';
import { fitted } from './fittedArrays';
import { arrayElement, isStoredText, joinPieces, readKeyValue, readStoredText, type StoredTexts } from './protoCommon';
import {
  WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, enterMessage, expectWire, forEachRepeated, readBase64, readInt64, readString, skipField,
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
  const outer = enterMessage(r);
  readPlainKeyValueIn(r, into, depth, texts);
  r.len = outer;
}

/** A KeyValue (the reader narrowed to it) into `into`; errors name its key. */
function readPlainKeyValueIn(r: Reader, into: PlainAttributes, depth: number, texts?: StoredTexts): void {
  const kv = readKeyValue<PlainValue>(r, depth, texts, readPlainValue, null, -1);
  setOwn(into, kv.key, kv.value);
}

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
    if (isStoredText(tag, depth, texts)) {
      (pieces ??= []).push(readStoredText(r, tag, texts));
      continue;
    }
    const field = tag >>> 3;
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
  return pieces ? joinPieces(pieces) : value;
}

/** ArrayValue { repeated AnyValue values = 1 }. */
function readPlainList(r: Reader, depth: number): PlainValue[] {
  const values: PlainValue[] = [];
  forEachRepeated(r, () => values.push(readPlainValue(r, depth + 1)), arrayElement);
  return fitted(values);
}

/** KeyValueList { repeated KeyValue values = 1 }. */
function readPlainKeyValues(r: Reader, depth: number): PlainAttributes {
  const out: PlainAttributes = {};
  forEachRepeated(r, () => readPlainKeyValueIn(r, out, depth + 1), (n) => `attribute #${n}`);
  return out;
}
