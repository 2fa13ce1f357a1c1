// OpenTelemetry GenAI semantic conventions, old and new: gen_ai.system (<= 1.36) and
// gen_ai.provider.name (>= 1.37); deprecated prompt/completion token names; messages as attributes
// (JSON strings or structured), as span events, or as log records (see genaiEvents.ts).
// Also the GenAI spans of Vercel AI SDK v7 (invoke_agent / chat / execute_tool / embeddings / rerank).
import { count, firstCount, firstStr, parseJsonLoose, str } from '../attributes';
import { systemPromptOf, toMessages } from '../messages';
import type { StepKind } from '../types';
import { defined, type DialectReader, type DialectReading, type SpanView } from './dialect';
import { usageFields } from './cacheConvention';
import { instructionsText, messagesFromEvents } from './genaiEvents';

const kindByOperation: Record<string, StepKind> = {
  chat: 'llm',
  generate_content: 'llm',
  text_completion: 'llm',
  completion: 'llm',
  responses: 'llm',
  embeddings: 'embedding',
  embedding: 'embedding',
  retrieval: 'retrieval',
  rerank: 'retrieval',
  execute_tool: 'tool',
  create_agent: 'agent',
  invoke_agent: 'agent',
  invoke_workflow: 'chain',
  plan: 'chain',
  'guardrail.run': 'guardrail',
  guard: 'guardrail',
};

/** Span-name prefixes the conventions prescribe ("{operation} {target}"), for spans without the attribute. */
const kindByNamePrefix: [string, StepKind][] = [
  ['chat ', 'llm'], ['text_completion ', 'llm'], ['generate_content ', 'llm'], ['embeddings ', 'embedding'],
  ['execute_tool ', 'tool'], ['invoke_agent', 'agent'], ['create_agent ', 'agent'], ['invoke_workflow ', 'chain'], ['retrieval ', 'retrieval'],
];

export const usageKeys = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'],
  // The dotted names are semconv; the underscored ones are Traceloop's older spelling.
  cacheRead: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'],
  // cache_write.* is what @anthropic-ai/sdk's own spans write (0.137).
  cacheWrite: ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_write.input_tokens', 'gen_ai.usage.cache_creation_input_tokens'],
  reasoning: ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens'],
};

/** The kind a "{operation} {target}" span name implies, for spans that carry no kind attribute. */
export function kindFromSpanName(name: unknown): StepKind | undefined {
  if (typeof name !== 'string') return undefined;
  for (const [prefix, kind] of kindByNamePrefix) if (name.startsWith(prefix) || name === prefix.trim()) return kind;
  return undefined;
}

function kindOf(view: SpanView): StepKind | undefined {
  const a = view.attrs;
  const op = str(a['gen_ai.operation.name'])?.toLowerCase();
  if (op && kindByOperation[op]) return kindByOperation[op];
  const byName = kindFromSpanName(view.span.name);
  if (byName) return byName;
  if (a['gen_ai.tool.name'] !== undefined || a['gen_ai.tool.call.id'] !== undefined) return 'tool';
  const hasModel = a['gen_ai.request.model'] !== undefined || a['gen_ai.response.model'] !== undefined;
  return hasModel || firstCount(a, usageKeys.input) !== undefined ? 'llm' : undefined;
}

export const genAiReader: DialectReader = {
  dialect: 'genai',
  detect: (view) => view.keys.genai || hasGenAiEvents(view),
  read(view): DialectReading {
    const a = view.attrs;
    const kind = kindOf(view);
    let input = toMessages(a['gen_ai.input.messages']);
    let output = toMessages(a['gen_ai.output.messages'], 'assistant');
    let system = instructionsText(a['gen_ai.system_instructions']);
    if (input.length === 0 || output.length === 0 || system === undefined) {
      const fromEvents = messagesFromEvents(view.events, view.logs, input.length === 0);
      if (input.length === 0) input = fromEvents.input;
      if (output.length === 0) output = fromEvents.output;
      system ??= fromEvents.system;
    }
    const cost = count(a['gen_ai.usage.cost']);
    // OpenLIT also writes gen_ai.tool.* on a chat span (the tools the model asked for): tool fields belong to tool steps.
    const toolStep = kind === 'tool' || kind === undefined;
    const provider = firstStr(a, ['gen_ai.provider.name', 'gen_ai.system']);
    const usage = usageFields(
      { inputTokens: firstCount(a, usageKeys.input), cacheReadTokens: firstCount(a, usageKeys.cacheRead), cacheWriteTokens: firstCount(a, usageKeys.cacheWrite) },
      { keys: 'genai', provider, scopeName: view.scopeName, sdkName: view.sdkName },
    );
    return {
      kind,
      fields: defined({
        model: firstStr(a, ['gen_ai.response.model', 'gen_ai.request.model']),
        provider,
        ...usage,
        outputTokens: firstCount(a, usageKeys.output),
        reasoningTokens: firstCount(a, usageKeys.reasoning),
        costUsd: cost,
        costSource: cost !== undefined ? ('span' as const) : undefined,
        toolName: toolStep ? str(a['gen_ai.tool.name']) : undefined,
        toolCallId: toolStep ? str(a['gen_ai.tool.call.id']) : undefined,
        toolArgs: toolStep ? parseJsonLoose(a['gen_ai.tool.call.arguments'] ?? undefined) : undefined,
        toolResult: toolStep ? parseJsonLoose(a['gen_ai.tool.call.result'] ?? undefined) : undefined,
        inputMessages: input,
        outputMessages: output,
        systemPrompt: system ?? systemPromptOf(input),
        agentName: str(a['gen_ai.agent.name']),
        operation: str(a['gen_ai.operation.name']),
      }),
    };
  },
};

function hasGenAiEvents(view: SpanView): boolean {
  if (Array.isArray(view.events)) for (const e of view.events) if (e && typeof e.name === 'string' && e.name.startsWith('gen_ai.')) return true;
  return Array.isArray(view.logs) && view.logs.length > 0;
}
