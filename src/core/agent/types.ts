// The normalised agent model: one AgentStep per span, whatever dialect produced it (architecture.md,
// "The agent model"). JSON-safe on purpose: the CLI prints it and the host slices it into DTOs.
import type { InstrumentationScope, LogRecord, Resource, Span } from '../otlp/model';
import type { PlainAttributes, PlainValue } from '../otlp/protoPlain';

/** One span as the store hands it over: the span, where it came from, and the log records joined to it. */
export interface SpanInput {
  /** Read from the store for the model, its attributes come as plain values (`plainAttributes`; see spanAttributes). */
  span: Span & { plainAttributes?: Attributes };
  resource: Resource;
  scope: InstrumentationScope;
  /** OTLP log records with this span's trace and span id (GenAI events are often sent as logs). */
  logs?: LogRecord[];
}

export type CostSource = 'span' | 'override' | 'database' | 'none';
export type StepKind = 'agent' | 'llm' | 'tool' | 'retrieval' | 'embedding' | 'chain' | 'guardrail' | 'other';
export type StepStatus = 'ok' | 'error' | 'unset';
export type Dialect = 'genai' | 'openinference' | 'vercel' | 'traceloop';

/** A plain JS attribute value (OTLP AnyValue flattened; 64-bit ints become numbers when safe). */
export type AttrValue = PlainValue;
export type Attributes = PlainAttributes;

export type MessagePart =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; id?: string; name: string; arguments: unknown }
  | { type: 'tool_result'; id?: string; name?: string; result: unknown }
  | { type: 'reasoning'; text: string }
  | { type: 'media'; modality?: string; mimeType?: string; uri?: string; fileId?: string }
  /** Anything else, kept as it came so nothing is silently dropped. */
  | { type: 'other'; value: unknown };

export interface Message {
  /** system | user | assistant | tool, or whatever the emitter used. */
  role: string;
  parts: MessagePart[];
  name?: string;
  finishReason?: string;
}

export interface SourceLocation {
  path: string;
  line?: number;
  how: SourceHow;
  /** 0..1 */
  confidence: number;
  /** How it was found, in words ("tool get_weather defined as getWeather"). */
  detail?: string;
}

/** Evidence, strongest first: the span's code.* attributes, a stack trace, the workspace's definitions and prompts. */
export type SourceHow = 'attribute' | 'stacktrace' | 'tool-index' | 'prompt-match' | 'agent-index';

/** A span event or a log record joined to the span: the timeline shows them between start and end. */
export interface StepEvent {
  timeMs: number;
  name: string;
  source: 'span' | 'log';
}

export interface AgentStep {
  /** The span id (hex); unique within a session for all practical purposes. */
  id: string;
  traceId: string;
  spanId: string;
  /** undefined for a root span. */
  parentSpanId?: string;
  kind: StepKind;
  name: string;
  /** Dialects whose keys were found on the span. */
  dialects: readonly Dialect[];
  startMs: number;
  endMs: number;
  durationMs: number;
  status: StepStatus;

  model?: string;
  provider?: string;
  /** Input tokens INCLUDING cached ones (GenAI semconv meaning). */
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Part of outputTokens. */
  reasoningTokens?: number;
  costUsd?: number;
  /** Tokens were used but no price is known for the model: never shown as $0. */
  priceMissing?: boolean;
  /** Where the price came from: the span's own positive cost, the user's override, the price database, or none known. */
  costSource?: CostSource;
  /**
   * This step's tokens and $ sum up those of its descendants (e.g. ai.generateText over its
   * doGenerate calls): shown on the step, skipped by totals so nothing is counted twice.
   */
  aggregate?: boolean;

  toolName?: string;
  toolCallId?: string;
  toolArgs?: unknown;
  toolResult?: unknown;
  inputMessages?: Message[];
  outputMessages?: Message[];
  systemPrompt?: string;
  /** The agent this step runs under: its own agent name or the nearest agent ancestor's. */
  agentName?: string;
  /** gen_ai.operation.name, ai.operationId, ... as emitted. */
  operation?: string;
  error?: string;
  /** How many times the call was re-sent before its answer (http.request.resend_count): still one call. */
  retries?: number;
  source?: SourceLocation;
  /** Why no source location could be found (set by the resolver when it tried). */
  sourceMissing?: string;
  events?: StepEvent[];
  /** The span's untouched attributes (flattened), for the inspector. */
  attributes: Attributes;
}

/** The fields a dialect reader may fill; ids, times and status come from the span itself. */
export type StepFields = Omit<AgentStep, 'id' | 'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'dialects' | 'startMs' | 'endMs' | 'durationMs' | 'status' | 'attributes' | 'kind' | 'events'>;
