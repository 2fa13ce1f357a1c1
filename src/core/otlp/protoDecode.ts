// OTLP/protobuf request decoding: bytes in, the JSON-shaped model out, OtlpDecodeError on bad input.
import { asDecodeError } from './errors';
import type { LogsRequest, TraceRequest } from './model';
import { walkLogsRequest } from './protoLogs';
import { walkTraceRequest } from './protoTraces';
import { readerFor } from './protoWire';

/** Decodes an ExportTraceServiceRequest. Throws OtlpDecodeError (and only that) on malformed input. */
export function decodeTraceRequest(bytes: Uint8Array): TraceRequest {
  try {
    return { resourceSpans: walkTraceRequest(readerFor(bytes)) };
  } catch (e) {
    throw asDecodeError(e);
  }
}

/** Decodes an ExportLogsServiceRequest. Throws OtlpDecodeError (and only that) on malformed input. */
export function decodeLogsRequest(bytes: Uint8Array): LogsRequest {
  try {
    return { resourceLogs: walkLogsRequest(readerFor(bytes)) };
  } catch (e) {
    throw asDecodeError(e);
  }
}
