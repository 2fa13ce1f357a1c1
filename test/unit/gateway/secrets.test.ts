// What the gateway never keeps, and who may talk to it.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { exportSession } from '../../../src/core/export/sessionExport';
import { forwardSession } from '../../../src/core/forward/forwarder';
import { writeSessionsFile } from '../../../src/core/sessionFiles';
import { GatewayHarness, PLANTED_KEY } from './harness';

function rawRequest(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('gateway: secrets and guards', () => {
  let h: GatewayHarness;
  beforeEach(async () => (h = await new GatewayHarness().start()));
  afterEach(() => h.stop());

  it('a planted API key is forwarded to the provider but absent from the store, every export format, the log and forwarded batches', async () => {
    const client = new OpenAI({ apiKey: PLANTED_KEY, baseURL: h.baseUrl('openai'), maxRetries: 0, defaultHeaders: { 'api-key': PLANTED_KEY, 'x-goog-api-key': PLANTED_KEY } });
    h.mock.answer(
      { json: { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } } },
      { status: 401, json: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } },
    );
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(h.mock.requests[0]!.headers['api-key'], PLANTED_KEY);
    const session = await h.session();
    assert.equal(session.steps.length, 2);
    assert.ok(!JSON.stringify(session).includes(PLANTED_KEY), 'not in the agent model');
    const dir = await mkdtemp(join(tmpdir(), 'gateway-secrets-'));
    try {
      for (const format of ['otlp-json', 'sqlite', 'eval-jsonl'] as const) {
        const file = join(dir, `s.${format}`);
        await exportSession(h.engine.store, h.run.sessionId!, file, format);
        assert.ok(!(await readFile(file)).includes(PLANTED_KEY), `not in ${format}`);
      }
      // The CLI's record / serve output, every session in one file, each format.
      for (const format of ['otlp-json', 'otlp-jsonl', 'sqlite'] as const) {
        const file = join(dir, `all.${format}`);
        await writeSessionsFile(h.engine.store, file, format);
        assert.ok(!(await readFile(file)).includes(PLANTED_KEY), `not in the ${format} sessions file`);
      }
      const html = join(dir, 's.html');
      await exportSession(h.engine.store, h.run.sessionId!, html, 'html', { assets: () => Promise.resolve({ graph: { js: '', css: '', codiconCss: '' }, shimJs: '' }) });
      assert.ok(!(await readFile(html)).includes(PLANTED_KEY), 'not in the HTML report');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.ok(!h.errors.join('\n').includes(PLANTED_KEY), 'not in the log');
    // Forwarded to a team's OTLP backend (a local collector here), in both encodings.
    const batches: Buffer[] = [];
    const collector = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        batches.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(collector.address() as { port: number }).port}/v1/traces`;
      for (const protocol of ['http/json', 'http/protobuf'] as const) {
        const sent = await forwardSession(h.engine.store, h.run.sessionId!, { url, protocol });
        assert.equal(sent.spans, 2);
      }
    } finally {
      collector.close();
    }
    assert.equal(batches.length, 2);
    assert.ok(batches.every((b) => b.includes('gpt-4o-mini') && !b.includes(PLANTED_KEY)), 'not in a forwarded batch');
  });

  it('refuses a non-loopback Host (DNS rebinding) and a browser Origin, and unknown paths', async () => {
    const base = h.gateway.endpoint!;
    assert.equal((await rawRequest(`${base}/openai/chat/completions`, { host: 'evil.example:80' })).status, 403);
    assert.equal((await rawRequest(`${base}/openai/chat/completions`, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await rawRequest(`${base}/nope/x`, {})).status, 404);
    assert.equal((await rawRequest(`${base}/r/unknown-run/openai/chat/completions`, {})).status, 404);
    assert.equal(h.mock.requests.length, 0);
  });

  it('passes calls that are not model calls (model lists, token counts) through without a step', async () => {
    h.mock.answer({ json: { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] } }, { json: { input_tokens: 12 } });
    const models = await fetch(`${h.baseUrl('openai')}/models`, { headers: { authorization: `Bearer ${PLANTED_KEY}` } });
    assert.equal(((await models.json()) as { data: unknown[] }).data.length, 1);
    const count = await fetch(`${h.baseUrl('anthropic')}/v1/messages/count_tokens`, { method: 'POST', body: '{}' });
    assert.equal(count.status, 200);
    assert.deepEqual(h.mock.requests.map((r) => `${r.method} ${r.url}`), ['GET /v1/models', 'POST /v1/messages/count_tokens']);
    assert.equal((await h.session()).steps.length, 0);
  });

  it('a provider answer that is not JSON, or a body cut short, is still a step and crashes nothing', async () => {
    h.mock.answer({ status: 200, ndjson: ['{"model":"llama3.2","message":{"content":"par'] }, { hangUp: true });
    const a = await fetch(`${h.baseUrl('ollama')}/api/chat`, { method: 'POST', body: '{"model":"llama3.2","messages":[{"role":"user","content":"x"}]}' });
    await a.text();
    const b = await fetch(`${h.baseUrl('ollama')}/api/chat`, { method: 'POST', body: 'not json at all' });
    assert.equal(b.status, 502);
    const { steps } = await h.session();
    assert.equal(steps.length, 2);
    assert.equal(steps[1]!.status, 'error');
  });
});
