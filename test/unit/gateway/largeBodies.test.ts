// Large bodies through the gateway of `agent-debugger serve` (its own process, so its memory can be read):
// image-sized requests and an image-sized streamed response pass through while they are still being sent
// (the far side sees the first bytes before the near side has sent the last), the gateway's resident memory
// grows far less than the bodies, and what the recorder keeps is small: inline images become
// "[inline image]" placeholders, and a request body over the recording cap (32 MiB) is forwarded whole
// but not kept (the step says body_truncated; its tokens still come from the response).
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSession, spanInputsFromRequests } from '../../../src/core/agent';
import type { TraceRequest } from '../../../src/core/otlp/model';
import { MockProvider } from './mockProvider';

const root = resolve(__dirname, '../../../..');
const MB = 1024 * 1024;

/** Resident memory of a process (Linux /proc), in bytes. */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** Samples a process's RSS every few ms while `work` runs: the peak growth over the start, in bytes. */
async function peakGrowth<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const start = rss(pid);
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, rss(pid))), 5);
  try {
    const result = await work();
    peak = Math.max(peak, rss(pid));
    return { result, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}

/** A chat request with one image-like base64 data URL of `imageBytes` bytes, as Buffers of 1 MiB. */
function imageRequest(imageBytes: number): Buffer[] {
  const head = Buffer.from(JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,@' } }] }] }));
  const at = head.indexOf('@');
  const image = randomBytes(Math.ceil((imageBytes * 3) / 4)).toString('base64').slice(0, imageBytes);
  const whole = Buffer.concat([head.subarray(0, at), Buffer.from(image), head.subarray(at + 1)]);
  const parts: Buffer[] = [];
  for (let i = 0; i < whole.length; i += MB) parts.push(whole.subarray(i, i + MB));
  return parts;
}

/** POSTs `parts`, pausing before the last one: when the last write went out, and the answer. */
function postSlowly(url: string, parts: Buffer[], pauseMs: number): Promise<{ lastWriteAt: number; status: number; body: string }> {
  return new Promise((done, fail) => {
    let lastWriteAt = 0;
    const size = parts.reduce((n, p) => n + p.length, 0);
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': size, authorization: 'Bearer sk-large' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done({ lastWriteAt, status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    void (async () => {
      for (const [i, part] of parts.entries()) {
        if (i === parts.length - 1) {
          await new Promise((r) => setTimeout(r, pauseMs));
          lastWriteAt = Date.now();
        }
        if (!req.write(part)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })();
  });
}

describe('gateway: large bodies stream through (serve, its own process)', function () {
  this.timeout(120000);
  let dir: string;
  let mock: MockProvider;
  let serve: ChildProcess;
  let exited: Promise<number | null>;
  let stderr = '';
  let bases: Record<string, string> = {};

  before(async function () {
    // The memory is read from /proc.
    if (!existsSync('/proc/self/status')) return this.skip();
    dir = mkdtempSync(join(tmpdir(), 'agent-debugger-large-'));
    mock = new MockProvider();
    const mockUrl = await mock.start();
    serve = spawn(process.execPath, [join(root, 'dist/cli.js'), 'serve', '--port', '0', '--grpc-port', '0', '--out', join(dir, 'large.otlp.json')], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OPENAI_BASE_URL: `${mockUrl}/v1`, GOOGLE_GEMINI_BASE_URL: mockUrl },
    });
    serve.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    exited = new Promise((r) => serve.on('exit', r));
    let stdout = '';
    await new Promise<void>((done, fail) => {
      serve.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (!/OLLAMA_HOST=\S+\n/.test(stdout)) return;
        bases = Object.fromEntries([...stdout.matchAll(/^ {2}(\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
        done();
      });
      void exited.then(() => fail(new Error(`serve exited: ${stderr}`)));
    });
    // Settle the fresh process (JIT, first allocations) before measuring it.
    await new Promise((r) => setTimeout(r, 500));
  });

  after(async () => {
    serve?.kill('SIGKILL');
    await mock?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('streams a 24 MB and a 96 MB image request and a 96 MB image stream back, RSS well under the bodies, and keeps only placeholders', async () => {
    mock.answer(
      { json: { id: 'r1', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'A cat.' } }], usage: { prompt_tokens: 1105, completion_tokens: 3, total_tokens: 1108 } } },
      { json: { id: 'r2', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'A dog.' } }], usage: { prompt_tokens: 2210, completion_tokens: 3, total_tokens: 2213 } } },
    );
    const url = `${bases.OPENAI_BASE_URL}/chat/completions`;
    const results: { mb: number; growth: number; ahead: number }[] = [];
    for (const [i, mb] of [24, 96].entries()) {
      const parts = imageRequest(mb * MB);
      const { result, growth } = await peakGrowth(serve.pid!, () => postSlowly(url, parts, 400));
      assert.equal(result.status, 200, result.body);
      const seen = mock.requests[i]!;
      assert.equal(createHash('sha256').update(seen.body).digest('hex'), createHash('sha256').update(Buffer.concat(parts)).digest('hex'), 'forwarded intact');
      // The provider had the first bytes while the agent was still holding back its last megabyte.
      assert.ok(seen.firstByteAt < result.lastWriteAt, `the ${mb} MB request was buffered: first byte upstream at +${seen.firstByteAt - result.lastWriteAt} ms`);
      results.push({ mb, growth, ahead: result.lastWriteAt - seen.firstByteAt });
    }

    // Gemini image output: 96 events of 1 MB inline data, 10 ms apart.
    const image = randomBytes(768 * 1024).toString('base64');
    mock.answer({ sse: [
      ...Array.from({ length: 96 }, () => ({ data: { candidates: [{ content: { role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: image } }] } }] } })),
      { data: { candidates: [{ content: { role: 'model', parts: [{ text: 'Here is your picture.' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 1290, totalTokenCount: 1302 }, modelVersion: 'gemini-2.0-flash' } },
    ], gapMs: 10 });
    const stream = await peakGrowth(serve.pid!, () => new Promise<{ firstAt: number; bytes: number }>((done, fail) => {
      const req = http.request(`${bases.GOOGLE_GEMINI_BASE_URL}/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' } }, (res) => {
        let firstAt = 0;
        let bytes = 0;
        res.on('data', (d: Buffer) => {
          firstAt ||= Date.now();
          bytes += d.length;
        });
        res.on('end', () => done({ firstAt, bytes }));
      });
      req.on('error', fail);
      req.end(JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Draw a cat' }] }] }));
    }));
    const written = mock.requests[2]!.writtenAt;
    assert.ok(stream.result.bytes > 96 * MB);
    assert.ok(stream.result.firstAt < written[written.length - 1]!, 'the first event reached the agent before the provider sent the last');
    assert.ok(stream.result.firstAt <= written[0]! + 200, 'the first event was not held back');

    // Memory: buffering would cost at least the body. The 24 MB request is kept (under the cap) to be
    // parsed once; the 96 MB one declares its length over the cap and is not kept at all; the stream's
    // events are parsed one at a time and kept as placeholders (what grows is the garbage between collections).
    console.log(`      gateway RSS peak growth: ${results.map((r) => `${r.mb} MB request +${(r.growth / MB).toFixed(1)} MB (upstream had its first byte ${r.ahead} ms before the last was sent)`).join('; ')}; 96 MB stream +${(stream.growth / MB).toFixed(1)} MB`);
    assert.ok(results[0]!.growth < 48 * MB, `24 MB request: +${results[0]!.growth / MB} MB`);
    // Buffering either 96 MB body would cost at least 96 MB; what is seen is garbage awaiting collection.
    assert.ok(results[1]!.growth < 64 * MB, `96 MB request: +${results[1]!.growth / MB} MB`);
    assert.ok(stream.growth < 64 * MB, `96 MB stream: +${stream.growth / MB} MB`);

    serve.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    const file = join(dir, 'large.otlp.json');
    assert.ok(statSync(file).size < 256 * 1024, `the recording stays small: ${statSync(file).size} bytes`);
    const { steps } = buildSession(spanInputsFromRequests([JSON.parse(readFileSync(file, 'utf8')) as TraceRequest]));
    assert.deepEqual(steps.map((s) => `${s.kind}:${s.inputTokens}/${s.outputTokens}`), ['llm:1105/3', 'llm:2210/3', 'llm:12/1290']);
    assert.deepEqual(steps[0]!.inputMessages?.[0]?.parts.map((p) => p.type === 'text' ? p.text : p.type === 'media' ? `${p.type}:${p.modality}` : p.type), ['What is in this picture?', 'media:image']);
    assert.equal(steps[0]!.attributes['agent_debugger.gateway.body_truncated'], undefined);
    assert.equal(steps[1]!.attributes['agent_debugger.gateway.body_truncated'], true);
    assert.match(JSON.stringify(steps[2]!.outputMessages), /Here is your picture\./);
    assert.ok(steps[2]!.outputMessages?.[0]?.parts.some((p) => p.type === 'media' && p.modality === 'image'), 'the streamed image is a placeholder part');
  });
});
