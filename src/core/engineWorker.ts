// The engine's worker thread seen from the host: starting one (engineWorkerMain.ts), telling when it dies,
// how often a dead one is started again, the in-process fallback, and what its errors become here. The
// client (engineClient.ts) owns what the worker serves.
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { join } from 'node:path';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { type MessageConnection, ResponseError } from 'vscode-jsonrpc';
import { createMessageConnection, PortMessageReader, PortMessageWriter } from 'vscode-jsonrpc/node';
import { EngineErrors, type ForwardErrorData, type ModelTooLargeData } from '../protocol/engine';
import type { ReceiverAddresses } from './engine';
import { serveEngine } from './engineService';
import { ForwardError } from './forward/forwarder';
import { ImportCancelled } from './import/otlpFile';
import { ModelTooLargeError } from './modelBudget';
import type { StoreOptions } from './store/spanStore';

/** The worker's entry: next to this file, in out/ (tests) and in dist/ (bundles). */
export const engineWorkerEntry = join(__dirname, 'engineWorkerMain.js');

/** A worker that has not answered by then is given up for the in-process engine. */
const startTimeoutMs = 20_000;

/** A worker that dies this often within `crashWindowMs` is not started again (it would only die again). */
const maxCrashes = 3;
const crashWindowMs = 60_000;

/**
 * The worker's heap limit in MB: half the machine's memory, at most 16 GB, never below V8's own default. V8
 * gives a heap a quarter of the memory up to 4 GB: 2 GB on an 8 GB laptop, where the model of a session the
 * default store caps keep (~1M agent spans: the spans it reads and its steps, ~2 GB at their peak) ran out of
 * heap, and the worker died with the store. (Where V8 is built with pointer compression, as in Electron, a
 * heap cannot pass 4 GB whatever is asked: there this only lifts the smaller default.)
 */
export function engineHeapLimitMb(totalBytes = totalmem(), defaultBytes = getHeapStatistics().heap_size_limit): number {
  const mb = (bytes: number) => Math.floor(bytes / 2 ** 20);
  return Math.max(mb(defaultBytes), Math.min(mb(totalBytes / 2), 16 * 1024));
}

/** What a worker's death cost, told once a new worker took over (or could not). */
export interface EngineCrash {
  reason: string;
  /** What the store held when the worker died (its data dies with it). */
  lostSpans: number;
  lostSessions: number;
  /** A new worker runs, with the receiver back where it listened; false: requests fail from now on. */
  restarted: boolean;
  /** Why there is no new worker, or why the receiver did not come back. */
  error?: string;
  /** Where the receiver listens again (it was running). */
  receiver?: ReceiverAddresses;
}

/** A request the engine worker took with it when it died. */
export class EngineCrashedError extends Error {
  constructor(readonly method: string, readonly reason: string) {
    super(`The trace engine's worker stopped (${reason}) before it answered "${method}".`);
    this.name = 'EngineCrashedError';
  }
}

/** An error the worker answered, as the host's callers know it (a cancelled import, a refused forward). */
export function hostError(e: unknown): unknown {
  if (!(e instanceof ResponseError)) return e;
  if (e.code === EngineErrors.importCancelled) return new ImportCancelled();
  if (e.code === EngineErrors.modelTooLarge) {
    const data = e.data as ModelTooLargeData;
    return new ModelTooLargeError(data.sessionName, data.spans, data.usedBytes, data.limitBytes);
  }
  if (e.code === EngineErrors.forwardFailed) {
    const data = e.data as ForwardErrorData;
    return new ForwardError(e.message, data.sent, data.status, data.body);
  }
  return e;
}

/** What the client gives a worker it starts. */
export interface WorkerHooks<T> {
  /** Its connection, before anything is asked (notifications may come first). */
  attach(connection: MessageConnection, worker: Worker): void;
  /** The first answer that shows it serves. */
  firstAnswer(connection: MessageConnection): Promise<T>;
  /** It died after it started (its connection is disposed already). */
  died(connection: MessageConnection, reason: string): void;
}

/**
 * Starts a worker on `entry` with `store` settings and a heap of `heapLimitMb` (default: engineHeapLimitMb); resolves with its first answer. A worker that ends or
 * does not answer in time before that is terminated, and this throws why.
 */
export async function startEngineWorker<T>(entry: string, store: StoreOptions, heapLimitMb: number | undefined, hooks: WorkerHooks<T>): Promise<T> {
  if (!existsSync(entry)) throw new Error(`no engine worker at ${entry}`);
  // A young generation of 16 MB, not V8's 48: the pages a flood fills stay with the process after it.
  const worker = new Worker(entry, { workerData: store, resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: heapLimitMb ?? engineHeapLimitMb() } });
  // Never what keeps a process alive: the receiver's sockets do, in the worker.
  worker.unref();
  const connection = createMessageConnection(new PortMessageReader(worker), new PortMessageWriter(worker));
  hooks.attach(connection, worker);
  let started = false;
  let down = false;
  const failed = new Promise<never>((_, reject) => {
    const fail = (reason: string) => {
      if (down) return;
      down = true;
      connection.dispose();
      if (started) hooks.died(connection, reason);
      else reject(new Error(`the engine worker failed to start: ${reason}`));
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`it exited (code ${code})`));
  });
  failed.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the engine worker did not answer in ${startTimeoutMs / 1000} s`)), startTimeoutMs).unref());
  try {
    const first = await Promise.race([hooks.firstAnswer(connection), failed, timeout]);
    started = true;
    return first;
  } catch (e) {
    down = true;
    connection.dispose();
    await worker.terminate();
    throw e;
  }
}

/** The fallback: the same engine on this thread, over an in-process channel (close `ports` with it). */
export function startInProcess(store: StoreOptions): { connection: MessageConnection; ports: MessagePort[] } {
  const { port1, port2 } = new MessageChannel();
  void serveEngine(createMessageConnection(new PortMessageReader(port1), new PortMessageWriter(port1)), store).catch(() => undefined);
  return { connection: createMessageConnection(new PortMessageReader(port2), new PortMessageWriter(port2)), ports: [port1, port2] };
}

/** Worker deaths within the last minute: past a few, none is started again. */
export class CrashCount {
  private times: number[] = [];

  /** Counts a death now; returns why no new worker may start, or undefined. */
  refusal(reason: string): string | undefined {
    const now = Date.now();
    this.times = [...this.times.filter((t) => now - t < crashWindowMs), now];
    if (this.times.length <= maxCrashes) return undefined;
    return `The trace engine's worker stopped ${this.times.length} times within ${crashWindowMs / 1000} s, so it is not started again (last: ${reason}).`;
  }
}
