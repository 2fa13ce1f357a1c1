// The pieces of text a step carries, each with the field it came from: what the model was sent (prompts,
// messages) and what tools got and returned. JSON strings are opened so `args.to` is its own field.
import { jsonCandidate } from '../agent/attributes';
import type { AgentStep, Message } from '../agent/types';

export interface FieldText {
  field: string;
  text: string;
}

const maxDepth = 6;
const maxLeaves = 2000;

/** String leaves of a JSON-ish value as `prefix.key[0]` fields (JSON in strings parsed once). */
export function stringLeaves(value: unknown, prefix: string, out: FieldText[] = [], depth = 0): FieldText[] {
  if (out.length >= maxLeaves || depth > maxDepth || value === null || value === undefined) return out;
  if (typeof value === 'string') {
    // Only text that starts and ends as an object or array does: a failed parse costs ~10 µs, and tool
    // results like '{"a":1} [cached]' were most of a scan of 100k such steps.
    const t = depth < maxDepth && value.length < 1_000_000 ? jsonCandidate(value) : undefined;
    if (t !== undefined && t.charCodeAt(0) !== 34) {
      try {
        return stringLeaves(JSON.parse(t) as unknown, prefix, out, depth + 1);
      } catch {
        /* plain text that starts with a brace */
      }
    }
    if (value !== '') out.push({ field: prefix, text: value });
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    out.push({ field: prefix, text: String(value) });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => stringLeaves(v, `${prefix}[${i}]`, out, depth + 1));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) stringLeaves(v, `${prefix}.${k}`, out, depth + 1);
  }
  return out;
}

/** Untrusted content a step carries itself: tool and retrieval results, retrieved documents. */
export function stepUntrustedTexts(step: AgentStep): FieldText[] {
  const out: FieldText[] = [];
  if (step.kind === 'tool' || step.kind === 'retrieval') stringLeaves(step.toolResult, 'result', out);
  if (step.kind === 'retrieval') {
    for (const [k, v] of Object.entries(step.attributes)) if (/retrieval\.documents|\.documents?\b|document\.content/.test(k)) stringLeaves(v, k, out);
    for (const m of step.outputMessages ?? []) messageTexts(m, 'output', out);
  }
  return out;
}

/** Untrusted content in an LLM call's input message: the tool results in it (fields follow `input[i]`). */
export function messageUntrustedTexts(m: Message): FieldText[] {
  const out: FieldText[] = [];
  for (const p of m.parts) if (p.type === 'tool_result') stringLeaves(p.result, '.result', out);
  return out;
}

/** What an input message sends the model (fields follow `input[i]`). */
export function messageSentTexts(m: Message): FieldText[] {
  return messageTexts(m, '', []);
}

function messageTexts(m: Message, field: string, out: FieldText[]): FieldText[] {
  for (const p of m.parts) {
    if (p.type === 'text' || p.type === 'reasoning') out.push({ field, text: p.text });
    else if (p.type === 'tool_call') stringLeaves(p.arguments, `${field}.${p.name}`, out);
    else if (p.type === 'tool_result') stringLeaves(p.result, `${field}.result`, out);
  }
  return out;
}
