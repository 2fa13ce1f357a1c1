// What a provider parser makes of one exchange, already in GenAI semconv terms (message parts as the
// conventions' gen_ai.input.messages / gen_ai.output.messages JSON schemas define them).

export type SemconvPart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'uri'; modality: string; uri: string }
  | { type: 'blob'; modality: string; mime_type?: string; content: string };

export interface SemconvMessage {
  role: string;
  parts: SemconvPart[];
  finish_reason?: string;
}

/** Token counts as the provider reported them; a class it did not report stays undefined (unknown, not 0). */
export interface Usage {
  /** All input tokens, cached ones included (semconv). */
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export type Operation = 'chat' | 'text_completion' | 'generate_content' | 'embeddings';

export interface ParsedRequest {
  operation: Operation;
  model?: string;
  stream: boolean;
  /** The conversation as sent, system messages excluded (they go to systemInstructions). */
  messages: SemconvMessage[];
  systemInstructions: SemconvPart[];
  /** Tool definitions as sent. */
  tools: unknown[];
  /** gen_ai.request.* parameters (temperature, max_tokens, ...). */
  params: Record<string, string | number | boolean | string[]>;
}

export interface ParsedResponse {
  id?: string;
  model?: string;
  messages: SemconvMessage[];
  finishReasons: string[];
  usage: Usage;
  /** The provider's error message, when the body is an error. */
  error?: string;
}

/** Rebuilds a response from stream events (each an SSE data payload or an NDJSON line, parsed). */
export interface StreamAccumulator {
  push(event: unknown, eventName?: string): void;
  result(): ParsedResponse;
}

export interface ProviderParser {
  request(path: string, body: unknown): ParsedRequest;
  response(body: unknown): ParsedResponse;
  stream(): StreamAccumulator;
}
