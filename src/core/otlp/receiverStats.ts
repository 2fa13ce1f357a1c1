// Receiver counters plus a tiny listener list (no vscode, no EventEmitter typing games).
import type { ReceiverError, ReceiverStats } from './receiverTypes';

export interface Disposable {
  dispose(): void;
}

export class StatsTracker {
  private readonly current: ReceiverStats = {
    requests: 0, spansAccepted: 0, spansRejected: 0, logRecordsAccepted: 0, logRecordsRejected: 0,
    bytesReceived: 0, refused: 0, errors: 0,
  };
  private readonly listeners = new Set<(stats: ReceiverStats) => void>();

  /** The counters themselves, for the transports to bump; call changed() once per request. */
  get mutable(): ReceiverStats {
    return this.current;
  }

  snapshot(): ReceiverStats {
    return { ...this.current, lastError: this.current.lastError && { ...this.current.lastError } };
  }

  error(transport: ReceiverError['transport'], status: number, message: string): void {
    this.current.errors++;
    this.current.lastError = { at: Date.now(), transport, status, message };
  }

  onDidChange(listener: (stats: ReceiverStats) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  changed(): void {
    if (this.listeners.size === 0) return;
    const snap = this.snapshot();
    for (const listener of [...this.listeners]) {
      try {
        listener(snap);
      } catch {
        // A broken listener must not break ingestion.
      }
    }
  }
}
