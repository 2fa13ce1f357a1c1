// When is a request "the same" as a recorded one: its body with the volatile fields removed (ids and
// options an SDK or agent changes between runs without changing what it asks), keys in any order.
import { createHash } from 'node:crypto';

/** Top-level fields that do not change the answer asked for. */
const volatileFields: ReadonlySet<string> = new Set(['stream_options', 'user', 'metadata', 'store', 'prompt_cache_key', 'safety_identifier']);

export function normaliseRequest(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => !volatileFields.has(k)));
}

/** Bodies nested deeper than this are not compared (walking them could overflow the stack). */
export const maxDepth = 400;

/** Whether `v` nests deeper than `max`, found without recursion (the value itself may be a million deep). */
export function nestedDeeperThan(v: unknown, max = maxDepth): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, depth] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(x)) stack.push([child, depth + 1]);
  }
  return false;
}

/** JSON with sorted keys (callers check the depth first). */
function canonical(v: unknown): string {
  return JSON.stringify(sortKeys(v, 0));
}

function sortKeys(v: unknown, depth: number): unknown {
  if (depth > maxDepth) throw new RangeError('too deep');
  if (Array.isArray(v)) return v.map((x) => sortKeys(x, depth + 1));
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k], depth + 1)]));
}

export function fingerprint(body: unknown): string {
  return createHash('sha256').update(canonical(normaliseRequest(body))).digest('hex');
}

export interface Difference {
  /** Where the bodies first differ, e.g. `messages[0].content` ('' for the whole body). */
  field: string;
  recorded: string;
  now: string;
}

function short(v: unknown): string {
  const s = v === undefined ? '(absent)' : JSON.stringify(v) ?? String(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** The first field (in key order) where two request bodies differ, volatile fields ignored; undefined when equal. */
export function firstDifference(recorded: unknown, now: unknown): Difference | undefined {
  return diff(normaliseRequest(recorded), normaliseRequest(now), '', 0);
}

function diff(a: unknown, b: unknown, path: string, depth: number): Difference | undefined {
  if (depth > maxDepth) return { field: path, recorded: '(too deep to compare)', now: '(too deep to compare)' };
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = diff(a[i], b[i], join(path, i), depth + 1);
      if (d) return d;
    }
    return undefined;
  }
  const objA = typeof a === 'object' && a !== null && !Array.isArray(a);
  const objB = typeof b === 'object' && b !== null && !Array.isArray(b);
  if (objA && objB) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      const d = diff(ra[k], rb[k], join(path, k), depth + 1);
      if (d) return d;
    }
    return undefined;
  }
  return a === b ? undefined : { field: path, recorded: short(a), now: short(b) };
}
