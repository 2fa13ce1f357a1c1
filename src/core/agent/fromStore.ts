// The agent model's input read back from the store: a session's spans, with each span's log records
// joined by trace and span id (GenAI content often arrives as logs).
import type { LogRecord } from '../otlp/model';
import type { SpanStore } from '../store/spanStore';
import type { StoredSpan } from '../store/types';
import type { InputOrder } from './livePlaces';
import type { PricingOptions } from '../pricing/price';
import { buildSessionOfSteps, type AgentSession } from './index';
import { normaliseSpan } from './normalise';
import type { AgentStep, SpanInput } from './types';
import { lowerBound } from '../lowerBound';
import type { TimeSlices } from '../timeSlices';

const PAGE = 5000;

/** `check`: called once per span read (the engine's heap budget: it may throw, and the read stops); so in readSessionSteps. */
export function readSession(store: SpanStore, sessionId: string, check?: () => void): SpanInput[] {
  // All spans in one query: every page of spans would sort the whole session's (start, id) keys again.
  // Attributes as plain values: the model reads them so, and their OTLP objects were a fifth of its allocations.
  return store.mapSpansOfSession(sessionId, inputMaker(store, sessionId, check));
}

/**
 * normaliseSpan of each of readSession's inputs, in its order, each made as its span is read: the spans die
 * young (a fresh build of 100k agent spans: read and normalise ~1.3 s instead of ~1.8). For a whole build;
 * a live model that re-normalises the traces that grow keeps readSession's inputs instead.
 */
export function readSessionSteps(store: SpanStore, sessionId: string, check?: () => void): AgentStep[] {
  const input = inputMaker(store, sessionId, check);
  return store.mapSpansOfSession(sessionId, (span) => normaliseSpan(input(span)));
}

/**
 * readSession a few runs at a time, the event loop served whenever `slices` says (the engine worker's
 * receiver answers meanwhile): the session as it was when the read began, and its span count then;
 * undefined when a span of it was removed or moved meanwhile (read it again).
 */
export async function readSessionSliced(store: SpanStore, sessionId: string, slices: TimeSlices, check?: () => void): Promise<{ inputs: SpanInput[]; spanCount: number } | undefined> {
  const input = inputMaker(store, sessionId, check);
  const read = store.sessionSlices(sessionId, input);
  if (!read) return { inputs: [], spanCount: 0 };
  while (read.read(1024)) if (slices.due()) await slices.pause();
  return read.unchanged() ? { inputs: read.ordered(), spanCount: read.count } : undefined;
}

/** The agent model of a session in the store, built whole (readSession + buildSession, its spans dying young). */
export function buildStoredSession(store: SpanStore, sessionId: string, options: { pricing?: PricingOptions } = {}, check?: () => void): AgentSession {
  return buildSessionOfSteps(readSessionSteps(store, sessionId, check), options);
}

/** A span of the session -> its input, with its log records joined; `check` called first (see readSession). */
function inputMaker(store: SpanStore, sessionId: string, check?: () => void): (span: StoredSpan) => SpanInput {
  const logs = new Map<string, LogRecord[]>();
  for (let offset = 0; ; offset += PAGE) {
    const page = store.logsOfSession(sessionId, { offset, limit: PAGE });
    for (const r of page) {
      if (!r.spanId) continue;
      const key = `${r.traceId}/${r.spanId}`;
      const list = logs.get(key);
      if (list) list.push(r);
      else logs.set(key, [r]);
    }
    if (page.length < PAGE) break;
  }
  // Most sessions have no log records: no key to build per span then.
  const make = logs.size === 0 ? (span: StoredSpan) => inputOf(span, undefined) : (span: StoredSpan) => inputOf(span, logs.get(`${span.traceId}/${span.spanId}`));
  return check ? (span) => (check(), make(span)) : make;
}

/**
 * `before` (readSession's answer for the session earlier) with the spans stored since, when the session
 * only grew: its spans, all of them still there, plus `spanCount - before.length` newer ones, and no new
 * log record (logs join old spans). undefined otherwise (a trace moved in or out, a trim): read it whole.
 */
export function readSessionGrowth(store: SpanStore, sessionId: string, before: readonly SpanInput[], spanCount: number): SpanInput[] | undefined {
  const added = readSessionAdded(store, sessionId, before, spanCount);
  return added && mergeInputs(before, added);
}

/**
 * Just the spans readSessionGrowth would add to `before`, in readSession's order (undefined: read it whole).
 * `seq`: the newest span's in `before` (lastSeq), when the caller kept it (a live session's inputs are many).
 */
export function readSessionAdded(store: SpanStore, sessionId: string, before: readonly SpanInput[], spanCount: number, seq = lastSeq(before)): SpanInput[] | undefined {
  const added = store.spansOfSessionAfter(sessionId, seq, before.length, true);
  if (!added || before.length + added.length !== spanCount) return undefined;
  return added.map((span) => inputOf(span, undefined)).sort(byPlace);
}

/** `added` (a few, in readSession's order) put into `inputs` (many, in that order) where they belong: binary search, one copy. */
export function mergeInputs(inputs: readonly SpanInput[], added: readonly SpanInput[]): SpanInput[] {
  const out = new Array<SpanInput>(inputs.length + added.length);
  let k = 0;
  let from = 0;
  for (const input of added) {
    const lo = lowerBound(inputs.length, (i) => byPlace(inputs[i], input) < 0, from);
    while (from < lo) out[k++] = inputs[from++];
    out[k++] = input;
  }
  while (from < inputs.length) out[k++] = inputs[from++];
  return out;
}

/** The newest span's ingest order among readSession's inputs (0 for none). */
export function lastSeq(inputs: readonly SpanInput[]): number {
  let seq = 0;
  for (const input of inputs) seq = Math.max(seq, stored(input).seq);
  return seq;
}

/** An input's place in readSession's order (its inputs hold StoredSpans). */
export function placeOf(input: SpanInput): InputOrder {
  return stored(input);
}

const stored = (input: SpanInput) => input.span as StoredSpan;
// readSession's order: start, then ingest order.
const byPlace = (a: SpanInput, b: SpanInput) => stored(a).startMs - stored(b).startMs || stored(a).seq - stored(b).seq;

function inputOf(span: StoredSpan, logs: LogRecord[] | undefined): SpanInput {
  return logs ? { span, resource: span.resource, scope: span.scope, logs } : { span, resource: span.resource, scope: span.scope };
}

