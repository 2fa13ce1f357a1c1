// One LLM gateway per engine, started on first need. Its steps go to `ingest` (the engine's ingest queue,
// on this thread or on the engine's worker); a step refused there is dropped and said so, because the
// agent's call has already been answered.
import type { TraceRequest } from '../otlp/model';
import { type GatewayOptions, LlmGateway } from './gateway';

/** Stores a step; resolves with why it was refused, if it was. */
export type StepIngest = (request: TraceRequest) => Promise<string | undefined> | string | undefined;

export class GatewayHolder {
  private gateway: LlmGateway | undefined;

  constructor(private readonly ingest: StepIngest) {}

  get current(): LlmGateway | undefined {
    return this.gateway;
  }

  async start(options: Omit<GatewayOptions, 'sink'>): Promise<LlmGateway> {
    if (this.gateway) return this.gateway;
    const dropped = (why: unknown) => options.onError?.(`gateway: a step was dropped: ${why instanceof Error ? why.message : String(why)}`);
    const settle = (refused: string | undefined) => refused === undefined || dropped(refused);
    const gateway = new LlmGateway({
      ...options,
      sink: (request) => {
        // Queued at once when the engine is on this thread (a flush right after the call sees the step).
        try {
          const refused = this.ingest(request);
          if (refused instanceof Promise) refused.then(settle, dropped);
          else settle(refused);
        } catch (e) {
          dropped(e);
        }
      },
    });
    await gateway.start();
    this.gateway = gateway;
    return gateway;
  }

  async stop(): Promise<void> {
    const gateway = this.gateway;
    this.gateway = undefined;
    await gateway?.stop();
  }
}
