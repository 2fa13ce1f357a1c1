// Attribute keys the store writes as a number (spans.data's KeyValue field F_KEY_ID) instead of as text:
// the keys of GenAI, OpenInference, Vercel AI SDK and Traceloop spans and the common ones beside them. A
// span of agent traffic carries 10-20 of them, 20-30 bytes each: a third of a small span's data. Only
// the store writes and reads the field (OTLP's KeyValue has fields 1 and 2); a request that carries it
// takes the general path, which drops it.
//
// APPEND ONLY: a key's number is its place in this list, and session databases keep the numbers.

/** KeyValue field holding a key's number in wellKnownKeys (a varint), in place of field 1. */
export const F_KEY_ID = 102;

const keys: readonly string[] = [
  '', // 0: never written; a varint 0 in a damaged file reads as the empty key
  // GenAI semantic conventions
  'gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.system', 'gen_ai.request.model', 'gen_ai.response.model',
  'gen_ai.response.id', 'gen_ai.response.finish_reasons', 'gen_ai.request.temperature', 'gen_ai.request.top_p',
  'gen_ai.request.top_k', 'gen_ai.request.max_tokens', 'gen_ai.request.stop_sequences', 'gen_ai.request.frequency_penalty',
  'gen_ai.request.presence_penalty', 'gen_ai.request.seed', 'gen_ai.request.choice.count', 'gen_ai.request.stream',
  'gen_ai.request.encoding_formats', 'gen_ai.output.type', 'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens',
  'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.prompt_tokens', 'gen_ai.usage.completion_tokens', 'gen_ai.usage.total_tokens', 'gen_ai.usage.cost',
  'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions',
  'gen_ai.tool.name', 'gen_ai.tool.call.id', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result', 'gen_ai.tool.type',
  'gen_ai.tool.description', 'gen_ai.agent.name', 'gen_ai.agent.id', 'gen_ai.agent.description', 'gen_ai.conversation.id',
  'gen_ai.data_source.id', 'gen_ai.embeddings.dimension.count', 'gen_ai.prompt', 'gen_ai.completion', 'gen_ai.openai.request.service_tier',
  'gen_ai.openai.response.service_tier', 'gen_ai.openai.response.system_fingerprint',
  // OpenInference
  'openinference.span.kind', 'input.value', 'input.mime_type', 'output.value', 'output.mime_type', 'llm.model_name',
  'llm.provider', 'llm.system', 'llm.invocation_parameters', 'llm.input_messages', 'llm.output_messages', 'llm.tools',
  'llm.token_count.prompt', 'llm.token_count.completion', 'llm.token_count.total', 'llm.token_count.prompt_details.cache_read',
  'llm.token_count.prompt_details.cache_write', 'llm.token_count.completion_details.reasoning', 'llm.cost.total',
  'llm.cost.prompt', 'llm.cost.completion', 'llm.prompt_template.template', 'llm.prompt_template.variables', 'tool.name',
  'tool.description', 'tool.parameters', 'tool_call.id', 'tool_call.function.name', 'tool_call.function.arguments',
  'embedding.model_name', 'retrieval.documents', 'session.id', 'user.id', 'metadata', 'tag.tags', 'agent.name', 'graph.node.id',
  'graph.node.name', 'graph.node.parent_id',
  // Vercel AI SDK
  'operation.name', 'ai.operationId', 'ai.model.id', 'ai.model.provider', 'ai.prompt', 'ai.prompt.messages',
  'ai.prompt.format', 'ai.prompt.tools', 'ai.prompt.toolChoice', 'ai.settings.maxRetries', 'ai.settings.maxSteps',
  'ai.settings.temperature', 'ai.settings.maxOutputTokens', 'ai.telemetry.functionId', 'ai.response.text',
  'ai.response.object', 'ai.response.toolCalls', 'ai.response.reasoning', 'ai.response.finishReason', 'ai.response.id',
  'ai.response.model', 'ai.response.timestamp', 'ai.response.providerMetadata', 'ai.response.msToFirstChunk',
  'ai.response.msToFinish', 'ai.response.avgOutputTokensPerSecond', 'ai.response.avgCompletionTokensPerSecond',
  'ai.usage.promptTokens', 'ai.usage.completionTokens', 'ai.usage.inputTokens', 'ai.usage.outputTokens',
  'ai.usage.totalTokens', 'ai.usage.reasoningTokens', 'ai.usage.cachedInputTokens', 'ai.usage.tokens', 'ai.toolCall.name',
  'ai.toolCall.id', 'ai.toolCall.args', 'ai.toolCall.result', 'ai.schema', 'ai.schema.name', 'ai.schema.description',
  'ai.value', 'ai.values', 'ai.embedding', 'ai.embeddings', 'ai.stream.msToFirstChunk', 'ai.stream.msToFinish',
  'resource.name',
  // Traceloop / OpenLLMetry
  'traceloop.span.kind', 'traceloop.entity.name', 'traceloop.entity.input', 'traceloop.entity.output',
  'traceloop.entity.path', 'traceloop.entity.version', 'traceloop.workflow.name', 'traceloop.association.properties',
  'llm.request.type', 'llm.request.model', 'llm.response.model', 'llm.usage.total_tokens', 'llm.usage.prompt_tokens',
  'llm.usage.completion_tokens', 'llm.usage.cache_read_input_tokens', 'llm.usage.cache_creation_input_tokens',
  'llm.is_streaming', 'llm.headers', 'llm.request.functions', 'llm.vendor', 'llm.prompts', 'llm.completions',
  'gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'gen_ai.usage.reasoning_tokens',
  'gen_ai.usage.cache_write.input_tokens',
  // Common
  'http.request.method', 'http.response.status_code', 'http.request.resend_count', 'http.method', 'http.status_code',
  'http.url', 'http.route', 'url.full', 'url.path', 'url.scheme', 'server.address', 'server.port', 'network.peer.address',
  'network.peer.port', 'error.type', 'error.message', 'error.stack', 'exception.type', 'exception.message',
  'exception.stacktrace', 'exception.escaped', 'code.function', 'code.function.name', 'code.namespace', 'code.filepath',
  'code.file.path', 'code.lineno', 'code.line.number', 'code.column', 'code.column.number', 'code.stacktrace',
  'thread.id', 'thread.name', 'event.name', 'db.system', 'db.statement', 'db.operation', 'rpc.system', 'rpc.method',
  'rpc.service', 'service.name', 'langchain.run_id', 'index', 'finish_reason', 'message', 'content', 'role', 'id',
  'name', 'type',
  // Agent Debugger's own
  'agent_debugger.session', 'agent_debugger.replay', 'agent_debugger.replay.edited_answer', 'agent_debugger.replay.divergence',
  'agent_debugger.replay.diverged_at', 'agent_debugger.inferred', 'agent_debugger.gateway', 'agent_debugger.gateway.span_id',
  'agent_debugger.gateway.time_to_first_chunk_ms', 'agent_debugger.gateway.body_truncated',
];

const ids = new Map<string, number>(keys.map((k, i) => [k, i]));
for (let id = 1; id < keys.length; id++) if (ids.get(keys[id]!) !== id) throw new Error(`wellKnownKeys: "${keys[id]}" is listed twice`);

/** The key with number `id`; undefined for a number this build does not know (a damaged or newer file). */
export function keyOfId(id: number): string | undefined {
  return keys[id];
}

/** The number of a well-known key (0 for any other). */
export function idOfKey(key: string): number {
  return ids.get(key) ?? 0;
}

/** Every well-known key with its number (from 1). */
export function* wellKnownKeys(): Generator<[number, string]> {
  for (let id = 1; id < keys.length; id++) yield [id, keys[id]!];
}
