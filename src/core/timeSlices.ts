// Long work on a thread that also serves sockets (the engine worker's: the receiver), cut into slices with
// the event loop served between them, so that no request waits longer than a slice.
import { setImmediate as turn } from 'node:timers/promises';

export class TimeSlices {
  private started = performance.now();
  private spent = 0;

  /** `ms`: how long a slice runs before the event loop is served. */
  constructor(private readonly ms = 25) {}

  /** Whether this slice's time is spent (then await `pause`): cheap enough to ask per item. */
  due(): boolean {
    return performance.now() - this.started >= this.ms;
  }

  /** Serves the event loop (timers, I/O: the receiver's requests), then starts a new slice. */
  async pause(): Promise<void> {
    this.spent += performance.now() - this.started;
    await turn();
    this.started = performance.now();
  }

  /** The time the slices took so far, without the pauses between them. */
  busyMs(): number {
    return this.spent + performance.now() - this.started;
  }
}

export { runWhole } from '../protocol/work';

/** The same work, the event loop served at its yields whenever `slices` says. */
export async function runSliced<T>(work: Generator<void, T>, slices: TimeSlices): Promise<T> {
  for (let step = work.next(); ; step = work.next()) {
    if (step.done) return step.value;
    if (slices.due()) await slices.pause();
  }
}
