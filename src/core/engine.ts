// One trace engine = the store, its ingest queue and (while started) the OTLP receiver feeding it.
// The engine worker (engineService.ts, what the extension runs), the CLI and the benchmarks all compose
// the same pieces through this class.
import type { EventLoopUtilization } from 'node:perf_hooks';
import { TraceDecodeWorker } from './decodeWorker';
import type { GatewayOptions, LlmGateway } from './gateway/gateway';
import { GatewayHolder } from './gateway/gatewayHolder';
import { OtlpReceiver } from './otlp/receiver';
import { IngestQueue } from './store/ingestQueue';
import type { PreparedTraces } from './store/preparedTraces';
import { SpanStore, type StoreOptions } from './store/spanStore';

export interface ListenAddress {
  host: string;
  port: number;
  requestedPort: number;
  /** The requested port was taken and another one is used. */
  fellBack: boolean;
}

export interface ReceiverAddresses {
  http: ListenAddress;
  grpc?: ListenAddress;
}

export interface ReceiverOptions {
  port: number;
  /** false: no gRPC endpoint. */
  grpcPort: number | false;
  allowedOrigins: string[];
  /** Decode OTLP/HTTP trace requests on a worker thread (default true). */
  decodeWorker?: boolean;
  /**
   * Run synthetic requests through decoding and storing as soon as the receiver listens, so that the
   * first real ones meet optimised code (otlp/warmUpTraffic.ts). What the extension and the CLI do;
   * tests that start many receivers leave it off.
   */
  warmUp?: boolean;
}

export class TraceEngine {
  private receiver: OtlpReceiver | undefined;
  private decoder: TraceDecodeWorker | undefined;
  private addresses: ReceiverAddresses | undefined;
  private warming: Promise<number> | undefined;
  private readonly gateways = new GatewayHolder((request) => {
    const verdict = this.queue.acceptTraces(request);
    return verdict.ok ? undefined : verdict.reason;
  });

  private constructor(readonly store: SpanStore, readonly queue: IngestQueue) {
    queue.preparedStored = (p) => this.decoder?.recycle(p.text.buffer as ArrayBuffer);
  }

  static async create(options: StoreOptions = {}): Promise<TraceEngine> {
    const store = await SpanStore.create(options);
    return new TraceEngine(store, new IngestQueue(store));
  }

  get listening(): ReceiverAddresses | undefined {
    return this.addresses;
  }

  /** The receiver's warm-up (see startReceiver), once it is over: the synthetic spans it wrote (0: none). */
  warmedUp(): Promise<number> {
    return this.warming ?? Promise.resolve(0);
  }

  /** Whether OTLP/HTTP trace requests are being decoded on the decode worker thread (see decodeWorker.ts). */
  get decodeWorkerRunning(): boolean {
    return this.decoder?.running ?? false;
  }

  /** The decode worker's event-loop utilization since `since` (see perf_hooks), while it runs. */
  decodeWorkerUtilization(since?: EventLoopUtilization): EventLoopUtilization | undefined {
    return this.decoder?.utilization(since);
  }

  async startReceiver(options: ReceiverOptions): Promise<ReceiverAddresses> {
    if (this.addresses) return this.addresses;
    const decoder = options.decodeWorker === false ? undefined : new TraceDecodeWorker();
    const receiver = new OtlpReceiver({ ...options, sink: this.queue, offThreadDecoder: decoder });
    let started: ReceiverAddresses;
    try {
      started = await receiver.start();
    } catch (e) {
      await decoder?.dispose();
      throw e;
    }
    this.receiver = receiver;
    this.decoder = decoder;
    this.addresses = started;
    decoder?.prestart();
    // A warm-up that fails costs speed only: the receiver serves as it would cold.
    if (options.warmUp) this.warming ??= this.store.warmUpIngest((format, body) => this.warmUpPrepare(format, body)).catch(() => 0);
    return started;
  }

  /**
   * A warm-up body prepared on the decode worker, as requests are. undefined once the receiver (and its
   * worker) has stopped, or without a worker: a receiver without one decodes and stores requests another
   * way (objects, writeTraces), which this would not warm.
   */
  private async warmUpPrepare(format: 'protobuf' | 'json', body: Uint8Array): Promise<PreparedTraces | undefined> {
    if (!this.decoder?.running) return undefined;
    const decoded = await this.decoder.decodeTraces(format, body);
    return decoded?.kind === 'decoded' ? (decoded.prepared as PreparedTraces) : undefined;
  }

  async stopReceiver(): Promise<void> {
    const receiver = this.receiver;
    const decoder = this.decoder;
    this.receiver = undefined;
    this.decoder = undefined;
    this.addresses = undefined;
    // The receiver first: requests still in the worker get their answers (and their spans queued).
    await receiver?.stop();
    await decoder?.dispose();
  }

  /** The recording LLM gateway, while started. */
  get gateway(): LlmGateway | undefined {
    return this.gateways.current;
  }

  /** Starts the LLM gateway; its steps go through the same ingest queue as OTLP spans. */
  startGateway(options: Omit<GatewayOptions, 'sink'>): Promise<LlmGateway> {
    return this.gateways.start(options);
  }

  stopGateway(): Promise<void> {
    return this.gateways.stop();
  }

  /** Stops listening and waits until every span that was answered 200 is in the store. */
  async drain(): Promise<void> {
    await this.stopGateway();
    await this.stopReceiver();
    await this.queue.flush();
  }

  async dispose(): Promise<void> {
    await this.drain();
  }
}
