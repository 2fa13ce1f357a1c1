// Types shared by the HTTP and gRPC sides of the receiver and by whoever feeds on it (the store's queue).
import type { LogsRequest, TraceRequest } from './model';

/** The sink takes a whole request or refuses it for back-pressure; it never takes part of one. */
export type SinkVerdict =
  | { ok: true }
  | { ok: false; status: 429 | 503; retryAfterSeconds: number; reason: string };

export interface OtlpSink {
  acceptTraces(req: TraceRequest): SinkVerdict;
  acceptLogs(req: LogsRequest): SinkVerdict;
  /** A trace request an OffThreadDecoder decoded and prepared (its `prepared`); needed to use one. */
  acceptPreparedTraces?(prepared: unknown): SinkVerdict;
  /** While the sink's backlog is long: resolves when the receiver may read the next body. */
  room?(): Promise<void> | undefined;
}

/** What an OffThreadDecoder answers for one trace request body. */
export type OffThreadTraces =
  | { kind: 'invalid'; message: string }
  | { kind: 'decoded'; accepted: number; rejected: number; reasons: string[]; prepared: unknown };

/** Decodes, validates and prepares trace requests on another thread (OTLP/HTTP only). */
export interface OffThreadDecoder {
  /** undefined when it cannot (the receiver then decodes on its own thread). */
  /** `body`: its bytes, or its chunks in order. */
  decodeTraces(format: 'protobuf' | 'json', body: Uint8Array | readonly Uint8Array[]): Promise<OffThreadTraces | undefined>;
}

export interface OtlpReceiverOptions {
  /** OTLP/HTTP port (default 4318; 0 = any free port). */
  port?: number;
  /** Request body cap, before and after decompression (default 64 MiB, the spec's recommendation). */
  maxBodyBytes?: number;
  /** Bytes of bodies read, inflated and decoded at once across requests; past it 429 (default 128 MiB). */
  maxInFlightBytes?: number;
  /** Browser origins allowed to post (exact match, e.g. "http://localhost:3000"; "*" = any). */
  allowedOrigins?: string[];
  /** OTLP/gRPC port (default 4317; 0 = any free port; false = no gRPC endpoint). */
  grpcPort?: number | false;
  sink: OtlpSink;
  /** Decodes OTLP/HTTP trace requests off the event loop, when the sink takes what it prepares. */
  offThreadDecoder?: OffThreadDecoder;
}

export interface ListenAddress {
  host: string;
  port: number;
  requestedPort: number;
  /** The requested port was taken, so another (free) port is used. */
  fellBack: boolean;
}

export interface ReceiverAddresses {
  http: ListenAddress;
  grpc?: ListenAddress;
}

export interface ReceiverError {
  /** Date.now() when it happened. */
  at: number;
  transport: 'http' | 'grpc';
  /** HTTP status, or the gRPC status code. */
  status: number;
  message: string;
}

export interface ReceiverStats {
  /** Requests seen on either transport, including refused and malformed ones. */
  requests: number;
  spansAccepted: number;
  spansRejected: number;
  logRecordsAccepted: number;
  logRecordsRejected: number;
  /** Body bytes as received on the wire (before decompression). */
  bytesReceived: number;
  /** Requests the sink refused for back-pressure (answered 429/503 or UNAVAILABLE). */
  refused: number;
  /** Requests answered with an error (4xx/5xx, or a non-OK gRPC status). */
  errors: number;
  lastError?: ReceiverError;
}

export const DEFAULT_HTTP_PORT = 4318;
export const DEFAULT_GRPC_PORT = 4317;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_IN_FLIGHT_BYTES = 128 * 1024 * 1024;
export const RECEIVER_HOST = '127.0.0.1';
