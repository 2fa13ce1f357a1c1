// OTLP/gRPC on @grpc/grpc-js with hand-written service definitions: the request deserializer is our
// protobuf decoder and the response serializer our encoder, so no .proto files are loaded. Trace
// requests go to the decode worker when there is one, as over OTLP/HTTP.
import * as grpc from '@grpc/grpc-js';
import { OtlpDecodeError } from './errors';
import { type IngestOutcome, type IngestSignal, decodeBody, ingestBody, ingestDecoded, ingestOffThread, invalidMessage } from './ingest';
import { type InFlightBudget, type InFlightLease } from './inFlight';
import { isPortFree, isPortUnavailable } from './listen';
import { metricsProblem } from './metricsCheck';
import type { LogsRequest, TraceRequest } from './model';
import { type OtlpSignal, type PartialSuccess, encodeExportResponse } from './responses';
import type { ListenAddress, OffThreadDecoder, OtlpSink } from './receiverTypes';
import type { StatsTracker } from './receiverStats';

/**
 * What the deserializer hands the handler: decode errors travel as data so we can answer INVALID_ARGUMENT.
 * Trace requests stay bytes (`raw`) when the decode worker takes them, as over OTLP/HTTP.
 */
type Decoded = (
  | { ok: true; request: TraceRequest | LogsRequest; bytes: number }
  | { ok: true; raw: Buffer; bytes: number }
  | { ok: false; message: string; bytes: number; busy?: boolean }
) & { lease?: InFlightLease };

const SERVICE_PATHS: Record<OtlpSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

/**
 * grpc-js has read the whole message when it deserializes: from here until the answer its bytes (and what
 * decoding makes of them) count against the receiver's in-flight budget, shared with OTLP/HTTP.
 */
function deserializerFor(signal: OtlpSignal, ctx: GrpcContext): (bytes: Buffer) => Decoded {
  const decode = decoderFor(signal, ctx);
  return (bytes) => {
    const lease = ctx.inFlight.lease();
    // The message, and about as much again for what decoding makes of it (as over OTLP/HTTP).
    if (!lease.take(2 * bytes.length)) return { ok: false, message: ctx.inFlight.refusal(), bytes: bytes.length, busy: true };
    try {
      return { ...decode(bytes), lease };
    } catch (e) {
      lease.release();
      throw e;
    }
  };
}

function decoderFor(signal: OtlpSignal, ctx: GrpcContext): (bytes: Buffer) => Decoded {
  if (signal === 'metrics') {
    return (bytes) => {
      const problem = metricsProblem('protobuf', bytes);
      return problem ? { ok: false, message: problem, bytes: bytes.length } : { ok: true, request: { resourceSpans: [] }, bytes: bytes.length };
    };
  }
  if (signal === 'traces' && offThreadDecoder(ctx)) return (bytes) => ({ ok: true, raw: bytes, bytes: bytes.length });
  return (bytes) => {
    try {
      return { ok: true, request: decodeBody(signal, 'protobuf', bytes), bytes: bytes.length };
    } catch (e) {
      // grpc-js would turn a throw into a generic INTERNAL; decode errors are the client's fault.
      if (e instanceof OtlpDecodeError) return { ok: false, message: invalidMessage(signal, 'protobuf', e), bytes: bytes.length };
      throw e;
    }
  };
}

function serviceFor(signal: OtlpSignal, ctx: GrpcContext): grpc.ServiceDefinition {
  const method: grpc.MethodDefinition<Decoded, PartialSuccess | undefined> = {
    path: SERVICE_PATHS[signal],
    requestStream: false,
    responseStream: false,
    requestSerialize: () => Buffer.alloc(0), // client side only; never used by a server
    requestDeserialize: deserializerFor(signal, ctx),
    responseSerialize: (partial) => encodeExportResponse(signal, 'protobuf', partial),
    responseDeserialize: () => undefined,
  };
  return { Export: method };
}

export interface GrpcContext {
  sink: OtlpSink;
  stats: StatsTracker;
  maxBodyBytes: number;
  inFlight: InFlightBudget;
  offThreadDecoder?: OffThreadDecoder;
}

/** The decode worker, when trace requests can go to it (the sink takes prepared requests). */
function offThreadDecoder(ctx: GrpcContext): OffThreadDecoder | undefined {
  return ctx.sink.acceptPreparedTraces ? ctx.offThreadDecoder : undefined;
}

function handlerFor(signal: OtlpSignal, ctx: GrpcContext): grpc.handleUnaryCall<Decoded, PartialSuccess | undefined> {
  const fail = (callback: grpc.sendUnaryData<PartialSuccess | undefined>, code: grpc.status, message: string): void => {
    ctx.stats.error('grpc', code, message);
    callback({ code, details: message });
  };
  const ingest = async (decoded: Decoded & { ok: true }, stats: StatsTracker['mutable']): Promise<IngestOutcome> => {
    if (!('raw' in decoded)) return ingestDecoded(signal as IngestSignal, 'protobuf', decoded.request, ctx.sink, stats);
    const offThread = await offThreadDecoder(ctx)?.decodeTraces('protobuf', decoded.raw);
    return offThread ? ingestOffThread(offThread, ctx.sink, stats) : ingestBody('traces', 'protobuf', decoded.raw, ctx.sink, stats);
  };
  return (call, callback) => {
    const stats = ctx.stats.mutable;
    stats.requests++;
    const decoded = call.request;
    stats.bytesReceived += decoded.bytes;
    if (!decoded.ok) {
      decoded.lease?.release();
      fail(callback, decoded.busy ? grpc.status.UNAVAILABLE : grpc.status.INVALID_ARGUMENT, decoded.message);
      return ctx.stats.changed();
    }
    if (signal === 'metrics') {
      decoded.lease?.release();
      callback(null, undefined);
      return ctx.stats.changed();
    }
    ingest(decoded, stats).then(
      (outcome) => {
        if (outcome.kind === 'refused') fail(callback, grpc.status.UNAVAILABLE, outcome.reason);
        else if (outcome.kind === 'invalid') fail(callback, grpc.status.INVALID_ARGUMENT, outcome.message);
        else callback(null, outcome.partial);
      },
      (e: unknown) => fail(callback, grpc.status.INTERNAL, `internal error in the OTLP receiver: ${e instanceof Error ? e.message : String(e)}`),
    ).finally(() => {
      decoded.lease?.release();
      ctx.stats.changed();
    });
  };
}

function bind(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });
}

/** A started OTLP/gRPC server on host (port fallback like HTTP). */
export async function startGrpcServer(
  ctx: GrpcContext, host: string, port: number,
): Promise<{ server: grpc.Server; address: ListenAddress }> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': ctx.maxBodyBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    server.addService(serviceFor(signal, ctx), { Export: handlerFor(signal, ctx) });
  }
  try {
    // Probe first: grpc-js logs a failed bind to the console, which would look like a fault.
    if (await isPortFree(host, port)) {
      return { server, address: { host, port: await bind(server, host, port), requestedPort: port, fellBack: false } };
    }
  } catch (e) {
    // grpc-js reports a taken port as "No address added out of total 1 resolved"; check the cause too.
    if (port === 0 || !(isPortUnavailable(e) || /address|in use|EADDRINUSE/i.test(String((e as Error).message)))) {
      server.forceShutdown();
      throw e;
    }
  }
  try {
    return { server, address: { host, port: await bind(server, host, 0), requestedPort: port, fellBack: true } };
  } catch (e) {
    server.forceShutdown();
    throw e;
  }
}

/** Stops accepting calls; forces open calls closed after a short grace. */
export function stopGrpcServer(server: grpc.Server, graceMs = 500): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
