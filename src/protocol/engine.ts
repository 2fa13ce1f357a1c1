// The one protocol between the extension host and the engine worker (core/engineWorkerMain.ts): typed
// JSON-RPC requests and notifications (vscode-jsonrpc) over a worker_threads MessagePort. Requests carry
// ids and their errors come back as ResponseErrors (codes below). Spans never cross it on their way in:
// the receiver's sockets live in the worker. What crosses is commands, session summaries and the slices a
// reader asks for.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { CostReportDto, CostStepsRef, SafetySectionDto } from './cost';
import type { PackedDeltaDto, PackedJson, PackedSnapshotDto, StepDetailDto, StepSummaryDto } from './graph';
import type { AgentStep, SessionOptions, SpanInput, Totals } from '../core/agent';
import type { OutlineRow } from '../core/agent/outline';
import type { ReportInput } from '../core/cost';
import type { DebugView } from '../core/debug/debugView';
import type { ReceiverAddresses, ReceiverOptions } from '../core/engine';
import type { SessionExportFormat, SessionExportResult } from '../core/export/sessionExport';
import type { ForwardTarget } from '../core/forward/forwarder';
import type { Cassette } from '../core/gateway/cassette';
import type { TraceRequest } from '../core/otlp/model';
import type { SinkVerdict } from '../core/otlp/receiverTypes';
import type { SafetyFinding, SafetyOptions } from '../core/safety';
import type { LocationStatsDto } from '../core/sources';
import type { SessionFilter } from '../core/sessions/filter';
import type { ForkOrigin } from '../core/sessions/forkOrigin';
import type { StoreSettings } from '../core/store/context';
import type { ImportResult, Page, SessionSummary, StoreChange, StoreStats, StoredSpan, TraceSummary } from '../core/store/types';

/** How OTLP requests are taken in (tests and the benchmark ask). */
export interface IngestPath {
  /** Whether trace requests are decoded on the decode worker. */
  decodeWorker: boolean;
  /** Synthetic spans the receiver's warm-up wrote (once it is over). */
  warmedUp: number;
  /** The decode worker's event loop so far: ms busy and ms idle (perf_hooks' event-loop utilisation). */
  decodeLoop?: { active: number; idle: number };
}

/** What the host keeps of the store: every session's summary and the span count. */
export interface SessionsSnapshot {
  sessions: SessionSummary[];
  spans: number;
}

export interface SessionsChanged extends SessionsSnapshot {
  /** The store's changes since the last notification, merged. */
  change: StoreChange;
}

export interface ProgressParams {
  id: number;
  done: number;
  total: number;
}

/** Built from the session as it was at `state` (span/log counts): a growing session's model may lag a little. */
export interface SessionDigest {
  state: string;
  totals: Totals;
  fork?: ForkOrigin;
}

/** Workspace files for the worker's copy of the source index: CodeLens numbers are made where the steps are. */
export interface SourceFilesParams {
  /** Start over (a new build of the index): roots set, every file dropped. */
  reset?: boolean;
  roots?: string[];
  files: { path: string; text: string }[];
  removed: string[];
}

export interface SessionComparison {
  leftName: string;
  rightName: string;
  left: string;
  right: string;
  /** Steps aligned between the two. */
  pairs: number;
}

/** A traced run's live check, made in the worker: what the host needs of its steps, not the steps. */
export interface RunCheck {
  /** Steps in the run's model so far. */
  steps: number;
  costUsd: number;
  /** The newest step (a budget pause stops there). */
  lastStepId?: string;
  /** The first step, of those not judged before, that meets a trace breakpoint (`condition`: its text). */
  hit?: { step: AgentStep; condition: string };
}

export interface SessionFindings {
  state: string;
  findings: SafetyFinding[];
  /** The steps the findings are on, located in the workspace. */
  steps: AgentStep[];
}

export type CostParams = SessionParams & { options: SessionOptions; safety: SafetyOptions; report: Omit<ReportInput, 'steps'> };

export interface SessionCost {
  report: CostReportDto;
  safety: SafetySectionDto;
}

/** ResponseError codes the host turns back into its own errors. */
export const EngineErrors = {
  importCancelled: 1001,
  /** data: ForwardErrorData. */
  forwardFailed: 1002,
  /** data: ModelTooLargeData. */
  modelTooLarge: 1003,
} as const;

/** A session whose agent model would not fit the engine's heap (its spans stay in the store). */
export interface ModelTooLargeData {
  sessionName: string;
  spans: number;
  usedBytes: number;
  limitBytes: number;
}

export interface ForwardErrorData {
  sent: number;
  status?: number;
  body?: string;
}

interface SessionParams {
  sessionId: string;
}

const request = <P, R>(method: string) => new RequestType<P, R, void>(`engine/${method}`);

export const EngineRequests = {
  /** The store is created when the worker starts; this reconfigures its caps. */
  configure: request<Partial<StoreSettings>, void>('configure'),
  startReceiver: request<ReceiverOptions, ReceiverAddresses>('startReceiver'),
  stopReceiver: request<object, void>('stopReceiver'),
  sessions: request<object, SessionsSnapshot>('sessions'),
  stats: request<object, StoreStats>('stats'),
  /**
   * How the receiver takes trace requests: whether OTLP/HTTP bodies are decoded on the decode worker
   * (nested in the engine's) and how busy it has been, and, answered once the receiver's warm-up is over,
   * the synthetic spans it wrote to its scratch database (0: none).
   */
  ingestPath: request<object, IngestPath>('ingestPath'),
  tracesOfSession: request<SessionParams, TraceSummary[]>('tracesOfSession'),
  spansOfSession: request<SessionParams & { page?: Page }, StoredSpan[]>('spansOfSession'),
  spansOfTrace: request<{ traceId: string; sessionId?: string }, StoredSpan[]>('spansOfTrace'),
  childrenOf: request<{ traceId: string; spanId: string; sessionId?: string }, StoredSpan[]>('childrenOf'),
  /** A session's spans with their log records joined: the agent model's input (readSession). */
  readSession: request<SessionParams, SpanInput[]>('readSession'),
  /** What a Sessions row shows of a session's model: its totals and, for a forked run, where it came from. */
  sessionDigest: request<SessionParams & { options: SessionOptions }, SessionDigest>('sessionDigest'),
  /** A session's safety findings, with the steps they are on (located in the workspace: the diagnostics go there). */
  safetyFindings: request<SessionParams & { options: SessionOptions; safety: SafetyOptions }, SessionFindings>('safetyFindings'),
  /**
   * A traced run's trace breakpoints (`breakOn` texts) over the steps the worker has not judged for this
   * session yet, and its $ so far: a live run's check, every step judged once, no steps crossing.
   */
  checkRun: request<SessionParams & { options: SessionOptions; breakOn: string[]; safety: SafetyOptions }, RunCheck>('checkRun'),
  /** The run ended (or went on in a new session): what the worker kept to check it goes. */
  endRunCheck: request<SessionParams, void>('endRunCheck'),
  /** The workspace's indexed files, as the host reads them (answers the index's file count). */
  sourceFiles: request<SourceFilesParams, number>('sourceFiles'),
  /** Two sessions side by side as text, their steps aligned (Compare Sessions), made in the worker. */
  compareSessions: request<{ left: string; right: string; options: SessionOptions }, SessionComparison>('compareSessions'),
  /** Which of these sessions the Sessions view's filter keeps (searched in the worker, through every step). */
  matchSessions: request<{ sessionIds: string[]; options: SessionOptions; filter: SessionFilter }, boolean[]>('matchSessions'),
  /** A session's top-level steps as Sessions view rows (the session expanded). */
  sessionOutline: request<SessionParams & { options: SessionOptions }, OutlineRow[]>('sessionOutline'),
  /** The CodeLens numbers of a session's steps per source line, located with the worker's source index. */
  codeLensStats: request<SessionParams & { options: SessionOptions }, LocationStatsDto[]>('codeLensStats'),
  /**
   * What a debug adapter holds of a session: its steps without their payloads, located with the worker's
   * source index, with loops and the `breakOn` conditions judged (a step's whole record: graphStep).
   */
  debugView: request<SessionParams & { options: SessionOptions; breakOn: string[] }, DebugView>('debugView'),
  /** The steps behind one line's CodeLens. */
  codeLensSteps: request<SessionParams & { options: SessionOptions; path: string; line: number }, string[]>('codeLensSteps'),
  /** The Cost view's report and safety section for a session, built in the worker: the view's DTOs cross, not the steps. */
  costReport: request<CostParams, SessionCost>('costReport'),
  /** The steps behind a row or finding of that report (its ids stay in the worker until one is clicked). */
  costSteps: request<CostParams & { ref: CostStepsRef }, string[]>('costSteps'),
  /** A session through the agent model (normalised, priced steps), built in the worker; `located`: each with its source. */
  sessionSteps: request<SessionParams & { options: SessionOptions; located?: boolean }, AgentStep[]>('sessionSteps'),
  renameSession: request<SessionParams & { name: string }, boolean>('renameSession'),
  deleteSession: request<SessionParams, boolean>('deleteSession'),
  clear: request<object, void>('clear'),
  /** `folder`: the folder of the program it runs (its tools are likely there: a name two files define goes to that one). */
  launchStarted: request<SessionParams & { name: string; folder?: string }, void>('launchStarted'),
  /** After every span received so far is stored. */
  launchEnded: request<SessionParams, void>('launchEnded'),
  /** Resolves once every span answered 200 so far is in the store. */
  flush: request<object, void>('flush'),
  /** Stops the receiver and the gateway, then stores every span answered 200: before the worker ends. */
  drain: request<object, void>('drain'),
  /** A trace request made on the host (the LLM gateway's steps), through the same ingest queue. */
  ingestTraces: request<{ request: TraceRequest }, SinkVerdict>('ingestTraces'),
  /** Reads a session file in the worker; progress as `progress` notifications with this id; cancellable. */
  importFile: request<{ file: string; progressId?: number }, ImportResult & { format: string }>('importFile'),
  /** Writes a session file in the worker; `assetsRoot`: the extension folder (HTML reports). */
  exportSession: request<SessionParams & { file: string; format: SessionExportFormat; options: SessionOptions; assetsRoot?: string }, SessionExportResult>('exportSession'),
  /** The cassette kept with a session (its JSON text), if any. */
  storedCassette: request<SessionParams, string | undefined>('storedCassette'),
  putCassette: request<SessionParams & { text: string }, void>('putCassette'),
  /** A cassette rebuilt from a session's spans (a run the gateway did not record). */
  sessionCassette: request<SessionParams & { options: SessionOptions }, Cassette>('sessionCassette'),
  forwardSession: request<SessionParams & { target: ForwardTarget; progressId?: number }, { spans: number; logRecordsNotSent: number }>('forwardSession'),
  /** A graph panel's first snapshot (a new feed `feed`, built in the worker); undefined: no such session. */
  graphSnapshot: request<GraphFeedParams & SessionParams & { options: SessionOptions }, GraphFeedAnswer | undefined>('graphSnapshot'),
  /** What changed since the feed's last answer (undefined: nothing); a snapshot when the worker lost the feed. */
  graphDelta: request<GraphFeedParams & SessionParams & { options: SessionOptions }, GraphFeedAnswer | undefined>('graphDelta'),
  /** The inspector's detail of one step of what the feed last sent, with the step (located in the workspace). */
  graphStepDetail: request<GraphFeedParams & StepNamed & { cursor: number }, (GraphStepAnswer & { detail: StepDetailDto }) | undefined>('graphStepDetail'),
  /** Step summaries of feed indices [from, to) (at most MAX_WINDOW). */
  graphWindow: request<GraphFeedParams & { from: number; to: number }, StepSummaryDto[] | undefined>('graphWindow'),
  graphSearch: request<GraphFeedParams & { query: string }, { ids: string[]; indices: number[]; total: number } | undefined>('graphSearch'),
  /** The feed indices of steps by span id (what a webview sent no ids is told); unknown ids are left out. */
  graphIndices: request<GraphFeedParams & { ids: string[] }, number[]>('graphIndices'),
  /** One step of a session (as the feed shows it, if any), located in the workspace: what the editor and commands act on. */
  graphStep: request<Partial<GraphFeedParams> & SessionParams & StepNamed & { options: SessionOptions }, GraphStepAnswer | undefined>('graphStep'),
  graphClose: request<GraphFeedParams, void>('graphClose'),
};

/** A step by span id, or ('' id) by its feed index: a webview sent no ids names steps by index. */
interface StepNamed {
  id: string;
  index?: number;
}

interface GraphFeedParams {
  /** The panel's feed: its step indices, as the webview was sent them. */
  feed: string;
}

/** A packed graph snapshot or delta as JSON text (the host relays it unread); `steps`: the session's steps. */
export type GraphFeedAnswer =
  | { kind: 'snapshot'; json: PackedJson<PackedSnapshotDto>; steps: number }
  | { kind: 'delta'; json: PackedJson<PackedDeltaDto>; steps: number };

export interface GraphStepAnswer {
  step: AgentStep;
  /** The span behind it (exception stacks, source by stack trace). */
  input?: SpanInput;
  /** Its order among the session's LLM calls, from 1 (0: not an LLM call). */
  llmOrdinal: number;
}

/** For tests only, and served by the engine worker alone (the in-process engine has no thread of its own to end). */
export const EngineTestRequests = {
  /** Ends the worker as a crash in it would (process.exit on its thread): tests of the host's restart. */
  exitWorker: new RequestType<{ code: number }, void, void>('engine/test/exitWorker'),
  /** The worker's heap limit in bytes (V8's heap_size_limit on its thread). */
  heapLimit: new RequestType<Record<string, never>, number, void>('engine/test/heapLimit'),
  /** The model's heap budget (modelBudget.ts) as given, {} for its own: a small session can be "too large" in a test. */
  modelBudget: new RequestType<ModelBudgetForTest, void, void>('engine/test/modelBudget'),
};

export interface ModelBudgetForTest {
  share?: number;
  every?: number;
}

export const EngineNotifications = {
  /** Worker -> host, coalesced; also sent before the answer to any request that changed the store. */
  sessionsChanged: new NotificationType<SessionsChanged>('engine/sessionsChanged'),
  /** Worker -> host: a long request's progress. */
  progress: new NotificationType<ProgressParams>('engine/progress'),
};

type Requests = typeof EngineRequests;
export type EngineMethod = keyof Requests;
export type ParamsOf<M extends EngineMethod> = Requests[M] extends RequestType<infer P, unknown, void> ? P : never;
export type ResultOf<M extends EngineMethod> = Requests[M] extends RequestType<unknown, infer R, void> ? R : never;
