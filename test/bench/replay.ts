// Replaying a 100-call cassette against the recorded run: the same agent loop (openai SDK, streamed
// answers) through the gateway, first recorded against a mock provider with a provider-like pace
// (5 chunks, 12 ms apart), then answered from the cassette at once. Printed as a wall-time ratio.
import OpenAI from 'openai';
import { TraceEngine } from '../../src/core/engine';
import { CassetteRecorder, parseCassette } from '../../src/core/gateway/cassette';
import { Replayer } from '../../src/core/gateway/replayer';
import type { RunRouteOptions } from '../../src/core/gateway/routes';
import { MockProvider } from '../unit/gateway/mockProvider';

export interface ReplayBench {
  calls: number;
  recordedMs: number;
  replayedMs: number;
  ratio: number;
  upstreamCallsOnReplay: number;
}

const model = 'gpt-4o-mini';
const calls = 100;

async function agentLoop(baseURL: string): Promise<void> {
  const client = new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0 });
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: 'Count.' }];
  for (let i = 0; i < calls; i++) {
    messages.push({ role: 'user', content: `step ${i}` });
    const stream = await client.chat.completions.create({ model, messages, stream: true });
    let content = '';
    for await (const c of stream) content += c.choices[0]?.delta.content ?? '';
    messages.push({ role: 'assistant', content });
  }
}

export async function benchReplay(): Promise<ReplayBench> {
  const mock = new MockProvider();
  const upstream = `${await mock.start()}/v1`;
  for (let i = 0; i < calls; i++) {
    mock.answer({ gapMs: 12, done: true, sse: ['one ', 'two ', 'three ', `${i}`].map((content) => ({ data: { id: `s${i}`, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { content }, finish_reason: null }] } })) });
  }
  const engine = await TraceEngine.create();
  try {
    const gateway = await engine.startGateway({});
    const timed = async (options: RunRouteOptions): Promise<number> => {
      const run = gateway.addRun({ upstreams: { openai: upstream }, ...options });
      const t = performance.now();
      await agentLoop(gateway.baseUrl('openai', run)!);
      return performance.now() - t;
    };
    const recorder = new CassetteRecorder();
    const recordedMs = await timed({ sessionId: 'bench-recorded', onExchange: recorder.listener });
    await new Promise((r) => setTimeout(r, 50));
    const cassette = parseCassette(JSON.stringify(recorder.cassette()));
    const before = mock.requests.length;
    const replayer = new Replayer(cassette);
    const replayedMs = await timed({ sessionId: 'bench-replayed', responder: replayer.responder });
    if (replayer.divergence || replayer.replayedSteps.length !== calls) throw new Error(`replay bench: replayed ${replayer.replayedSteps.length} of ${calls} (${replayer.divergence?.reason ?? 'no divergence'})`);
    return { calls, recordedMs, replayedMs, ratio: replayedMs / recordedMs, upstreamCallsOnReplay: mock.requests.length - before };
  } finally {
    await engine.dispose();
    await mock.stop();
  }
}
