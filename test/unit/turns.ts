// How often the event loop turned while some work ran: work cut into slices (src/core/timeSlices.ts) lets it turn.

/** How often the event loop turned while `work` ran, and how long it ran. */
export async function countTurns<T>(work: () => Promise<T>): Promise<{ count: number; ms: number; value: T }> {
  let count = 0;
  let done = false;
  const turn = () => {
    count++;
    if (!done) setImmediate(turn);
  };
  setImmediate(turn);
  const started = performance.now();
  const value = await work();
  done = true;
  return { count, ms: performance.now() - started, value };
}
