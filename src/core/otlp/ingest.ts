// Decode -> validate -> hand to the sink, shared by OTLP/HTTP and OTLP/gRPC so both answer alike.
import { decodeLogsRequestJson, decodeTraceRequestJson } from './jsonDecode';
import { OtlpDecodeError } from './errors';
import type { LogsRequest, TraceRequest } from './model';
import { decodeLogsRequest, decodeTraceRequest } from './protoDecode';
import type { OtlpFormat, PartialSuccess } from './responses';
import type { OffThreadTraces, OtlpSink, ReceiverStats } from './receiverTypes';
import { rejectionMessage, validateLogsRequest, validateTraceRequest } from './validate';

export type IngestSignal = 'traces' | 'logs';

export type IngestOutcome =
  | { kind: 'accepted'; partial?: PartialSuccess }
  | { kind: 'invalid'; message: string }
  | { kind: 'refused'; status: 429 | 503; retryAfterSeconds: number; reason: string };

/** Decodes a request body; OtlpDecodeError on malformed input (nothing else is expected to throw). */
export function decodeBody(signal: IngestSignal, format: OtlpFormat, body: Uint8Array): TraceRequest | LogsRequest {
  if (signal === 'traces') return format === 'protobuf' ? decodeTraceRequest(body) : decodeTraceRequestJson(body);
  return format === 'protobuf' ? decodeLogsRequest(body) : decodeLogsRequestJson(body);
}

/** Validates an already decoded request and offers it to the sink. Updates the counters. */
export function ingestDecoded(
  signal: IngestSignal, format: OtlpFormat, request: TraceRequest | LogsRequest, sink: OtlpSink, stats: ReceiverStats,
): IngestOutcome {
  // Protobuf ids are made from bytes, so they are hex by construction.
  const options = { idsAreHex: format === 'protobuf' };
  const checked = signal === 'traces'
    ? validateTraceRequest(request as TraceRequest, options)
    : validateLogsRequest(request as LogsRequest, options);
  if (checked.accepted > 0) {
    const verdict = signal === 'traces'
      ? sink.acceptTraces(checked.request as TraceRequest)
      : sink.acceptLogs(checked.request as LogsRequest);
    if (!verdict.ok) {
      stats.refused++;
      return { kind: 'refused', status: verdict.status, retryAfterSeconds: verdict.retryAfterSeconds, reason: verdict.reason };
    }
  }
  if (signal === 'traces') {
    stats.spansAccepted += checked.accepted;
    stats.spansRejected += checked.rejected;
  } else {
    stats.logRecordsAccepted += checked.accepted;
    stats.logRecordsRejected += checked.rejected;
  }
  if (checked.rejected === 0) return { kind: 'accepted' };
  const errorMessage = rejectionMessage(checked, signal === 'traces' ? 'span' : 'log record');
  return { kind: 'accepted', partial: { rejected: checked.rejected, errorMessage } };
}

/** The same as ingestDecoded, for a request decoded and validated by an OffThreadDecoder. */
export function ingestOffThread(result: OffThreadTraces, sink: OtlpSink, stats: ReceiverStats): IngestOutcome {
  if (result.kind === 'invalid') return { kind: 'invalid', message: result.message };
  if (result.accepted > 0) {
    const verdict = sink.acceptPreparedTraces!(result.prepared);
    if (!verdict.ok) {
      stats.refused++;
      return { kind: 'refused', status: verdict.status, retryAfterSeconds: verdict.retryAfterSeconds, reason: verdict.reason };
    }
  }
  stats.spansAccepted += result.accepted;
  stats.spansRejected += result.rejected;
  if (result.rejected === 0) return { kind: 'accepted' };
  return { kind: 'accepted', partial: { rejected: result.rejected, errorMessage: rejectionMessage(result, 'span') } };
}

/** decodeBody + ingestDecoded, with decode errors as an 'invalid' outcome. */
export function ingestBody(
  signal: IngestSignal, format: OtlpFormat, body: Uint8Array, sink: OtlpSink, stats: ReceiverStats,
): IngestOutcome {
  let request: TraceRequest | LogsRequest;
  try {
    request = decodeBody(signal, format, body);
  } catch (e) {
    if (e instanceof OtlpDecodeError) return { kind: 'invalid', message: invalidMessage(signal, format, e) };
    throw e;
  }
  return ingestDecoded(signal, format, request, sink, stats);
}

export function invalidMessage(signal: IngestSignal, format: OtlpFormat, e: OtlpDecodeError): string {
  const what = signal === 'traces' ? 'ExportTraceServiceRequest' : 'ExportLogsServiceRequest';
  return `cannot decode ${format === 'json' ? 'OTLP/JSON' : 'protobuf'} ${what}: ${e.message}`;
}
