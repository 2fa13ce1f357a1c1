// Change notifications without vscode: a typed listener list, and a collector that folds everything one
// store operation did into a single StoreChange.
import type { StoreChange } from './types';

export interface Disposable {
  dispose(): void;
}

export class Emitter<T> {
  private listeners: ((value: T) => void)[] = [];

  /** Subscribes; `dispose()` unsubscribes. */
  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  fire(value: T): void {
    // A throwing listener must not stop the others, nor the ingest that fired.
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (e) {
        console.error('agent-debugger store listener failed:', e);
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}

/** Accumulates session ids by what happened to them; `take()` returns the change and resets. */
export class ChangeCollector {
  private added = new Set<string>();
  private changed = new Set<string>();
  private removed = new Set<string>();
  private evicted = new Set<string>();
  private notices: string[] = [];
  private evictedSpans = 0;

  add(id: string): void {
    this.forget(id);
    this.added.add(id);
  }

  change(id: string): void {
    if (!this.added.has(id)) this.changed.add(id);
  }

  remove(id: string): void {
    this.forget(id);
    this.removed.add(id);
  }

  /** A whole session evicted by the caps, holding `spans` spans. */
  evict(id: string, notice: string, spans: number): void {
    this.forget(id);
    this.evicted.add(id);
    this.notices.push(notice);
    this.evictedSpans += spans;
  }

  /** Spans of a session dropped by the caps (its oldest traces); the session stays. */
  trim(notice: string, spans: number): void {
    this.notices.push(notice);
    this.evictedSpans += spans;
  }

  /** A copy of what is collected so far, to go back to if the operation rolls back. */
  snapshot(): () => void {
    const saved = {
      added: new Set(this.added), changed: new Set(this.changed), removed: new Set(this.removed), evicted: new Set(this.evicted),
      notices: [...this.notices], evictedSpans: this.evictedSpans,
    };
    return () => Object.assign(this, saved);
  }

  get empty(): boolean {
    return !this.added.size && !this.changed.size && !this.removed.size && !this.evicted.size && !this.notices.length;
  }

  take(): StoreChange | undefined {
    if (this.empty) return undefined;
    const change: StoreChange = {
      added: [...this.added],
      changed: [...this.changed],
      removed: [...this.removed],
      evicted: [...this.evicted],
    };
    if (this.notices.length) change.notices = this.notices;
    if (this.evictedSpans) change.evictedSpans = this.evictedSpans;
    this.added = new Set();
    this.changed = new Set();
    this.removed = new Set();
    this.evicted = new Set();
    this.notices = [];
    this.evictedSpans = 0;
    return change;
  }

  private forget(id: string): void {
    this.added.delete(id);
    this.changed.delete(id);
    this.removed.delete(id);
    this.evicted.delete(id);
  }
}
