// When a session stops being "live". A run launched by the debugger is live while its process runs and
// ends when it exits (the host says so, after the last spans are in). A session that only the receiver
// knows ends once every trace has its root span (exporters send a span when it ends, the root last) and
// nothing arrived for a few seconds; a trace still waiting for its root keeps it live up to the session gap.
import type { SessionSource } from './types';

/** Quiet time after the last receipt before a session with no open trace stops being live. */
export const liveQuietMs = 5000;

export type ProcessState = 'running' | 'exited';

export interface LivenessFacts {
  source: SessionSource;
  /** Receipt clock. */
  lastReceiptMs: number;
  /** Traces of the session whose root span has not arrived. */
  openTraces: number;
  /** The launched process behind the session, when the host knows of one. */
  process?: ProcessState;
}

/** Receipt-clock time until which the session is live: Infinity while its process runs, -Infinity when it never is. */
export function liveUntil(f: LivenessFacts, sessionGapMs: number): number {
  if (f.source === 'import' || f.process === 'exited') return -Infinity;
  if (f.process === 'running') return Infinity;
  return f.lastReceiptMs + (f.openTraces > 0 ? sessionGapMs : Math.min(liveQuietMs, sessionGapMs));
}

export function isLive(f: LivenessFacts, sessionGapMs: number, now: number): boolean {
  return now < liveUntil(f, sessionGapMs);
}
