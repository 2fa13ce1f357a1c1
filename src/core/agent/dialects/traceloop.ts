// Traceloop / OpenLLMetry: traceloop.span.kind + traceloop.entity.{name,input,output} (workflow, task,
// agent, tool spans from the SDK decorators), and the LLM-span keys of its instrumentations before they
// moved to GenAI semconv: gen_ai.prompt.N.* / gen_ai.completion.N.* (older still: llm.prompts.N.* /
// llm.completions.N.*), llm.request.type, llm.usage.*, llm.vendor. The gen_ai.* keys those spans also
// carry (model, usage) are read by the GenAI reader.
import { firstCount, firstStr, isObject, parseJsonLoose, str, unflatten } from '../attributes';
import { systemPromptOf, toMessage } from '../messages';
import type { Attributes, Message, StepKind } from '../types';
import { usageFields } from './cacheConvention';
import { defined, type DialectReader, type DialectReading } from './dialect';
import { fitted } from '../../otlp/fittedArrays';

const kindBySpanKind: Record<string, StepKind> = {
  workflow: 'chain',
  task: 'chain',
  agent: 'agent',
  tool: 'tool',
};

const kindByRequestType: Record<string, StepKind> = {
  chat: 'llm',
  completion: 'llm',
  embedding: 'embedding',
  rerank: 'retrieval',
};

export const traceloopUsageKeys = {
  input: ['llm.usage.prompt_tokens'],
  output: ['llm.usage.completion_tokens'],
  cacheRead: ['llm.usage.cache_read_input_tokens'],
  cacheWrite: ['llm.usage.cache_creation_input_tokens'],
};

export const traceloopReader: DialectReader = {
  dialect: 'traceloop',
  detect: (view) => view.keys.traceloop,
  read(view): DialectReading {
    const a = view.attrs;
    const spanKind = str(a['traceloop.span.kind'])?.toLowerCase();
    const input = indexedMessages(a, ['gen_ai.prompt', 'llm.prompts'], 'user');
    const output = indexedMessages(a, ['gen_ai.completion', 'llm.completions'], 'assistant');
    const requestType = str(a['llm.request.type'])?.toLowerCase();
    const kind: StepKind | undefined =
      (spanKind ? kindBySpanKind[spanKind] : undefined) ?? (requestType ? kindByRequestType[requestType] : undefined) ?? (input.length + output.length > 0 ? 'llm' : undefined);
    const entity = str(a['traceloop.entity.name']);
    const provider = str(a['llm.vendor']);
    const usage = usageFields(
      { inputTokens: firstCount(a, traceloopUsageKeys.input), cacheReadTokens: firstCount(a, traceloopUsageKeys.cacheRead), cacheWriteTokens: firstCount(a, traceloopUsageKeys.cacheWrite) },
      { keys: 'traceloop', provider: provider ?? firstStr(a, ['gen_ai.provider.name', 'gen_ai.system']), scopeName: view.scopeName },
    );
    return {
      kind,
      fields: defined({
        model: firstStr(a, ['llm.response.model', 'llm.request.model']),
        provider,
        ...usage,
        outputTokens: firstCount(a, traceloopUsageKeys.output),
        toolName: kind === 'tool' ? entity : undefined,
        toolArgs: kind === 'tool' ? entityInput(a['traceloop.entity.input']) : undefined,
        toolResult: kind === 'tool' ? parseJsonLoose(a['traceloop.entity.output'] ?? undefined) : undefined,
        inputMessages: input,
        outputMessages: output,
        systemPrompt: systemPromptOf(input),
        agentName: kind === 'agent' ? entity : undefined,
        operation: spanKind ?? requestType,
      }),
    };
  },
};

/** The SDK records `{ args: [...], kwargs: {...} }`; a single argument is shown as itself. */
function entityInput(v: unknown): unknown {
  const parsed = parseJsonLoose(v ?? undefined);
  if (!isObject(parsed) || !Array.isArray(parsed.args)) return parsed;
  const kwargs = isObject(parsed.kwargs) ? parsed.kwargs : {};
  if (Object.keys(kwargs).length === 0) return parsed.args.length === 1 ? parsed.args[0] : parsed.args;
  return parsed.args.length === 0 ? kwargs : parsed;
}

/** gen_ai.prompt.N.{role,content,tool_call_id,tool_calls.K.{id,name,arguments}}; content may be JSON parts. */
function indexedMessages(a: Attributes, prefixes: string[], fallbackRole: string): Message[] {
  for (const prefix of prefixes) {
    const list = unflatten(a, prefix);
    if (!Array.isArray(list)) continue;
    const out: Message[] = [];
    for (const item of list) {
      if (!isObject(item)) continue;
      const msg = toMessage({ ...item, content: partsOrText(item.content) }, fallbackRole, 0);
      if (msg) out.push(msg);
    }
    return fitted(out);
  }
  return [];
}

/** Anthropic-style content arrays are JSON-encoded into the content string; plain text stays text. */
function partsOrText(content: unknown): unknown {
  if (typeof content !== 'string' || !content.startsWith('[{')) return content;
  const parsed = parseJsonLoose(content);
  return Array.isArray(parsed) && parsed.every((p) => isObject(p) && typeof p.type === 'string') ? parsed : content;
}
