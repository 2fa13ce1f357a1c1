// Taint on a long run: each sensitive call's arguments are matched against the latest untrusted results
// read before it (maxTaintSources), not every result of the trace: a long run of fetches and sends stays
// linear, and what the model read lately is still found.
import * as assert from 'node:assert/strict';
import { normaliseSession } from '../../../src/core/agent';
import { findSafety } from '../../../src/core/safety';
import { maxTaintSources } from '../../../src/core/safety/taint';
import { spanInput } from '../agent/synthetic';
import { agentRun } from './session';

const key = (i: number) => `pagekey${String(i).padStart(4, '0')}z`;

describe('safety: taint on long runs', () => {
  it('a call repeating a result read lately is found; one repeating a result older than the latest maxTaintSources is not', () => {
    const fetches = Array.from({ length: 100 }, (_, i) => ({ name: 'web_fetch', args: { url: `https://x.test/${i}` }, result: `the page says ${key(i)} and more` }));
    const steps = agentRun([{ user: 'read them all', calls: fetches }, { user: 'now mail', calls: [{ name: 'send_email', args: { body: `about ${key(0)}` } }, { name: 'send_email', args: { body: `about ${key(90)}` } }] }]);
    assert.equal(maxTaintSources, 64);
    const taint = findSafety(steps).filter((f) => f.kind === 'taint');
    assert.equal(taint.length, 1, taint.map((f) => f.message).join('\n'));
    assert.match(taint[0]!.match ?? "", /pagekey0090z/);
    const source = steps.findIndex((s) => s.kind === 'tool' && JSON.stringify(s.toolResult).includes(key(90)));
    assert.match(taint[0]!.message, new RegExp(`^text from \`web_fetch\` \\(step ${source + 1}\\) reached \`send_email\\.body\``));
  });

  it('40k steps of fetches and sends without call ids: every send found, in linear time', () => {
    const T = 1_767_225_600_000;
    const root = 'root'.padEnd(16, '0');
    const n = 20_000;
    const inputs = [spanInput({ spanId: root, startMs: T, endMs: T + n * 10 + 100, name: 'invoke_agent a', attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'a' } })];
    for (let i = 0; i < n; i++) {
      const t = T + 1 + i * 10;
      const tool = i % 2 ? 'web_fetch' : 'send_email';
      inputs.push(spanInput({ spanId: (i * 2 + 1).toString(16).padStart(16, '0'), parentSpanId: root, startMs: t, endMs: t + 3, name: 'chat m', attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm', 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', name: tool, arguments: {} }] }]) } }));
      inputs.push(spanInput({ spanId: (i * 2 + 2).toString(16).padStart(16, '0'), parentSpanId: root, startMs: t + 4, endMs: t + 8, name: `execute_tool ${tool}`, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool, 'gen_ai.tool.call.arguments': JSON.stringify({ body: `about ${key(i - 1)}` }), 'gen_ai.tool.call.result': `the page says ${key(i)}` } }));
    }
    const steps = normaliseSession(inputs);
    const started = performance.now();
    const taint = findSafety(steps).filter((f) => f.kind === 'taint');
    const ms = performance.now() - started;
    // Every send but the first repeats the fetch just before it.
    assert.equal(taint.length, n / 2 - 1);
    // Quadratic, this took ~5.5 s on our 2-core VM (matching the tools to their calls, then the results); linear, ~0.7 s.
    assert.ok(ms < 2500, `${ms.toFixed(0)} ms`);
  });
});
