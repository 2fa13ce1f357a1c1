import * as assert from 'node:assert/strict';
import { buildGraph, buildSession, parentIndices } from '../../../src/core/agent';
import { orderedSession } from '../../../src/core/agent/session';
import { cursorAtTime, seek, stateAt, stepPhaseAt } from '../../../src/core/agent/timeline';
import { spanInput, syntheticSession } from './synthetic';

const T = 1_767_225_600_000;
const trace = 'b'.repeat(32);
const ids = { agent: '0000000000000001', llm1: '0000000000000002', tool: '0000000000000003', llm2: '0000000000000004' };

/** agent -> [chat (asks for lookup#c1), lookup#c1 (fails), chat (reads c1's result)] */
function agentTurn() {
  return [
    spanInput({ traceId: trace, spanId: ids.agent, name: 'invoke_agent a', startMs: T, endMs: T + 100, attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'a' } }),
    spanInput({
      traceId: trace, spanId: ids.llm1, parentSpanId: ids.agent, name: 'chat', startMs: T + 10, endMs: T + 30,
      attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10,
        'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"q"}]}]',
        'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"lookup","arguments":{}}]}]' },
    }),
    spanInput({ traceId: trace, spanId: ids.tool, parentSpanId: ids.agent, name: 'execute_tool lookup', startMs: T + 40, endMs: T + 50, status: { code: 2, message: 'nope' }, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup', 'gen_ai.tool.call.id': 'c1' } }),
    spanInput({
      traceId: trace, spanId: ids.llm2, parentSpanId: ids.agent, name: 'chat', startMs: T + 60, endMs: T + 90,
      events: [{ name: 'gen_ai.choice', timeMs: T + 89, attrs: { message: '{"content":"done"}' } }],
      attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 200, 'gen_ai.usage.output_tokens': 20,
        'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"q"}]},{"role":"tool","parts":[{"type":"tool_call_response","id":"c1","response":"err"}]}]' },
    }),
  ];
}

describe('agent: graph and timeline', () => {
  it('links contains, next (sibling order) and dataflow (call -> tool -> consumer) edges', () => {
    const { graph, steps } = buildSession(agentTurn().reverse());
    assert.deepEqual(steps.map((s) => s.id), [ids.agent, ids.llm1, ids.tool, ids.llm2]);
    const edges = graph.edges.map((e) => `${e.kind}:${e.from.slice(-1)}>${e.to.slice(-1)}${e.label ? `[${e.label}]` : ''}`);
    assert.deepEqual(edges, ['contains:1>2', 'contains:1>3', 'contains:1>4', 'next:2>3', 'next:3>4', 'dataflow:2>3[c1]', 'dataflow:3>4[c1]']);
    assert.deepEqual(graph.nodes.map((n) => [n.label, n.depth]), [['a', 0], ['gpt-4o', 1], ['lookup', 1], ['gpt-4o', 1]]);
  });

  it('links top-level steps of different traces with `next`, in time order', () => {
    const a = spanInput({ traceId: '1'.repeat(32), spanId: '00000000000000aa', startMs: T, endMs: T + 1 });
    const b = spanInput({ traceId: '2'.repeat(32), spanId: '00000000000000bb', startMs: T + 5, endMs: T + 6 });
    assert.deepEqual(buildSession([b, a]).graph.edges, [{ from: '00000000000000aa', to: '00000000000000bb', kind: 'next', fromAt: 0, toAt: 1 }]);
  });

  it('derives the state at any cursor from prefix sums: started/finished/failed, tokens, $, conversation', () => {
    const { steps, timeline } = buildSession(agentTurn());
    assert.deepEqual(timeline.type, ['start', 'start', 'end', 'start', 'end', 'start', 'log', 'end', 'end']);
    const at = (i: number) => stateAt(timeline, steps, i)!;
    assert.deepEqual([at(0).started, at(0).running, at(0).conversationStep, at(0).conversation], [1, 1, -1, []]);
    const afterFirstCall = at(2);
    assert.deepEqual([afterFirstCall.inputTokens, afterFirstCall.outputTokens, afterFirstCall.conversationStep], [100, 10, 1]);
    assert.equal(afterFirstCall.conversation.length, 2, 'input + output once the call returned');
    assert.ok(Math.abs(afterFirstCall.costUsd - (100 * 2.5 + 10 * 10) / 1e6) < 1e-12);
    assert.equal(at(1).conversation.length, 1, 'only the input while the call runs');
    assert.deepEqual([at(4).failed, at(4).finished], [1, 2]);
    assert.equal(at(6).label, 'gen_ai.choice');
    const end = at(99);
    assert.deepEqual([end.cursor, end.started, end.finished, end.running, end.inputTokens, end.outputTokens, end.failed], [8, 4, 4, 0, 300, 30, 1]);
    assert.equal(stateAt({ ...timeline, length: 0 }, steps, 0), undefined);
  });

  it('shows the conversation of one call traced twice (a wrapper LLM span over the client\'s) from the span that recorded it', () => {
    const wrapper = '00000000000000a1', client = '00000000000000a2', plain = '00000000000000a3';
    const asked = '[{"role":"user","parts":[{"type":"text","content":"q"}]}]';
    const llm = (spanId: string, parentSpanId: string | undefined, startMs: number, endMs: number, messages: boolean) => spanInput({
      traceId: trace, spanId, parentSpanId, name: 'chat', startMs, endMs,
      attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 10, ...(messages ? { 'gen_ai.input.messages': asked } : {}) },
    });
    const shown = (spans: ReturnType<typeof llm>[]) => {
      const { steps, timeline } = buildSession(spans);
      return steps.map((s, i) => [s.id, stateAt(timeline, steps, timeline.startAt[i])!.conversationStep === i]);
    };
    // Only the wrapper recorded the messages: the wrapper is shown; the client below it without messages is not.
    assert.deepEqual(shown([llm(wrapper, undefined, T, T + 10, true), llm(client, wrapper, T + 1, T + 9, false)]), [[wrapper, true], [client, false]]);
    // Both did: the inner one is shown, the wrapper is not.
    assert.deepEqual(shown([llm(wrapper, undefined, T, T + 10, true), llm(client, wrapper, T + 1, T + 9, true)]), [[wrapper, false], [client, true]]);
    // Neither did: the client is (a call without messages is still the latest call), the wrapper is not.
    assert.deepEqual(shown([llm(wrapper, undefined, T, T + 10, false), llm(client, wrapper, T + 1, T + 9, false)]), [[wrapper, false], [client, true]]);
    // A call without messages under no LLM span is shown.
    assert.deepEqual(shown([llm(plain, undefined, T, T + 10, false)]), [[plain, true]]);
  });

  it('draws the same graph whether its dataflow was read while ordering the steps or afresh (ties that move steps or not)', () => {
    const sameMs = (spans: ReturnType<typeof agentTurn>) => spans.map((i) => ({ ...i, span: { ...i.span, startTimeUnixNano: spans[0]!.span.startTimeUnixNano } }));
    // One millisecond for all: in arrival order the links leave the steps in place (read once), reversed they move them.
    assert.ok(orderedSession(sameMs(agentTurn())).dataflow, 'links read while ordering are kept');
    assert.equal(orderedSession(sameMs(agentTurn()).reverse()).dataflow, undefined, 'steps moved: the graph reads them again');
    for (const inputs of [agentTurn(), sameMs(agentTurn()), sameMs(agentTurn()).reverse(), syntheticSession(3000)]) {
      const { steps, graph } = buildSession(inputs);
      assert.deepStrictEqual(graph, buildGraph(steps, parentIndices(steps)));
      assert.ok(graph.edges.some((e) => e.kind === 'dataflow'), 'the case has dataflow');
    }
  });

  it('answers per-step phases in O(1) and finds cursors by time in O(log n)', () => {
    const { steps, timeline } = buildSession(agentTurn());
    assert.deepEqual([0, 1, 2, 3, 4, 8].map((c) => stepPhaseAt(timeline, steps, 2, c)), ['pending', 'pending', 'pending', 'running', 'failed', 'failed']);
    assert.deepEqual([cursorAtTime(timeline, T - 1), cursorAtTime(timeline, T + 10), cursorAtTime(timeline, T + 45), cursorAtTime(timeline, T + 1e6)], [0, 1, 3, 8]);
    assert.equal(seek(timeline, 0, 1, (type, s) => type === 'end' && steps[s].kind === 'llm'), 2);
    assert.equal(seek(timeline, 8, -1, (type) => type === 'start'), 5);
  });

  it('matches tool calls by name and order when no call ids were recorded (parallel calls included)', () => {
    const llm = spanInput({ spanId: '0000000000000011', startMs: T, endMs: T + 5, attrs: { 'openinference.span.kind': 'LLM',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'f',
      'llm.output_messages.0.message.tool_calls.1.tool_call.function.name': 'f' } });
    const t1 = spanInput({ spanId: '0000000000000012', startMs: T + 6, endMs: T + 7, attrs: { 'openinference.span.kind': 'TOOL', 'tool.name': 'f' } });
    const t2 = spanInput({ spanId: '0000000000000013', startMs: T + 8, endMs: T + 9, attrs: { 'openinference.span.kind': 'TOOL', 'tool.name': 'f' } });
    const next = spanInput({ spanId: '0000000000000014', startMs: T + 10, endMs: T + 12, attrs: { 'openinference.span.kind': 'LLM', 'llm.input_messages.0.message.role': 'tool', 'llm.input_messages.0.message.content': 'r' } });
    const flow = buildSession([llm, t1, t2, next]).graph.edges.filter((e) => e.kind === 'dataflow').map((e) => `${e.from.slice(-2)}>${e.to.slice(-2)}`);
    assert.deepEqual(flow, ['11>12', '12>14', '11>13', '13>14']);
  });
});
