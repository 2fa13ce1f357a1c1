// Response bodies: Export*ServiceResponse (with optional partial_success) and google.rpc.Status, in
// protobuf or JSON, whichever encoding the request used.
import { Writer } from 'protobufjs/minimal';

export type OtlpFormat = 'protobuf' | 'json';
export type OtlpSignal = 'traces' | 'logs' | 'metrics';

export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

// ExportTracePartialSuccess.rejected_spans, ExportLogsPartialSuccess.rejected_log_records, ...
const REJECTED_JSON_KEY: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

export const CONTENT_TYPES: Record<OtlpFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/**
 * Export{Trace,Logs,Metrics}ServiceResponse { partial_success = 1 { rejected_* = 1 (int64); error_message = 2 } }.
 * Full success (nothing rejected, no message) leaves partial_success unset, as the spec requires.
 */
export function encodeExportResponse(signal: OtlpSignal, format: OtlpFormat, partial?: PartialSuccess): Buffer {
  const set = partial !== undefined && (partial.rejected > 0 || partial.errorMessage !== '');
  if (format === 'json') {
    if (!set) return Buffer.from('{}');
    const body: Record<string, string> = {};
    if (partial.rejected > 0) body[REJECTED_JSON_KEY[signal]] = String(partial.rejected);
    if (partial.errorMessage) body.errorMessage = partial.errorMessage;
    return Buffer.from(JSON.stringify({ partialSuccess: body }));
  }
  if (!set) return Buffer.alloc(0);
  const w = Writer.create();
  w.uint32((1 << 3) | 2).fork();
  if (partial.rejected > 0) w.uint32((1 << 3) | 0).int64(partial.rejected);
  if (partial.errorMessage) w.uint32((2 << 3) | 2).string(partial.errorMessage);
  w.ldelim();
  return toBuffer(w.finish());
}

/** gRPC status codes used in google.rpc.Status.code. */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** google.rpc.Status { int32 code = 1; string message = 2 } (details are not sent). */
export function encodeStatus(format: OtlpFormat, code: number, message: string): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const w = Writer.create();
  if (code) w.uint32((1 << 3) | 0).int32(code);
  if (message) w.uint32((2 << 3) | 2).string(message);
  return toBuffer(w.finish());
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
