// OTLP attribute lists -> plain JS values, and small typed readers over them. Every function here is
// total: malformed input (wrong types, missing values, broken JSON) gives undefined, never a throw.
import type { AnyValue, KeyValue } from '../otlp/model';
import { nsToMs } from '../otlp/nanos';
import { setOwn } from '../otlp/protoPlain';
import { isJsonSpace, parseJsonSharing } from './sharingJson';
import { TextMemo } from './textMemo';
import type { Attributes, AttrValue, SpanInput } from './types';

const MAX_DEPTH = 32;

/** One AnyValue as a JS value. int64 strings become numbers when they fit exactly. */
export function anyValueToJs(value: AnyValue | undefined | null, depth = 0): AttrValue {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if ('intValue' in v) return intToJs(v.intValue);
  if ('doubleValue' in v) return typeof v.doubleValue === 'number' ? v.doubleValue : Number(v.doubleValue);
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (isObject(v.arrayValue)) {
    const values = (v.arrayValue as { values?: unknown }).values;
    return Array.isArray(values) ? values.map((x) => anyValueToJs(x as AnyValue, depth + 1)) : [];
  }
  if (isObject(v.kvlistValue)) return flattenAttributes((v.kvlistValue as { values?: KeyValue[] }).values, depth + 1);
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  return null;
}

function intToJs(raw: unknown): AttrValue {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : raw;
}

/** A span's attributes as plain values: as the store read them for the model, else flattened here. */
export function spanAttributes(span: SpanInput['span']): Attributes {
  return span.plainAttributes ?? flattenAttributes(span.attributes);
}

/** KeyValue[] -> { key: value }. Later duplicates win, as in most SDKs. */
export function flattenAttributes(list: readonly KeyValue[] | undefined | null, depth = 0): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (kv && typeof kv.key === 'string') setOwn(out, kv.key, anyValueToJs(kv.value, depth));
  }
  return out;
}

export { setOwn };

const unsafeSegments = new Set(['__proto__', 'constructor', 'prototype']);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A finite non-negative count, from a number or a numeric string. */
export function count(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The first present string among keys. */
export function firstStr(a: Attributes, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const s = str(a[k]);
    if (s !== undefined) return s;
  }
  return undefined;
}

export function firstCount(a: Attributes, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    const n = count(a[k]);
    if (n !== undefined) return n;
  }
  return undefined;
}

const parsed = new TextMemo<unknown>();

/**
 * JSON text -> value; anything else is returned as is. Only strings that look like JSON are parsed. A long
 * text's value is parsed once and shared (textMemo.ts): never change it in place.
 */
export function parseJsonLoose(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  // Text that cannot be JSON is answered before the memo: looking a long text up hashes all of it, and
  // prose (a system prompt, every message's content) is most of what passes here.
  if (jsonCandidate(v) === undefined) return v;
  // Short values too: a tool's arguments and results repeat, and a lookup costs less than a parse.
  return v.length >= 16 ? parsed.get(v, parseJsonText) : parseJsonText(v);
}

/** Texts this long are parsed into strings that share their characters (sharingJson.ts); shorter ones are copied. */
const sharingChars = 512;

/** parseJsonLoose without the memo (for callers that keep what they make of the text instead). */
export function parseJsonText(v: string): unknown {
  const t = jsonCandidate(v);
  if (t === undefined) return v;
  if (t.length >= sharingChars) {
    const value = parseJsonSharing(t);
    return value === undefined ? v : value;
  }
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

/**
 * The text to parse when `v` may be JSON worth structure: after leading whitespace it starts with '{', '['
 * or '"' and it ends as it began (a failed JSON.parse builds a SyntaxError, ~10 us a text, and a tool result
 * like '{"a":1} (cached)' is common); undefined otherwise. Most text starts with a letter: no trim then.
 */
export function jsonCandidate(v: string): string | undefined {
  const first = v.charCodeAt(0);
  const t = first <= 32 || first >= 0xa0 ? v.trimStart() : v;
  const c = t.charCodeAt(0);
  if (c !== 123 && c !== 91 && c !== 34) return undefined;
  return lastNonSpace(t) === (c === 34 ? 34 : c + 2) ? t : undefined;
}

/** The char code of the last character that is not JSON whitespace (0 for none). */
function lastNonSpace(t: string): number {
  for (let i = t.length - 1; i >= 0; i--) {
    const c = t.charCodeAt(i);
    if (!isJsonSpace(c)) return c;
  }
  return 0;
}


/** Keys under `prefix.` rebuilt into nested objects; numeric segments become array indices. */
export function unflatten(a: Attributes, prefix: string): unknown {
  const p = prefix + '.';
  let root: Record<string, unknown> | undefined;
  for (const key in a) {
    if (!key.startsWith(p)) continue;
    root ??= {};
    const path = key.slice(p.length).split('.');
    if (path.some((seg) => unsafeSegments.has(seg))) continue; // never walk into a prototype
    let node: Record<string, unknown> = root;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i];
      const next = Object.prototype.hasOwnProperty.call(node, seg) ? node[seg] : undefined;
      if (isObject(next)) node = next;
      else node = node[seg] = {};
    }
    node[path[path.length - 1]] = a[key];
  }
  return root === undefined ? undefined : indexedToArrays(root, 0);
}

/** { "0": x, "1": y } -> [x, y] (recursively), so flattened lists read like lists. */
function indexedToArrays(v: unknown, depth: number): unknown {
  if (!isObject(v) || depth > MAX_DEPTH) return v;
  const keys = Object.keys(v);
  const numeric = keys.length > 0 && keys.every((k) => /^\d{1,6}$/.test(k));
  if (numeric) {
    const out: unknown[] = [];
    for (const k of keys.sort((x, y) => Number(x) - Number(y))) out.push(indexedToArrays(v[k], depth + 1));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = indexedToArrays(v[k], depth + 1);
  return out;
}

/** Unix nanoseconds (decimal string or number) -> epoch milliseconds, without losing ms precision; 0 when unreadable. */
export function nanosToMs(v: unknown): number {
  const ms = typeof v === 'number' ? v / 1e6 : typeof v === 'string' ? nsToMs(v) : 0;
  return Number.isFinite(ms) ? ms : 0;
}
