// A session's agent model is built in the engine worker's heap, next to the store's own objects. A model
// bigger than that heap killed the worker, and every span of every session died with it (measured: 30,720
// realistic spans modelled in a 124 MB heap lost all 30,720). So a build reads the heap's use as it reads
// and normalises spans, and stops with ModelTooLargeError past a budget: the store stays whole, and the
// user is told why the session cannot be shown and what still works.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ModelBudgetForTest } from '../protocol/engine';

/**
 * The share of the heap's old generation that reading and normalising may fill: what is derived from the
 * steps afterwards (parents, graph, timeline, safety findings, the graph's snapshot) takes up to half as
 * much again, and V8 needs room to collect.
 */
const defaultShare = 0.6;
/** What the young generation takes of heap_size_limit (the worker's is 16 MB; a thread's own may be bigger). */
const youngBytes = 64 * 2 ** 20;
/** Spans read or normalised between two looks at the heap (a look costs ~0.2 µs, a span read and normalised ~10-25 µs). */
const defaultEvery = 1024;
/** Full collections one build may ask for before its use alone decides (each marks the whole heap). */
const maxCollections = 3;

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

export class ModelTooLargeError extends Error {
  constructor(
    readonly sessionName: string,
    readonly spans: number,
    readonly usedBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      `Session "${sessionName}" (${spans.toLocaleString('en-US')} spans) is too large to model in the trace engine's memory: ` +
        `building it took the heap to ${mb(usedBytes)} MB of its ${mb(limitBytes)} MB. Its spans stay in the store: ` +
        'export it as OTLP JSON or SQLite, and read it with `agent-debugger steps` in a process given more memory (NODE_OPTIONS=--max-old-space-size=MB).',
    );
    this.name = 'ModelTooLargeError';
  }
}

/** A rejection handler: undefined for a model that does not fit (the caller shows less), any other error rethrown. */
export function unlessTooLarge(e: unknown): undefined {
  if (e instanceof ModelTooLargeError) return undefined;
  throw e;
}

export interface HeapStats {
  used_heap_size: number;
  heap_size_limit: number;
}

export interface HeapCheckOptions {
  share?: number;
  every?: number;
  stats?: () => HeapStats;
  /** A full collection (default: V8's own, see fullCollection). */
  collect?: () => void;
}

/**
 * A check to call once per span read or normalised for the model of `sessionName` (`spans` spans): every
 * `every`th call it looks at the heap, and throws ModelTooLargeError when more than `share` of its old
 * generation is in use. Garbage counts in that use (a model refused a moment ago, say): past the budget, a
 * full collection first says what really stays.
 */
export function modelHeapCheck(sessionName: string, spans: number, options: HeapCheckOptions = {}): () => void {
  const { share = forTest.share ?? defaultShare, every = forTest.every ?? defaultEvery, stats = getHeapStatistics, collect = fullCollection } = options;
  let calls = 0;
  let collections = 0;
  return () => {
    if (++calls < every) return;
    calls = 0;
    let heap = stats();
    const budget = share * Math.max(0, heap.heap_size_limit - youngBytes);
    if (heap.used_heap_size <= budget) return;
    if (collections < maxCollections) {
      collections++;
      collect();
      heap = stats();
      if (heap.used_heap_size <= budget) return;
    }
    throw new ModelTooLargeError(sessionName, spans, heap.used_heap_size, heap.heap_size_limit);
  };
}

let forTest: ModelBudgetForTest = {};
let generation = 0;

/** The share and every of the checks made from now on ({}: the defaults); the engine worker's test request. */
export function setModelBudgetForTest(budget: ModelBudgetForTest): void {
  forTest = { ...budget };
  generation++;
}

/** Changes with the budget: a refusal judged by another budget does not stand. */
export function budgetGeneration(): number {
  return generation;
}

let gc: (() => void) | undefined;

/**
 * V8's full collection, asked for only when a build is past its budget. Node exposes it only behind a flag:
 * turned on for the moment a new context takes the function, then off again (as Jest's leak detector does).
 * A runtime whose flags cannot change then gets none: the heap's use alone decides.
 */
function fullCollection(): void {
  gc ??= exposedGc();
  gc();
}

function exposedGc(): () => void {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    return typeof fn === 'function' ? (fn as () => void) : () => undefined;
  } catch {
    return () => undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
