// Long work written as a generator that yields where it may be cut. The engine worker runs it a slice at a
// time (src/core/timeSlices.ts: its thread also serves the receiver); anything else runs it in one go.
// Pure: no vscode, node or DOM (the webview's codec shares it).

/** Work written as a generator that yields where it may be cut, run in one go. */
export function runWhole<T>(work: Generator<void, T>): T {
  for (let step = work.next(); ; step = work.next()) if (step.done) return step.value;
}

/** How many items a pass over rows or events takes between yields. */
export const YIELD_EVERY = 0x3fff;

/** Whether a pass at item `i` yields (every YIELD_EVERY + 1 items). */
export const yieldsAt = (i: number): boolean => (i & YIELD_EVERY) === YIELD_EVERY;
