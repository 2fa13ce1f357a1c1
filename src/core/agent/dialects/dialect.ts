// What every dialect reader sees and returns. Readers are pure: a span view in, proposed fields out.
// The normaliser merges proposals in a fixed order (first defined value wins), so a reader only
// states what its own keys say and never needs to know about the others.
import type { LogRecord, Span, SpanEvent } from '../../otlp/model';
import type { Attributes, Dialect, StepFields, StepKind } from '../types';

export interface SpanView {
  span: Span;
  /** The span's attributes, flattened once. */
  attrs: Attributes;
  events: readonly SpanEvent[];
  logs: readonly LogRecord[];
  /** Which key families occur, found in one pass over the keys. */
  keys: KeyFamilies;
  /** The instrumentation scope's name and the resource's telemetry.sdk.name: some rules depend on who emitted. */
  scopeName?: string;
  sdkName?: string;
}

export interface KeyFamilies {
  genai: boolean;
  ai: boolean;
  openinference: boolean;
  traceloop: boolean;
}

export interface DialectReading {
  kind?: StepKind;
  fields: Partial<StepFields>;
}

export interface DialectReader {
  dialect: Dialect;
  detect(view: SpanView): boolean;
  read(view: SpanView): DialectReading;
}

/** Which families a span's keys belong to: each distinct key is judged once (familiesOfKey), a span ORs its keys' bits. */
export function scanKeys(attrs: Attributes): KeyFamilies {
  let bits = 0;
  for (const k in attrs) {
    let b = knownKeys.get(k);
    if (b === undefined) {
      b = familiesOfKey(k);
      // Bounded: keys come from the wire (Traceloop numbers each message's keys; a hostile span may send any).
      if (k.length <= maxKnownKeyLength) {
        if (knownKeys.size >= maxKnownKeys) knownKeys.clear();
        knownKeys.set(k, b);
      }
    }
    bits |= b;
  }
  return familySets[bits]!;
}

const GENAI = 1, AI = 2, OPENINFERENCE = 4, TRACELOOP = 8;
/**
 * Each key's families, judged once: a session repeats a few dozen keys on every span, and judging them per
 * span was ~1 µs of each (100k realistic spans: ~100 ms against ~10 with this map).
 */
const knownKeys = new Map<string, number>();
const maxKnownKeys = 4096;
const maxKnownKeyLength = 256;
/** One frozen answer per set of families (readers only read it). */
const familySets: readonly KeyFamilies[] = Array.from({ length: 16 }, (_, b) =>
  Object.freeze({ genai: (b & GENAI) !== 0, ai: (b & AI) !== 0, openinference: (b & OPENINFERENCE) !== 0, traceloop: (b & TRACELOOP) !== 0 }),
);

/** The families one key belongs to (bits). */
function familiesOfKey(k: string): number {
  switch (k.charCodeAt(0)) {
    case 103: // g
      if (!k.startsWith('gen_ai.')) return 0;
      return k.startsWith('gen_ai.prompt.') || k.startsWith('gen_ai.completion.') ? GENAI | TRACELOOP : GENAI;
    case 97: // a
      return k.startsWith('ai.') ? AI : 0;
    case 108: // l
      if (!k.startsWith('llm.')) return 0;
      return k.startsWith('llm.usage.') || k.startsWith('llm.request.') || k.startsWith('llm.prompts.') || k.startsWith('llm.completions.') || k === 'llm.vendor' ? TRACELOOP : OPENINFERENCE;
    case 116: // t
      if (k.startsWith('traceloop.')) return TRACELOOP;
      return k === 'tool.name' ? OPENINFERENCE : 0;
    case 111: // o
    case 105: // i
    case 101: // e
    case 114: // r
      return k === 'openinference.span.kind' || k === 'input.value' || k.startsWith('embedding.') || k.startsWith('retrieval.documents.') ? OPENINFERENCE : 0;
    default:
      return 0;
  }
}

/** Copies defined values only, so `{ model: undefined }` never hides another reader's model. */
export function defined<T extends object>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  // for-in, not Object.keys: every reader of every span passes here (the keys' array was 2% of a model's allocations).
  for (const k in fields) {
    if (!Object.hasOwn(fields, k)) continue;
    const v = fields[k];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  }
  return out;
}
