// Ingest is background work: on a machine with few cores a flood of spans must not take the CPU from the
// thread that serves VS Code. Linux keeps a nice value per thread (setpriority on a thread id touches that
// thread only, and threads it starts inherit it), so the engine's worker lowers its own and its decode
// workers', leaving the extension host's thread and the rest of the process as they were.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** How much lower: CFS gives a nice-10 thread about a tenth of a nice-0 one's share when both want a core. */
export const backgroundNice = 10;

/** This thread's id as the kernel knows it (Linux), from /proc/thread-self -> "<pid>/task/<tid>". */
export function kernelThreadId(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lowers this worker thread's priority to `nice` (never raises it). Returns the nice value it runs at, or
 * why it could not: not Linux (elsewhere priorities are per process, and the process is VS Code's), the
 * main thread, or the kernel refused.
 */
export function lowerThisThreadsPriority(nice = backgroundNice): number | string {
  if (isMainThread) return 'the main thread keeps its priority';
  const tid = kernelThreadId();
  if (tid === undefined || tid === process.pid) return 'per-thread priorities need Linux';
  try {
    const now = getPriority(tid);
    if (now < nice) setPriority(tid, nice);
    return getPriority(tid);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
