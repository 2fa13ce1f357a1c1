// Messages between the host and the Cost webview view. Pure types: no vscode, no node, no DOM.
// JSON-safe only: ids are hex strings, times are ms relative to the session start. Every string that comes
// from a span (model, agent, tool names, finding messages) is untrusted text.
import type { TotalsDto } from './totals';

export interface ReceiverInfoDto {
  /** e.g. http://127.0.0.1:4318 ; undefined while the receiver is stopped. */
  httpEndpoint?: string;
  grpcEndpoint?: string;
  spans: number;
  sessions: number;
}

/** The same totals the graph gets (see totals.ts). */
export type { TotalsDto };

export type BreakdownKind = 'model' | 'agent' | 'tool' | 'kind';

export interface BreakdownRowDto {
  key: string;
  /** LLM calls (model), steps (agent, kind) or tool calls (tool). */
  calls: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** Some of the row's usage has no price (so costUsd is a lower bound). */
  priceMissing: boolean;
  errors: number;
  /** Tool rows: the tool steps' own $ (and their descendants') and the $ of the LLM calls that read their results. */
  ownCostUsd?: number;
  consumerCostUsd?: number;
  consumerCalls?: number;
  /**
   * How many steps are behind the row. Their ids stay in the engine (a 100k-step session's rows name every
   * step, megabytes per refresh): a click sends the row's `CostStepsRef` and the engine answers them.
   */
  stepCount: number;
}

/** A breakdown row or a cost finding whose steps the graph should select (resolved by the engine). */
export type CostStepsRef = { breakdown: BreakdownKind; key: string } | { finding: CostFindingKind; firstStepId: string };

export interface TopStepDto {
  id: string;
  label: string;
  kind: string;
  model?: string;
  costUsd?: number;
  priceMissing: boolean;
  inputTokens: number;
  outputTokens: number;
  /** ms from the session start. */
  start: number;
}

/** One point of the cumulative chart: after the step that ended at `t`. */
export interface SeriesPointDto {
  /** ms from the session start. */
  t: number;
  costUsd: number;
  tokens: number;
  /** The point is an LLM call (marked on the chart). */
  llm: boolean;
  stepId: string;
}

export type CostFindingKind = 'repeated-tool-call' | 'repeated-llm-input' | 'runaway-tokens';

export interface CostFindingDto {
  kind: CostFindingKind;
  message: string;
  /** $ spent on the repeats beyond the first (loops) or on the growing calls (runaway). */
  costUsd: number;
  /** Its steps (a loop can repeat thousands of times): counted here, resolved by the engine on a click. */
  stepCount: number;
  /** The first of them: with `kind`, what names the finding across refreshes. */
  firstStepId: string;
}

export interface BudgetDto {
  limitUsd: number;
  source: 'launch' | 'setting';
  usedUsd: number;
  exceeded: boolean;
}

export interface ComparisonRowDto {
  id: string;
  name: string;
  serviceName: string;
  /** Epoch ms of the first span. */
  startEpochMs: number;
  costUsd: number;
  totalTokens: number;
  llmCalls: number;
  toolCalls: number;
  errors: number;
  wallTimeMs: number;
  /** Some usage had no price. */
  priceMissing: boolean;
  /** Totals not computed (session too large to sum eagerly). */
  pending?: boolean;
  /** The session shown above. */
  current: boolean;
  /** $ change against the previous run of the same service (undefined for its first run here). */
  deltaUsd?: number;
}

export interface CostSessionDto {
  id: string;
  name: string;
  live: boolean;
  startEpochMs: number;
}

export interface CostReportDto {
  session: CostSessionDto;
  totals: TotalsDto;
  breakdowns: Record<BreakdownKind, BreakdownRowDto[]>;
  topSteps: TopStepDto[];
  series: SeriesPointDto[];
  /** The findings with the most $ (a long run's loops are hundreds: the view lists `listedFindings`). */
  findings: CostFindingDto[];
  /** Findings beyond those listed. */
  moreFindings?: number;
  budget?: BudgetDto;
}

export interface SessionOptionDto {
  id: string;
  name: string;
  live: boolean;
}

export type SafetyKindDto = 'injection' | 'taint' | 'secret' | 'pii' | 'policy';

export interface SafetyFindingDto {
  kind: SafetyKindDto;
  rule: string;
  /** One line; secrets and personal data in it are already masked. */
  message: string;
  /** The steps to select in the graph: the taint path, else the finding's step. */
  stepIds: string[];
}

/** Safety findings of the shown session (heuristics): counts by kind and the list (capped). */
export interface SafetySectionDto {
  counts: Record<SafetyKindDto, number>;
  findings: SafetyFindingDto[];
  /** More findings than listed. */
  more: number;
}

export interface CostSnapshotDto {
  receiver: ReceiverInfoDto;
  sessions: SessionOptionDto[];
  /** No session picked: the view follows the newest one. */
  followLatest: boolean;
  /** undefined: no session yet (the empty state). */
  report?: CostReportDto;
  comparison: ComparisonRowDto[];
  /** Safety findings of the session in `report`. */
  safety?: SafetySectionDto;
  /** Why there is no report although sessions exist (e.g. the picked one was deleted). */
  notice?: string;
  /** The session the view is on when it has no report of it (its model does not fit the engine's heap). */
  unmodelled?: string;
}

/** Host -> webview. The host posts nothing before it received `ready`; every post is a whole snapshot. */
export type CostToWebview = { type: 'snapshot'; snapshot: CostSnapshotDto };

/** Webview -> host. */
export type CostToHost =
  | { type: 'ready' }
  | { type: 'copyEndpoint' }
  | { type: 'startReceiver' }
  /** undefined: follow the newest session. */
  | { type: 'pickSession'; sessionId?: string }
  /** Select these steps in the trace graph. */
  | { type: 'showSteps'; sessionId: string; stepIds: string[]; label: string }
  /** Select a breakdown row's or a finding's steps in the trace graph (the engine knows which). */
  | { type: 'showCostSteps'; sessionId: string; ref: CostStepsRef; label: string }
  | { type: 'openSettings'; setting: 'pricing' | 'budget' };
