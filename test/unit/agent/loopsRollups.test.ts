import * as assert from 'node:assert/strict';
import { normaliseSession } from '../../../src/core/agent/session';
import { canonicalJson, findLoops } from '../../../src/core/agent/loops';
import { totalsOf } from '../../../src/core/agent/rollups';
import { byAgent, byKind, byModel, byTool } from '../../../src/core/cost/breakdowns';
import { spanInput } from './synthetic';

const T = 1_767_225_600_000;
const tool = (args: string, i: number) => spanInput({ startMs: T + i * 10, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.arguments': args } });
const chat = (i: number, model: string, input: number, extra: Record<string, unknown> = {}) =>
  spanInput({ startMs: T + i * 10, endMs: T + i * 10 + 5, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': 10, ...extra } });

describe('agent: loops and roll-ups', () => {
  it('canonicalises JSON arguments (key order, JSON strings vs objects)', () => {
    assert.equal(canonicalJson('{"b":1,"a":{"d":2,"c":[3]}}'), canonicalJson({ a: { c: [3], d: 2 }, b: 1 }));
    assert.notEqual(canonicalJson({ a: 1 }), canonicalJson({ a: '1' }));
  });

  it('flags the same tool with identical arguments 3 times, not 2, and not with different arguments', () => {
    const twice = normaliseSession([tool('{"q":1,"p":2}', 0), tool('{"p":2,"q":1}', 1), tool('{"q":2}', 2)]);
    assert.deepEqual(findLoops(twice), []);
    const thrice = normaliseSession([tool('{"q":1,"p":2}', 0), tool('{"p":2,"q":1}', 1), tool('{"q":2}', 2), tool(' {"q":1, "p":2}', 3)]);
    const findings = findLoops(thrice);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].kind, 'repeated-tool-call');
    assert.equal(findings[0].stepIds.length, 3);
    assert.match(findings[0].message, /search was called 3 times/);
  });

  it('flags identical LLM inputs sent again to the same model', () => {
    const msgs = { 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"same"}]}]' };
    const steps = normaliseSession([chat(0, 'gpt-4o', 5, msgs), chat(1, 'gpt-4o', 5, msgs), chat(2, 'gpt-4o-mini', 5, msgs)]);
    const findings = findLoops(steps);
    assert.deepEqual(findings.map((f) => [f.kind, f.stepIds.length]), [['repeated-llm-input', 2]]);
  });

  it('totals a session without double counting aggregates, and lists models without a price', () => {
    const root = spanInput({ spanId: '00000000000000a1', startMs: T, endMs: T + 100, attrs: { 'ai.operationId': 'ai.generateText', 'ai.model.id': 'gpt-4o', 'ai.usage.inputTokens': 300, 'ai.usage.outputTokens': 20, 'ai.telemetry.functionId': 'bot' } });
    const child = (i: number, model: string) => spanInput({ parentSpanId: '00000000000000a1', startMs: T + i * 10, endMs: T + i * 10 + 5, attrs: { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': model, 'ai.usage.inputTokens': 100, 'ai.usage.outputTokens': 10 } });
    const failed = spanInput({ parentSpanId: '00000000000000a1', startMs: T + 50, status: { code: 2, message: 'x' }, attrs: { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'w' } });
    const steps = normaliseSession([root, child(1, 'gpt-4o'), child(2, 'gpt-4o'), child(3, 'my-local-llama'), failed]);
    const t = totalsOf(steps);
    assert.deepEqual([t.steps, t.llmCalls, t.toolCalls, t.errors, t.inputTokens, t.outputTokens, t.totalTokens], [5, 3, 1, 1, 300, 30, 330]);
    assert.ok(Math.abs(t.costUsd - 2 * (100 * 2.5 + 10 * 10) / 1e6) < 1e-12);
    assert.deepEqual([t.pricedCalls, t.unpricedCalls, t.modelsWithoutPrice], [2, 1, ['my-local-llama']]);
    assert.deepEqual([t.startMs, t.wallTimeMs], [T, 100]);

    // The same steps grouped the way the Cost view and the HTML report show them.
    assert.deepEqual(byModel(steps).map((g) => [g.key, g.calls, g.inputTokens]), [['gpt-4o', 2, 200], ['my-local-llama', 1, 100]]);
    assert.deepEqual(byTool(steps).map((g) => [g.key, g.calls, g.errors]), [['w', 1, 1]]);
    assert.deepEqual(byAgent(steps).map((g) => [g.key, g.calls]), [['bot', 5]]);
    assert.deepEqual(byKind(steps).map((g) => g.key).sort(), ['agent', 'llm', 'tool']);
    assert.deepEqual(totalsOf([]), { ...totalsOf([]), steps: 0, costUsd: 0, wallTimeMs: 0 });
  });
});
