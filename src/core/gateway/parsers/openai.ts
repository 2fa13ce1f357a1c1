// OpenAI and every OpenAI-compatible server: Chat Completions, legacy Completions, Responses and
// Embeddings, plain and streamed (SSE; usage only when the client asked for stream_options.include_usage).
import type { Operation, ParsedRequest, ParsedResponse, ProviderParser, SemconvMessage, SemconvPart, StreamAccumulator, Usage } from '../types';
import { arr, type Json, num, obj, parseArgs, requestParams, str } from './json';

type Endpoint = 'chat' | 'completions' | 'responses' | 'embeddings' | 'other';

function endpointOf(path: string): Endpoint {
  const p = path.split('?')[0]!.replace(/\/+$/, '');
  if (p.endsWith('/chat/completions')) return 'chat';
  if (p.endsWith('/completions')) return 'completions';
  if (p.endsWith('/responses')) return 'responses';
  if (p.endsWith('/embeddings')) return 'embeddings';
  return 'other';
}

/** Chat content (string or parts) -> semconv parts. */
export function contentParts(content: unknown): SemconvPart[] {
  if (typeof content === 'string') return content ? [{ type: 'text', content }] : [];
  const parts: SemconvPart[] = [];
  for (const item of arr(content)) {
    const p = obj(item);
    if (!p) continue;
    const text = str(p.text) ?? str(p.refusal);
    if (text !== undefined) parts.push({ type: 'text', content: text });
    const image = str(obj(p.image_url)?.url) ?? str(p.image_url);
    if (image !== undefined) parts.push(image.startsWith('data:') ? { type: 'blob', modality: 'image', content: '[inline image]' } : { type: 'uri', modality: 'image', uri: image });
  }
  return parts;
}

function chatMessage(m: Json): SemconvMessage {
  const role = str(m.role) ?? 'user';
  if (role === 'tool') return { role, parts: [{ type: 'tool_call_response', id: str(m.tool_call_id), response: toolOutput(m.content) }] };
  const parts = contentParts(m.content);
  for (const c of arr(m.tool_calls)) {
    const f = obj(obj(c)?.function);
    if (f) parts.push({ type: 'tool_call', id: str(obj(c)?.id), name: str(f.name) ?? '', arguments: parseArgs(f.arguments) });
  }
  return { role, parts };
}

function toolOutput(content: unknown): unknown {
  if (typeof content === 'string') return content;
  return contentParts(content).map((p) => (p.type === 'text' ? p.content : '')).join('');
}

function isSystem(role: string | undefined): boolean {
  return role === 'system' || role === 'developer';
}

function chatRequest(body: Json): ParsedRequest {
  const messages: SemconvMessage[] = [];
  const systemInstructions: SemconvPart[] = [];
  for (const item of arr(body.messages)) {
    const m = obj(item);
    if (!m) continue;
    if (isSystem(str(m.role))) systemInstructions.push(...contentParts(m.content));
    else messages.push(chatMessage(m));
  }
  return { operation: 'chat', model: str(body.model), stream: body.stream === true, messages, systemInstructions, tools: arr(body.tools), params: requestParams(body) };
}

function responsesInput(input: unknown): { messages: SemconvMessage[]; system: SemconvPart[] } {
  if (typeof input === 'string') return { messages: [{ role: 'user', parts: [{ type: 'text', content: input }] }], system: [] };
  const messages: SemconvMessage[] = [];
  const system: SemconvPart[] = [];
  for (const entry of arr(input)) {
    const item = obj(entry);
    if (!item) continue;
    const type = str(item.type);
    if (type === 'function_call') {
      messages.push({ role: 'assistant', parts: [{ type: 'tool_call', id: str(item.call_id), name: str(item.name) ?? '', arguments: parseArgs(item.arguments) }] });
    } else if (type === 'function_call_output') {
      messages.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: str(item.call_id), response: toolOutput(item.output) }] });
    } else if (type === undefined || type === 'message') {
      if (isSystem(str(item.role))) system.push(...contentParts(item.content));
      else messages.push({ role: str(item.role) ?? 'user', parts: contentParts(item.content) });
    }
  }
  return { messages, system };
}

function responsesRequest(body: Json): ParsedRequest {
  const { messages, system } = responsesInput(body.input);
  const instructions = str(body.instructions);
  const systemInstructions: SemconvPart[] = instructions ? [{ type: 'text', content: instructions }, ...system] : system;
  return { operation: 'chat', model: str(body.model), stream: body.stream === true, messages, systemInstructions, tools: arr(body.tools), params: requestParams(body) };
}

function openAiUsage(u: Json | undefined): Usage {
  if (!u) return {};
  const inputDetails = obj(u.prompt_tokens_details) ?? obj(u.input_tokens_details);
  const outputDetails = obj(u.completion_tokens_details) ?? obj(u.output_tokens_details);
  return {
    input: num(u.prompt_tokens) ?? num(u.input_tokens),
    output: num(u.completion_tokens) ?? num(u.output_tokens),
    cacheRead: num(inputDetails?.cached_tokens),
    reasoning: num(outputDetails?.reasoning_tokens),
  };
}

function errorOf(body: Json): string | undefined {
  const e = body.error;
  if (typeof e === 'string') return e;
  const message = str(obj(e)?.message);
  return message ?? (obj(e) ? JSON.stringify(e) : undefined);
}

function chatResponse(body: Json): ParsedResponse {
  const messages: SemconvMessage[] = [];
  const finishReasons: string[] = [];
  for (const c of arr(body.choices)) {
    const choice = obj(c);
    if (!choice) continue;
    const finish = str(choice.finish_reason);
    if (finish) finishReasons.push(finish);
    const message = obj(choice.message);
    if (message) messages.push({ ...chatMessage({ role: 'assistant', ...message }), finish_reason: finish });
    else if (typeof choice.text === 'string') messages.push({ role: 'assistant', parts: [{ type: 'text', content: choice.text }], finish_reason: finish });
  }
  return { id: str(body.id), model: str(body.model), messages, finishReasons, usage: openAiUsage(obj(body.usage)), error: errorOf(body) };
}

function responsesOutput(output: unknown): SemconvPart[] {
  const parts: SemconvPart[] = [];
  for (const entry of arr(output)) {
    const item = obj(entry);
    if (!item) continue;
    const type = str(item.type);
    if (type === 'message') {
      for (const c of arr(item.content)) {
        const text = str(obj(c)?.text) ?? str(obj(c)?.refusal);
        if (text !== undefined) parts.push({ type: 'text', content: text });
      }
    } else if (type === 'function_call') {
      parts.push({ type: 'tool_call', id: str(item.call_id), name: str(item.name) ?? '', arguments: parseArgs(item.arguments) });
    } else if (type === 'reasoning') {
      const summary = arr(item.summary).map((s) => str(obj(s)?.text) ?? '').join('\n');
      if (summary) parts.push({ type: 'reasoning', content: summary });
    }
  }
  return parts;
}

function responsesResponse(body: Json): ParsedResponse {
  const status = str(body.status);
  const parts = responsesOutput(body.output);
  const finish = status === 'completed' ? (parts.some((p) => p.type === 'tool_call') ? 'tool_calls' : 'stop') : status;
  const errorMessage = str(obj(body.error)?.message) ?? errorOf(body);
  return {
    id: str(body.id), model: str(body.model), finishReasons: finish ? [finish] : [],
    messages: parts.length ? [{ role: 'assistant', parts, finish_reason: finish }] : [],
    usage: openAiUsage(obj(body.usage)), error: errorMessage,
  };
}

function embeddingsResponse(body: Json): ParsedResponse {
  // The vectors are not kept: they are large and say nothing a debugger shows.
  return { model: str(body.model), messages: [], finishReasons: [], usage: { input: openAiUsage(obj(body.usage)).input }, error: errorOf(body) };
}

/** Rebuilds a Chat Completions (or legacy Completions) response from its chunks. */
class ChatStream implements StreamAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private usage: Usage = {};
  private error: string | undefined;
  private readonly choices = new Map<number, { text: string; reasoning: string; finish?: string; calls: Map<number, { id?: string; name: string; args: string }> }>();

  push(event: unknown): void {
    const chunk = obj(event);
    if (!chunk) return;
    this.id ??= str(chunk.id);
    this.model ??= str(chunk.model);
    if (obj(chunk.usage)) this.usage = openAiUsage(obj(chunk.usage));
    this.error ??= errorOf(chunk);
    for (const c of arr(chunk.choices)) {
      const choice = obj(c);
      if (!choice) continue;
      const index = num(choice.index) ?? 0;
      let state = this.choices.get(index);
      if (!state) this.choices.set(index, (state = { text: '', reasoning: '', calls: new Map() }));
      const delta = obj(choice.delta);
      state.text += str(delta?.content) ?? str(choice.text) ?? '';
      state.reasoning += str(delta?.reasoning_content) ?? str(delta?.reasoning) ?? '';
      for (const tc of arr(delta?.tool_calls)) {
        const call = obj(tc);
        if (!call) continue;
        const i = num(call.index) ?? state.calls.size;
        let acc = state.calls.get(i);
        if (!acc) state.calls.set(i, (acc = { name: '', args: '' }));
        acc.id ??= str(call.id);
        const f = obj(call.function);
        acc.name += str(f?.name) ?? '';
        acc.args += str(f?.arguments) ?? '';
      }
      state.finish = str(choice.finish_reason) ?? state.finish;
    }
  }

  result(): ParsedResponse {
    const messages: SemconvMessage[] = [];
    const finishReasons: string[] = [];
    for (const [, s] of [...this.choices].sort((a, b) => a[0] - b[0])) {
      const parts: SemconvPart[] = [];
      if (s.reasoning) parts.push({ type: 'reasoning', content: s.reasoning });
      if (s.text) parts.push({ type: 'text', content: s.text });
      for (const [, c] of [...s.calls].sort((a, b) => a[0] - b[0])) parts.push({ type: 'tool_call', id: c.id, name: c.name, arguments: parseArgs(c.args) });
      if (s.finish) finishReasons.push(s.finish);
      messages.push({ role: 'assistant', parts, finish_reason: s.finish });
    }
    return { id: this.id, model: this.model, messages, finishReasons, usage: this.usage, error: this.error };
  }
}

/** Responses API streams end with response.completed (or .failed / .incomplete) carrying the whole response. */
class ResponsesStream implements StreamAccumulator {
  private final: ParsedResponse | undefined;
  private text = '';
  private model: string | undefined;
  private error: string | undefined;

  push(event: unknown): void {
    const e = obj(event);
    if (!e) return;
    const type = str(e.type) ?? '';
    const response = obj(e.response);
    if (response) this.model ??= str(response.model);
    if (type === 'response.output_text.delta') this.text += str(e.delta) ?? '';
    else if (type === 'error') this.error = str(e.message) ?? errorOf(e);
    else if ((type === 'response.completed' || type === 'response.failed' || type === 'response.incomplete') && response) this.final = responsesResponse(response);
  }

  result(): ParsedResponse {
    if (this.final) return this.error ? { ...this.final, error: this.error } : this.final;
    return { model: this.model, messages: this.text ? [{ role: 'assistant', parts: [{ type: 'text', content: this.text }] }] : [], finishReasons: [], usage: {}, error: this.error };
  }
}

export function openAiParser(path: string): ProviderParser {
  const endpoint = endpointOf(path);
  return {
    request(_path, body): ParsedRequest {
      const b = obj(body) ?? {};
      if (endpoint === 'responses') return responsesRequest(b);
      if (endpoint === 'embeddings') {
        return { operation: 'embeddings', model: str(b.model), stream: false, messages: [], systemInstructions: [], tools: [], params: {} };
      }
      if (endpoint === 'completions') {
        const prompt = typeof b.prompt === 'string' ? b.prompt : arr(b.prompt).filter((p) => typeof p === 'string').join('\n');
        const operation: Operation = 'text_completion';
        return { operation, model: str(b.model), stream: b.stream === true, messages: [{ role: 'user', parts: [{ type: 'text', content: prompt }] }], systemInstructions: [], tools: [], params: requestParams(b) };
      }
      return chatRequest(b);
    },
    response(body): ParsedResponse {
      const b = obj(body) ?? {};
      if (endpoint === 'responses') return responsesResponse(b);
      if (endpoint === 'embeddings') return embeddingsResponse(b);
      return chatResponse(b);
    },
    stream: () => (endpoint === 'responses' ? new ResponsesStream() : new ChatStream()),
  };
}
