// A receiver-only session stops being live when time passes, with no store change to tell the views.
// This wakes them (through the engine's sessionsChanged) at the moment the next live session ends (the Sessions row, the graph title, Cost).
import type { Disposable } from './changes';
import { liveQuietMs } from './liveness';
import type { SpanStore } from './spanStore';

/** Timers fire a little late rather than a little early: the session must be past its end when looked at. */
const slackMs = 50;

export class LivenessTimer implements Disposable {
  private timer: NodeJS.Timeout | undefined;
  private dueAt = Infinity;
  private live = '';
  /** Sessions may have become live (and ended since) without this timer seeing them live. */
  private changed = false;

  constructor(private readonly store: Pick<SpanStore, 'now' | 'listSessions'>, private readonly onDidEnd: () => void) {}

  /** After a store change: no session it touched can end before the quiet time. */
  storeChanged(): void {
    this.changed = true;
    this.wakeAt(this.store.now() + liveQuietMs);
  }

  private wakeAt(at: number): void {
    if (at >= this.dueAt) return;
    clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => this.check(), Math.max(0, at - this.store.now()) + slackMs);
  }

  private check(): void {
    this.timer = undefined;
    this.dueAt = Infinity;
    const sessions = this.store.listSessions().filter((s) => s.live);
    const live = sessions.map((s) => s.id).join('\n');
    if (live !== this.live || this.changed) {
      this.live = live;
      this.changed = false;
      this.onDidEnd();
    }
    let next = Infinity;
    for (const s of sessions) next = Math.min(next, s.liveUntilMs ?? Infinity);
    if (Number.isFinite(next)) this.wakeAt(next);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.dueAt = -Infinity;
  }
}
