// A step's texts as the graph's inspector shows them: message parts, tool arguments and results, attributes
// and the exception's stack, as display text cut to a size a webview can take; its source and running totals.
import type { CumulativeDto, MessageDto, MessagePartDto, StepDetailDto } from '../../protocol/graph';
import { flattenAttributes, str } from './attributes';
import type { stateAt } from './timeline';
import type { AgentStep, Message, MessagePart, SpanInput } from './types';

/** Text longer than this (one message part, tool args, one attribute value) is cut. */
const MAX_TEXT = 20_000;
const MAX_ATTRIBUTES = 500;

export function messageDto(m: Message, cut: { truncated: boolean }): MessageDto {
  // Types say string; the wire may say otherwise (a role "constructor" once came back as a function).
  const dto: MessageDto = { role: asText(m.role) ?? 'unknown', parts: m.parts.map((p) => partDto(p, cut)) };
  return Object.assign(dto, definedOnly({ name: asText(m.name), finishReason: asText(m.finishReason) }));
}

export function asText(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function partDto(p: MessagePart, cut: { truncated: boolean }): MessagePartDto {
  switch (p.type) {
    case 'text':
    case 'reasoning':
      return { type: p.type, text: capText(asText(p.text) ?? '', cut) };
    case 'tool_call':
      return definedOnly({ type: 'tool_call' as const, id: asText(p.id), name: asText(p.name) ?? '', arguments: jsonText(p.arguments, cut) ?? '' });
    case 'tool_result':
      return definedOnly({ type: 'tool_result' as const, id: asText(p.id), name: asText(p.name), result: jsonText(p.result, cut) ?? '' });
    case 'media':
      return definedOnly({ type: 'media' as const, modality: asText(p.modality), mimeType: asText(p.mimeType), uri: asText(p.uri) ?? asText(p.fileId) });
    default:
      return { type: 'other', value: jsonText(p.value, cut) ?? '' };
  }
}

/** A value as display text: strings holding JSON are pretty-printed, other strings kept as they are. */
export function jsonText(v: unknown, cut: { truncated: boolean }): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return capText(JSON.stringify(JSON.parse(t), null, 2), cut);
      } catch {
        return capText(v, cut);
      }
    }
    return capText(v, cut);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(v, null, 2);
  } catch {
    text = String(v);
  }
  return capText(text ?? String(v), cut);
}

export function capText(text: string, cut: { truncated: boolean }): string {
  if (text.length <= MAX_TEXT) return text;
  cut.truncated = true;
  return `${text.slice(0, MAX_TEXT)}… (${(text.length - MAX_TEXT).toLocaleString('en-US')} more characters)`;
}

export function attributesOf(s: AgentStep, cut: { truncated: boolean }): [string, string][] {
  const entries = Object.entries(s.attributes);
  if (entries.length > MAX_ATTRIBUTES) cut.truncated = true;
  return entries.slice(0, MAX_ATTRIBUTES).map(([k, v]) => [k, typeof v === 'string' ? capText(v, cut) : (jsonText(v, cut) ?? '')]);
}

/** The stack of the exception: from the span's attributes, else (given the raw span) its exception event. */
export function stackOf(s: AgentStep, raw: SpanInput | undefined): string | undefined {
  const own = str(s.attributes['exception.stacktrace']) ?? str(s.attributes['error.stack']);
  if (own !== undefined) return own;
  for (const e of raw?.span.events ?? []) {
    if (e?.name !== 'exception') continue;
    const stack = str(flattenAttributes(e.attributes)['exception.stacktrace']);
    if (stack !== undefined) return stack;
  }
  return undefined;
}

export function definedOnly<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function assignDefined<T extends object>(target: T, values: Partial<T>): void {
  Object.assign(target, definedOnly(values));
}

/** The detail with the step's source location (or why there is none), as the step has it now. */
export function withSource(detail: StepDetailDto, s: AgentStep): StepDetailDto {
  delete detail.source;
  delete detail.sourceMissing;
  if (s.source) detail.source = definedOnly({ path: s.source.path, line: s.source.line, how: s.source.how, confidence: s.source.confidence, detail: s.source.detail });
  else if (s.sourceMissing) detail.sourceMissing = s.sourceMissing;
  return detail;
}

/** The running totals at a cursor (stateAt's), times from the feed's origin. */
export function cumulativeOf(state: ReturnType<typeof stateAt>, origin: number): CumulativeDto {
  if (!state) return { cursor: 0, time: 0, started: 0, finished: 0, failed: 0, running: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0 };
  const { cursor, started, finished, failed, running, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, costUsd } = state;
  return { cursor, time: Math.round((state.timeMs - origin) * 1000) / 1000, started, finished, failed, running, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, costUsd };
}
