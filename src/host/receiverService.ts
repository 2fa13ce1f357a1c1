import * as vscode from 'vscode';
import { TraceEngine, type ListenAddress } from '../core/engine';
import { ContextKeys } from './contributions';
import type { Log } from './log';
import { LivenessTimer } from './views/livenessTimer';
import { onSettingsChanged, setting } from './settings';

export type ReceiverState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; http: ListenAddress; grpc?: ListenAddress; spans: number; sessions: number }
  | { kind: 'failed'; error: string };

/**
 * The extension's one TraceEngine (store + ingest queue + OTLP receiver), started lazily on first need.
 * Stopping the receiver keeps the sessions; only the sockets close.
 */
export class ReceiverService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private enginePromise: Promise<TraceEngine> | undefined;
  private starting: Promise<void> | undefined;
  private current: ReceiverState = { kind: 'stopped' };
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: Log) {
    this.disposables.push(
      onSettingsChanged(['receiver.port', 'receiver.grpcPort', 'receiver.grpcEnabled', 'receiver.allowedOrigins'], () => {
        if (this.current.kind === 'running') void this.restart();
      }),
      onSettingsChanged(['store.maxSpans', 'store.maxMemoryMB', 'store.sessionGapSeconds'], () => {
        void this.enginePromise?.then((e) => e.store.configure(storeOptions()));
      }),
    );
  }

  get state(): ReceiverState {
    return this.current;
  }

  /** The store, created (sql.js loaded) on first call. */
  engine(): Promise<TraceEngine> {
    this.enginePromise ??= TraceEngine.create(storeOptions()).then((engine) => {
      const liveness = new LivenessTimer(engine.store, () => this.changed.fire());
      this.disposables.push(liveness);
      engine.store.onDidChange((change) => {
        liveness.storeChanged();
        for (const notice of change.notices ?? []) {
          this.log.warn(notice);
          void vscode.window.showWarningMessage(`Agent Debugger: ${notice}`);
        }
        this.refreshCounts(engine);
      });
      return engine;
    });
    return this.enginePromise;
  }

  /** The store if something already created it: readers that must not load sql.js on their own use this. */
  existingEngine(): Promise<TraceEngine> | undefined {
    return this.enginePromise;
  }

  /** Starts the receiver if it is not running; resolves once it listens (or has failed, see state). */
  start(): Promise<void> {
    if (this.current.kind === 'running') return Promise.resolve();
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.set({ kind: 'starting' });
    try {
      const engine = await this.engine();
      const grpcEnabled = setting('receiver.grpcEnabled');
      const addresses = await engine.startReceiver({
        port: setting('receiver.port'),
        grpcPort: grpcEnabled ? setting('receiver.grpcPort') : false,
        allowedOrigins: setting('receiver.allowedOrigins'),
      });
      for (const a of [addresses.http, addresses.grpc]) {
        if (a?.fellBack) {
          const msg = `Port ${a.requestedPort} is in use, so the OTLP ${a === addresses.http ? 'HTTP' : 'gRPC'} receiver listens on ${a.port}.`;
          this.log.warn(msg);
          void vscode.window.showWarningMessage(`Agent Debugger: ${msg}`);
        }
      }
      this.log.info(`OTLP receiver: http://${addresses.http.host}:${addresses.http.port}${addresses.grpc ? `, gRPC ${addresses.grpc.host}:${addresses.grpc.port}` : ''}`);
      const stats = engine.store.stats();
      this.set({ kind: 'running', ...addresses, spans: stats.spans, sessions: stats.sessions });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.log.error(`OTLP receiver failed to start: ${error}`);
      this.set({ kind: 'failed', error });
      void vscode.window.showErrorMessage(`Agent Debugger: the OTLP receiver failed to start: ${error}`);
    }
  }

  async stop(): Promise<void> {
    await this.starting;
    const engine = this.enginePromise && (await this.enginePromise);
    await engine?.stopReceiver();
    if (this.current.kind === 'running') this.log.info('OTLP receiver stopped');
    this.set({ kind: 'stopped' });
  }

  private async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** `http://127.0.0.1:PORT` once running. */
  get httpEndpoint(): string | undefined {
    return this.current.kind === 'running' ? `http://${this.current.http.host}:${this.current.http.port}` : undefined;
  }

  private refreshCounts(engine: TraceEngine): void {
    if (this.current.kind !== 'running') return this.changed.fire();
    const stats = engine.store.stats();
    this.set({ ...this.current, spans: stats.spans, sessions: stats.sessions });
  }

  private set(state: ReceiverState): void {
    this.current = state;
    void vscode.commands.executeCommand('setContext', ContextKeys.receiverRunning, state.kind === 'running');
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.enginePromise?.then((e) => e.dispose());
    this.changed.dispose();
  }
}

function storeOptions() {
  return {
    maxSpans: setting('store.maxSpans'),
    maxBytes: setting('store.maxMemoryMB') * 1024 * 1024,
    sessionGapMs: setting('store.sessionGapSeconds') * 1000,
  };
}
