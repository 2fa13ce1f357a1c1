// The host's side of the engine: the TraceEngine runs on a worker thread (engineWorkerMain.ts) and this
// client asks it over protocol/engine.ts. Every read is async, except the session summaries: those are
// mirrored here from `sessionsChanged`, so trees and titles render without a round trip. When the worker
// cannot start (no entry file, a failed start), the same service runs on this thread over an in-process
// MessageChannel: slower for VS Code, same answers. The LLM gateway stays on this thread (a few calls a
// minute); its steps go to the worker's ingest queue.
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { MessagePort, Worker } from 'node:worker_threads';
import { CancellationTokenSource, type MessageConnection, type RequestType } from 'vscode-jsonrpc';
import { EngineNotifications, EngineRequests, type EngineMethod, type ParamsOf, type ResultOf, type SessionDigest, type SessionFindings, type SessionsSnapshot } from '../protocol/engine';
import type { AgentStep, SessionOptions, SpanInput } from './agent';
import type { ReceiverAddresses, ReceiverOptions } from './engine';
import { EngineDerivedClient } from './engineDerivedClient';
import { EngineGraphClient } from './engineGraphClient';
import { plain } from './plainData';
import { EngineTestHooks } from './engineTestHooks';
import { CrashCount, EngineCrashedError, engineWorkerEntry, hostError, startEngineWorker, startInProcess, type EngineCrash } from './engineWorker';
import type { SessionExportFormat, SessionExportResult } from './export/sessionExport';
import type { ForwardTarget } from './forward/forwarder';
import type { Cassette } from './gateway/cassette';
import type { GatewayOptions, LlmGateway } from './gateway/gateway';
import { GatewayHolder } from './gateway/gatewayHolder';
import type { ReadProgress } from './import/otlpFile';
import type { SafetyOptions } from './safety';
import { Emitter } from './store/changes';
import type { StoreOptions } from './store/spanStore';
import type { ImportResult, Page, SessionSummary, StoreChange, StoreStats, StoredSpan, TraceSummary } from './store/types';

export interface EngineClientOptions {
  store?: StoreOptions;
  /** Run the engine on this thread (tests, and the fallback). */
  inProcess?: boolean;
  entry?: string;
  /** Told why the worker did not start, when the in-process engine is used instead. */
  onFallback?: (reason: string) => void;
  /** Told when a running worker died, once a new one took over or could not: requests in flight fail (EngineCrashedError), later ones wait. */
  onCrash?: (crash: EngineCrash) => void;
  /** The worker's heap limit in MB (default: engineHeapLimitMb): tests give a small one to meet the model's heap budget. */
  heapLimitMb?: number;
}

export class EngineClient {
  private mirror: SessionsSnapshot = { sessions: [], spans: 0 };
  private byId = new Map<string, SessionSummary>();
  private readonly changed = new Emitter<StoreChange>();
  /** After the mirror took a change of the store (coalesced in the worker: at most ~10 a second). */
  readonly onDidChange = this.changed.event;
  private readonly progress = new Map<number, (done: number, total: number) => void>();
  private nextProgressId = 1;
  private addresses: ReceiverAddresses | undefined;
  private readonly gateways = new GatewayHolder(async (request) => {
    const verdict = await this.call('ingestTraces', { request });
    return verdict.ok ? undefined : verdict.reason;
  }, 50);
  private disposed = false;
  private connection!: MessageConnection;
  private worker: Worker | undefined;
  /** The in-process engine's channel, closed with it. */
  private ports: MessagePort[] = [];
  /** Store settings for a new worker: the first ones, then the last `configure`d. */
  private store: StoreOptions;
  /** How the receiver was started (its ports pinned to where it listened), so a new worker listens there too. */
  private receiverOptions: ReceiverOptions | undefined;
  /** While a new worker starts after a crash (rejects when none could). */
  private restarting: Promise<void> | undefined;
  /** Connections of workers that died, and why: their pending requests fail with that reason. */
  private readonly died = new WeakMap<MessageConnection, string>();
  private readonly crashes = new CrashCount();
  /** For tests: what only the engine worker answers (it ends, its heap, its model budget). */
  readonly test = new EngineTestHooks(() => this.worker, () => this.connection);

  private constructor(private readonly options: EngineClientOptions) {
    this.store = options.store ?? {};
  }

  static async start(options: EngineClientOptions = {}): Promise<EngineClient> {
    const client = new EngineClient(options);
    if (!options.inProcess) {
      try {
        await client.startWorker(options.entry ?? engineWorkerEntry);
        return client;
      } catch (e) {
        options.onFallback?.(e instanceof Error ? e.message : String(e));
      }
    }
    const { connection, ports } = startInProcess(client.store);
    client.ports = ports;
    client.attach(connection, undefined);
    client.take(await client.call('sessions', {}));
    return client;
  }

  private attach(connection: MessageConnection, worker: Worker | undefined): void {
    this.connection = connection;
    this.worker = worker;
    connection.onNotification(EngineNotifications.sessionsChanged, (n) => {
      if (connection !== this.connection) return;
      this.take(n);
      this.changed.fire(n.change);
    });
    connection.onNotification(EngineNotifications.progress, (p) => this.progress.get(p.id)?.(p.done, p.total));
    connection.listen();
  }

  /** Starts a worker and takes its first snapshot; throws (the worker ended) when it does not answer. */
  private async startWorker(entry: string): Promise<void> {
    this.take(
      await startEngineWorker(entry, this.store, this.options.heapLimitMb, {
        attach: (connection, worker) => this.attach(connection, worker),
        firstAnswer: (connection) => this.send(connection, 'sessions', {}),
        died: (connection, reason) => {
          if (this.disposed) return;
          // Its pending requests are rejected (see send: they say why).
          this.died.set(connection, reason);
          this.crashed(entry, reason);
        },
      }),
    );
  }

  /** A running worker died: its data is gone; a new one takes over, with the receiver where it was. */
  private crashed(entry: string, reason: string): void {
    const lost = { reason, lostSpans: this.mirror.spans, lostSessions: this.mirror.sessions.length };
    const removed = this.mirror.sessions.map((s) => s.id);
    this.take({ sessions: [], spans: 0 });
    this.changed.fire({ added: [], changed: [], removed, evicted: [] });
    const refusal = this.crashes.refusal(reason);
    const receiver = this.receiverOptions;
    this.addresses = undefined;
    const restart = async (): Promise<void> => {
      if (refusal) throw new Error(refusal);
      await this.startWorker(entry).catch((e: unknown) => {
        throw new Error(`The trace engine's worker stopped (${reason}) and a new one did not start: ${e instanceof Error ? e.message : String(e)}`);
      });
    };
    const restarting = restart();
    this.restarting = restarting;
    void restarting.then(
      async () => {
        if (this.restarting === restarting) this.restarting = undefined;
        let error: string | undefined;
        let addresses: ReceiverAddresses | undefined;
        // Unless it was stopped meanwhile.
        if (receiver && this.receiverOptions === receiver) {
          addresses = await this.startReceiver(receiver).catch((e: unknown) => {
            error = `The OTLP receiver did not start again: ${e instanceof Error ? e.message : String(e)}`;
            return undefined;
          });
        }
        this.options.onCrash?.({ ...lost, restarted: true, error, receiver: addresses });
      },
      (e: unknown) => this.options.onCrash?.({ ...lost, restarted: false, error: e instanceof Error ? e.message : String(e) }),
    );
  }

  /** Whether the engine runs on its worker thread (false: on this one, the fallback). */
  get inWorker(): boolean {
    return this.worker !== undefined;
  }

  /** How busy the engine's thread has been (since an earlier reading), while it runs on a worker. */
  workerUtilization(since?: EventLoopUtilization): EventLoopUtilization | undefined {
    return this.worker?.performance.eventLoopUtilization(since);
  }

  // The mirror: as of the last sessionsChanged (and always after any request that changed the store).

  listSessions(): SessionSummary[] {
    return [...this.mirror.sessions];
  }

  getSession(id: string): SessionSummary | undefined {
    return this.byId.get(id);
  }

  get spanCount(): number {
    return this.mirror.spans;
  }

  /** Reads the summaries again (a session's liveness changes with time). */
  async refresh(): Promise<void> {
    this.take(await this.call('sessions', {}));
  }

  // The receiver (its sockets are in the worker).

  get listening(): ReceiverAddresses | undefined {
    return this.addresses;
  }

  async startReceiver(options: ReceiverOptions): Promise<ReceiverAddresses> {
    if (this.addresses) return this.addresses;
    const addresses = await this.call('startReceiver', plain(options));
    // A new worker after a crash listens where this one does (a port 0 or a fallback included).
    this.receiverOptions = { ...plain(options), port: addresses.http.port, grpcPort: addresses.grpc ? addresses.grpc.port : false };
    this.addresses = addresses;
    return addresses;
  }

  async stopReceiver(): Promise<void> {
    this.addresses = undefined;
    this.receiverOptions = undefined;
    await this.call('stopReceiver', {});
  }

  // Reads.

  configure(options: StoreOptions): Promise<void> {
    this.store = { ...this.store, ...plain(options) };
    return this.call('configure', plain(options));
  }

  stats(): Promise<StoreStats> {
    return this.call('stats', {});
  }

  ingestPath(): Promise<ResultOf<'ingestPath'>> {
    return this.call('ingestPath', {});
  }

  tracesOfSession(sessionId: string): Promise<TraceSummary[]> {
    return this.call('tracesOfSession', { sessionId });
  }

  spansOfSession(sessionId: string, page?: Page): Promise<StoredSpan[]> {
    return this.call('spansOfSession', { sessionId, page });
  }

  spansOfTrace(traceId: string, sessionId?: string): Promise<StoredSpan[]> {
    return this.call('spansOfTrace', { traceId, sessionId });
  }

  childrenOf(traceId: string, spanId: string, sessionId?: string): Promise<StoredSpan[]> {
    return this.call('childrenOf', { traceId, spanId, sessionId });
  }

  /** The agent model's input for a session (readSession), read in the worker. */
  readSession(sessionId: string): Promise<SpanInput[]> {
    return this.call('readSession', { sessionId });
  }

  /** A session's normalised, priced steps, built in the worker. */
  sessionSteps(sessionId: string, options: SessionOptions, located = false): Promise<AgentStep[]> {
    return this.call('sessionSteps', { sessionId, options: plain(options), located });
  }

  /** Graph panels' feeds, built in the worker (engineGraphClient.ts). */
  readonly graph = new EngineGraphClient((method, params) => this.call(method, params));

  /** A session's totals (and fork origin), built in the worker: what a Sessions row needs, and no more. */
  sessionDigest(sessionId: string, options: SessionOptions): Promise<SessionDigest> {
    return this.call('sessionDigest', { sessionId, options: plain(options) });
  }

  /** The Cost view's report and a traced run's checks, derived in the worker (engineDerivedClient.ts). */
  readonly derived = new EngineDerivedClient((method, params) => this.call(method, params));

  /** A session's safety findings, scanned in the worker, with only the steps they are on. */
  safetyFindings(sessionId: string, options: SessionOptions, safety: SafetyOptions): Promise<SessionFindings> {
    return this.call('safetyFindings', { sessionId, options: plain(options), safety: plain(safety) });
  }

  renameSession(sessionId: string, name: string): Promise<boolean> {
    return this.call('renameSession', { sessionId, name });
  }

  deleteSession(sessionId: string): Promise<boolean> {
    return this.call('deleteSession', { sessionId });
  }

  clear(): Promise<void> {
    return this.call('clear', {});
  }

  launchStarted(sessionId: string, name: string, folder?: string): Promise<void> {
    return this.call('launchStarted', folder === undefined ? { sessionId, name } : { sessionId, name, folder });
  }

  /** Ends a launched run's session once every span it sent so far is stored. */
  launchEnded(sessionId: string): Promise<void> {
    this.gateways.flushBatch();
    return this.call('launchEnded', { sessionId });
  }

  /** Resolves once every span answered 200 so far (and every gateway step recorded) is in the store. */
  flush(): Promise<void> {
    this.gateways.flushBatch();
    return this.call('flush', {});
  }

  // Files and forwarding run in the worker; only paths, progress and results cross.

  async importFile(file: string, progress?: ReadProgress): Promise<ImportResult & { format: string }> {
    const cancel = new CancellationTokenSource();
    const id = this.onProgress((done, total) => {
      progress?.report(done, total);
      if (progress?.cancelled) cancel.cancel();
    });
    try {
      return await this.call('importFile', { file, progressId: id }, cancel);
    } finally {
      this.progress.delete(id);
      cancel.dispose();
    }
  }

  exportSession(sessionId: string, file: string, format: SessionExportFormat, options: SessionOptions & { assetsRoot?: string }): Promise<SessionExportResult> {
    const { assetsRoot, ...model } = options;
    return this.call('exportSession', { sessionId, file, format, options: plain(model), assetsRoot });
  }

  /** The cassette kept with a session (JSON text), if any. */
  async storedCassette(sessionId: string): Promise<string | undefined> {
    // JSON-RPC answers `undefined` as null.
    return (await this.call('storedCassette', { sessionId })) ?? undefined;
  }

  putCassette(sessionId: string, text: string): Promise<void> {
    return this.call('putCassette', { sessionId, text });
  }

  /** A cassette rebuilt in the worker from a session's spans. */
  sessionCassette(sessionId: string, options: SessionOptions): Promise<Cassette> {
    return this.call('sessionCassette', { sessionId, options: plain(options) });
  }

  async forwardSession(sessionId: string, target: ForwardTarget, onProgress?: (sent: number, total: number) => void): Promise<{ spans: number; logRecordsNotSent: number }> {
    const id = this.onProgress((done, total) => onProgress?.(done, total));
    try {
      return await this.call('forwardSession', { sessionId, target: plain(target), progressId: id });
    } finally {
      this.progress.delete(id);
    }
  }

  // The LLM gateway, on this thread.

  get gateway(): LlmGateway | undefined {
    return this.gateways.current;
  }

  /** The gateway runs on this thread (LLM calls are few); its steps are stored by the engine. */
  startGateway(options: Omit<GatewayOptions, 'sink'>): Promise<LlmGateway> {
    return this.gateways.start(options);
  }

  stopGateway(): Promise<void> {
    return this.gateways.stop();
  }

  /** Stops listening, stores every span answered 200, and ends the worker. */
  async dispose(): Promise<void> {
    await this.stopGateway();
    await this.call('drain', {}).catch(() => undefined);
    this.disposed = true;
    this.addresses = undefined;
    this.connection.dispose();
    this.changed.dispose();
    for (const port of this.ports) port.close();
    await this.worker?.terminate();
  }

  private take(snapshot: SessionsSnapshot): void {
    this.mirror = snapshot;
    this.byId = new Map(snapshot.sessions.map((s) => [s.id, s]));
  }

  private onProgress(listener: (done: number, total: number) => void): number {
    const id = this.nextProgressId++;
    this.progress.set(id, listener);
    return id;
  }

  /** Asks the engine; after a crash, the new worker (a request the dead one held fails with EngineCrashedError). */
  private async call<M extends EngineMethod>(method: M, params: ParamsOf<M>, cancel?: CancellationTokenSource): Promise<ResultOf<M>> {
    if (this.restarting) await this.restarting;
    return this.send(this.connection, method, params, cancel);
  }

  private async send<M extends EngineMethod>(connection: MessageConnection, method: M, params: ParamsOf<M>, cancel?: CancellationTokenSource): Promise<ResultOf<M>> {
    const type = EngineRequests[method] as RequestType<ParamsOf<M>, ResultOf<M>, void>;
    try {
      return await connection.sendRequest(type, params, cancel?.token);
    } catch (e) {
      const reason = this.died.get(connection);
      throw reason === undefined ? hostError(e) : new EngineCrashedError(method, reason);
    }
  }
}
