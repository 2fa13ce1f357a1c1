// One engine with its gateway and a mock provider behind it, and the session's steps as the user sees them.
import { buildSession, type AgentSession } from '../../../src/core/agent';
import { readSession } from '../../../src/core/agent/fromStore';
import { TraceEngine } from '../../../src/core/engine';
import type { LlmGateway } from '../../../src/core/gateway/gateway';
import type { RunRoute } from '../../../src/core/gateway/routes';
import { MockProvider } from './mockProvider';

/** A key that must never reach the store. */
export const PLANTED_KEY = 'sk-planted-DO-NOT-STORE-7f3a9c';

export class GatewayHarness {
  readonly mock = new MockProvider();
  engine!: TraceEngine;
  gateway!: LlmGateway;
  run!: RunRoute;
  mockUrl = '';
  readonly errors: string[] = [];

  async start(sessionId = 'gateway-test'): Promise<this> {
    this.mockUrl = await this.mock.start();
    this.engine = await TraceEngine.create();
    this.gateway = await this.engine.startGateway({
      upstreams: { openai: `${this.mockUrl}/v1`, anthropic: this.mockUrl, ollama: this.mockUrl, gemini: this.mockUrl },
      onError: (m) => this.errors.push(m),
    });
    this.run = this.gateway.addRun({ sessionId, serviceName: 'no-otel-agent' });
    return this;
  }

  baseUrl(provider: 'openai' | 'anthropic' | 'ollama' | 'gemini'): string {
    return this.gateway.baseUrl(provider, this.run)!;
  }

  /** The run's session, once every recorded step is stored. */
  async session(sessionId = this.run.sessionId!): Promise<AgentSession> {
    // The gateway records on the response's end, which the client may see a moment before.
    await new Promise((r) => setTimeout(r, 30));
    await this.engine.queue.flush();
    return buildSession(readSession(this.engine.store, sessionId));
  }

  async stop(): Promise<void> {
    await this.engine.dispose();
    await this.mock.stop();
  }
}
