// Per-item checks after decoding: an item with an unusable id is dropped (and counted for the OTLP
// partial_success answer) instead of failing the whole request, as the spec's partial success intends.
import type { LogsRequest, Span, SpanLink, TraceRequest } from './model';

export interface Rejections {
  /** Items dropped. */
  rejected: number;
  /** Up to MAX_REASONS human-readable examples (English, for partial_success.error_message). */
  reasons: string[];
}

export interface ValidatedTraces extends Rejections {
  request: TraceRequest;
  /** Spans kept. */
  accepted: number;
}

export interface ValidatedLogs extends Rejections {
  request: LogsRequest;
  /** Log records kept. */
  accepted: number;
}

const MAX_REASONS = 5;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

export interface ValidateOptions {
  /**
   * The ids are known to be lowercase hex (the protobuf decoder makes them from bytes), so only size
   * and zero need checking; the character check is a large share of validation time.
   */
  idsAreHex?: boolean;
}

/** Why an id is unusable, or undefined when it is a proper non-zero id of the right size. */
function idProblem(name: string, id: string, bytes: 16 | 8, hexKnown: boolean): string | undefined {
  if (bytes === 16) {
    if (id.length === 32 && id !== ZERO_TRACE_ID && (hexKnown || TRACE_ID.test(id))) return undefined;
  } else if (id.length === 16 && id !== ZERO_SPAN_ID && (hexKnown || SPAN_ID.test(id))) return undefined;
  if (id === '') return `${name} is missing`;
  if (id === (bytes === 16 ? ZERO_TRACE_ID : ZERO_SPAN_ID)) return `${name} is all zeros`;
  const shown = id.length > 40 ? `${id.slice(0, 40)}...` : id;
  return `${name} "${shown}" is not ${bytes} bytes of hex`;
}

function spanProblem(span: Span, hex: boolean): string | undefined {
  const problem = idProblem('traceId', span.traceId, 16, hex) ?? idProblem('spanId', span.spanId, 8, hex);
  if (problem) return problem;
  if (span.parentSpanId !== '') {
    // Some exporters send a zero parent for roots; that means "no parent".
    if (span.parentSpanId === ZERO_SPAN_ID) span.parentSpanId = '';
    else return idProblem('parentSpanId', span.parentSpanId, 8, hex);
  }
  return undefined;
}

function linkOk(link: SpanLink): boolean {
  return idProblem('', link.traceId, 16, false) === undefined && idProblem('', link.spanId, 8, false) === undefined;
}

/** A link to an unusable id cannot be followed; drop it and count it as dropped. */
function dropBadLinks(span: Span): void {
  if (span.links.every(linkOk)) return;
  const kept = span.links.filter(linkOk);
  span.droppedLinksCount += span.links.length - kept.length;
  span.links = kept;
}

/**
 * Drops spans with unusable ids (filtering the decoded request in place) and links with unusable ids
 * (counted in droppedLinksCount). Also normalises an all-zero parentSpanId to '' (a root).
 */
export function validateTraceRequest(request: TraceRequest, options: ValidateOptions = {}): ValidatedTraces {
  const hex = options.idsAreHex === true;
  let accepted = 0;
  let rejected = 0;
  const reasons: string[] = [];
  const resources = request.resourceSpans;
  for (let ri = 0; ri < resources.length; ri++) {
    const scopes = resources[ri].scopeSpans;
    for (let si = 0; si < scopes.length; si++) {
      const ss = scopes[si];
      let bad: boolean[] | undefined;
      for (let i = 0; i < ss.spans.length; i++) {
        const span = ss.spans[i];
        const problem = spanProblem(span, hex);
        if (problem) {
          (bad ??= [])[i] = true;
          rejected++;
          if (reasons.length < MAX_REASONS) {
            reasons.push(`span ${JSON.stringify(span.name.slice(0, 60))} (#${i} of scope #${si} of resource #${ri}): ${problem}`);
          }
          continue;
        }
        accepted++;
        if (span.links.length) dropBadLinks(span);
      }
      if (bad) ss.spans = ss.spans.filter((_, i) => !bad[i]);
    }
  }
  return { request, accepted, rejected, reasons };
}

/**
 * Drops log records whose trace or span id is present but unusable (filtering in place). Both ids may
 * be empty (a log outside any trace); all-zero ids mean the same and are normalised to ''.
 */
export function validateLogsRequest(request: LogsRequest, options: ValidateOptions = {}): ValidatedLogs {
  const hex = options.idsAreHex === true;
  let accepted = 0;
  let rejected = 0;
  const reasons: string[] = [];
  const resources = request.resourceLogs;
  for (let ri = 0; ri < resources.length; ri++) {
    const scopes = resources[ri].scopeLogs;
    for (let si = 0; si < scopes.length; si++) {
      const sl = scopes[si];
      let bad: boolean[] | undefined;
      for (let i = 0; i < sl.logRecords.length; i++) {
        const log = sl.logRecords[i];
        if (log.traceId === ZERO_TRACE_ID) log.traceId = '';
        if (log.spanId === ZERO_SPAN_ID) log.spanId = '';
        const problem =
          (log.traceId !== '' ? idProblem('traceId', log.traceId, 16, hex) : undefined) ??
          (log.spanId !== '' ? idProblem('spanId', log.spanId, 8, hex) : undefined);
        if (!problem) {
          accepted++;
          continue;
        }
        (bad ??= [])[i] = true;
        rejected++;
        if (reasons.length < MAX_REASONS) reasons.push(`log record #${i} of scope #${si} of resource #${ri}: ${problem}`);
      }
      if (bad) sl.logRecords = sl.logRecords.filter((_, i) => !bad[i]);
    }
  }
  return { request, accepted, rejected, reasons };
}

/** The partial_success error_message for a validation result ('' when nothing was rejected). */
export function rejectionMessage(result: Rejections, noun: 'span' | 'log record'): string {
  if (result.rejected === 0) return '';
  const head = `${result.rejected} ${noun}${result.rejected === 1 ? '' : 's'} rejected`;
  const more = result.rejected > result.reasons.length ? ` (first ${result.reasons.length} shown)` : '';
  return `${head}${more}: ${result.reasons.join('; ')}`;
}
