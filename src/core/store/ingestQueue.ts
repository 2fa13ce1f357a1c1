// Between the receiver and the store. A request is taken at once (the receiver can answer 200, and an
// answered span is never lost: it is held here until stored) and stored later, a slice per event-loop
// turn, each slice sized from the measured cost per span so that no turn blocks for more than ~15 ms
// (the bound is 50). While requests keep arriving and the backlog is short, slices are ~3 ms: answering
// takes the receiver several turns (body, answer, the sender's next request), each of which waits for a
// slice, so the sender is answered at nearly the receiver's own pace and the backlog, not it, waits.
// Slices still run back to back: the event loop never idles while anything is queued. A backlog of
// `pauseAt` items makes the receiver wait before it reads the next body (room()): the senders' sockets,
// not this process's memory, hold what the store cannot take yet. Memory a flood made stays with the
// process after it (V8 and malloc keep their pages), so the backlog is what sets the engine's size. Past
// a backlog cap (senders that do not wait: gRPC streams, many connections), new requests are refused
// with 429 + Retry-After.
import type { LogsRequest, TraceRequest } from '../otlp/model';
import { countLogRecords, countSpans, LogsCursor, TraceCursor } from './requestCursor';
import type { PreparedTraces } from './preparedTraces';
import type { SpanStore } from './spanStore';
import type { OtlpSink, SinkVerdict } from '../otlp/receiverTypes';

export interface IngestQueueOptions {
  /** Spans plus log records waiting; past this, requests are refused with 429. Default 200 000. */
  maxPending?: number;
  /** Time one slice aims for (ms). Default 15: under the 50 ms bound with room for a GC pause. */
  targetSliceMs?: number;
  /** The same while requests keep arriving and the backlog is under half the cap. Default 3. */
  receivingSliceMs?: number;
  /** Items waiting when the receiver stops reading new bodies until half of them are stored. Default 8192. */
  pauseAt?: number;
  /** A slice that failed to store (a bug, not bad input: requests arrive validated). */
  onError?: (error: unknown) => void;
}

export interface QueueCounters {
  pendingSpans: number;
  pendingLogRecords: number;
  pendingRequests: number;
  ingestedSpans: number;
  ingestedLogRecords: number;
  /** Items whose slice threw while being stored. */
  failed: number;
  refused: number;
  slices: number;
  lastSliceMs: number;
  maxSliceMs: number;
  /** Slices over the 50 ms bound (a GC pause, a busy machine, or a retention eviction). */
  slowSlices: number;
  /**
   * Longest slice counting only time this process was on a CPU (min of wall and process CPU time):
   * tells a slice that did too much from one the OS preempted on a busy machine.
   */
  maxSliceBusyMs: number;
  /** Current estimate of the cost of storing one item. */
  msPerItem: number;
}

interface Pending {
  seq: number;
  receivedAt: number;
  cursor: { kind: 'traces'; of: TraceCursor } | { kind: 'logs'; of: LogsCursor } | { kind: 'prepared'; of: PreparedCursor };
}

/** Spans of a prepared request, N at a time. */
class PreparedCursor {
  private next = 0;
  constructor(readonly p: PreparedTraces) {}
  get done(): boolean {
    return this.next >= this.p.count;
  }
  take(max: number): { from: number; to: number } {
    const from = this.next;
    this.next = Math.min(this.p.count, from + max);
    return { from, to: this.next };
  }
}

const sliceBoundMs = 50;
const minSliceItems = 16;
const maxSliceItems = 50_000;
/** A request taken this recently means more are coming. */
const receivingWindowMs = 50;

export class IngestQueue implements OtlpSink {
  private readonly queue: Pending[] = [];
  private readonly waiters: { seq: number; resolve: () => void }[] = [];
  private readonly maxPending: number;
  private readonly pauseAt: number;
  /** Resolved when the backlog is down to half of pauseAt (set while it is over). */
  private roomMade: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly targetSliceMs: number;
  private readonly receivingSliceMs: number;
  private scheduled = false;
  private closed = false;
  private lastAcceptMs = -Infinity;
  private acceptedSeq = 0;
  private doneSeq = 0;
  /** Called with each prepared request once all of it is stored (its buffers can be filled again). */
  preparedStored: ((p: PreparedTraces) => void) | undefined;
  // Conservative until measured: 10k items/s (warm, the store does ~30k).
  private msPerItem = 0.1;
  private readonly c = { pendingSpans: 0, pendingLogRecords: 0, ingestedSpans: 0, ingestedLogRecords: 0, failed: 0, refused: 0, slices: 0, lastSliceMs: 0, maxSliceMs: 0, slowSlices: 0, maxSliceBusyMs: 0 };

  constructor(
    private readonly store: SpanStore,
    private readonly options: IngestQueueOptions = {},
  ) {
    this.maxPending = options.maxPending ?? 200_000;
    this.pauseAt = options.pauseAt ?? 8192;
    this.targetSliceMs = options.targetSliceMs ?? 15;
    this.receivingSliceMs = Math.min(options.receivingSliceMs ?? 3, this.targetSliceMs);
  }

  acceptTraces(req: TraceRequest): SinkVerdict {
    const count = countSpans(req);
    const refused = this.refusal(count);
    if (refused) return refused;
    if (count > 0) {
      this.c.pendingSpans += count;
      this.enqueue({ kind: 'traces', of: new TraceCursor(req) });
    }
    return { ok: true };
  }

  acceptPreparedTraces(p: PreparedTraces): SinkVerdict {
    const refused = this.refusal(p.count);
    if (refused) return refused;
    if (p.count > 0) {
      this.c.pendingSpans += p.count;
      this.enqueue({ kind: 'prepared', of: new PreparedCursor(p) });
    }
    return { ok: true };
  }

  acceptLogs(req: LogsRequest): SinkVerdict {
    const count = countLogRecords(req);
    const refused = this.refusal(count);
    if (refused) return refused;
    if (count > 0) {
      this.c.pendingLogRecords += count;
      this.enqueue({ kind: 'logs', of: new LogsCursor(req) });
    }
    return { ok: true };
  }

  /** undefined while the backlog is short; else resolves once the store has caught up to half of it. */
  room(): Promise<void> | undefined {
    if (this.pending < this.pauseAt || this.closed) return this.roomMade?.promise;
    if (!this.roomMade) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.roomMade = { promise, resolve };
    }
    return this.roomMade.promise;
  }

  get counters(): QueueCounters {
    return { ...this.c, pendingRequests: this.queue.length, msPerItem: this.msPerItem };
  }

  /** Resolves once everything accepted before the call is in the store. */
  flush(): Promise<void> {
    if (this.doneSeq >= this.acceptedSeq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq: this.acceptedSeq, resolve }));
  }

  /** Refuses new requests (503) and resolves once the ones already taken are stored. */
  close(): Promise<void> {
    this.closed = true;
    return this.flush();
  }

  private get pending(): number {
    return this.c.pendingSpans + this.c.pendingLogRecords;
  }

  private refusal(count: number): SinkVerdict | undefined {
    if (this.closed) return { ok: false, status: 503, retryAfterSeconds: 5, reason: 'the trace store is shutting down' };
    // An empty backlog takes anything, or one request over the cap would be refused forever.
    if (this.pending === 0 || this.pending + count <= this.maxPending) return undefined;
    this.c.refused++;
    // Time to store the backlog, assuming slices use about half of each second.
    const seconds = Math.ceil((this.pending * this.msPerItem * 2) / 1000);
    return { ok: false, status: 429, retryAfterSeconds: Math.min(Math.max(seconds, 1), 60), reason: `${this.pending} spans are waiting to be stored` };
  }

  private enqueue(cursor: Pending['cursor']): void {
    this.queue.push({ seq: ++this.acceptedSeq, receivedAt: this.store.now(), cursor });
    this.lastAcceptMs = performance.now();
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  /** Short slices while requests keep arriving, unless the backlog nears the cap: then the store catches up. */
  private sliceMs(): number {
    const receiving = performance.now() - this.lastAcceptMs <= receivingWindowMs && this.pending < this.maxPending / 2;
    return receiving && !this.closed ? this.receivingSliceMs : this.targetSliceMs;
  }

  /** One slice: stores from the head of the queue until the time budget is spent. */
  private drain(): void {
    this.scheduled = false;
    const start = performance.now();
    const sliceMs = this.sliceMs();
    // Reading the process's CPU time costs ~0.1 ms while other threads run (the decode worker): only the
    // long slices, the ones that could approach the bound, are measured; the short ones count as busy.
    const cpuStart = sliceMs >= this.targetSliceMs ? process.cpuUsage() : undefined;
    this.store.batch(() => {
      let first = true;
      while (this.queue.length) {
        const budget = sliceMs - (performance.now() - start);
        if (!first && budget < this.msPerItem * minSliceItems) break;
        first = false;
        // A third of the slice at most per chunk: when the machine suddenly gets slower (a GC, a busy
        // neighbour), the chunk that overruns the estimate is short, and the clock is read after it.
        const chunkMs = Math.min(budget, this.targetSliceMs / 3);
        const size = Math.min(maxSliceItems, Math.max(minSliceItems, Math.floor(chunkMs / this.msPerItem)));
        const head = this.queue[0]!;
        this.storeSome(head, size);
        if (head.cursor.of.done) {
          this.queue.shift();
          this.doneSeq = head.seq;
        }
      }
    });
    const ms = performance.now() - start;
    const cpu = cpuStart && process.cpuUsage(cpuStart);
    this.c.maxSliceBusyMs = Math.max(this.c.maxSliceBusyMs, cpu ? Math.min(ms, (cpu.user + cpu.system) / 1000) : ms);
    this.c.slices++;
    this.c.lastSliceMs = ms;
    this.c.maxSliceMs = Math.max(this.c.maxSliceMs, ms);
    if (ms > sliceBoundMs) this.c.slowSlices++;
    this.releaseWaiters();
    if (this.roomMade && (this.pending <= this.pauseAt / 2 || this.closed)) {
      this.roomMade.resolve();
      this.roomMade = undefined;
    }
    if (this.queue.length) this.schedule();
  }

  private storeSome(head: Pending, size: number): void {
    const t0 = performance.now();
    const cursor = head.cursor;
    let count = 0;
    try {
      if (cursor.kind === 'prepared') {
        const { from, to } = cursor.of.take(size);
        count = to - from;
        this.c.pendingSpans -= count;
        this.store.ingestPrepared(cursor.of.p, head.receivedAt, from, to);
        this.c.ingestedSpans += count;
        if (to === cursor.of.p.count) this.preparedStored?.(cursor.of.p);
      } else if (cursor.kind === 'traces') {
        const slice = cursor.of.take(size);
        count = slice.count;
        this.c.pendingSpans -= count;
        this.store.ingestTraces(slice.req, head.receivedAt);
        this.c.ingestedSpans += count;
      } else {
        const slice = cursor.of.take(size);
        count = slice.count;
        this.c.pendingLogRecords -= count;
        this.store.ingestLogs(slice.req, head.receivedAt);
        this.c.ingestedLogRecords += count;
      }
    } catch (e) {
      this.c.failed += count;
      this.options.onError?.(e);
    }
    // Learn the cost per item from slices big enough to measure; weigh the newest most.
    if (count >= minSliceItems) {
      const observed = (performance.now() - t0) / count;
      this.msPerItem = Math.max(0.001, this.msPerItem * 0.5 + observed * 0.5);
    }
  }

  private releaseWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.seq <= this.doneSeq) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
