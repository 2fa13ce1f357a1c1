// Vercel AI SDK `ai.*` spans (v4-v6 default, v7 LegacyOpenTelemetry): ai.generateText / streamText /
// generateObject / streamObject / embed / embedMany, their .doGenerate / .doStream / .doEmbed calls, and
// ai.toolCall. Token keys changed across versions, so all variants are read.
import { firstCount, firstStr, isObject, parseJsonLoose, str } from '../attributes';
import { messageOf, systemPromptOf, toMessages, toolCallPart } from '../messages';
import type { Message, MessagePart, StepKind } from '../types';
import { usageFields } from './cacheConvention';
import { defined, type DialectReader, type DialectReading } from './dialect';
import { fitted } from '../../otlp/fittedArrays';

export const vercelUsageKeys = {
  // v4 promptTokens/completionTokens; v5+ inputTokens/outputTokens; embeddings ai.usage.tokens
  input: ['ai.usage.inputTokens', 'ai.usage.promptTokens', 'ai.usage.tokens'],
  output: ['ai.usage.outputTokens', 'ai.usage.completionTokens'],
  cacheRead: ['ai.usage.inputTokenDetails.cacheReadTokens', 'ai.usage.cachedInputTokens'],
  cacheWrite: ['ai.usage.inputTokenDetails.cacheWriteTokens'],
  reasoning: ['ai.usage.outputTokenDetails.reasoningTokens', 'ai.usage.reasoningTokens'],
};

function kindOf(operation: string | undefined): StepKind | undefined {
  if (!operation || !operation.startsWith('ai.')) return undefined;
  if (operation === 'ai.toolCall') return 'tool';
  if (/\.do(Generate|Stream)$/.test(operation)) return 'llm';
  if (/\.doEmbed$/.test(operation)) return 'embedding';
  if (operation === 'ai.generateText' || operation === 'ai.streamText') return 'agent';
  if (/^ai\.(generate|stream)Object$/.test(operation) || /^ai\.embed(Many)?$/.test(operation)) return 'chain';
  if (operation.startsWith('ai.rerank')) return 'retrieval';
  return undefined;
}

export const vercelReader: DialectReader = {
  dialect: 'vercel',
  detect: (view) => view.keys.ai,
  read(view): DialectReading {
    const a = view.attrs;
    const spanName = typeof view.span.name === 'string' ? view.span.name : '';
    const operation = str(a['ai.operationId']) ?? (spanName.startsWith('ai.') ? spanName : undefined);
    const kind = kindOf(operation);
    const input = promptMessages(a['ai.prompt.messages'], a['ai.prompt']);
    const output = responseMessages(a);
    const provider = str(a['ai.model.provider']);
    const usage = usageFields(
      { inputTokens: firstCount(a, vercelUsageKeys.input), cacheReadTokens: firstCount(a, vercelUsageKeys.cacheRead), cacheWriteTokens: firstCount(a, vercelUsageKeys.cacheWrite) },
      { keys: 'vercel', provider },
    );
    return {
      kind,
      fields: defined({
        model: firstStr(a, ['ai.response.model', 'ai.model.id']),
        provider,
        ...usage,
        outputTokens: firstCount(a, vercelUsageKeys.output),
        reasoningTokens: firstCount(a, vercelUsageKeys.reasoning),
        toolName: str(a['ai.toolCall.name']),
        toolCallId: str(a['ai.toolCall.id']),
        toolArgs: parseJsonLoose(a['ai.toolCall.args'] ?? a['ai.toolCall.input'] ?? undefined),
        toolResult: parseJsonLoose(a['ai.toolCall.result'] ?? a['ai.toolCall.output'] ?? undefined),
        inputMessages: input,
        outputMessages: output,
        systemPrompt: systemPromptOf(input),
        agentName: kind === 'agent' ? str(a['ai.telemetry.functionId']) : undefined,
        operation,
      }),
    };
  },
};

/** ai.prompt.messages (the provider-level prompt) or ai.prompt ({system?, prompt?, messages?}). */
function promptMessages(messages: unknown, prompt: unknown): Message[] {
  if (messages !== undefined && messages !== null) return toMessages(messages);
  const p = parseJsonLoose(prompt);
  if (typeof p === 'string') return toMessages(p);
  if (!isObject(p)) return [];
  const out: Message[] = [];
  const system = str(p.system);
  if (system) out.push({ role: 'system', parts: [{ type: 'text', text: system }] });
  if (typeof p.prompt === 'string') out.push({ role: 'user', parts: [{ type: 'text', text: p.prompt }] });
  else if (Array.isArray(p.prompt)) out.push(...toMessages(p.prompt));
  if (Array.isArray(p.messages)) out.push(...toMessages(p.messages));
  return fitted(out);
}

/** The assistant turn: reasoning, text or object, and tool calls, as one message. */
function responseMessages(a: Record<string, unknown>): Message[] {
  const parts: MessagePart[] = [];
  const reasoning = str(a['ai.response.reasoning']) ?? str(a['ai.response.reasoningText']);
  if (reasoning) parts.push({ type: 'reasoning', text: reasoning });
  const text = str(a['ai.response.text']) ?? str(a['ai.response.object']);
  if (text) parts.push({ type: 'text', text });
  const calls = parseJsonLoose(a['ai.response.toolCalls']);
  if (Array.isArray(calls)) for (const c of calls) parts.push(toolCallPart(c));
  if (parts.length === 0) return [];
  return [messageOf('assistant', fitted(parts), undefined, str(a['ai.response.finishReason']) || undefined)];
}
