// Message content in every shape seen in the wild -> one conversation model { role, parts[] }.
// Shapes: GenAI semconv parts (text/tool_call/tool_call_response/reasoning/blob/file/uri), OpenAI chat
// (content + tool_calls + tool_call_id), Vercel AI SDK (tool-call/tool-result, input/args, output/result),
// Anthropic (tool_use/tool_result/thinking), Gemini (parts with functionCall/functionResponse), LangChain
// serialised messages ({lc, id, kwargs}), and the deprecated GenAI event bodies.
import { isObject, parseJsonLoose, parseJsonText, str } from './attributes';
import { fitted } from '../otlp/fittedArrays';
import { GrowingArrays } from './growingArrays';
import { MemoSampling, TextMemo } from './textMemo';
import { WindowArrays } from './windowArrays';
import type { Message, MessagePart } from './types';

const MAX_DEPTH = 8;

/**
 * Per fallback role: the messages of a long text, read once and shared (never changed in place), and the
 * conversations read lately, which the next call of a run extends (growingArrays.ts); asked only as
 * `sampling` says (a text found in neither is a miss), and the memo of whole texts only as `exact` says too.
 */
interface Memo {
  texts: TextMemo<Message[]>;
  growing: GrowingArrays<Message>;
  /** The messages of array elements read lately, by their text: a conversation sent as a sliding window. */
  window: WindowArrays<Message>;
  sampling: MemoSampling;
  /** Whether to ask `texts` (see toMessages). */
  exact: MemoSampling;
}
const memos = new Map<string, Memo>();

/** A list of messages (or one message, or plain text) in any supported shape. Never throws. */
export function toMessages(value: unknown, fallbackRole = 'user'): Message[] {
  if (typeof value !== 'string' || value.length < 16) return messagesOf(value, fallbackRole);
  let memo = memos.get(fallbackRole);
  // Roles come from a few call sites, never from the wire; bounded all the same.
  if (!memo && memos.size < 8) memos.set(fallbackRole, (memo = { texts: new TextMemo(), growing: new GrowingArrays(), window: new WindowArrays(), sampling: new MemoSampling(), exact: new MemoSampling() }));
  if (!memo || !memo.sampling.ask()) return messagesOf(value, fallbackRole);
  const { growing, window } = memo;
  let fresh = false;
  const read = (text: string): Message[] => {
    const grown = growing.extend(text, (values) => messagesOfList(values, fallbackRole));
    if (grown) return grown;
    // An array read element by element, those read lately shared; anything else (or not JSON) whole.
    const windowed = window.items(text, (v) => toMessage(v, fallbackRole, 0));
    // Found is most of the text found (a window's earlier messages), not a short message every call repeats.
    fresh = windowed === undefined || windowed.found * 2 < text.length;
    if (windowed) {
      const items = fitted(windowed.items);
      growing.add(text, items);
      return items;
    }
    const v = parseJsonText(text);
    const items = messagesOfParsed(v, fallbackRole);
    if (Array.isArray(v)) growing.add(text, items);
    return items;
  };
  // The memo of whole texts has a sampling of its own: conversations that grow are found by `growing` on
  // every call while no text comes twice (unique content), and a lookup and an entry per text were ~1 us of
  // each. While the memos at large are backing off, a text that asks them asks this one too (a replay is
  // then shared again as fast as before).
  let messages: Message[];
  if (memo.sampling.backingOff || memo.exact.ask()) {
    let hit = true;
    messages = memo.texts.get(value, (text) => ((hit = false), read(text)));
    memo.exact.found(hit);
  } else messages = read(value);
  memo.sampling.found(!fresh);
  return messages;
}

function messagesOf(value: unknown, fallbackRole: string): Message[] {
  return messagesOfParsed(typeof value === 'string' ? parseJsonText(value) : value, fallbackRole);
}

/** messagesOf of a value whose text, if it was one, is parsed already. */
function messagesOfParsed(v: unknown, fallbackRole: string): Message[] {
  if (Array.isArray(v)) return messagesOfList(v, fallbackRole);
  const one = toMessage(v, fallbackRole, 0);
  return one ? [one] : [];
}

/** Each element of a list as a message; those that are none (null, empty) are left out. */
function messagesOfList(list: readonly unknown[], fallbackRole: string): Message[] {
  const out: Message[] = [];
  for (const m of list) {
    const msg = toMessage(m, fallbackRole, 0);
    if (msg) out.push(msg);
  }
  return fitted(out);
}

const roleAliases: Record<string, string> = {
  system: 'system', user: 'user', assistant: 'assistant', tool: 'tool',
  human: 'user', ai: 'assistant', model: 'assistant', function: 'tool', developer: 'system',
  systemmessage: 'system', humanmessage: 'user', aimessage: 'assistant', aimessagechunk: 'assistant', toolmessage: 'tool',
};

export function normaliseRole(role: string): string {
  const lower = role.toLowerCase();
  // Own keys only: a role like 'constructor' or '__proto__' must stay a string.
  return Object.hasOwn(roleAliases, lower) ? roleAliases[lower]! : lower;
}

/** One message object -> Message; undefined for null/empty input. */
export function toMessage(value: unknown, fallbackRole: string, depth: number): Message | undefined {
  const v = parseJsonLoose(value);
  if (v === null || v === undefined || v === '') return undefined;
  if (!isObject(v)) return { role: fallbackRole, parts: toParts(v, depth) };
  // LangChain serialised message: { lc: 1, id: [..., 'AIMessage'], kwargs: {...} }
  if (isObject(v.kwargs) && Array.isArray(v.id) && depth < MAX_DEPTH) {
    const cls = str(v.id[v.id.length - 1]) ?? '';
    return toMessage(v.kwargs, normaliseRole(cls), depth + 1);
  }
  // gen_ai.choice body: { index, finish_reason, message: {...} }
  const choice = v.role === undefined && v.content === undefined ? parseJsonLoose(v.message) : undefined;
  if (isObject(choice) && depth < MAX_DEPTH) {
    const inner = toMessage(choice, 'assistant', depth + 1);
    const finish = str(v.finish_reason) ?? str(v.finishReason);
    return inner && inner.finishReason === undefined && finish !== undefined ? messageOf(inner.role, inner.parts, inner.name, finish) : inner;
  }
  const typeRole = str(v.type);
  const role = normaliseRole(str(v.role) ?? (typeRole !== undefined && Object.hasOwn(roleAliases, typeRole.toLowerCase()) ? typeRole : fallbackRole));
  const parts: MessagePart[] = [];
  if (Array.isArray(v.parts)) for (const p of v.parts) parts.push(...toParts(p, depth + 1));
  if (v.content !== undefined && v.content !== null) parts.push(...toParts(v.content, depth + 1));
  else if (typeof v.text === 'string' && !Array.isArray(v.parts)) parts.push({ type: 'text', text: v.text });
  const toolCalls = parseJsonLoose(v.tool_calls);
  if (Array.isArray(toolCalls)) for (const c of toolCalls) parts.push(toolCallPart(c));
  if (isObject(v.function_call)) parts.push(toolCallPart({ function: v.function_call }));
  const answerId = str(v.tool_call_id) ?? str(v.toolCallId);
  const toolCallId = answerId ?? (role === 'tool' ? str(v.id) : undefined);
  // Anthropic sends a tool's result as a *user* message answering a call: its text is that result all the same.
  const isResult = role === 'tool' || answerId !== undefined;
  return messageOf(role, isResult ? textToToolResults(parts, toolCallId, str(v.name)) : fitted(parts), str(v.name), str(v.finish_reason) ?? str(v.finishReason));
}

/**
 * A message made whole at once, its optional fields only when defined: one added after took a property
 * store of its own (~40 bytes a message, kept by the model).
 */
export function messageOf(role: string, parts: MessagePart[], name: string | undefined, finishReason: string | undefined): Message {
  if (name === undefined) return finishReason === undefined ? { role, parts } : { role, parts, finishReason };
  return finishReason === undefined ? { role, parts, name } : { role, parts, name, finishReason };
}

/** A tool message's plain text is the tool's result. */
function textToToolResults(parts: MessagePart[], id: string | undefined, name: string | undefined): MessagePart[] {
  return parts.map((p) => {
    if (p.type !== 'text') return p;
    const result: MessagePart = { type: 'tool_result', result: parseJsonLoose(p.text) };
    if (id !== undefined) result.id = id;
    if (name !== undefined) result.name = name;
    return result;
  });
}

/** Content (string, part, or list of parts) -> parts. */
export function toParts(content: unknown, depth = 0): MessagePart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (Array.isArray(content)) return depth > MAX_DEPTH ? [{ type: 'other', value: content }] : content.flatMap((c) => toParts(c, depth + 1));
  if (!isObject(content)) return [{ type: 'text', text: String(content) }];
  return [toPart(content)];
}

function toPart(p: Record<string, unknown>): MessagePart {
  const type = str(p.type)?.toLowerCase();
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: str(p.text) ?? str(p.content) ?? '' };
    case 'tool_call':
    case 'tool-call':
    case 'tool_use':
    case 'function':
    case 'function_call':
    case 'server_tool_call':
      return toolCallPart(p);
    case 'tool_call_response':
    case 'tool-result':
    case 'tool_result':
    case 'function_call_output':
    case 'server_tool_call_response':
      return toolResultPart(p);
    case 'reasoning':
    case 'thinking':
      return { type: 'reasoning', text: str(p.text) ?? str(p.content) ?? str(p.thinking) ?? '' };
    case 'redacted_thinking':
      return { type: 'reasoning', text: '[redacted]' };
    case 'image':
    case 'image_url':
    case 'file':
    case 'blob':
    case 'uri':
    case 'audio':
    case 'input_audio':
      return mediaPart(p, type);
  }
  if (type === undefined) {
    if (typeof p.text === 'string') return { type: 'text', text: p.text };
    if (isObject(p.functionCall)) return toolCallPart({ name: p.functionCall.name, arguments: p.functionCall.args, id: p.functionCall.id });
    if (isObject(p.functionResponse)) return toolResultPart({ name: p.functionResponse.name, result: p.functionResponse.response, id: p.functionResponse.id });
    if (isObject(p.inlineData) || isObject(p.fileData)) return mediaPart(p, 'blob');
  }
  return { type: 'other', value: p };
}

/** GenAI {id,name,arguments}, OpenAI {id,function:{name,arguments}}, AI SDK {toolCallId,toolName,input|args}, Anthropic {id,name,input}. */
export function toolCallPart(c: unknown): MessagePart {
  if (!isObject(c)) return { type: 'other', value: c };
  const fn = isObject(c.function) ? c.function : c;
  const part: MessagePart = {
    type: 'tool_call',
    name: str(fn.name) ?? str(c.toolName) ?? str(c.tool_name) ?? '',
    arguments: parseJsonLoose(fn.arguments ?? c.input ?? c.args ?? c.arguments),
  };
  const id = str(c.id) ?? str(c.toolCallId) ?? str(c.tool_call_id) ?? str(c.call_id);
  if (id !== undefined) part.id = id;
  return part;
}

function toolResultPart(p: Record<string, unknown>): MessagePart {
  const raw = p.response ?? p.result ?? p.output ?? p.content;
  const part: MessagePart = { type: 'tool_result', result: unwrapToolOutput(parseJsonLoose(raw)) };
  const id = str(p.id) ?? str(p.toolCallId) ?? str(p.tool_use_id) ?? str(p.tool_call_id) ?? str(p.call_id);
  if (id !== undefined) part.id = id;
  const name = str(p.toolName) ?? str(p.name);
  if (name !== undefined) part.name = name;
  return part;
}

/** AI SDK v5+ tool outputs are tagged: { type: 'json' | 'text' | 'error-text' | ..., value }. */
function unwrapToolOutput(v: unknown): unknown {
  if (isObject(v) && typeof v.type === 'string' && 'value' in v && Object.keys(v).length <= 3) return v.value;
  return v;
}

function mediaPart(p: Record<string, unknown>, type: string): MessagePart {
  const part: MessagePart = { type: 'media' };
  const modality = str(p.modality) ?? (type.includes('image') ? 'image' : type.includes('audio') ? 'audio' : undefined);
  if (modality) part.modality = modality;
  const mime = str(p.mime_type) ?? str(p.mimeType) ?? str(p.mediaType) ?? str(p.media_type);
  if (mime) part.mimeType = mime;
  const url = isObject(p.image_url) ? str(p.image_url.url) : str(p.image_url);
  const uri = str(p.uri) ?? str(p.url) ?? url;
  // Inline data (base64) is deliberately not copied: it is in the raw attributes if anyone needs it.
  if (uri && !uri.startsWith('data:')) part.uri = uri;
  const fileId = str(p.file_id) ?? str(p.fileId);
  if (fileId) part.fileId = fileId;
  return part;
}

/** The text of a list of messages' text parts (for system prompts and summaries). */
export function textOf(messages: readonly Message[]): string {
  const out: string[] = [];
  for (const m of messages) for (const p of m.parts) if (p.type === 'text' && p.text) out.push(p.text);
  return out.join('\n');
}

/** The system prompt carried inside a conversation, if any. */
export function systemPromptOf(messages: readonly Message[] | undefined): string | undefined {
  if (!messages) return undefined;
  const text = textOf(messages.filter((m) => m.role === 'system'));
  return text === '' ? undefined : text;
}
