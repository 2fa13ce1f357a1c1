// Find steps by what a person remembers of them: name, model, tool, prompt and output text, tool args and
// results, errors, events and any attribute value. Case-insensitive substring over each step's text, built
// once per session (the graph asks again on every keystroke).
import type { AgentStep, Attributes, AttrValue, SpanInput } from '../agent/types';
import type { AnyValue, KeyValue } from '../otlp/model';

/** At most this many matches are returned (the count says how many there were). */
export const MAX_MATCHES = 10_000;

export interface SearchResult {
  /** Matching step ids in the session's step order, at most MAX_MATCHES. */
  ids: string[];
  total: number;
}

export class StepSearch {
  private texts?: string[];

  constructor(private readonly steps: readonly AgentStep[], private readonly inputs: readonly SpanInput[]) {}

  find(query: string): SearchResult {
    const q = query.trim().toLowerCase();
    if (!q) return { ids: [], total: 0 };
    const texts = (this.texts ??= this.index());
    const ids: string[] = [];
    let total = 0;
    texts.forEach((text, i) => {
      if (!text.includes(q)) return;
      total++;
      if (ids.length < MAX_MATCHES) ids.push(this.steps[i].id);
    });
    return { ids, total };
  }

  private index(): string[] {
    const raw = new Map(this.inputs.map((r) => [r.span.spanId.toLowerCase(), r]));
    return this.steps.map((s) => {
      const out: string[] = [s.name, s.kind];
      collect([s.model, s.provider, s.toolName, s.toolCallId, s.toolArgs, s.toolResult, s.inputMessages, s.outputMessages, s.systemPrompt, s.agentName, s.operation, s.error, s.events], out);
      const r = raw.get(s.spanId.toLowerCase());
      if (r) {
        if (r.span.plainAttributes) plainAttributes(r.span.plainAttributes, out, 0);
        else for (const kv of r.span.attributes) attribute(kv, out);
        for (const e of r.span.events) {
          out.push(e.name);
          for (const kv of e.attributes) attribute(kv, out);
        }
        for (const log of r.logs ?? []) {
          out.push(log.eventName);
          anyValue(log.body, out);
          for (const kv of log.attributes) attribute(kv, out);
        }
      }
      return out.join('\n').toLowerCase();
    });
  }
}

function attribute(kv: KeyValue, out: string[]): void {
  out.push(kv.key);
  anyValue(kv.value, out);
}

function anyValue(v: AnyValue | undefined, out: string[]): void {
  if (!v) return;
  if ('stringValue' in v) out.push(v.stringValue);
  else if ('intValue' in v) out.push(String(v.intValue));
  else if ('doubleValue' in v) out.push(String(v.doubleValue));
  else if ('boolValue' in v) out.push(String(v.boolValue));
  else if ('arrayValue' in v) for (const x of v.arrayValue.values ?? []) anyValue(x, out);
  else if ('kvlistValue' in v) for (const kv of v.kvlistValue.values ?? []) attribute(kv, out);
}

/** What attribute() gives for the same attributes read as plain values (keys of nested lists too). */
function plainAttributes(attrs: Attributes, out: string[], depth: number): void {
  for (const key in attrs) {
    out.push(key);
    plainValue(attrs[key]!, out, depth);
  }
}

function plainValue(v: AttrValue, out: string[], depth: number): void {
  if (v === null || depth > 64) return;
  if (typeof v !== 'object') out.push(String(v));
  else if (Array.isArray(v)) for (const x of v) plainValue(x, out, depth + 1);
  else plainAttributes(v, out, depth + 1);
}

/** Every string, number and boolean leaf of a plain value (depth-capped: span data is untrusted). */
function collect(value: unknown, out: string[], depth = 0): void {
  if (value === null || value === undefined || depth > 12) return;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const x of value) collect(x, out, depth + 1);
  else if (typeof value === 'object') for (const x of Object.values(value)) collect(x, out, depth + 1);
}
