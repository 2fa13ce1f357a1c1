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

export function scanKeys(attrs: Attributes): KeyFamilies {
  const f: KeyFamilies = { genai: false, ai: false, openinference: false, traceloop: false };
  // By first letter: every key of every span passes here, and most match no family.
  for (const k in attrs) {
    switch (k.charCodeAt(0)) {
      case 103: // g
        if (k.startsWith('gen_ai.')) {
          f.genai = true;
          if (k.startsWith('gen_ai.prompt.') || k.startsWith('gen_ai.completion.')) f.traceloop = true;
        }
        break;
      case 97: // a
        if (k.startsWith('ai.')) f.ai = true;
        break;
      case 108: // l
        if (!k.startsWith('llm.')) break;
        if (k.startsWith('llm.usage.') || k.startsWith('llm.request.') || k.startsWith('llm.prompts.') || k.startsWith('llm.completions.') || k === 'llm.vendor') f.traceloop = true;
        else f.openinference = true;
        break;
      case 116: // t
        if (k.startsWith('traceloop.')) f.traceloop = true;
        else if (k === 'tool.name') f.openinference = true;
        break;
      case 111: // o
      case 105: // i
      case 101: // e
      case 114: // r
        if (k === 'openinference.span.kind' || k === 'input.value' || k.startsWith('embedding.') || k.startsWith('retrieval.documents.')) f.openinference = true;
        break;
    }
  }
  return f;
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
