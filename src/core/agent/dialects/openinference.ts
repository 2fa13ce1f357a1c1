// OpenInference (Arize): openinference.span.kind, flattened llm.input_messages.N.message.*,
// llm.token_count.*, llm.cost.*, tool.*, input.value / output.value. Used by the OpenInference
// instrumentations for LangChain, LlamaIndex, OpenAI Agents SDK, Vercel (converted), and others.
import { count, firstCount, firstStr, isObject, parseJsonLoose, str, unflatten } from '../attributes';
import { systemPromptOf, toMessage } from '../messages';
import type { Attributes, Message, StepKind } from '../types';
import { usageFields } from './cacheConvention';
import { defined, type DialectReader, type DialectReading } from './dialect';
import { fitted } from '../../otlp/fittedArrays';

const kindBySpanKind: Record<string, StepKind> = {
  LLM: 'llm',
  EMBEDDING: 'embedding',
  CHAIN: 'chain',
  RETRIEVER: 'retrieval',
  RERANKER: 'retrieval',
  TOOL: 'tool',
  AGENT: 'agent',
  GUARDRAIL: 'guardrail',
  EVALUATOR: 'other',
  PROMPT: 'chain',
};

export const openInferenceUsageKeys = {
  input: ['llm.token_count.prompt'],
  output: ['llm.token_count.completion'],
  cacheRead: ['llm.token_count.prompt_details.cache_read'],
  cacheWrite: ['llm.token_count.prompt_details.cache_write'],
  reasoning: ['llm.token_count.completion_details.reasoning'],
};

export const openInferenceReader: DialectReader = {
  dialect: 'openinference',
  detect: (view) => view.keys.openinference,
  read(view): DialectReading {
    const a = view.attrs;
    const kind = kindBySpanKind[str(a['openinference.span.kind'])?.toUpperCase() ?? ''];
    let input = flattenedMessages(a, 'llm.input_messages');
    let output = flattenedMessages(a, 'llm.output_messages');
    // Chains and agents have no message lists; their generic I/O is the closest thing to a conversation.
    if ((kind === 'chain' || kind === 'agent') && input.length === 0 && output.length === 0) {
      input = ioMessage(a['input.value'], 'user');
      output = ioMessage(a['output.value'], 'assistant');
    }
    const tool = kind === 'tool' ? toolIo(a) : undefined;
    const cost = count(a['llm.cost.total']) ?? sum(count(a['llm.cost.prompt']), count(a['llm.cost.completion']));
    const provider = firstStr(a, ['llm.provider', 'llm.system']) ?? langChainProvider(a['metadata']);
    const usage = usageFields(
      { inputTokens: firstCount(a, openInferenceUsageKeys.input), cacheReadTokens: firstCount(a, openInferenceUsageKeys.cacheRead), cacheWriteTokens: firstCount(a, openInferenceUsageKeys.cacheWrite) },
      { keys: 'openinference', provider, scopeName: view.scopeName },
    );
    return {
      kind,
      fields: defined({
        model: firstStr(a, ['llm.response.model_name', 'llm.model_name', 'llm.request.model_name', 'embedding.model_name']),
        provider,
        ...usage,
        outputTokens: firstCount(a, openInferenceUsageKeys.output),
        reasoningTokens: firstCount(a, openInferenceUsageKeys.reasoning),
        costUsd: cost,
        costSource: cost !== undefined ? ('span' as const) : undefined,
        // openinference-core's traceTool names the span after the tool but sets no tool.name.
        toolName: str(a['tool.name']) ?? (kind === 'tool' ? str(view.span.name) : undefined),
        toolCallId: str(a['tool_call.id']) ?? tool?.callId,
        toolArgs: tool?.args,
        toolResult: tool?.result,
        inputMessages: input,
        outputMessages: output,
        systemPrompt: systemPromptOf(input),
        agentName: str(a['agent.name']) ?? (kind === 'agent' ? str(a['graph.node.name']) ?? str(view.span.name) : undefined),
      }),
    };
  },
};

function sum(x: number | undefined, y: number | undefined): number | undefined {
  return x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0);
}

/** llm.input_messages.N.message.{role,content,contents.M.message_content.*,tool_calls.K.tool_call.*,tool_call_id,name} */
function flattenedMessages(a: Attributes, prefix: string): Message[] {
  const list = unflatten(a, prefix);
  if (!Array.isArray(list)) return [];
  const out: Message[] = [];
  for (const item of list) {
    const m = isObject(item) && isObject(item.message) ? item.message : undefined;
    if (!m) continue;
    const toolCalls = Array.isArray(m.tool_calls) ? m.tool_calls.map((c) => (isObject(c) && isObject(c.tool_call) ? c.tool_call : c)) : undefined;
    const contents = Array.isArray(m.contents) ? m.contents.map((c) => contentPart(c, toolCalls !== undefined)).filter((c) => c !== undefined) : undefined;
    const msg = toMessage({ role: m.role, content: contents ?? m.content, tool_calls: toolCalls, tool_call_id: m.tool_call_id, name: m.name }, 'user', 0);
    if (msg) out.push(msg);
  }
  return fitted(out);
}

/**
 * contents.M.{message_content {type: text|image|audio|reasoning|tool_use, text, image.image.url}, tool_call} -> a
 * part-shaped object. A tool_use keeps its call in the sibling tool_call; it is dropped when the message's
 * tool_calls already list it (Anthropic recordings carry both), so a call is never shown twice.
 */
function contentPart(item: unknown, hasToolCalls: boolean): unknown {
  const c = isObject(item) ? item.message_content : item;
  if (!isObject(c)) return c;
  if (c.type === 'image' && isObject(c.image) && isObject(c.image.image)) return { type: 'image', url: c.image.image.url };
  if (c.type === 'tool_use' && isObject(item) && isObject(item.tool_call)) return hasToolCalls ? undefined : { ...item.tool_call, type: 'tool_use' };
  return c;
}

function ioMessage(value: unknown, role: string): Message[] {
  const text = str(value);
  return text === undefined ? [] : [{ role, parts: [{ type: 'text', text }] }];
}

/** Tool spans carry input.value / output.value; LangChain wraps the result in a serialised ToolMessage. */
function toolIo(a: Attributes): { args: unknown; result: unknown; callId?: string } {
  const args = parseJsonLoose(a['input.value'] ?? undefined);
  let result = parseJsonLoose(a['output.value'] ?? undefined);
  let callId: string | undefined;
  const wrapped = isObject(result) && isObject(result.output) && isObject(result.output.kwargs) ? result.output.kwargs : isObject(result) && isObject(result.kwargs) ? result.kwargs : undefined;
  if (wrapped) {
    callId = str(wrapped.tool_call_id);
    result = parseJsonLoose(wrapped.content);
  }
  return { args, result, callId };
}

/** LangChain's metadata.ls_provider (e.g. "openai", "anthropic"): the provider when llm.provider is absent. */
function langChainProvider(metadata: unknown): string | undefined {
  const m = parseJsonLoose(metadata);
  return isObject(m) ? str(m.ls_provider) : undefined;
}
