// The steps as the graph webview keeps them: one typed column per field, not one object per step. A 100k-step
// session's rows cost the first paint ~150 ms of allocation and scavenges as objects; as columns they are a
// few arrays, and every loop over them (sums, folds, stepping) reads numbers. A row object is made only for
// the few steps a view shows (rowAt). Pure: no vscode, node or DOM.
import type { IndexedStepDto, StepKindDto, StepRowDto, StepStatusDto } from './graph';

export const STEP_KINDS: readonly StepKindDto[] = ['agent', 'llm', 'tool', 'retrieval', 'embedding', 'chain', 'guardrail', 'other'];
/** Unset first: most spans' status, and the cheapest code on the wire (StepColumnsDto.shape). */
export const STEP_STATUSES: readonly StepStatusDto[] = ['unset', 'ok', 'error'];
export const KIND_LLM = 1;
export const KIND_TOOL = 2;
export const KIND_OTHER = 7;
export const STATUS_UNSET = 0;
export const STATUS_ERROR = 2;
export const PRICE_MISSING = 1;
export const AGGREGATE = 2;
export const HAS_SOURCE = 4;

export interface StepTable {
  length: number;
  /** Span ids; '' each when the snapshot carried none. */
  id: string[];
  /** Parent step index, -1 for a root (or a parent not received yet). */
  parent: Int32Array;
  /** Index into STEP_KINDS / STEP_STATUSES. */
  kind: Uint8Array;
  status: Uint8Array;
  /** Index into `labels`. */
  label: Int32Array;
  labels: string[];
  /** ms from the session start. */
  start: Float64Array;
  end: Float64Array;
  /** NaN: not reported. */
  inputTokens: Float64Array;
  outputTokens: Float64Array;
  costUsd: Float64Array;
  /** PRICE_MISSING | AGGREGATE | HAS_SOURCE. */
  flags: Uint8Array;
}

export function emptyTable(n: number, labels: string[] = []): StepTable {
  return {
    length: n, id: new Array<string>(n).fill(''), parent: new Int32Array(n).fill(-1), kind: new Uint8Array(n).fill(KIND_OTHER), status: new Uint8Array(n).fill(STATUS_UNSET),
    label: new Int32Array(n).fill(-1), labels, start: new Float64Array(n), end: new Float64Array(n),
    inputTokens: new Float64Array(n).fill(NaN), outputTokens: new Float64Array(n).fill(NaN), costUsd: new Float64Array(n).fill(NaN), flags: new Uint8Array(n),
  };
}

const optional = (v: number) => (Number.isNaN(v) ? undefined : v);

/** Step i as a row, every field present (undefined when absent) in one order: rows of one shape. */
export function rowAt(t: StepTable, i: number): StepRowDto {
  const flags = t.flags[i];
  return {
    id: t.id[i] ?? '', parent: t.parent[i] ?? -1, kind: STEP_KINDS[t.kind[i]] ?? 'other', status: STEP_STATUSES[t.status[i]] ?? 'unset', label: t.labels[t.label[i]] ?? '',
    start: t.start[i] ?? 0, end: t.end[i] ?? 0, inputTokens: optional(t.inputTokens[i]), outputTokens: optional(t.outputTokens[i]), costUsd: optional(t.costUsd[i]),
    priceMissing: flags & PRICE_MISSING ? true : undefined, aggregate: flags & AGGREGATE ? true : undefined, hasSource: flags & HAS_SOURCE ? true : undefined,
  };
}

export function tableRows(t: StepTable): StepRowDto[] {
  return Array.from({ length: t.length }, (_, i) => rowAt(t, i));
}

/** A row's kind, status and flags as the table's codes (an unknown kind: other; status: unset). */
export function rowCodes(r: Pick<StepRowDto, 'kind' | 'status' | 'priceMissing' | 'aggregate' | 'hasSource'>): { kind: number; status: number; flags: number } {
  const kind = STEP_KINDS.indexOf(r.kind), status = STEP_STATUSES.indexOf(r.status);
  return {
    kind: kind >= 0 ? kind : KIND_OTHER,
    status: status >= 0 ? status : STATUS_UNSET,
    flags: (r.priceMissing === true ? PRICE_MISSING : 0) | (r.aggregate === true ? AGGREGATE : 0) | (r.hasSource === true ? HAS_SOURCE : 0),
  };
}

const finite = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const reported = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);

/**
 * The table with rows from the wire written in (a delta): a row at an index below the length replaces it, at
 * the length appends; undefined when a row would leave a gap. Values are checked as the unpacker checks them.
 */
export function withRows(t: StepTable, rows: readonly IndexedStepDto[]): StepTable | undefined {
  let n = t.length;
  for (const r of rows) {
    if (!Number.isInteger(r.index) || r.index < 0 || r.index > n) return undefined;
    if (r.index === n) n++;
  }
  const out = emptyTable(n, t.labels.slice());
  for (let i = 0; i < t.length; i++) out.id[i] = t.id[i];
  for (const k of ['parent', 'kind', 'status', 'label', 'start', 'end', 'inputTokens', 'outputTokens', 'costUsd', 'flags'] as const) out[k].set(t[k] as never);
  const labelIndex = new Map<string, number>();
  out.labels.forEach((l, i) => labelIndex.has(l) || labelIndex.set(l, i));
  for (const r of rows) {
    const i = r.index;
    const label = typeof r.label === 'string' ? r.label : '';
    let at = labelIndex.get(label);
    if (at === undefined) labelIndex.set(label, (at = out.labels.push(label) - 1));
    out.id[i] = typeof r.id === 'string' ? r.id : '';
    out.parent[i] = Number.isInteger(r.parent) && r.parent >= 0 && r.parent < n ? r.parent : -1;
    const codes = rowCodes(r);
    out.kind[i] = codes.kind;
    out.status[i] = codes.status;
    out.flags[i] = codes.flags;
    out.label[i] = at;
    out.start[i] = finite(r.start);
    out.end[i] = finite(r.end);
    out.inputTokens[i] = reported(r.inputTokens);
    out.outputTokens[i] = reported(r.outputTokens);
    out.costUsd[i] = reported(r.costUsd);
  }
  return out;
}
