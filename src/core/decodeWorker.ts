// The decode worker, main-thread side: OTLP trace bodies (HTTP and gRPC) are decoded, validated and
// prepared for the store (decodeWorkerMain.ts) on a worker thread, so that this thread only stores.
// Decoding is a fifth of the work per span and building the store's rows another third: off this
// thread, the receiver takes requests while the store writes. When the worker cannot run (no entry
// file beside this one, a crash), every request is decoded here as before: answers and what is stored
// stay the same.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { OffThreadDecoder, OffThreadTraces } from './otlp/receiverTypes';
import { SpareBuffers, spareSize } from './store/spareBuffers';

export interface DecodeJob {
  id: number;
  format: 'protobuf' | 'json';
  /** The body, at the start of a buffer that may be longer (one handed back before). */
  body: Uint8Array;
  /** Buffers of prepared requests the store is done with, to prepare requests into. */
  spares?: ArrayBuffer[];
}

/** `result` undefined: the worker failed on this body for a reason other than bad input (a bug). */
export interface DecodeReply {
  id: number;
  result: OffThreadTraces | undefined;
  /** The job's buffer, handed back for the next body. */
  spare?: ArrayBuffer;
}

/** The worker's entry: next to this file, in out/ (tests, CLI from source) and in dist/ (bundles). */
export const decodeWorkerEntry = join(__dirname, 'decodeWorkerMain.js');

export class TraceDecodeWorker implements OffThreadDecoder {
  private worker: Worker | undefined;
  private unavailable = false;
  private nextId = 1;
  private readonly waiting = new Map<number, (result: OffThreadTraces | undefined) => void>();
  /** Buffers of bodies the worker decoded, to copy the next bodies into. */
  private readonly bodySpares = new SpareBuffers();
  /** Buffers of prepared requests the store has written, for the worker to prepare requests into. */
  private readonly textSpares = new SpareBuffers();

  constructor(private readonly entry = decodeWorkerEntry) {}

  /** Starts the thread ahead of the first request (its start and module load took ~40 ms here). */
  prestart(): void {
    this.start();
  }

  /** Whether requests currently go to the worker. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** `body`: its bytes, or its chunks in order (as they were read). */
  decodeTraces(format: 'protobuf' | 'json', body: Uint8Array | readonly Uint8Array[]): Promise<OffThreadTraces | undefined> {
    const worker = this.start();
    if (!worker) return Promise.resolve(undefined);
    const id = this.nextId++;
    // A copy of its own is handed over (not copied again); `body` stays here for the fallback.
    const chunks = body instanceof Uint8Array ? [body] : body;
    let size = 0;
    for (const chunk of chunks) size += chunk.length;
    const copy = new Uint8Array(this.bodySpares.take(size) ?? new ArrayBuffer(spareSize(size)), 0, size);
    for (let at = 0, i = 0; i < chunks.length; at += chunks[i++]!.length) copy.set(chunks[i]!, at);
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      const spares = this.textSpares.takeAll();
      worker.postMessage({ id, format, body: copy, spares } satisfies DecodeJob, [copy.buffer as ArrayBuffer, ...spares]);
    });
  }

  /**
   * The buffer of a prepared request once the store has it: handed to the worker with the next job, to
   * prepare another into.
   */
  recycle(buffer: ArrayBuffer): void {
    if (this.worker) this.textSpares.give(buffer);
  }

  /** How busy the worker thread has been (since an earlier reading): what the benchmark reports. */
  utilization(since?: EventLoopUtilization): EventLoopUtilization | undefined {
    return this.worker?.performance.eventLoopUtilization(since);
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.unavailable = true;
    this.stopped();
    await worker?.terminate();
  }

  private start(): Worker | undefined {
    if (this.worker || this.unavailable) return this.worker;
    if (!existsSync(this.entry)) {
      this.unavailable = true;
      return undefined;
    }
    // A young generation of 16 MB, not V8's 48: the pages a flood fills stay with the process after it.
    const worker = new Worker(this.entry, { resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    // Never what keeps a process alive: pending requests hold their sockets, and those do.
    worker.unref();
    worker.on('message', (reply: DecodeReply) => {
      if (reply.spare) this.bodySpares.give(reply.spare);
      const done = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      done?.(reply.result);
    });
    // A crashed worker is not restarted (no crash loop): the requests it held, and all later ones, are
    // decoded on this thread.
    worker.on('error', () => {
      this.unavailable = true;
      this.stopped();
    });
    worker.on('exit', () => this.stopped());
    this.worker = worker;
    return worker;
  }

  private stopped(): void {
    this.worker = undefined;
    for (const done of this.waiting.values()) done(undefined);
    this.waiting.clear();
  }
}
