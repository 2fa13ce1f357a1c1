// One LLM gateway per engine, started on first need. Its steps go to `ingest` (the engine's ingest queue,
// on this thread or on the engine's worker); a step refused there is dropped and said so, because the
// agent's call has already been answered. Steps bound for another thread may be batched (`batchMs`), as
// an OTel batch span processor does: one message and one store transaction for a run of calls, instead of
// one each while the next call is being served.
import type { TraceRequest } from '../otlp/model';
import { type GatewayOptions, LlmGateway } from './gateway';

/** Stores a step; resolves with why it was refused, if it was. */
export type StepIngest = (request: TraceRequest) => Promise<string | undefined> | string | undefined;

/** A batch is sent when it holds this many steps, or `batchMs` after its first. */
const maxBatch = 64;

export class GatewayHolder {
  private gateway: LlmGateway | undefined;
  private batch: TraceRequest[] = [];
  private timer: NodeJS.Timeout | undefined;
  private send: (request: TraceRequest) => void = () => undefined;

  constructor(private readonly ingest: StepIngest, private readonly batchMs = 0) {}

  get current(): LlmGateway | undefined {
    return this.gateway;
  }

  async start(options: Omit<GatewayOptions, 'sink'>): Promise<LlmGateway> {
    if (this.gateway) return this.gateway;
    const dropped = (why: unknown) => options.onError?.(`gateway: a step was dropped: ${why instanceof Error ? why.message : String(why)}`);
    const settle = (refused: string | undefined) => refused === undefined || dropped(refused);
    // Batched: a call is parsed into its step with its batch too, off the path of the calls that follow it.
    const deferRecording = this.batchMs > 0 ? { onPending: (waiting: number) => this.schedule(waiting) } : undefined;
    const gateway = new LlmGateway({
      ...options,
      deferRecording,
      sink: (request) => {
        if (this.batchMs <= 0) return this.send(request);
        this.batch.push(request);
      },
    });
    this.send = (request) => {
      // Queued at once when the engine is on this thread (a flush right after the call sees the step).
      try {
        const refused = this.ingest(request);
        if (refused instanceof Promise) refused.then(settle, dropped);
        else settle(refused);
      } catch (e) {
        dropped(e);
      }
    };
    await gateway.start();
    this.gateway = gateway;
    return gateway;
  }

  async stop(): Promise<void> {
    const gateway = this.gateway;
    this.gateway = undefined;
    await gateway?.stop();
    gateway?.recordPending();
    this.flushBatch();
  }

  private schedule(waiting: number): void {
    if (waiting >= maxBatch) this.flushBatch();
    else this.timer ??= setTimeout(() => this.flushBatch(), this.batchMs);
  }

  /** Sends the steps waiting in a batch now (before a flush of the engine, or the end of a launch). */
  flushBatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.gateway?.recordPending();
    if (this.batch.length === 0) return;
    const steps = this.batch;
    this.batch = [];
    this.send({ resourceSpans: steps.flatMap((r) => r.resourceSpans) });
  }
}
