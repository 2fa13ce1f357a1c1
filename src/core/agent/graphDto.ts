// An AgentSession -> the graph webview's JSON-safe DTOs (src/protocol/graph.ts). A GraphFeed per panel keeps
// step indices stable across live updates (new steps append, changed ones are replaced), so a delta never
// moves what the webview shows; times are ms from the origin of the feed's last snapshot.
import type {
  ConversationDto, EdgeDto, FindingDto, GraphDeltaDto, GraphSnapshotDto, IndexedStepDto,
  SessionDto, StepDetailDto, StepRowDto, StepSummaryDto, TimelineDto, TotalsDto,
} from '../../protocol/graph';
import { ID_FREE_FROM, MAX_WINDOW, type PackedDeltaDto, type PackedSnapshotDto } from '../../protocol/graph';
import { packDelta, packingSnapshot, splitEdges, splittingEdges } from '../../protocol/graphPacking';
import { findSafety } from '../safety/findSafety';
import type { SafetyFinding } from '../safety/types';
import { asText, assignDefined, attributesOf, capText, cumulativeOf, definedOnly, jsonText, messageDto, stackOf, withSource } from './detailText';
import { keptEdges, keptEvents, labelsBefore, type SentBase } from './deltaKeep';
import type { AgentSession } from './index';
import { labelOf } from './graph';
import { loopPlaces } from './loops';
import { stepIndexById } from './stepIndex';
import { totalsDto } from './rollups';
import { stateAt, stepPhaseAt, type Timeline } from './timeline';
import { parentIndices, stepKey } from './tree';
import type { AgentStep, SpanInput } from './types';
import { runWhole, yieldsAt } from '../../protocol/work';

export interface GraphSessionInfo {
  id: string;
  name: string;
  /** Spans may still arrive. */
  live?: boolean;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** What the caller may have derived from the session already (else it is derived here). */
export interface FeedInputs {
  /** The steps' parent indices. */
  parents?: Int32Array;
  /** findSafety(steps, {}) of the session: the badges the graph shows. */
  safety?: readonly SafetyFinding[];
}

export class GraphFeed {
  private windowIndex: { session: AgentSession; byIndex: Map<number, number> } | undefined;
  private idIndex: { version: number; byId: Map<string, number> } | undefined;
  /** Per feed index: its step's trace and span id (a step's key: stepKey). */
  private traceIds: string[] = [];
  private spanIds: string[] = [];
  /**
   * Step key -> feed index, made on first need: a snapshot's indices are its positions, so opening a session
   * needs none (at 1M steps the keys, their map, a map of ids and a WeakMap of steps were ~4 s of 8).
   */
  private byKey: Map<string, number> | undefined;
  /** The steps the last indices were given for, and those indices: a live model keeps most steps where they were. */
  private lastSteps: readonly AgentStep[] = [];
  private lastPerm = new Int32Array(0);
  /** Per index: the row as last sent (a delta sends the rows that differ). */
  private sentRows: StepRowDto[] = [];
  private origin = 0;
  private version = 0;
  /** The session info last sent, as JSON. */
  private sentSession = '';
  /** The session object last sent: asked again for the same one (another session changed), nothing changed. */
  private sentFrom: AgentSession | undefined;
  /** What the panel holds of the version last sent packed: a packed delta on top of it sends only what follows. */
  private base: SentBase | undefined;
  /** The timeline last made into its DTO, the feed indices and origin then, and how many events it kept of the one before. */
  private madeTimeline: { timeline: Timeline; perm: Int32Array; origin: number; dto: TimelineDto; keptFrom?: { dto: TimelineDto; events: number } } | undefined;

  /** `reuseTimeline`: false to make every timeline DTO whole (tests compare the two). */
  constructor(private info: GraphSessionInfo, private readonly reuseTimeline = true) {}

  setInfo(info: GraphSessionInfo): void {
    this.info = info;
  }

  /** A full snapshot (answer to `ready`, or after the view was hidden). Resets the index mapping. */
  snapshot(session: AgentSession, given: FeedInputs = {}): GraphSnapshotDto {
    return runWhole(this.snapshotWork(session, given));
  }

  /** snapshot's work, yielding every few thousand rows or events (1M steps: seconds). */
  private *snapshotWork(session: AgentSession, given: FeedInputs): Generator<void, GraphSnapshotDto> {
    const parents = given.parents ?? parentIndices(session.steps);
    this.traceIds = session.steps.map((s) => s.traceId);
    this.spanIds = session.steps.map((s) => s.id);
    this.byKey = undefined;
    this.origin = session.steps.length > 0 ? session.totals.startMs : 0;
    const perm = Int32Array.from(session.steps, (_, i) => i);
    this.lastSteps = session.steps;
    this.lastPerm = perm;
    yield;
    const steps = new Array<StepRowDto>(session.steps.length);
    for (let i = 0; i < steps.length; i++) {
      steps[i] = this.row(session, perm, parents, i);
      if (yieldsAt(i)) yield;
    }
    this.sentRows = steps.slice();
    const info = this.sessionDto();
    this.sentSession = JSON.stringify(info);
    this.sentFrom = session;
    const version = ++this.version;
    return { version, session: info, steps, ...(yield* this.sharedWork(session, perm, given.safety)) };
  }

  /** New and changed steps since the last snapshot or delta; undefined when nothing changed. */
  delta(session: AgentSession, given: FeedInputs = {}): GraphDeltaDto | undefined {
    if (session === this.sentFrom && JSON.stringify(this.sessionDto()) === this.sentSession) return undefined;
    this.sentFrom = session;
    const perm = this.permutation(session);
    const parents = given.parents ?? parentIndices(session.steps);
    const changed: IndexedStepDto[] = [];
    const byIndex = new Int32Array(this.traceIds.length).fill(-1);
    perm.forEach((index, position) => (byIndex[index] = position));
    byIndex.forEach((position, index) => {
      if (position < 0) return;
      const sent = this.sentRows[index];
      const p = parents[position];
      if (sent !== undefined && this.unchanged(session.steps[position], p >= 0 ? perm[p] : -1, sent)) return;
      const row = this.row(session, perm, parents, position);
      this.sentRows[index] = row;
      changed.push({ ...row, index });
    });
    // A session that stopped being live (or was renamed) is a change too: the panel's title says so.
    const info = this.sessionDto();
    const infoJson = JSON.stringify(info);
    if (changed.length === 0 && infoJson === this.sentSession) return undefined;
    this.sentSession = infoJson;
    const baseVersion = this.version;
    return { version: ++this.version, baseVersion, session: info, changed, ...runWhole(this.sharedWork(session, perm, given.safety)) };
  }

  /** The span id of the step at a feed index (a webview sent no ids names steps by index). */
  idAt(index: number): string | undefined {
    return Number.isInteger(index) ? this.sentRows[index]?.id : undefined;
  }

  /** The feed indices of steps by span id (the first step with each id); unknown ids are left out. */
  indicesOf(ids: readonly string[]): number[] {
    if (this.idIndex?.version !== this.version) {
      const byId = new Map<string, number>();
      this.sentRows.forEach((r, i) => byId.has(r.id) || byId.set(r.id, i));
      this.idIndex = { version: this.version, byId };
    }
    const byId = this.idIndex.byId;
    return ids.map((id) => byId.get(id)).filter((i): i is number => i !== undefined);
  }

  /** snapshot() as the webview is sent it: columns, a fraction of the JSON. */
  packedSnapshot(session: AgentSession, given?: FeedInputs): PackedSnapshotDto {
    return runWhole(this.packingSnapshot(session, given));
  }

  /** packedSnapshot's work, yielding between its passes and every few thousand rows or events (timeSlices.ts). */
  *packingSnapshot(session: AgentSession, given: FeedInputs = {}): Generator<void, PackedSnapshotDto> {
    const snapshot = yield* this.snapshotWork(session, given);
    yield;
    const edges = yield* splittingEdges(snapshot.edges, snapshot.steps, snapshot.timeline);
    this.base = { version: snapshot.version, timeline: snapshot.timeline, edges };
    yield;
    return yield* packingSnapshot(snapshot, snapshot.steps.length < ID_FREE_FROM, edges);
  }

  /** delta() as the webview is sent it: of the timeline and edges, what follows those the panel has already. */
  packedDelta(session: AgentSession, given?: FeedInputs): PackedDeltaDto | undefined {
    const delta = this.delta(session, given);
    if (!delta) return undefined;
    const edges = splitEdges(delta.edges, this.sentRows, delta.timeline);
    const base = this.base?.version === delta.baseVersion ? this.base : undefined;
    // Events the timeline DTO copied from the one the panel holds are the same: compared from there on.
    const known = this.madeTimeline?.keptFrom?.dto === base?.timeline ? this.madeTimeline!.keptFrom!.events : 0;
    const keep = base && { events: keptEvents(base.timeline, delta.timeline, known), edges: keptEdges(base.edges, edges) };
    this.base = { version: delta.version, timeline: delta.timeline, edges };
    return packDelta(delta, this.sentRows, keep, edges);
  }

  /** The inspector's view of one step at a cursor (an index into the timeline the webview was sent). */
  stepDetail(session: AgentSession, id: string, cursor: number, raw?: SpanInput): StepDetailDto | undefined {
    const position = positionOf(session, id);
    if (position === undefined) return undefined;
    const s = session.steps[position];
    const t = session.timeline;
    const state = stateAt(t, session.steps, cursor);
    const at = state?.cursor ?? 0;
    const cut = { truncated: false };
    const detail: StepDetailDto = {
      id: s.id, index: this.indexAt(session, position), traceId: s.traceId, kind: s.kind, status: s.status,
      phase: t.length > 0 ? stepPhaseAt(t, session.steps, position, at) : 'pending',
      name: s.name, label: labelOf(s), start: this.rel(s.startMs), end: this.rel(s.endMs), durationMs: round(s.durationMs),
      cumulative: cumulativeOf(state, this.origin),
      events: (s.events ?? []).map((e) => ({ time: this.rel(e.timeMs), name: e.name, source: e.source })),
      attributes: attributesOf(s, cut),
    };
    assignDefined(detail, { model: s.model, provider: s.provider, operation: s.operation, agentName: s.agentName, retries: s.retries });
    const usage = definedOnly({
      inputTokens: s.inputTokens, outputTokens: s.outputTokens, cacheReadTokens: s.cacheReadTokens, cacheWriteTokens: s.cacheWriteTokens,
      reasoningTokens: s.reasoningTokens, costUsd: s.costUsd, priceMissing: s.priceMissing, costSource: s.costSource, aggregate: s.aggregate,
    });
    if (Object.keys(usage).length > 0) detail.usage = usage;
    if (s.kind === 'tool' || s.toolName !== undefined || s.toolCallId !== undefined) {
      // Time travel: the result exists only once the call has returned at the cursor.
      const returned = detail.phase === 'done' || detail.phase === 'failed';
      detail.tool = definedOnly({ name: s.toolName, callId: s.toolCallId, args: jsonText(s.toolArgs, cut), result: returned ? jsonText(s.toolResult, cut) : undefined });
    }
    const llm = s.kind === 'llm' ? position : (state?.conversationStep ?? -1);
    if (llm >= 0) detail.conversation = this.conversation(session, llm, at, cut);
    if (s.error !== undefined) detail.error = definedOnly({ message: s.error, stack: stackOf(s, raw) });
    withSource(detail, s);
    if (cut.truncated) detail.truncated = true;
    return detail;
  }

  /** Names and a little more for steps [from, to) of this feed's indices (at most MAX_WINDOW). */
  window(session: AgentSession, from: number, to: number): StepSummaryDto[] {
    const byIndex = this.positionsByIndex(session);
    const out: StepSummaryDto[] = [];
    const end = Math.min(to, from + MAX_WINDOW, this.traceIds.length);
    for (let index = Math.max(0, from); index < end; index++) {
      const position = byIndex.get(index);
      if (position === undefined) continue;
      const s = session.steps[position];
      out.push(definedOnly({ index, id: s.id, name: s.name, model: s.model, toolName: s.toolName, agentName: s.agentName, error: s.error }) as StepSummaryDto);
    }
    return out;
  }

  /** Feed index -> position in session.steps, built once per session object (a report asks for every window). */
  private positionsByIndex(session: AgentSession): Map<number, number> {
    if (this.windowIndex?.session !== session) {
      const byIndex = new Map<number, number>();
      this.permutation(session).forEach((index, position) => byIndex.set(index, position));
      this.windowIndex = { session, byIndex };
    }
    return this.windowIndex.byIndex;
  }

  /** Session position -> feed index; steps never seen get the next free indices (in session order). */
  private permutation(session: AgentSession): Int32Array {
    const steps = session.steps;
    const last = this.lastSteps;
    const lastPerm = this.lastPerm;
    const perm = new Int32Array(steps.length);
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      if (last[i] === s) {
        perm[i] = lastPerm[i]!;
        continue;
      }
      const byKey = this.keyIndex();
      const key = stepKey(s.traceId, s.id);
      let index = byKey.get(key);
      if (index === undefined) {
        index = this.traceIds.push(s.traceId) - 1;
        this.spanIds.push(s.id);
        byKey.set(key, index);
      }
      perm[i] = index;
    }
    this.lastSteps = steps;
    this.lastPerm = perm;
    return perm;
  }

  /** The feed index of the step at `position` of `session`. */
  private indexAt(session: AgentSession, position: number): number {
    const s = session.steps[position]!;
    if (this.lastSteps[position] === s) return this.lastPerm[position]!;
    return this.keyIndex().get(stepKey(s.traceId, s.id)) ?? position;
  }

  /** Step key -> feed index (the last index of a key given twice, as a map made in one go keeps it). */
  private keyIndex(): Map<string, number> {
    if (!this.byKey) {
      const byKey = new Map<string, number>();
      for (let i = 0; i < this.traceIds.length; i++) byKey.set(stepKey(this.traceIds[i]!, this.spanIds[i]!), i);
      this.byKey = byKey;
    }
    return this.byKey;
  }

  private rel(epochMs: number): number {
    return round(epochMs - this.origin);
  }

  private sessionDto(): SessionDto {
    return { id: this.info.id, name: this.info.name, startEpochMs: this.origin, live: this.info.live ?? false };
  }

  private row(session: AgentSession, perm: Int32Array, parents: Int32Array, position: number): StepRowDto {
    const s = session.steps[position];
    const p = parents[position];
    const row: StepRowDto = { id: s.id, parent: p >= 0 ? perm[p] : -1, kind: s.kind, status: s.status, label: labelOf(s), start: this.rel(s.startMs), end: this.rel(s.endMs) };
    // Assigned one by one (not deleted when undefined): 100k rows stay fast objects.
    if (s.inputTokens !== undefined) row.inputTokens = s.inputTokens;
    if (s.outputTokens !== undefined) row.outputTokens = s.outputTokens;
    if (s.costUsd !== undefined) row.costUsd = s.costUsd;
    if (s.priceMissing) row.priceMissing = true;
    if (s.aggregate) row.aggregate = true;
    if (s.source) row.hasSource = true;
    return row;
  }

  /** Whether row() of step `s` would be `r` (without making it: most rows of a delta are as they were sent). */
  private unchanged(s: AgentStep, parent: number, r: StepRowDto): boolean {
    return r.id === s.id && r.parent === parent && r.kind === s.kind && r.status === s.status && r.label === labelOf(s) && r.start === this.rel(s.startMs) && r.end === this.rel(s.endMs)
      && r.inputTokens === s.inputTokens && r.outputTokens === s.outputTokens && r.costUsd === s.costUsd
      && r.priceMissing === (s.priceMissing ? true : undefined) && r.aggregate === (s.aggregate ? true : undefined) && r.hasSource === (s.source ? true : undefined);
  }

  private *sharedWork(session: AgentSession, perm: Int32Array, safety: readonly SafetyFinding[] = findSafety(session.steps, {}, session.graph)): Generator<void, { edges: EdgeDto[]; timeline: TimelineDto; totals: TotalsDto; findings: FindingDto[] }> {
    // Findings name their steps by span id: those ids alone are looked for, in one pass (a map of every id
    // was ~45 ms of a 100k-step delta, and kept one cost more at each snapshot); each the first step given it now.
    const places = session.findings.map((f) => loopPlaces(f, session.steps));
    const named = new Set<string>();
    session.findings.forEach((f, k) => places[k] || f.stepIds.forEach((id) => named.add(id)));
    for (const f of safety) for (const id of f.path ?? [f.stepId]) named.add(id);
    const byId = firstIndicesOf(session.steps, perm, named);
    // Edges by where their steps are (two id lookups per edge were ~40 ms of a 100k-step delta).
    const edges: EdgeDto[] = [];
    const flow = session.graph.flowEdges;
    for (let k = 0; k < flow.length; k++) {
      const e = flow[k]!;
      const from = perm[e.fromAt]!;
      const to = perm[e.toAt]!;
      edges.push(e.label !== undefined ? [from, to, e.kind, e.label] : [from, to, e.kind]);
      if (yieldsAt(k)) yield;
    }
    const timeline = yield* this.timelineDto(session.timeline, perm);
    const findings: FindingDto[] = session.findings.map((f, k) => {
      const at = places[k];
      return { kind: f.kind, message: f.message, steps: at ? at.map((i) => perm[i]!) : f.stepIds.map((id) => byId.get(id) ?? -1).filter((i) => i >= 0) };
    });
    // Safety findings badge their steps; a taint finding's steps are its path, source first.
    for (const f of safety) findings.push({ kind: `safety:${f.kind}`, message: f.message, steps: (f.path ?? [f.stepId]).map((id) => byId.get(id) ?? -1).filter((i) => i >= 0) });
    return { edges, timeline, totals: totalsDto(session.totals), findings };
  }

  /**
   * The timeline as sent: of the one made last, the events whose time, type, label and feed index are the same
   * (a live model's timeline keeps its events before what changed: timelineUpdate.ts) are copied, the rest made.
   */
  private *timelineDto(t: Timeline, perm: Int32Array): Generator<void, TimelineDto> {
    const last = this.madeTimeline;
    let kept = 0;
    if (last && last.origin === this.origin && this.reuseTimeline) {
      const lt = last.timeline;
      const n = Math.min(t.length, lt.length);
      while (kept < n && t.timeMs[kept] === lt.timeMs[kept] && t.type[kept] === lt.type[kept] && t.label[kept] === lt.label[kept] && perm[t.step[kept]!] === last.perm[lt.step[kept]!]) kept++;
    }
    const labelsKept = kept > 0 ? labelsBefore(last!.dto.labels, kept) : 0;
    const timeline: TimelineDto = { step: kept > 0 ? last!.dto.step.slice(0, kept) : [], type: '', time: kept > 0 ? last!.dto.time.slice(0, kept) : [], labels: last?.dto.labels.slice(0, labelsKept) ?? [] };
    const types: string[] = [];
    for (let i = kept; i < t.length; i++) {
      timeline.step.push(perm[t.step[i]]);
      timeline.time.push(this.rel(t.timeMs[i]));
      types.push(t.type[i] === 'start' ? 's' : t.type[i] === 'end' ? 'e' : 'l');
      const label = t.label[i];
      if (label !== undefined) timeline.labels.push([i, label]);
      if (yieldsAt(i)) yield;
    }
    timeline.type = (kept > 0 ? last!.dto.type.slice(0, kept) : '') + types.join('');
    this.madeTimeline = { timeline: t, perm, origin: this.origin, dto: timeline, keptFrom: kept > 0 ? { dto: last!.dto, events: kept } : undefined };
    return timeline;
  }

  private conversation(session: AgentSession, llm: number, cursor: number, cut: { truncated: boolean }): ConversationDto {
    const s = session.steps[llm];
    const complete = session.timeline.length > 0 && session.timeline.endAt[llm] <= cursor;
    const messages = [...(s.inputMessages ?? []), ...(complete ? (s.outputMessages ?? []) : [])].map((m) => messageDto(m, cut));
    const dto: ConversationDto = { stepId: s.id, stepIndex: this.indexAt(session, llm), label: labelOf(s), complete, messages };
    const system = asText(s.systemPrompt);
    if (system !== undefined) dto.systemPrompt = capText(system, cut);
    return dto;
  }
}

/** Of `ids`, each one's feed index (`perm` of its first position in `steps`). */
function firstIndicesOf(steps: readonly AgentStep[], perm: Int32Array, ids: ReadonlySet<string>): Map<string, number> {
  const byId = new Map<string, number>();
  if (ids.size === 0) return byId;
  for (let i = 0; i < steps.length && byId.size < ids.size; i++) {
    const id = steps[i]!.id;
    if (ids.has(id) && !byId.has(id)) byId.set(id, perm[i]!);
  }
  return byId;
}

/** A step's position in session.steps by id. */
function positionOf(session: AgentSession, id: string): number | undefined {
  return stepIndexById(session.steps).get(id);
}

/** One-shot snapshot (tests, CLI): indices are the session's step order. */
export function graphSnapshot(session: AgentSession, info: GraphSessionInfo): GraphSnapshotDto {
  return new GraphFeed(info).snapshot(session);
}
