// OTLP/gRPC on @grpc/grpc-js with hand-written service definitions: the request deserializer is our
// protobuf decoder and the response serializer our encoder, so no .proto files are loaded.
import * as grpc from '@grpc/grpc-js';
import { OtlpDecodeError } from './errors';
import { type IngestSignal, decodeBody, ingestDecoded, invalidMessage } from './ingest';
import { isPortFree, isPortUnavailable } from './listen';
import type { LogsRequest, TraceRequest } from './model';
import { type OtlpSignal, type PartialSuccess, encodeExportResponse } from './responses';
import type { ListenAddress, OtlpSink } from './receiverTypes';
import type { StatsTracker } from './receiverStats';

/** What the deserializer hands the handler: decode errors travel as data so we can answer INVALID_ARGUMENT. */
type Decoded =
  | { ok: true; request: TraceRequest | LogsRequest; bytes: number }
  | { ok: false; message: string; bytes: number };

const SERVICE_PATHS: Record<OtlpSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

function deserializerFor(signal: OtlpSignal): (bytes: Buffer) => Decoded {
  if (signal === 'metrics') return (bytes) => ({ ok: true, request: { resourceSpans: [] }, bytes: bytes.length });
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

function serviceFor(signal: OtlpSignal): grpc.ServiceDefinition {
  const method: grpc.MethodDefinition<Decoded, PartialSuccess | undefined> = {
    path: SERVICE_PATHS[signal],
    requestStream: false,
    responseStream: false,
    requestSerialize: () => Buffer.alloc(0), // client side only; never used by a server
    requestDeserialize: deserializerFor(signal),
    responseSerialize: (partial) => encodeExportResponse(signal, 'protobuf', partial),
    responseDeserialize: () => undefined,
  };
  return { Export: method };
}

export interface GrpcContext {
  sink: OtlpSink;
  stats: StatsTracker;
  maxBodyBytes: number;
}

function handlerFor(signal: OtlpSignal, ctx: GrpcContext): grpc.handleUnaryCall<Decoded, PartialSuccess | undefined> {
  const fail = (callback: grpc.sendUnaryData<PartialSuccess | undefined>, code: grpc.status, message: string): void => {
    ctx.stats.error('grpc', code, message);
    callback({ code, details: message });
  };
  return (call, callback) => {
    const stats = ctx.stats.mutable;
    stats.requests++;
    try {
      const decoded = call.request;
      stats.bytesReceived += decoded.bytes;
      if (!decoded.ok) return fail(callback, grpc.status.INVALID_ARGUMENT, decoded.message);
      if (signal === 'metrics') return callback(null, undefined);
      const outcome = ingestDecoded(signal as IngestSignal, 'protobuf', decoded.request, ctx.sink, stats);
      if (outcome.kind === 'refused') return fail(callback, grpc.status.UNAVAILABLE, outcome.reason);
      if (outcome.kind === 'invalid') return fail(callback, grpc.status.INVALID_ARGUMENT, outcome.message);
      callback(null, outcome.partial);
    } catch (e) {
      fail(callback, grpc.status.INTERNAL, `internal error in the OTLP receiver: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      ctx.stats.changed();
    }
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
    server.addService(serviceFor(signal), { Export: handlerFor(signal, ctx) });
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
