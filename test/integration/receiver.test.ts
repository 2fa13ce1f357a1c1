import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { warmUpRequests, warmUpSpansPerRequest } from '../../src/core/otlp/warmUpTraffic';
import { Commands } from '../../src/host/contributions';
import { asOlderSchema, toSchema2 } from '../fixtures/olderSchemas';
import { activeApi } from './extension.test';
import { waitFor } from './otlpPost';

/** Sends spans the way an agent does: the official OTLP/HTTP protobuf exporter (or another one given). */
async function sendSpans(endpoint: string, sessionId: string, names: string[], exporter: SpanExporter = new OTLPTraceExporter({ url: `${endpoint}/v1/traces` })): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'integration-agent', 'agent_debugger.session.id': sessionId }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('integration');
  tracer.startActiveSpan('invoke_agent it', (root) => {
    // The parent is given, as no context manager is registered here.
    for (const name of names) tracer.startSpan(name, { attributes: { 'gen_ai.operation.name': 'chat' } }, trace.setSpan(context.active(), root)).end();
    root.end();
  });
  await provider.forceFlush();
  await provider.shutdown();
}

describe('receiver -> store inside VS Code', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'agent-debugger-it-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts the OTLP receiver on loopback and reports it', async () => {
    const { receiver } = await activeApi();
    await receiver.start();
    const state = receiver.state;
    assert.equal(state.kind, 'running');
    assert.equal(state.kind === 'running' && state.http.host, '127.0.0.1');
    const endpoint = await vscode.commands.executeCommand<string>(Commands.copyEndpoint);
    assert.equal(endpoint, receiver.httpEndpoint);
    assert.equal(await vscode.env.clipboard.readText(), endpoint);
  });

  it('stores spans from the official exporter as a session, counted in the receiver state', async () => {
    const { receiver } = await activeApi();
    await sendSpans(receiver.httpEndpoint!, 'it-session-1', ['chat a', 'chat b']);
    const engine = await receiver.engine();
    // Answered 200 means queued: flush says when every answered span is stored (requests may be stored apart).
    await engine.flush();
    const session = await waitFor('the session', () => engine.listSessions().find((s) => s.id === 'it-session-1'));
    assert.equal(session.spanCount, 3);
    assert.equal(engine.inWorker, true, 'the engine worker runs from beside the bundle');
    const ingest = await engine.ingestPath();
    assert.equal(ingest.decodeWorker, true, 'so does the decode worker, beside it');
    // The receiver warmed its path as it started: every synthetic span prepared on the decode worker and
    // written to a scratch database, and none of them in what the Sessions view shows.
    assert.equal(ingest.warmedUp, warmUpRequests * warmUpSpansPerRequest);
    assert.ok(ingest.decodeLoop && ingest.decodeLoop.active > 0, `the decode worker reports the time it worked: ${JSON.stringify(ingest.decodeLoop)}`);
    const { sessions } = await activeApi();
    const rows = (await sessions.getChildren()).flatMap((i) => (i.kind === 'session' ? [i.session] : []));
    assert.ok(rows.some((r) => r.id === 'it-session-1'), 'the sent session has its row');
    assert.deepEqual(rows.filter((r) => r.serviceName === 'agent-debugger-warm-up'), []);
    // Stored as the worker's protobuf fast path wrote them: names, attributes, the tree.
    const spans = await engine.spansOfSession('it-session-1');
    assert.deepEqual(spans.map((s) => s.name).sort(), ['chat a', 'chat b', 'invoke_agent it']);
    const root = spans.find((s) => s.name === 'invoke_agent it')!;
    for (const child of spans.filter((s) => s !== root)) {
      assert.equal(child.parentSpanId, root.spanId);
      assert.deepEqual(child.attributes, [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }]);
    }
    await waitFor('counts in the state', () => receiver.state.kind === 'running' && receiver.state.spans >= 3);
  });

  it('stores spans from the official gRPC exporter the same way (decoded on the decode worker)', async () => {
    const { receiver } = await activeApi();
    const state = receiver.state;
    assert.ok(state.kind === 'running' && state.grpc, 'gRPC is on');
    await sendSpans('', 'it-grpc', ['chat g'], new GrpcExporter({ url: `http://127.0.0.1:${state.grpc.port}` }));
    const engine = await receiver.engine();
    await engine.flush();
    const spans = await engine.spansOfSession('it-grpc');
    assert.deepEqual(spans.map((s) => s.name).sort(), ['chat g', 'invoke_agent it']);
    assert.deepEqual(spans.find((s) => s.name === 'chat g')!.attributes, [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }]);
  });

  it('stores concurrent traces, each whole; a deleted session is gone', async () => {
    const { receiver } = await activeApi();
    const engine = await receiver.engine();
    // Two agents at once: their spans end taking turns, and the batch processor sends them in one request.
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'integration-agent', 'agent_debugger.session.id': 'it-concurrent' }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${receiver.httpEndpoint}/v1/traces` }), { scheduledDelayMillis: 60_000 })],
    });
    const tracer = provider.getTracer('integration');
    const names = ['agent a', 'agent b'];
    const roots = names.map((name) => tracer.startSpan(name));
    for (let i = 0; i < 4; i++) for (const root of roots) tracer.startSpan(`step ${i}`, {}, trace.setSpan(context.active(), root)).end();
    for (const root of roots) root.end();
    await provider.forceFlush();
    await provider.shutdown();
    await engine.flush();
    // Span runs and the background sweep are the store's own (test/unit/store/spanRuns.test.ts): the
    // store is on the engine worker now, and this checks what the host reads of it.
    for (const [k, root] of roots.entries()) {
      const { traceId, spanId } = root.spanContext();
      assert.deepEqual((await engine.spansOfTrace(traceId, 'it-concurrent')).map((s) => s.name).sort(), [names[k], 'step 0', 'step 1', 'step 2', 'step 3']);
      assert.equal((await engine.childrenOf(traceId, spanId, 'it-concurrent')).length, 4);
    }
    assert.equal((await engine.spansOfSession('it-concurrent')).length, 10);
    await vscode.commands.executeCommand(Commands.deleteSession, { session: { id: 'it-concurrent' } });
    assert.equal(engine.getSession('it-concurrent'), undefined);
    assert.deepEqual(await engine.spansOfSession('it-concurrent'), []);
  });

  it('exports a session to OTLP JSON and SQLite, and imports both back', async () => {
    const { receiver } = await activeApi();
    const store = await receiver.engine();
    const json = join(dir, 'session.otlp.json');
    const sqlite = join(dir, 'session.sqlite');
    // The tree passes its item; tests pass the same shape, plus a target so no dialog opens.
    const item = { session: { id: 'it-session-1' } };
    await vscode.commands.executeCommand(Commands.exportSession, item, { format: 'otlp-json', path: json });
    await vscode.commands.executeCommand(Commands.exportSession, item, { format: 'sqlite', path: sqlite });
    const exported = JSON.parse(readFileSync(json, 'utf8')) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
    assert.ok(exported.resourceSpans.length > 0);
    assert.deepEqual(readdirSync(dir).sort(), ['session.otlp.json', 'session.sqlite']);

    await store.deleteSession('it-session-1');
    assert.equal(store.getSession('it-session-1'), undefined);
    const imported = await vscode.commands.executeCommand<{ spans: number; sessionIds: string[] }>(Commands.importSession, sqlite);
    assert.equal(imported?.spans, 3);
    assert.equal(store.getSession('it-session-1')?.spanCount, 3);
  });

  it('gives back exactly the long prompts and growing conversation it keeps once (steps, OTLP JSON, SQLite)', async () => {
    const { receiver } = await activeApi();
    const engine = await receiver.engine();
    // An agent's calls: the same ~1.6 KB system prompt every time, the conversation growing by a turn.
    const system = `You plan trips. ${'Check the weather first; quote prices in the traveller\'s currency. '.repeat(24)}`;
    const turns = Array.from({ length: 6 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', parts: [{ type: 'text', content: `turn ${i}: ${'plans, places and prices; '.repeat(12)}` }] }));
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'integration-agent', 'agent_debugger.session.id': 'it-long-prompts' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.httpEndpoint}/v1/traces` }))],
    });
    const tracer = provider.getTracer('integration');
    for (let i = 1; i <= turns.length; i++) {
      tracer.startSpan(`chat ${i}`, {
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.system_instructions': system, 'gen_ai.input.messages': JSON.stringify(turns.slice(0, i)) },
      }).end();
    }
    await provider.forceFlush();
    await provider.shutdown();
    await engine.flush();
    const value = (span: { attributes: { key: string; value: object }[] }, key: string) => span.attributes.find((a) => a.key === key)?.value;
    const check = async (sessionId: string) => {
      const spans = (await engine.spansOfSession(sessionId)).sort((a, b) => a.name.localeCompare(b.name));
      assert.equal(spans.length, turns.length);
      spans.forEach((span, i) => {
        assert.deepEqual(value(span, 'gen_ai.system_instructions'), { stringValue: system }, span.name);
        assert.deepEqual(value(span, 'gen_ai.input.messages'), { stringValue: JSON.stringify(turns.slice(0, i + 1)) }, span.name);
      });
      const steps = await engine.sessionSteps(sessionId, {});
      const last = steps.find((s) => s.name === `chat ${turns.length}`)!;
      assert.equal(last.systemPrompt, system);
      // Each call's conversation as it was sent: the later ones are read in what they add to the one before.
      for (let i = 1; i <= turns.length; i++) {
        const step = steps.find((s) => s.name === `chat ${i}`)!;
        assert.deepEqual(step.inputMessages?.map((m) => [m.role, m.parts.map((p) => (p.type === 'text' ? p.text : p.type)).join()]), turns.slice(0, i).map((t) => [t.role, t.parts[0]!.content]), step.name);
      }
    };
    await check('it-long-prompts');
    const json = join(dir, 'long.otlp.json');
    const sqlite = join(dir, 'long.sqlite');
    await vscode.commands.executeCommand(Commands.exportSession, { session: { id: 'it-long-prompts' } }, { format: 'otlp-json', path: json });
    await vscode.commands.executeCommand(Commands.exportSession, { session: { id: 'it-long-prompts' } }, { format: 'sqlite', path: sqlite });
    const text = readFileSync(json, 'utf8');
    assert.equal(text.split(JSON.stringify(system)).length - 1, turns.length, 'the prompt is in every exported span');
    await engine.deleteSession('it-long-prompts');
    for (const file of [sqlite, json]) {
      const imported = await vscode.commands.executeCommand<{ spans: number; sessionIds: string[] }>(Commands.importSession, file);
      assert.equal(imported?.spans, turns.length);
      await check(imported!.sessionIds[0]!);
      await engine.deleteSession(imported!.sessionIds[0]!);
    }
  });

  it('imports a SQLite export of the older layout (schema 2: span data as JSON), upgraded', async () => {
    const { receiver } = await activeApi();
    const store = await receiver.engine();
    const before = await store.spansOfSession('it-session-1');
    const sqlite = join(dir, 'session.sqlite');
    // Schema 2's layout, made from the export.
    const old = join(dir, 'schema2.sqlite');
    writeFileSync(old, await asOlderSchema(readFileSync(sqlite), toSchema2));
    const imported = await vscode.commands.executeCommand<{ spans: number; sessionIds: string[] }>(Commands.importSession, old);
    assert.equal(imported?.spans, 3);
    const copy = imported!.sessionIds[0]!;
    const strip = (spans: typeof before) => spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.name, s.kind, s.startTimeUnixNano, s.endTimeUnixNano, s.attributes]);
    assert.deepEqual(strip(await store.spansOfSession(copy)), strip(before));
  });

  it('keeps existing sessions when an import is corrupt', async () => {
    const { receiver } = await activeApi();
    const store = await receiver.engine();
    const before = store.listSessions().map((s) => [s.id, s.spanCount]);
    const bad = join(dir, 'bad.otlp.json');
    writeFileSync(bad, '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": 12');
    const result = await vscode.commands.executeCommand(Commands.importSession, bad);
    assert.deepEqual(result, { error: 'the JSON ends early at line 1, column 61 (byte 60): the file looks truncated' });
    assert.deepEqual(store.listSessions().map((s) => [s.id, s.spanCount]), before);
  });

  it('falls back to a free port when the configured one is taken, and says which', async () => {
    const { receiver } = await activeApi();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const config = vscode.workspace.getConfiguration('agentDebugger');
    try {
      await config.update('receiver.port', taken, vscode.ConfigurationTarget.Global);
      const state = await waitFor('a restart on the fallback port', () =>
        receiver.state.kind === 'running' && receiver.state.http.requestedPort === taken ? receiver.state : undefined,
      );
      assert.equal(state.http.fellBack, true);
      assert.notEqual(state.http.port, taken);
    } finally {
      await config.update('receiver.port', 0, vscode.ConfigurationTarget.Global);
      blocker.close();
    }
  });

  it('stops and starts from its commands, keeping the sessions', async () => {
    const { receiver } = await activeApi();
    const store = await receiver.engine();
    const count = store.listSessions().length;
    await vscode.commands.executeCommand(Commands.stopReceiver);
    assert.equal(receiver.state.kind, 'stopped');
    await vscode.commands.executeCommand(Commands.startReceiver);
    assert.equal(receiver.state.kind, 'running');
    assert.equal(store.listSessions().length, count);
  });

  it('clears all sessions', async () => {
    const { receiver } = await activeApi();
    await vscode.commands.executeCommand(Commands.clearSessions, { confirm: false });
    assert.deepEqual((await receiver.engine()).listSessions(), []);
  });
});
