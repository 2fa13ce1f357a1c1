// The gateway bench's other processes, so the client, the gateway and the provider do not share one
// event loop (as they do not in use: the agent, VS Code's extension host, the provider). `mock`: a plain
// and a streaming mock provider; `gateway`: the gateway as in VS Code (on this thread, its steps stored by the
// engine on its worker thread), recording every call.
// Each reports its URLs over IPC; the gateway answers 'recorded' with its stored step count. Beside the
// gateway, a bare pass-through proxy (no parsing, no recording) in the same process: the cost of the
// extra hop alone, so the bench can tell the hop from the gateway's own work.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EngineClient } from '../../src/core/engineClient';
import { MockProvider } from '../unit/gateway/mockProvider';

const reply = { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }], usage: { prompt_tokens: 210, completion_tokens: 1, total_tokens: 211 } };
const chunk = (content: string) => ({ data: { id: 's', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }] } });
const usage = { data: { id: 's', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 210, completion_tokens: 5, total_tokens: 215 } } };

function send(message: unknown): void {
  process.send!(message);
}

async function mock(): Promise<void> {
  const plain = new MockProvider();
  plain.fallback = { json: reply };
  const stream = new MockProvider();
  stream.fallback = { sse: [chunk('a'), chunk('b'), chunk('c'), chunk('d'), chunk('e'), usage], done: true, gapMs: 5 };
  // The mock keeps every request for tests; a bench of thousands of calls does not need them.
  for (const m of [plain, stream]) Object.defineProperty(m, 'requests', { value: { push: () => 0 } });
  send({ plain: await plain.start(), stream: await stream.start() });
}

async function gateway(plainUrl: string, streamUrl: string): Promise<void> {
  const engine = await EngineClient.start({ onFallback: (why) => console.error(`engine worker unavailable: ${why}`) });
  const gw = await engine.startGateway({ upstreams: { openai: `${plainUrl}/v1` } });
  const streamRun = gw.addRun({ sessionId: 'bench-streams', upstreams: { openai: `${streamUrl}/v1` } });
  process.on('message', (m) => {
    if (m !== 'recorded') return;
    void engine.flush().then(async () => send({ recorded: (await engine.stats()).spans }));
  });
  const bare = await bareProxy(new URL(plainUrl), new URL(streamUrl));
  send({ plain: `${gw.endpoint}/openai/chat/completions`, stream: `${gw.baseUrl('openai', streamRun)}/chat/completions`, barePlain: `${bare}/plain/v1/chat/completions`, bareStream: `${bare}/stream/v1/chat/completions` });
}

// The bench disconnects when done: exit cleanly (so a --cpu-prof profile of this process gets written).
process.on('disconnect', () => process.exit(0));
/** /plain/... and /stream/... piped to the two mocks as they are, over the same kind of keep-alive agent. */
async function bareProxy(plain: URL, stream: URL): Promise<string> {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer({ noDelay: true }, (req, res) => {
    const [, which, ...rest] = (req.url ?? '/').split('/');
    const to = which === 'stream' ? stream : plain;
    const upstream = http.request({ host: to.hostname, port: to.port, path: `/${rest.join('/')}`, method: req.method, headers: { ...req.headers, host: to.host }, agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.setNoDelay(true);
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const [role, a, b] = process.argv.slice(2);
(role === 'mock' ? mock() : gateway(a!, b!)).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
