// `serve --out` writes what arrives as it arrives: the built dist/cli.js as a child process, fed by the
// official OpenTelemetry JS exporters (BatchSpanProcessor, OTLP/HTTP protobuf), stopped mid-run with SIGTERM.
// Every span whose export was answered 200 must be in the file, and the file must import again.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { importSessionFile } from '../../../src/core/sessionFiles';
import { SpanStore } from '../../../src/core/store/spanStore';
import { serve, type Served } from '../../attack/cliServe';
import { agentPayloads } from '../../bench/agentSpans';

/** The official exporter, remembering the spans whose request was answered 200. */
class AckedExporter implements SpanExporter {
  readonly acked = new Set<string>();
  private readonly inner: OTLPTraceExporter;
  constructor(endpoint: string, timeoutMillis: number) {
    this.inner = new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, timeoutMillis });
  }
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) for (const s of spans) this.acked.add(s.spanContext().spanId);
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
}

const prompt = 'You are a careful travel planner. Check the weather before outdoor plans. '.repeat(28); // ~2 KB

/** An agent's tracer: realistic GenAI spans (20 attributes, a 2 KB prompt, 2 events), exported in batches of 512. */
function agentTracer(endpoint: string, service: string, timeoutMillis = 10_000) {
  const exporter = new AckedExporter(endpoint, timeoutMillis);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, maxQueueSize: 100_000, scheduledDelayMillis: 20 })],
  });
  const tracer = provider.getTracer('agent', '1.0.0');
  let n = 0;
  const spans = (count: number) => {
    for (let i = 0; i < count; i++, n++) {
      const span = tracer.startSpan('chat gpt-4o-mini', {
        attributes: {
          'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 900 + n, 'gen_ai.usage.output_tokens': 40, 'gen_ai.system_instructions': prompt,
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `question ${n}` }] }]),
          ...Object.fromEntries(Array.from({ length: 13 }, (_, k) => [`app.attr.${k}`, `value ${k} of span ${n}`])),
        },
      });
      span.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': `question ${n}` });
      span.addEvent('gen_ai.content.completion', { 'gen_ai.completion': 'an answer' });
      span.end();
    }
  };
  return { exporter, provider, spans };
}

const tick = () => new Promise((r) => setImmediate(r));

/** forceFlush does not wait for an export already under way: wait for its answer too. */
async function answered(agent: ReturnType<typeof agentTracer>, spans: number): Promise<void> {
  await agent.provider.forceFlush();
  for (let i = 0; agent.exporter.acked.size < spans && i < 400; i++) await new Promise((r) => setTimeout(r, 25));
}

/** Span ids in an OTLP JSON / JSONL file (each span's own, not its parent's). */
function spanIdsIn(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\{"traceId":"[0-9a-f]{32}","spanId":"([0-9a-f]{16})"/g)].map((m) => m[1]!);
}

async function reimport(file: string): Promise<{ spans: number; records: number; sessions: number }> {
  const store = await SpanStore.create({ maxSpans: 10_000_000, maxBytes: 1536 * 2 ** 20 });
  try {
    const r = await importSessionFile(store, file);
    return { spans: r.spans, records: r.records, sessions: r.sessionIds.length };
  } finally {
    store.dispose();
  }
}

/** Peak resident memory of a process (Linux /proc), in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

describe('CLI: serve --out writes spans as they arrive', function () {
  this.timeout(120_000);
  let dir: string;
  let server: Served | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agent-debugger-live-'))));
  afterEach(() => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  for (const name of ['run.otlp.jsonl', 'run.otlp.json']) {
    it(`kill -TERM mid-run: every span answered 200 (and the agent's logs) is in ${name}, which imports again`, async () => {
      const out = join(dir, name);
      server = await serve(['--out', out]);
      // A short timeout: once serve is gone, the exporter's retries need not hold the test up.
      const agent = agentTracer(server.endpoint, 'agent-under-test', 1_000);
      const logs = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': 'agent-under-test' }),
        processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${server.endpoint}/v1/logs` }) })],
      });
      for (let i = 0; i < 3; i++) logs.getLogger('agent').emit({ eventName: 'gen_ai.user.message', body: `log ${i}` });
      await logs.forceFlush();
      // Spans keep coming while serve is told to stop: some are answered 200, the rest refused or unanswered.
      const exited = new Promise<number | null>((r) => server!.child.once('exit', r));
      for (let round = 0; agent.exporter.acked.size < 3_000; round++) {
        agent.spans(200);
        await tick();
        if (round > 5_000) assert.fail('the exporter never got 3000 spans answered');
      }
      server.child.kill('SIGTERM');
      for (let round = 0; round < 30; round++) {
        agent.spans(200);
        await tick();
      }
      await agent.provider.shutdown().catch(() => undefined);
      await logs.shutdown().catch(() => undefined);
      assert.equal(await exited, 0, server.stderr());
      const acked = agent.exporter.acked;
      assert.ok(acked.size >= 3_000, `${acked.size} spans answered 200`);
      const inFile = new Set(spanIdsIn(out));
      const missing = [...acked].filter((id) => !inFile.has(id));
      assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of ${acked.size} spans answered 200 are not in the file`);
      assert.match(server.stdout(), new RegExp(`wrote ${inFile.size} spans in \\d+ traces \\(1 sessions\\) to `));
      const text = readFileSync(out, 'utf8');
      if (name.endsWith('.json')) assert.ok(JSON.parse(text), '--format otlp-json: one JSON document at the end');
      else assert.ok(text.trimEnd().split('\n').every((line) => JSON.parse(line)), 'one OTLP request a line');
      const again = await reimport(out);
      assert.equal(again.spans, inFile.size);
      assert.equal(again.records, 3, 'the log records reach the file too');
    });
  }

  it('a crash (kill -KILL) leaves OTLP JSON Lines that import, with every span stored before it', async () => {
    const out = join(dir, 'crash.otlp.json');
    server = await serve(['--out', out]);
    const agent = agentTracer(server.endpoint, 'agent-under-test');
    agent.spans(2_000);
    await answered(agent, 2_000);
    assert.equal(agent.exporter.acked.size, 2_000);
    // Stored within a few ms of the answer: wait until the file has them, then no goodbye at all.
    for (let i = 0; new Set(spanIdsIn(out)).size < 2_000; i++) {
      if (i > 200) assert.fail('the spans never reached the file');
      await new Promise((r) => setTimeout(r, 25));
    }
    const exited = new Promise((r) => server!.child.once('exit', r));
    server.child.kill('SIGKILL');
    await exited;
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.ok(lines.length > 1 && lines.every((line) => JSON.parse(line)), 'whole lines, each an OTLP request');
    assert.equal((await reimport(out)).spans, 2_000);
  });

  it('keeps every span past the store caps in bounded memory: 60k realistic spans through a 16 MB store', async () => {
    const out = join(dir, 'big.otlp.jsonl');
    server = await serve(['--out', out, '--max-memory-mb', '16']);
    const pid = server.child.pid!;
    const idle = peakRssMb(pid);
    let sent = 0;
    let half = 0;
    // Bodies from the official SDK and serializer (agentSpans.ts, unique content), posted as the exporter does.
    while (sent < 60_000) {
      if (sent >= 30_000 && !half) half = peakRssMb(pid);
      for (const body of agentPayloads(10, 512, true)) {
        const res = await fetch(`${server.endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
        await res.arrayBuffer();
        assert.equal(res.status, 200);
      }
      sent += 5_120;
    }
    const peak = peakRssMb(pid);
    assert.equal(await server.stop(), 0, server.stderr());
    assert.match(server.stderr(), /to stay under 16 MB of memory/, 'the store evicted');
    const fileMb = statSync(out).size / 2 ** 20;
    assert.equal(new Set(spanIdsIn(out)).size, sent, 'every span is in the file, evicted or not');
    assert.match(server.stdout(), new RegExp(`wrote ${sent} spans .*; the caps evicted \\d+ of them from memory, not from the file`));
    // Holding the file (or the run) in memory would take more than the file's size.
    // Bounded: well under the file it wrote, and the second half of the run grew it far less than it wrote.
    assert.ok(fileMb > 150 && peak - idle < fileMb * 0.9, `serve's peak RSS grew ${(peak - idle).toFixed(0)} MB (from ${idle.toFixed(0)}) writing a ${fileMb.toFixed(0)} MB file`);
    assert.ok(peak - half < fileMb * 0.25, `serve's peak RSS grew ${(peak - half).toFixed(0)} MB over the run's second half (${(fileMb / 2).toFixed(0)} MB written)`);
    assert.equal((await reimport(out)).spans, sent);
  });

  it('--format sqlite (an --out ending in .sqlite) is still written whole at the end, and imports again', async () => {
    const out = join(dir, 'run.sqlite');
    server = await serve(['--out', out]);
    const agent = agentTracer(server.endpoint, 'agent-under-test');
    agent.spans(600);
    await answered(agent, 600);
    assert.equal(agent.exporter.acked.size, 600);
    assert.equal(await server.stop(), 0, server.stderr());
    assert.match(server.stdout(), /Ctrl-C writes .*run\.sqlite/);
    assert.match(server.stdout(), /wrote 600 spans in \d+ traces \(1 sessions\) to /);
    assert.equal((await reimport(out)).spans, 600);
  });

  it('a write error (disk full) is said clearly; the receiver goes on answering', async () => {
    server = await serve(['--out', '/dev/full', '--format', 'otlp-jsonl']);
    const agent = agentTracer(server.endpoint, 'agent-under-test');
    agent.spans(600);
    await answered(agent, 600);
    assert.equal(agent.exporter.acked.size, 600, 'every request answered 200');
    assert.equal(await server.stop(), 1);
    assert.match(server.stderr(), /cannot write \/dev\/full \(ENOSPC[^)]*\): it holds the 0 spans written before; spans arriving now are kept in memory only/);
    assert.match(server.stdout(), /wrote 0 spans .* before a write error \(ENOSPC.*\); spans received after it are not in the file/);
  });

  it('a path that cannot be written is refused before anything is received', async () => {
    await assert.rejects(serve(['--out', join(dir, 'no-such-dir', 'x.otlp.json')]), /cannot write .*no-such-dir.*ENOENT/);
  });
});
