// The embedded OTLP receiver: OTLP/HTTP (protobuf + JSON) and OTLP/gRPC on 127.0.0.1, feeding a sink.
import * as http from 'node:http';
import type * as grpc from '@grpc/grpc-js';
import { startGrpcServer, stopGrpcServer } from './grpcServer';
import { type HttpContext, handleHttpRequest } from './httpHandler';
import { OriginPolicy } from './httpGuards';
import { InFlightBudget } from './inFlight';
import { listenWithFallback } from './listen';
import { type Disposable, StatsTracker } from './receiverStats';
import {
  DEFAULT_GRPC_PORT, DEFAULT_HTTP_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IN_FLIGHT_BYTES, type OtlpReceiverOptions, RECEIVER_HOST,
  type ReceiverAddresses, type ReceiverStats,
} from './receiverTypes';

export type {
  ListenAddress, OtlpReceiverOptions, OtlpSink, ReceiverAddresses, ReceiverError, ReceiverStats, SinkVerdict,
} from './receiverTypes';
export type { Disposable } from './receiverStats';

export class OtlpReceiver {
  private readonly tracker = new StatsTracker();
  private httpServer: http.Server | undefined;
  private grpcServer: grpc.Server | undefined;
  private listening: ReceiverAddresses | undefined;
  private starting: Promise<ReceiverAddresses> | undefined;

  constructor(private readonly options: OtlpReceiverOptions) {}

  /** Where it listens, once started. */
  get addresses(): ReceiverAddresses | undefined {
    return this.listening;
  }

  /** A snapshot of the counters. */
  get stats(): ReceiverStats {
    return this.tracker.snapshot();
  }

  /** Called (with a snapshot) after every request on either transport. */
  onDidChangeStats(listener: (stats: ReceiverStats) => void): Disposable {
    return this.tracker.onDidChange(listener);
  }

  /** Binds both endpoints. A taken port falls back to a free one and says so (fellBack: true). */
  start(): Promise<ReceiverAddresses> {
    if (this.listening) return Promise.resolve(this.listening);
    this.starting ??= this.bindAll().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async bindAll(): Promise<ReceiverAddresses> {
    const maxBodyBytes = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const inFlight = new InFlightBudget(this.options.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES);
    const ctx: HttpContext = {
      sink: this.options.sink,
      offThreadDecoder: this.options.offThreadDecoder,
      maxBodyBytes,
      inFlight,
      origins: new OriginPolicy(this.options.allowedOrigins ?? []),
      stats: this.tracker,
    };
    const server = http.createServer({ requestTimeout: 120_000, keepAliveTimeout: 5_000 }, (req, res) => {
      void handleHttpRequest(req, res, ctx);
    });
    const httpAddress = await listenWithFallback(server, RECEIVER_HOST, this.options.port ?? DEFAULT_HTTP_PORT);
    this.httpServer = server;
    const result: ReceiverAddresses = { http: httpAddress };
    const grpcPort = this.options.grpcPort ?? DEFAULT_GRPC_PORT;
    if (grpcPort !== false) {
      try {
        const grpcContext = { sink: this.options.sink, stats: this.tracker, maxBodyBytes, inFlight, offThreadDecoder: this.options.offThreadDecoder };
        const started = await startGrpcServer(grpcContext, RECEIVER_HOST, grpcPort);
        this.grpcServer = started.server;
        result.grpc = started.address;
      } catch (e) {
        await this.stop();
        throw e;
      }
    }
    this.listening = result;
    return result;
  }

  /** Closes both endpoints, including idle keep-alive sockets; in-flight requests get a short grace. */
  async stop(): Promise<void> {
    const server = this.httpServer;
    const grpcServer = this.grpcServer;
    this.httpServer = undefined;
    this.grpcServer = undefined;
    this.listening = undefined;
    await Promise.all([server && closeHttp(server), grpcServer && stopGrpcServer(grpcServer)]);
  }
}

function closeHttp(server: http.Server, graceMs = 500): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
