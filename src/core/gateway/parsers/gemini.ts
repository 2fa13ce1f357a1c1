// Google Gemini: models/{model}:generateContent, :streamGenerateContent (SSE with alt=sse) and :embedContent.
// The model is named in the path, not the body.
import type { ParsedRequest, ParsedResponse, ProviderParser, SemconvMessage, SemconvPart, StreamAccumulator, Usage } from '../types';
import { arr, type Json, num, obj, requestParams, str, sumKnown } from './json';

function parts(content: unknown): SemconvPart[] {
  const out: SemconvPart[] = [];
  for (const item of arr(obj(content)?.parts)) {
    const p = obj(item);
    if (!p) continue;
    const text = str(p.text);
    if (text !== undefined) out.push(p.thought === true ? { type: 'reasoning', content: text } : { type: 'text', content: text });
    const call = obj(p.functionCall);
    if (call) out.push({ type: 'tool_call', id: str(call.id), name: str(call.name) ?? '', arguments: call.args });
    const result = obj(p.functionResponse);
    if (result) out.push({ type: 'tool_call_response', id: str(result.id) ?? str(result.name), response: result.response });
    if (obj(p.inlineData)) out.push({ type: 'blob', modality: 'image', mime_type: str(obj(p.inlineData)?.mimeType), content: '[inline data]' });
    const uri = str(obj(p.fileData)?.fileUri);
    if (uri) out.push({ type: 'uri', modality: 'file', uri });
  }
  return out;
}

function modelFromPath(path: string): string | undefined {
  const m = /\/models\/([^/:?]+)/.exec(path);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

function usage(u: Json | undefined): Usage {
  if (!u) return {};
  const reasoning = num(u.thoughtsTokenCount);
  // candidatesTokenCount leaves the thoughts out; semconv's output tokens include reasoning.
  return { input: num(u.promptTokenCount), output: sumKnown(num(u.candidatesTokenCount), reasoning), cacheRead: num(u.cachedContentTokenCount), reasoning };
}

function request(path: string, b: Json): ParsedRequest {
  const model = modelFromPath(path);
  const stream = path.includes(':streamGenerateContent');
  if (path.includes(':embedContent') || path.includes(':batchEmbedContents')) {
    return { operation: 'embeddings', model, stream: false, messages: [], systemInstructions: [], tools: [], params: {} };
  }
  const messages: SemconvMessage[] = [];
  for (const item of arr(b.contents)) {
    const c = obj(item);
    if (!c) continue;
    const ps = parts(c);
    const results = ps.filter((p) => p.type === 'tool_call_response');
    if (results.length) messages.push({ role: 'tool', parts: results });
    const rest = ps.filter((p) => p.type !== 'tool_call_response');
    if (rest.length || !results.length) messages.push({ role: str(c.role) === 'model' ? 'assistant' : (str(c.role) ?? 'user'), parts: rest });
  }
  return {
    operation: 'generate_content', model, stream, messages, systemInstructions: parts(b.systemInstruction ?? b.system_instruction),
    tools: arr(b.tools), params: requestParams(obj(b.generationConfig)),
  };
}

function response(b: Json): ParsedResponse {
  const messages: SemconvMessage[] = [];
  const finishReasons: string[] = [];
  for (const item of arr(b.candidates)) {
    const c = obj(item);
    if (!c) continue;
    const finish = str(c.finishReason);
    if (finish) finishReasons.push(finish);
    messages.push({ role: 'assistant', parts: parts(c.content), finish_reason: finish });
  }
  return { id: str(b.responseId), model: str(b.modelVersion), messages, finishReasons, usage: usage(obj(b.usageMetadata)), error: str(obj(b.error)?.message) };
}

class GeminiStream implements StreamAccumulator {
  private readonly chunks: ParsedResponse[] = [];

  push(event: unknown): void {
    // A stream without alt=sse arrives as one JSON array of chunks.
    if (Array.isArray(event)) for (const e of event) this.push(e);
    else if (obj(event)) this.chunks.push(response(obj(event)!));
  }

  result(): ParsedResponse {
    const merged: SemconvPart[] = [];
    let finish: string | undefined;
    let usageSeen: Usage = {};
    let id: string | undefined;
    let model: string | undefined;
    let error: string | undefined;
    for (const c of this.chunks) {
      id ??= c.id;
      model ??= c.model;
      error ??= c.error;
      if (Object.values(c.usage).some((v) => v !== undefined)) usageSeen = c.usage;
      finish = c.finishReasons[0] ?? finish;
      for (const p of c.messages[0]?.parts ?? []) {
        const prev = merged[merged.length - 1];
        if (p.type === 'text' && prev?.type === 'text') prev.content += p.content;
        else if (p.type === 'reasoning' && prev?.type === 'reasoning') prev.content += p.content;
        else merged.push({ ...p });
      }
    }
    return { id, model, messages: this.chunks.length ? [{ role: 'assistant', parts: merged, finish_reason: finish }] : [], finishReasons: finish ? [finish] : [], usage: usageSeen, error };
  }
}

export const geminiParser: ProviderParser = {
  request: (path, body) => request(path, obj(body) ?? {}),
  response: (body) => (Array.isArray(body) ? streamOf(body) : response(obj(body) ?? {})),
  stream: () => new GeminiStream(),
};

function streamOf(chunks: unknown[]): ParsedResponse {
  const s = new GeminiStream();
  s.push(chunks);
  return s.result();
}
