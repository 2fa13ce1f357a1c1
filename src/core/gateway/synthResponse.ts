// Provider-format bodies rebuilt from what a step's spans say (messages, tool calls, usage): a session
// recorded without the gateway can be replayed, and a recorded answer can be edited as one JSON document
// ("what if the model had called this tool") and played back as the stream the agent asked for.
// OpenAI chat completions and Anthropic messages, plain and streamed.
import type { ProviderId } from './providers';
import type { ParsedResponse, SemconvMessage, SemconvPart } from './types';

export type SynthProvider = Extract<ProviderId, 'openai' | 'anthropic'>;

export function canSynthesise(provider: string): provider is SynthProvider {
  return provider === 'openai' || provider === 'anthropic';
}

/** The endpoint path (after the provider prefix) the SDKs call for a chat. */
export function chatPath(provider: SynthProvider): string {
  return provider === 'openai' ? '/chat/completions' : '/v1/messages';
}

const argsText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? {}));
const argsValue = (v: unknown): unknown => {
  if (typeof v !== 'string') return v ?? {};
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return {};
  }
};

function textOf(parts: readonly SemconvPart[]): string {
  return parts.flatMap((p) => (p.type === 'text' ? [p.content] : [])).join('');
}

function toolCalls(parts: readonly SemconvPart[]): Extract<SemconvPart, { type: 'tool_call' }>[] {
  return parts.filter((p): p is Extract<SemconvPart, { type: 'tool_call' }> => p.type === 'tool_call');
}

/** The answer as the provider's non-streamed JSON body. */
export function responseBody(provider: SynthProvider, r: ParsedResponse, id: string): Record<string, unknown> {
  const parts = r.messages.flatMap((m) => m.parts);
  const calls = toolCalls(parts);
  const text = textOf(parts);
  const finish = r.finishReasons[0] ?? r.messages[0]?.finish_reason;
  const input = r.usage.input ?? 0;
  const output = r.usage.output ?? 0;
  if (provider === 'openai') {
    return {
      id, object: 'chat.completion', created: 0, model: r.model ?? 'unknown',
      choices: [{
        index: 0, finish_reason: openAiFinish(finish, calls.length > 0),
        message: {
          role: 'assistant', content: text || (calls.length ? null : ''),
          ...(calls.length ? { tool_calls: calls.map((c, i) => ({ id: c.id ?? `call_${i + 1}`, type: 'function', function: { name: c.name, arguments: argsText(c.arguments) } })) } : {}),
        },
      }],
      usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
    };
  }
  return {
    id, type: 'message', role: 'assistant', model: r.model ?? 'unknown',
    content: [
      ...(text ? [{ type: 'text', text }] : []),
      ...calls.map((c, i) => ({ type: 'tool_use', id: c.id ?? `toolu_${i + 1}`, name: c.name, input: argsValue(c.arguments) })),
    ],
    stop_reason: anthropicStop(finish, calls.length > 0), stop_sequence: null,
    usage: { input_tokens: input, output_tokens: output },
  };
}

function openAiFinish(finish: string | undefined, calls: boolean): string {
  if (finish === 'tool_call' || finish === 'tool_use' || (calls && !finish)) return 'tool_calls';
  if (finish === 'end_turn' || !finish) return 'stop';
  return finish === 'max_tokens' ? 'length' : finish;
}

function anthropicStop(finish: string | undefined, calls: boolean): string {
  if (finish === 'tool_call' || finish === 'tool_calls' || (calls && !finish)) return 'tool_use';
  if (finish === 'length') return 'max_tokens';
  return !finish || finish === 'stop' ? 'end_turn' : finish;
}

/** A non-streamed body as the SSE events the provider streams for it (one event per chunk). */
export function streamEvents(provider: SynthProvider, body: unknown): string[] {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
  if (provider === 'openai') {
    const choice = ((b.choices as unknown[] | undefined)?.[0] ?? {}) as { message?: Record<string, unknown>; finish_reason?: string };
    const message = choice.message ?? {};
    const base = { id: b.id, object: 'chat.completion.chunk', created: b.created ?? 0, model: b.model };
    const chunk = (delta: unknown, finish: string | null = null) => sse({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
    const events = [chunk({ role: 'assistant', content: '' })];
    if (typeof message.content === 'string' && message.content) events.push(chunk({ content: message.content }));
    const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as object[]) : [];
    if (calls.length) events.push(chunk({ tool_calls: calls.map((c, index) => ({ index, ...c })) }));
    events.push(chunk({}, choice.finish_reason ?? 'stop'));
    if (b.usage) events.push(sse({ ...base, choices: [], usage: b.usage }));
    events.push('data: [DONE]\n\n');
    return events;
  }
  const content = Array.isArray(b.content) ? (b.content as Record<string, unknown>[]) : [];
  const usage = (b.usage ?? {}) as Record<string, unknown>;
  const events = [sse({ type: 'message_start', message: { ...b, content: [], stop_reason: null, usage: { input_tokens: usage.input_tokens ?? 0, output_tokens: 0 } } }, 'message_start')];
  content.forEach((block, index) => {
    const start = block.type === 'tool_use' ? { ...block, input: {} } : { ...block, text: '' };
    events.push(sse({ type: 'content_block_start', index, content_block: start }, 'content_block_start'));
    const delta = block.type === 'tool_use' ? { type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) } : { type: 'text_delta', text: String(block.text ?? '') };
    events.push(sse({ type: 'content_block_delta', index, delta }, 'content_block_delta'));
    events.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
  });
  events.push(sse({ type: 'message_delta', delta: { stop_reason: b.stop_reason ?? 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output_tokens ?? 0 } }, 'message_delta'));
  events.push(sse({ type: 'message_stop' }, 'message_stop'));
  return events;
}

/** Whether a request body asks for a streamed answer. */
export function asksForStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
}

/** A conversation (semconv messages + system prompt) as the provider's chat request body. */
export function requestBody(provider: SynthProvider, model: string | undefined, system: string | undefined, messages: readonly SemconvMessage[]): Record<string, unknown> {
  if (provider === 'openai') {
    const out: Record<string, unknown>[] = system && !messages.some((m) => m.role === 'system') ? [{ role: 'system', content: system }] : [];
    for (const m of messages) {
      const results = m.parts.filter((p): p is Extract<SemconvPart, { type: 'tool_call_response' }> => p.type === 'tool_call_response');
      if (m.role === 'tool' || results.length) {
        for (const r of results) out.push({ role: 'tool', tool_call_id: r.id ?? '', content: typeof r.response === 'string' ? r.response : JSON.stringify(r.response) });
        continue;
      }
      const calls = toolCalls(m.parts);
      out.push({
        role: m.role, content: textOf(m.parts) || (calls.length ? null : ''),
        ...(calls.length ? { tool_calls: calls.map((c, i) => ({ id: c.id ?? `call_${i + 1}`, type: 'function', function: { name: c.name, arguments: argsText(c.arguments) } })) } : {}),
      });
    }
    return { model: model ?? 'unknown', messages: out };
  }
  const out = messages.filter((m) => m.role !== 'system').map((m) => ({
    role: m.role === 'assistant' ? 'assistant' : 'user',
    content: m.parts.flatMap((p): Record<string, unknown>[] => {
      if (p.type === 'text') return [{ type: 'text', text: p.content }];
      if (p.type === 'tool_call') return [{ type: 'tool_use', id: p.id ?? '', name: p.name, input: argsValue(p.arguments) }];
      if (p.type === 'tool_call_response') return [{ type: 'tool_result', tool_use_id: p.id ?? '', content: typeof p.response === 'string' ? p.response : JSON.stringify(p.response) }];
      return [];
    }),
  }));
  return { model: model ?? 'unknown', max_tokens: 1024, ...(system ? { system } : {}), messages: out };
}
