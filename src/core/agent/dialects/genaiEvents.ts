// GenAI message content carried as events: span events or OTLP log records (joined by span id).
//  - gen_ai.client.inference.operation.details (semconv >= 1.37): gen_ai.input.messages /
//    gen_ai.output.messages / gen_ai.system_instructions as (structured) attributes or in the body
//  - deprecated per-message events: gen_ai.{system,user,assistant,tool}.message, gen_ai.choice
//  - older still: gen_ai.content.prompt / gen_ai.content.completion with gen_ai.prompt / gen_ai.completion
import type { LogRecord, SpanEvent } from '../../otlp/model';
import { anyValueToJs, flattenAttributes, isObject, nanosToMs, str } from '../attributes';
import { systemPromptOf, textOf, toMessage, toMessages, toParts } from '../messages';
import type { Attributes, Message } from '../types';
import { fitted } from '../../otlp/fittedArrays';

export interface EventMessages {
  input: Message[];
  output: Message[];
  system?: string;
}

interface GenAiEvent {
  name: string;
  timeMs: number;
  attrs: Attributes;
  body: unknown;
}

const perMessageRoles: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

/**
 * Messages from a span's events and joined log records, in time order. Empty when there are none.
 * `wantInput` false (the span's attributes gave its input): per-message events are read only for the system
 * prompt, the input's one part that may still be asked for (a 'gen_ai.user.message' a span, for nothing).
 */
export function messagesFromEvents(events: readonly SpanEvent[], logs: readonly LogRecord[], wantInput = true): EventMessages {
  const out: EventMessages = { input: [], output: [] };
  const list = collect(events, logs);
  if (list.length === 0) return out;
  for (const e of list) {
    const fields = isObject(e.body) ? { ...e.attrs, ...e.body } : e.attrs;
    if (e.name === 'gen_ai.client.inference.operation.details') {
      out.input.push(...toMessages(fields['gen_ai.input.messages']));
      out.output.push(...toMessages(fields['gen_ai.output.messages'], 'assistant'));
      const system = instructionsText(fields['gen_ai.system_instructions']);
      if (system) out.system = system;
    } else if (e.name in perMessageRoles) {
      const eventRole = perMessageRoles[e.name]!;
      const role = str(fields.role) ?? eventRole;
      if (!wantInput && role !== 'system') continue;
      const m = toMessage(e.body !== undefined && e.body !== null && !isObject(e.body) ? { content: e.body } : fields, eventRole, 0);
      if (m) out.input.push({ ...m, role });
    } else if (e.name === 'gen_ai.choice') {
      const m = toMessage(fields, 'assistant', 0);
      if (m) out.output.push(m.role === 'user' ? { ...m, role: 'assistant' } : m);
    } else if (e.name === 'gen_ai.content.prompt') {
      out.input.push(...toMessages(fields['gen_ai.prompt']));
    } else if (e.name === 'gen_ai.content.completion') {
      out.output.push(...toMessages(fields['gen_ai.completion'], 'assistant'));
    }
  }
  out.system ??= systemPromptOf(out.input);
  // Kept by the step: with no room to grow (fittedArrays.ts).
  out.input = fitted(out.input);
  out.output = fitted(out.output);
  return out;
}

/** System instructions: an array of parts (semconv), a JSON string of one, or plain text. */
export function instructionsText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const text = textOf([{ role: 'system', parts: toParts(typeof v === 'string' && !v.trimStart().startsWith('[') ? v : parseParts(v)) }]);
  return text === '' ? undefined : text;
}

function parseParts(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

function collect(events: readonly SpanEvent[], logs: readonly LogRecord[]): GenAiEvent[] {
  const list: GenAiEvent[] = [];
  if (Array.isArray(events)) {
    for (const e of events) {
      if (!e || typeof e.name !== 'string' || !e.name.startsWith('gen_ai.')) continue;
      list.push({ name: e.name, timeMs: nanosToMs(e.timeUnixNano), attrs: flattenAttributes(e.attributes), body: undefined });
    }
  }
  if (Array.isArray(logs)) {
    for (const r of logs) {
      if (!r) continue;
      const attrs = flattenAttributes(r.attributes);
      // Older SDKs put the event name in an `event.name` attribute instead of LogRecord.eventName.
      const name = str(r.eventName) ?? str(attrs['event.name']);
      if (!name || !name.startsWith('gen_ai.')) continue;
      list.push({ name, timeMs: nanosToMs(r.timeUnixNano) || nanosToMs(r.observedTimeUnixNano), attrs, body: anyValueToJs(r.body) });
    }
  }
  // Stable: same-time events keep their emission order. Mostly in order already: no copies then.
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.timeMs < list[i - 1]!.timeMs) return list.map((e, k) => ({ e, k })).sort((x, y) => x.e.timeMs - y.e.timeMs || x.k - y.k).map((x) => x.e);
  }
  return list;
}
