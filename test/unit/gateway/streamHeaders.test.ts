// A provider that sends a stream's headers first and its first event later: the agent gets the headers
// at once (SDKs wait for them before reading events), not with the first event.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TraceEngine } from '../../../src/core/engine';

const eventDelayMs = 400;

describe('gateway: stream headers before the first event', () => {
  let engine: TraceEngine;
  let upstream: http.Server;

  before(async () => {
    upstream = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.flushHeaders();
        setTimeout(() => {
          res.write(`data: ${JSON.stringify({ id: 's', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'late' }, finish_reason: 'stop' }] })}\n\n`);
          res.end('data: [DONE]\n\n');
        }, eventDelayMs);
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    engine = await TraceEngine.create();
  });
  after(async () => {
    await engine.dispose();
    upstream.close();
  });

  it('passes the headers on as they come, and records the stream', async () => {
    const gateway = await engine.startGateway({ upstreams: { openai: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1` } });
    const run = gateway.addRun({ sessionId: 'late-event' });
    const started = Date.now();
    const { headersMs, firstEventMs, text } = await new Promise<{ headersMs: number; firstEventMs: number; text: string }>((resolve, reject) => {
      const req = http.request(`${gateway.baseUrl('openai', run)}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        const headersMs = Date.now() - started;
        let firstEventMs = -1;
        let text = '';
        res.on('data', (c: Buffer) => {
          if (firstEventMs < 0) firstEventMs = Date.now() - started;
          text += c.toString();
        });
        res.on('end', () => resolve({ headersMs, firstEventMs, text }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    });
    assert.ok(headersMs < eventDelayMs / 2, `headers after ${headersMs} ms`);
    assert.ok(firstEventMs >= eventDelayMs - 20, `first event after ${firstEventMs} ms`);
    assert.match(text, /"late"/);
    await engine.queue.flush();
    const spans = engine.store.spansOfSession('late-event');
    assert.equal(spans.length, 1);
    assert.match(JSON.stringify(spans[0]), /late/);
  });
});
