// Anthropic Messages (/v1/messages), plain and streamed (SSE: message_start, content_block_*, message_delta).
import type { ParsedRequest, ParsedResponse, ProviderParser, SemconvMessage, SemconvPart, StreamAccumulator, Usage } from '../types';
import { arr, type Json, num, obj, parseArgs, requestParams, str, sumKnown } from './json';

function blockParts(content: unknown): { parts: SemconvPart[]; results: SemconvPart[] } {
  if (typeof content === 'string') return { parts: content ? [{ type: 'text', content }] : [], results: [] };
  const parts: SemconvPart[] = [];
  const results: SemconvPart[] = [];
  for (const item of arr(content)) {
    const b = obj(item);
    if (!b) continue;
    switch (str(b.type)) {
      case 'text': parts.push({ type: 'text', content: str(b.text) ?? '' }); break;
      case 'thinking': parts.push({ type: 'reasoning', content: str(b.thinking) ?? '' }); break;
      case 'tool_use': parts.push({ type: 'tool_call', id: str(b.id), name: str(b.name) ?? '', arguments: b.input }); break;
      case 'tool_result': results.push({ type: 'tool_call_response', id: str(b.tool_use_id), response: resultText(b.content) }); break;
      case 'image': parts.push({ type: 'blob', modality: 'image', mime_type: str(obj(b.source)?.media_type), content: '[inline image]' }); break;
    }
  }
  return { parts, results };
}

function resultText(content: unknown): unknown {
  if (typeof content === 'string' || content === undefined) return content;
  return blockParts(content).parts.map((p) => (p.type === 'text' ? p.content : '')).join('');
}

function anthropicUsage(u: Json | undefined): Usage {
  if (!u) return {};
  const uncached = num(u.input_tokens);
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  // Anthropic's input_tokens excludes cached tokens; semconv's includes them.
  return { input: uncached === undefined ? undefined : sumKnown(uncached, cacheRead, cacheWrite), output: num(u.output_tokens), cacheRead, cacheWrite };
}

function errorOf(body: Json): string | undefined {
  return str(body.type) === 'error' ? (str(obj(body.error)?.message) ?? 'error') : undefined;
}

function response(body: Json): ParsedResponse {
  const finish = str(body.stop_reason);
  const { parts } = blockParts(body.content);
  return {
    id: str(body.id), model: str(body.model), finishReasons: finish ? [finish] : [],
    messages: body.content !== undefined ? [{ role: 'assistant', parts, finish_reason: finish }] : [],
    usage: anthropicUsage(obj(body.usage)), error: errorOf(body),
  };
}

class MessagesStream implements StreamAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private finish: string | undefined;
  private usage: Usage = {};
  private rawUsage: Json = {};
  private error: string | undefined;
  private readonly blocks = new Map<number, { type: string; text: string; id?: string; name?: string; json: string; input?: unknown }>();

  push(event: unknown): void {
    const e = obj(event);
    if (!e) return;
    switch (str(e.type)) {
      case 'message_start': {
        const m = obj(e.message);
        this.id = str(m?.id);
        this.model = str(m?.model);
        this.mergeUsage(obj(m?.usage));
        break;
      }
      case 'content_block_start': {
        const b = obj(e.content_block);
        this.blocks.set(num(e.index) ?? this.blocks.size, { type: str(b?.type) ?? 'text', text: str(b?.text) ?? str(b?.thinking) ?? '', id: str(b?.id), name: str(b?.name), json: '', input: b?.input });
        break;
      }
      case 'content_block_delta': {
        const block = this.blocks.get(num(e.index) ?? -1);
        const d = obj(e.delta);
        if (!block || !d) break;
        block.text += str(d.text) ?? str(d.thinking) ?? '';
        block.json += str(d.partial_json) ?? '';
        break;
      }
      case 'message_delta':
        this.finish = str(obj(e.delta)?.stop_reason) ?? this.finish;
        this.mergeUsage(obj(e.usage));
        break;
      case 'error':
        this.error = str(obj(e.error)?.message) ?? 'error';
        break;
    }
  }

  /** message_delta's usage is cumulative and may repeat message_start's fields: the latest value wins. */
  private mergeUsage(u: Json | undefined): void {
    if (!u) return;
    for (const [k, v] of Object.entries(u)) if (num(v) !== undefined) this.rawUsage[k] = v;
    this.usage = anthropicUsage(this.rawUsage);
  }

  result(): ParsedResponse {
    const parts: SemconvPart[] = [];
    for (const [, b] of [...this.blocks].sort((a, c) => a[0] - c[0])) {
      if (b.type === 'text') parts.push({ type: 'text', content: b.text });
      else if (b.type === 'thinking') parts.push({ type: 'reasoning', content: b.text });
      else if (b.type === 'tool_use') parts.push({ type: 'tool_call', id: b.id, name: b.name ?? '', arguments: b.json ? parseArgs(b.json) : b.input });
    }
    return {
      id: this.id, model: this.model, finishReasons: this.finish ? [this.finish] : [],
      messages: this.blocks.size ? [{ role: 'assistant', parts, finish_reason: this.finish }] : [], usage: this.usage, error: this.error,
    };
  }
}

function request(body: Json): ParsedRequest {
  const messages: SemconvMessage[] = [];
  for (const item of arr(body.messages)) {
    const m = obj(item);
    if (!m) continue;
    const { parts, results } = blockParts(m.content);
    if (results.length) messages.push({ role: 'tool', parts: results });
    if (parts.length || !results.length) messages.push({ role: str(m.role) ?? 'user', parts });
  }
  return {
    operation: 'chat', model: str(body.model), stream: body.stream === true, messages,
    systemInstructions: blockParts(body.system).parts, tools: arr(body.tools), params: requestParams(body),
  };
}

export const anthropicParser: ProviderParser = {
  request: (_path, body) => request(obj(body) ?? {}),
  response: (body) => response(obj(body) ?? {}),
  stream: () => new MessagesStream(),
};
