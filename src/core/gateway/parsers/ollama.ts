// Ollama's native API: /api/chat, /api/generate and /api/embed(dings). Streams are NDJSON and on by
// default; the final line (done: true) carries the counts.
import type { ParsedRequest, ParsedResponse, ProviderParser, SemconvMessage, SemconvPart, StreamAccumulator, Usage } from '../types';
import { arr, type Json, num, obj, requestParams, str } from './json';

function message(m: Json): SemconvMessage {
  const role = str(m.role) ?? 'user';
  // Ollama's tool calls have no ids: a result names its tool (tool_name), as the tracker keys id-less calls.
  if (role === 'tool') return { role, parts: [{ type: 'tool_call_response', id: str(m.tool_call_id) ?? str(m.tool_name), response: str(m.content) }] };
  const parts: SemconvPart[] = [];
  const thinking = str(m.thinking);
  if (thinking) parts.push({ type: 'reasoning', content: thinking });
  const content = str(m.content);
  if (content) parts.push({ type: 'text', content });
  for (const _ of arr(m.images)) parts.push({ type: 'blob', modality: 'image', content: '[inline image]' });
  for (const c of arr(m.tool_calls)) {
    const f = obj(obj(c)?.function);
    if (f) parts.push({ type: 'tool_call', id: str(obj(c)?.id), name: str(f.name) ?? '', arguments: f.arguments });
  }
  return { role, parts };
}

function usage(b: Json): Usage {
  return { input: num(b.prompt_eval_count), output: num(b.eval_count) };
}

function request(path: string, b: Json): ParsedRequest {
  const params = requestParams(b, obj(b.options));
  const stream = b.stream !== false;
  if (path.includes('/api/embed')) return { operation: 'embeddings', model: str(b.model), stream: false, messages: [], systemInstructions: [], tools: [], params: {} };
  if (path.includes('/api/generate')) {
    const system = str(b.system);
    return {
      operation: 'text_completion', model: str(b.model), stream, params, tools: [],
      messages: [{ role: 'user', parts: [{ type: 'text', content: str(b.prompt) ?? '' }] }],
      systemInstructions: system ? [{ type: 'text', content: system }] : [],
    };
  }
  const messages: SemconvMessage[] = [];
  const systemInstructions: SemconvPart[] = [];
  for (const item of arr(b.messages)) {
    const m = obj(item);
    if (!m) continue;
    if (str(m.role) === 'system') systemInstructions.push({ type: 'text', content: str(m.content) ?? '' });
    else messages.push(message(m));
  }
  return { operation: 'chat', model: str(b.model), stream, messages, systemInstructions, tools: arr(b.tools), params };
}

function response(b: Json): ParsedResponse {
  const finish = str(b.done_reason);
  const m = obj(b.message);
  const text = str(b.response);
  const messages: SemconvMessage[] = m
    ? [{ ...message({ role: 'assistant', ...m }), finish_reason: finish }]
    : text !== undefined ? [{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finish }] : [];
  return { model: str(b.model), messages, finishReasons: finish ? [finish] : [], usage: usage(b), error: str(b.error) };
}

class NdjsonStream implements StreamAccumulator {
  private text = '';
  private thinking = '';
  private readonly calls: SemconvPart[] = [];
  private last: Json = {};
  private error: string | undefined;

  push(event: unknown): void {
    const line = obj(event);
    if (!line) return;
    this.last = line;
    this.error ??= str(line.error);
    const m = obj(line.message);
    this.text += str(m?.content) ?? str(line.response) ?? '';
    this.thinking += str(m?.thinking) ?? str(line.thinking) ?? '';
    if (m) for (const p of message({ role: 'assistant', tool_calls: m.tool_calls }).parts) if (p.type === 'tool_call') this.calls.push(p);
  }

  result(): ParsedResponse {
    const finish = str(this.last.done_reason);
    const parts: SemconvPart[] = [];
    if (this.thinking) parts.push({ type: 'reasoning', content: this.thinking });
    if (this.text) parts.push({ type: 'text', content: this.text });
    parts.push(...this.calls);
    const done = this.last.done === true;
    return {
      model: str(this.last.model), messages: [{ role: 'assistant', parts, finish_reason: finish }], finishReasons: finish ? [finish] : [],
      usage: done ? usage(this.last) : {}, error: this.error,
    };
  }
}

export const ollamaParser: ProviderParser = {
  request: (path, body) => request(path, obj(body) ?? {}),
  response: (body) => response(obj(body) ?? {}),
  stream: () => new NdjsonStream(),
};
