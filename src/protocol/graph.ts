// Messages between the host and the "Agent Trace" graph webview. Pure types: no vscode, no node, no DOM.
// JSON-safe only: ids are hex strings, times are ms relative to the session start (snapshot.session.startEpochMs).
// Every string that comes from a span (labels, messages, attribute keys and values) is untrusted text.
import type { TotalsDto } from './totals';

export type StepKindDto = 'agent' | 'llm' | 'tool' | 'retrieval' | 'embedding' | 'chain' | 'guardrail' | 'other';
export type StepStatusDto = 'ok' | 'error' | 'unset';
/** Where a step stands at a cursor. */
export type StepPhaseDto = 'pending' | 'running' | 'done' | 'failed';

/** One step, as small as the graph needs to draw it; the inspector asks for the rest (`requestStep`). */
export interface StepRowDto {
  /** Span id (hex). */
  id: string;
  /** Index of the parent step (the `contains` edge), -1 for a root or a parent not received yet. */
  parent: number;
  kind: StepKindDto;
  status: StepStatusDto;
  /** Display label: the tool name, model, agent name or span name. */
  label: string;
  /** ms relative to the session start (negative if a late span started before the snapshot's origin). */
  start: number;
  end: number;
  /** The step's own usage (badges). */
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  /** Tokens were used but no price is known: shown as "no price", never as $0. */
  priceMissing?: boolean;
  /** The usage sums up descendants' usage (e.g. ai.generateText): cumulative totals skip it. */
  aggregate?: boolean;
  /** A source location is known, so "Open source" makes sense. */
  hasSource?: boolean;
}

/** A step row with its index (deltas). */
export type IndexedStepDto = StepRowDto & { index: number };

/**
 * `next` (siblings in time order) and `dataflow` (LLM tool call -> tool -> consuming LLM) edges, as step
 * indices. `contains` edges are the rows' `parent` links and are not repeated here.
 */
export type EdgeDto = [from: number, to: number, kind: 'next' | 'dataflow', label?: string];

/**
 * Every step start, log/span event and end in time order (columns, one entry per event). The cursor is an
 * index into these columns; it means the same event on both sides for the same `version`.
 */
export interface TimelineDto {
  /** Step index of each event. */
  step: number[];
  /** One character per event: 's' start, 'l' log or span event, 'e' end. */
  type: string;
  /** ms relative to the session start. */
  time: number[];
  /** Names of the 'l' events: [event index, name]. */
  labels: [number, string][];
}

export type { TotalsDto };

export interface SessionDto {
  id: string;
  name: string;
  /** Epoch ms of the session origin: every relative time in this snapshot is measured from it. */
  startEpochMs: number;
  /** Spans may still arrive (deltas follow). */
  live: boolean;
}

/** A loop finding (the same tool call or LLM input repeated), as step indices. */
export interface FindingDto {
  kind: string;
  message: string;
  steps: number[];
}

export interface GraphSnapshotDto {
  /** Increases with every snapshot and delta; a delta applies only on top of its `baseVersion`. */
  version: number;
  session: SessionDto;
  /** Index = step index; indices stay stable for the life of this snapshot (deltas replace or append). */
  steps: StepRowDto[];
  edges: EdgeDto[];
  timeline: TimelineDto;
  totals: TotalsDto;
  findings: FindingDto[];
}

/** New and changed steps since `baseVersion`; edges, timeline and totals are replaced whole (packed, what did not change is kept). */
export interface GraphDeltaDto {
  version: number;
  baseVersion: number;
  session: SessionDto;
  /** Rows to replace (index < current count) or append (index == count, in order). */
  changed: IndexedStepDto[];
  edges: EdgeDto[];
  timeline: TimelineDto;
  totals: TotalsDto;
  findings: FindingDto[];
}

/*
 * What crosses to the webview (graphPacking.ts packs and unpacks): the snapshot as columns, so a 100k-step
 * session is a few MB to post and parse, not 20. Times are integer microseconds from the session start;
 * runs of similar numbers are deltas. An `IntsText` column is integers written as text (intText.ts): a small
 * delta is one character, and a column parses as one string.
 */

/** Integers as text (intText.ts: intsText / textInts). */
export type IntsText = string;

/**
 * Strings as one text and their lengths (intText.ts: joinedText / splitText): 100k distinct labels are not
 * 100k quoted strings, whose quotes are escaped again at every hop.
 */
export interface JoinedTextDto {
  text: string;
  /** Each string's length in UTF-16 code units. */
  lengths: IntsText;
}

/** The steps' rows as columns; index = step index. */
export interface StepColumnsDto {
  /** Span ids; empty when `hexIds` carries them, or when the session is too big to send them (`noIds`). */
  id: string[];
  /**
   * Sized to the view: a session of ID_FREE_FROM steps or more is sent without its span ids (a third of the
   * bytes). The webview keys its items by index and names steps by index to the host, which knows the ids.
   */
  noIds?: boolean;
  /** When every span id is 16 lowercase hex digits (OTLP's 8 bytes): all of them, concatenated. */
  hexIds?: string;
  /** index - parent index; 0: a root (or a parent not received yet). */
  parent: IntsText;
  /**
   * Kind, status and flags in one integer per step: kind + 8 * status + 24 * flags, as indices into
   * stepTable.ts' STEP_KINDS and STEP_STATUSES; flags: 1 price missing, 2 aggregate, 4 has a source location.
   */
  shape: IntsText;
  /** Index into `labels` (labels repeat: tool names, models). */
  label: IntsText;
  labels: JoinedTextDto;
  /** Start: delta from the previous step's start, us. */
  start: IntsText;
  /** end - start, us. */
  duration: IntsText;
  /** Steps with usage, each as a delta from the previous one's index; their values (null: not reported). */
  usageAt: IntsText;
  /** As text when every count is a whole number >= 0: count + 1, 0 for not reported. */
  inputTokens: IntsText | (number | null)[];
  outputTokens: IntsText | (number | null)[];
  costUsd: (number | null)[];
}

export interface PackedTimelineDto {
  /**
   * Each event's step and type in one integer: (delta from the previous event's step) * 3 + type (0 start,
   * 1 log or span event, 2 end). A step moves a few rows at a time, so an event is one character.
   */
  events: IntsText;
  /** A start or end event is at its step's start or end; every other event's time, as [event index delta, us] pairs, flat. */
  times: IntsText;
  labels: [number, string][];
  /**
   * In a delta: the first `keep` events are the base version's, as the webview holds them; `events` and
   * `times` are the events after them (labels keep their indices). Absent: the whole timeline.
   */
  keep?: number;
}

export interface PackedEdgesDto {
  /**
   * How many `next` edges come first without being sent: the webview derives them from the rows' parents
   * (siblingEdges: consecutive children of each parent, and of the roots). 0: every edge is sent.
   */
  derivedNext: number;
  /** The derived edges join siblings in the order of their start events (startEventOrder), not of their indices. */
  startOrder?: boolean;
  /** Delta from the previous edge's `from`. */
  from: IntsText;
  /** to - from. */
  to: IntsText;
  /** One character per edge: 'n' next, 'd' dataflow. */
  kind: string;
  /** The labels, each once (a tool call id labels both its edges). */
  labels: JoinedTextDto;
  /** The labelled edges: [delta from the previous labelled edge's index, index into `labels`] pairs, flat. */
  labelled: IntsText;
  /**
   * In a delta: the first `keep` of the edges the base version was sent (those after its derived ones) stay;
   * the edges here follow them. Absent: every edge is here.
   */
  keep?: number;
}

export interface PackedSnapshotDto {
  version: number;
  session: SessionDto;
  steps: StepColumnsDto;
  edges: PackedEdgesDto;
  timeline: PackedTimelineDto;
  totals: TotalsDto;
  /** Every safety finding; of the others, the first SHOWN_FINDINGS, without their steps (nothing draws them). */
  findings: FindingDto[];
}

/** A delta as it crosses: the changed rows as they are, edges and timeline packed against the rows after it. */
export interface PackedDeltaDto extends Omit<GraphDeltaDto, 'edges' | 'timeline'> {
  edges: PackedEdgesDto;
  timeline: PackedTimelineDto;
}

/** Cumulative usage and progress after the event at a cursor. */
export interface CumulativeDto {
  cursor: number;
  time: number;
  started: number;
  finished: number;
  failed: number;
  running: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number;
}

export type MessagePartDto =
  | { type: 'text' | 'reasoning'; text: string }
  /** `arguments` / `result`: JSON text (pretty, capped). */
  | { type: 'tool_call'; id?: string; name: string; arguments: string }
  | { type: 'tool_result'; id?: string; name?: string; result: string }
  | { type: 'media'; modality?: string; mimeType?: string; uri?: string }
  | { type: 'other'; value: string };

export interface MessageDto {
  role: string;
  name?: string;
  finishReason?: string;
  parts: MessagePartDto[];
}

/** The conversation as one LLM call saw it: its input, plus its output once it had returned at the cursor. */
export interface ConversationDto {
  stepId: string;
  stepIndex: number;
  label: string;
  /** True when the call had returned at the cursor (output included). */
  complete: boolean;
  systemPrompt?: string;
  messages: MessageDto[];
}

/** Everything the inspector shows for one step at one cursor. */
export interface StepDetailDto {
  id: string;
  index: number;
  traceId: string;
  kind: StepKindDto;
  status: StepStatusDto;
  phase: StepPhaseDto;
  name: string;
  label: string;
  start: number;
  end: number;
  durationMs: number;
  model?: string;
  provider?: string;
  operation?: string;
  agentName?: string;
  usage?: {
    inputTokens?: number;
    outputTokens?: number;
    cacheReadTokens?: number;
    cacheWriteTokens?: number;
    reasoningTokens?: number;
    costUsd?: number;
    priceMissing?: boolean;
    costSource?: string;
    aggregate?: boolean;
  };
  /** JSON text (pretty, capped). */
  tool?: { name?: string; callId?: string; args?: string; result?: string };
  /** For an LLM step its own conversation; otherwise the latest LLM call's at the cursor. */
  conversation?: ConversationDto;
  cumulative: CumulativeDto;
  error?: { message: string; stack?: string };
  /** The call was re-sent this many times before its answer (one call, shown as "retried N×"). */
  retries?: number;
  /** Where the step's code is, how that was found (attribute, stack trace, tool index, prompt match, agent index) and how sure. */
  source?: { path: string; line?: number; how: string; confidence: number; detail?: string };
  /** Why no source location was found, when none was. */
  sourceMissing?: string;
  events: { time: number; name: string; source: 'span' | 'log' }[];
  /** The untouched span attributes: [key, value as text]. */
  attributes: [string, string][];
  /** Some text was cut to keep the message small. */
  truncated?: boolean;
}

/** A little more about a run of steps (waterfall rows, tooltips) than the rows carry. */
export interface StepSummaryDto {
  index: number;
  id: string;
  name: string;
  model?: string;
  toolName?: string;
  agentName?: string;
  error?: string;
}

/** What the webview keeps in getState/setState and reports in `ready`. */
export interface GraphSavedStateDto {
  sessionId?: string;
  cursor?: number;
  selectedId?: string;
}

/** Host -> webview. The host posts nothing before `ready`; it answers `ready` with `snapshot` (or `empty`). */
/**
 * A packed snapshot or delta as JSON text: the engine worker builds and serialises it, the host relays the
 * text without reading it, the webview parses it (parsePacked in graphPacking.ts).
 */
export type PackedJson<T extends PackedSnapshotDto | PackedDeltaDto> = string & { readonly packedOf?: T };

export type GraphToWebview =
  | { type: 'snapshot'; snapshot: PackedJson<PackedSnapshotDto> }
  | { type: 'delta'; delta: PackedJson<PackedDeltaDto> }
  | { type: 'empty'; message: string }
  | { type: 'stepDetail'; requestId: number; detail?: StepDetailDto; error?: string }
  | { type: 'window'; requestId: number; rows?: StepSummaryDto[]; error?: string }
  /** Select (and with `seek`, move the cursor to) a step: the editor or a breakpoint asks. */
  | { type: 'revealStep'; id: string; seek?: 'start' | 'end'; /** The step's index, for a webview sent no ids. */ index?: number }
  /** Mark a set of steps (e.g. a Cost view row: "search_flights, 3 calls") and reveal the first; ids: [] clears. */
  | { type: 'highlightSteps'; ids: string[]; label: string; /** The steps' indices, for a webview sent no ids. */ indices?: number[] }
  /** Steps matching a search, in step order (at most 10,000 ids; `total` counts them all). */
  | { type: 'searchResult'; requestId: number; ids?: string[]; total?: number; error?: string; /** The matches' indices, for a webview sent no ids. */ indices?: number[] };

/** Webview -> host. */
export type GraphToHost =
  /** Also sent again to resynchronise (e.g. a delta on top of an unknown version): answer with a snapshot. */
  | { type: 'ready'; state?: GraphSavedStateDto }
  /** `id`: '' when the webview was sent no ids; `index` names the step then. */
  | { type: 'selectStep'; sessionId: string; id: string; index: number; cursor: number }
  | { type: 'openSource'; sessionId: string; id: string }
  /** "Re-run from Here" on an LLM step: fork the run at that call (edit its request, or its answer), or re-send that one call. */
  | { type: 'rerunFromHere'; sessionId: string; id: string; mode?: 'response' | 'playground' }
  | { type: 'requestStep'; requestId: number; sessionId: string; version: number; id: string; index: number; cursor: number }
  /** Step indices [from, to), at most 500. */
  | { type: 'requestWindow'; requestId: number; sessionId: string; version: number; from: number; to: number }
  /** Steps whose name, model, tool, prompt or output text, tool args or results, error or attribute values contain `query` (any case). */
  | { type: 'requestSearch'; requestId: number; sessionId: string; version: number; query: string };

/** The graph's top bar shows this many findings' messages. */
export const SHOWN_FINDINGS = 3;

/** From this many steps on, a snapshot carries no span ids (StepColumnsDto.noIds). */
export const ID_FREE_FROM = 50_000;

/** A window never holds more steps than this. */
export const MAX_WINDOW = 500;
