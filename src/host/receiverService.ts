import * as vscode from 'vscode';
import type { ListenAddress } from '../core/engine';
import { EngineClient } from '../core/engineClient';
import type { EngineCrash } from '../core/engineWorker';
import { ContextKeys } from './contributions';
import type { Log } from './log';
import { onSettingsChanged, setting } from './settings';

export type ReceiverState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; http: ListenAddress; grpc?: ListenAddress; spans: number; sessions: number }
  | { kind: 'failed'; error: string };

/**
 * The extension's one engine (store + ingest queue + OTLP receiver, on its worker thread: see
 * core/engineClient.ts), started lazily on first need. Stopping the receiver keeps the sessions; only
 * the sockets close.
 */
export class ReceiverService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly restarted = new vscode.EventEmitter<void>();
  /** A new engine worker took over from one that died: what was sent to the old one (run names, the source index) must be sent again. */
  readonly onDidRestartEngine = this.restarted.event;
  private enginePromise: Promise<EngineClient> | undefined;
  private starting: Promise<void> | undefined;
  private current: ReceiverState = { kind: 'stopped' };
  /** The warnings shown for the engine worker's deaths so far (tests read them). */
  readonly crashWarnings: string[] = [];
  /** Launched runs still going, by store session: a new worker after a crash names them again (their spans keep coming). */
  private readonly launches = new Map<string, { name: string; folder?: string }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: Log) {
    this.disposables.push(
      onSettingsChanged(['receiver.port', 'receiver.grpcPort', 'receiver.grpcEnabled', 'receiver.allowedOrigins'], () => {
        if (this.current.kind === 'running') void this.restart();
      }),
      onSettingsChanged(['store.maxSpans', 'store.maxMemoryMB', 'store.sessionGapSeconds'], () => {
        void this.enginePromise?.then((e) => e.configure(storeOptions()));
      }),
    );
  }

  get state(): ReceiverState {
    return this.current;
  }

  /** The engine, started (its worker, sql.js loaded) on first call. */
  engine(): Promise<EngineClient> {
    this.enginePromise ??= EngineClient.start({
      store: storeOptions(),
      onFallback: (reason) => this.log.warn(`The trace engine runs on the extension host's thread (${reason}).`),
      onCrash: (crash) => this.engineCrashed(crash),
    }).then((engine) => {
      engine.onDidChange((change) => {
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

  /** A launched run's session takes its configuration's name, and stays live until `launchEnded`. */
  async launchStarted(sessionId: string, name: string, folder?: string): Promise<void> {
    this.launches.set(sessionId, { name, folder });
    await (await this.engine()).launchStarted(sessionId, name, folder);
  }

  /** The launched process is gone: once the spans it sent are stored, its session is no longer live. */
  async launchEnded(sessionId: string): Promise<void> {
    this.launches.delete(sessionId);
    await (await this.engine()).launchEnded(sessionId);
  }

  /** The engine's worker died: say what was lost and whether a new one (and the receiver) took over. */
  private engineCrashed(crash: EngineCrash): void {
    const lost = `${crash.lostSpans} span${crash.lostSpans === 1 ? '' : 's'} in ${crash.lostSessions} session${crash.lostSessions === 1 ? '' : 's'}`;
    const listening = crash.receiver && ` The OTLP receiver listens again on port ${crash.receiver.http.port}${crash.receiver.http.fellBack ? ` (port ${crash.receiver.http.requestedPort} was taken)` : ''}.`;
    const message = crash.restarted
      ? `The trace engine's worker stopped (${crash.reason}) and was restarted: the ${lost} it held are lost.${crash.error ? ` ${crash.error}` : (listening ?? '')}`
      : `The trace engine's worker stopped (${crash.reason}): the ${lost} it held are lost. ${crash.error ?? ''} Reload the window to start it again.`;
    this.log.error(message);
    this.crashWarnings.push(message);
    if (crash.restarted) {
      // Runs still going keep sending: their sessions in the new worker get their names (and stay live) again.
      void this.enginePromise?.then((e) => Promise.all([...this.launches].map(([id, launch]) => e.launchStarted(id, launch.name, launch.folder)))).catch(() => undefined);
      this.restarted.fire();
    }
    if (crash.receiver) this.set({ kind: 'running', ...crash.receiver, spans: 0, sessions: 0 });
    else if (this.current.kind === 'running') this.set({ kind: 'failed', error: message });
    void vscode.window.showWarningMessage(`Agent Debugger: ${message}`);
  }

  /** The store if something already created it: readers that must not load sql.js on their own use this. */
  existingEngine(): Promise<EngineClient> | undefined {
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
        warmUp: true,
      });
      for (const a of [addresses.http, addresses.grpc]) {
        if (a?.fellBack) {
          const msg = `Port ${a.requestedPort} is in use, so the OTLP ${a === addresses.http ? 'HTTP' : 'gRPC'} receiver listens on ${a.port}.`;
          this.log.warn(msg);
          void vscode.window.showWarningMessage(`Agent Debugger: ${msg}`);
        }
      }
      this.log.info(`OTLP receiver: http://${addresses.http.host}:${addresses.http.port}${addresses.grpc ? `, gRPC ${addresses.grpc.host}:${addresses.grpc.port}` : ''}`);
      this.set({ kind: 'running', ...addresses, spans: engine.spanCount, sessions: engine.listSessions().length });
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

  private refreshCounts(engine: EngineClient): void {
    if (this.current.kind !== 'running') return this.changed.fire();
    this.set({ ...this.current, spans: engine.spanCount, sessions: engine.listSessions().length });
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
    this.restarted.dispose();
  }
}

function storeOptions() {
  return {
    maxSpans: setting('store.maxSpans'),
    maxBytes: setting('store.maxMemoryMB') * 1024 * 1024,
    sessionGapMs: setting('store.sessionGapSeconds') * 1000,
  };
}
