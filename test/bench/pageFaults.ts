// What a first write to fresh memory costs on this machine, and how many a stage took. On the 2-core VMs
// we bench on a page fault costs ~13 µs (a few hundred ns on a laptop), so a stage that grows the heap by
// 250 MB pays ~0.8 s for it alone: printed, numbers from one machine compare with another's.
import { readFileSync } from 'node:fs';

const page = 4096;

/** The process's minor page faults so far (Linux; undefined elsewhere). */
export function minorFaults(): number | undefined {
  try {
    // /proc/self/stat: after "pid (comm) ", field 10 (minflt) is the 8th.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    const n = Number(fields[7]);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** µs per first write to a 4 KB page of fresh memory: a new 64 MB buffer (mapped, not yet touched), one byte a page. */
export function firstTouchMicros(): number {
  const bytes = new Uint8Array(64 * 2 ** 20);
  const started = performance.now();
  for (let at = 0; at < bytes.length; at += page) bytes[at] = 1;
  return ((performance.now() - started) * 1000) / (bytes.length / page);
}
